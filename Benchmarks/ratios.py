#!/usr/bin/env python3
"""Runs the verify benchmarks once and prints each result as a ratio to raw P-256 verify,
measured in the same run. Usage (from Benchmarks/): python3 ratios.py [existing.jmh.json]

Ratios come from the p50 wall-clock time per sample, not from the throughput column: every
sample runs `scalingFactor` (1,000) verifications, and ordo-one records throughput as whole
samples per second, which rounds a 50 µs verification to 20 or 21 per second, 5 % apart."""
import glob, json, os, subprocess, sys, tempfile

ITERATIONS_PER_SAMPLE = 1_000  # scalingFactor: .kilo in VerifyBenchmarks.swift

def run():
    out = tempfile.mkdtemp()
    subprocess.run(["swift", "package", "--disable-sandbox", "--allow-writing-to-directory", out,
                    "benchmark", "--format", "jmh", "--path", out], check=True,
                   stdout=subprocess.DEVNULL)
    return glob.glob(os.path.join(out, "*.json"))[0]

path = sys.argv[1] if len(sys.argv) > 1 else run()
results = {}
for element in json.load(open(path)):
    name = element["benchmark"].split(".")[-1].replace("_", " ")
    metrics = element["secondaryMetrics"]
    # JMH export: µs per sample, i.e. ns per verification at 1,000 verifications per sample.
    ns = metrics["Time (wall clock)"]["scorePercentiles"]["50.0"] * 1_000 / ITERATIONS_PER_SAMPLE
    allocations = metrics.get("Malloc (total)", {}).get("scorePercentiles", {}).get("50.0")
    results[name] = (ns, None if allocations is None else allocations / ITERATIONS_PER_SAMPLE)

baseline = next(ns for name, (ns, _) in results.items() if name.startswith("P-256 verify"))
print(f"{'benchmark':<52} {'p50 per verify':>15} {'mallocs':>8} {'× raw P-256':>12}")
for name, (ns, allocations) in sorted(results.items(), key=lambda kv: -kv[1][0]):
    time = f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
    mallocs = "" if allocations is None else f"{allocations:.0f}"
    print(f"{name:<52} {time:>15} {mallocs:>8} {baseline / ns:>12.2f}")
print(f"(from {path})")
