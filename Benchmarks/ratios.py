#!/usr/bin/env python3
"""Runs the verify benchmarks and prints each result as a ratio to raw P-256 verify measured in
the same run. Usage (from Benchmarks/):

    python3 ratios.py [rounds=3]          # runs the harness `rounds` times
    python3 ratios.py run1.jmh.json ...   # reads earlier runs instead

Within a round, a ratio is raw P-256's p50 time per verification over the candidate's, both from
ordo-one's wall-clock histogram. Not from its throughput column: every sample runs
`scalingFactor` (1,000) verifications and ordo-one records throughput as whole samples per
second, which rounds a 50 µs verification to 20 or 21, 5 % apart.

The result is the median of the rounds' ratios. ordo-one runs one benchmark after the other, so
a stretch of seconds in which the VM is slow (seen here: one benchmark's p50 at 70 µs, its p0 at
53.5 µs, the others unaffected) lands on one benchmark of one round; the median of several
rounds does not follow it."""
import glob, json, os, statistics, subprocess, sys, tempfile

ITERATIONS_PER_SAMPLE = 1_000  # scalingFactor: .kilo in VerifyBenchmarks.swift


def run():
    out = tempfile.mkdtemp()
    subprocess.run(["swift", "package", "--disable-sandbox", "--allow-writing-to-directory", out,
                    "benchmark", "--format", "jmh", "--path", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return glob.glob(os.path.join(out, "*.json"))[0]


def read(path):
    """benchmark name -> (p50 ns per verification, mallocs per verification or None)"""
    results = {}
    for element in json.load(open(path)):
        name = element["benchmark"].split(".")[-1].replace("_", " ")
        metrics = element["secondaryMetrics"]
        # JMH export: µs per sample, i.e. ns per verification at 1,000 verifications per sample.
        ns = metrics["Time (wall clock)"]["scorePercentiles"]["50.0"] * 1_000 / ITERATIONS_PER_SAMPLE
        allocations = metrics.get("Malloc (total)", {}).get("scorePercentiles", {}).get("50.0")
        results[name] = (ns, None if allocations is None else allocations / ITERATIONS_PER_SAMPLE)
    return results


def ratios(results):
    baseline = next(ns for name, (ns, _) in results.items() if name.startswith("P-256 verify"))
    return {name: baseline / ns for name, (ns, _) in results.items()}


arguments = sys.argv[1:]
if arguments and not arguments[0].isdigit():
    paths = arguments
else:
    rounds = int(arguments[0]) if arguments else 3
    paths = []
    for index in range(rounds):
        paths.append(run())
        print(f"round {index + 1}/{rounds}: {paths[-1]}", file=sys.stderr)

runs = [read(path) for path in paths]
names = sorted(runs[0], key=lambda name: -runs[0][name][0])
width = 52
print(f"{'benchmark':<{width}} {'p50 per verify':>15} {'mallocs':>8} "
      + " ".join(f"{'round ' + str(i + 1):>8}" for i in range(len(runs))) + f" {'× raw (median)':>15}")
for name in names:
    ns = statistics.median(run[name][0] for run in runs)
    allocations = runs[0][name][1]
    per_round = [ratios(run)[name] for run in runs]
    time = f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
    mallocs = "" if allocations is None else f"{allocations:.0f}"
    print(f"{name:<{width}} {time:>15} {mallocs:>8} " + " ".join(f"{r:>8.2f}" for r in per_round)
          + f" {statistics.median(per_round):>15.2f}")
