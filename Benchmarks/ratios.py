#!/usr/bin/env python3
"""Runs the verify benchmarks once and prints each result as a ratio to raw P-256 verify,
measured in the same run. Usage (from Benchmarks/): python3 ratios.py [existing.jmh.json]"""
import glob, json, os, subprocess, sys, tempfile

def run():
    out = tempfile.mkdtemp()
    subprocess.run(["swift", "package", "--disable-sandbox", "--allow-writing-to-directory", out,
                    "benchmark", "--format", "jmh", "--path", out], check=True,
                   stdout=subprocess.DEVNULL)
    return glob.glob(os.path.join(out, "*.json"))[0]

path = sys.argv[1] if len(sys.argv) > 1 else run()
results = {e["benchmark"].split(".")[-1].replace("_", " "): e["primaryMetric"]["scorePercentiles"]["50.0"]
           for e in json.load(open(path))}
baseline = next(v for k, v in results.items() if k.startswith("P-256 verify"))
print(f"{'benchmark':<55} {'p50 ops/s':>10} {'× raw P-256':>12}")
for name, ops in sorted(results.items(), key=lambda kv: kv[1]):
    print(f"{name:<55} {ops:>10} {ops / baseline:>12.2f}")
