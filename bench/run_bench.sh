#!/usr/bin/env bash
# Benchmarks the exact evaluator (issue #2); results go to BENCHMARKS.md by hand.
#  1. Google Benchmark: time per point at N = D = tau = 1e3, 1e6, 1e12, 1e24 (must be flat).
#  2. Side by side on the same 200 points: modesweep vs the NumPy direct sum over 1e6 modes
#     (bench/numpy_baseline.py), both timed on evaluation only, with the ratio and the
#     baseline's relative error against us.
# Usage: bench/run_bench.sh [build-dir]   (default build/release; run scripts/demo.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cmake --build "$build" --target bench_exact_loss bench_points -j"$(nproc)" >/dev/null

echo "== 1. cost per point vs scale (one core)"
"$build/bench/bench_exact_loss" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$tmp/gbench.json" --benchmark_out_format=json | grep -E "median|Benchmark|---"
/usr/bin/python3 - "$tmp/gbench.json" <<'PY'
import json, sys
runs = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"]
per = {}
for b in runs:
    name, scale = b["run_name"].split("/")
    per.setdefault(name, {})[int(scale)] = b["real_time"] / 48 * 1e3  # us per set -> ns per point
for name, by_scale in per.items():
    line = ", ".join("1e%d: %.0f ns" % (s, t) for s, t in sorted(by_scale.items()))
    print("%s per point: %s; cost(1e24)/cost(1e3) = %.2f; %.0f points/s" % (
        name, line, by_scale[24] / by_scale[3], 1e9 / max(by_scale.values())))
PY

echo
echo "== 2. modesweep vs NumPy direct sum (1e6 modes), same 200 points, evaluation only"
/usr/bin/python3 bench/make_bench_points.py "$tmp/points.csv" 200
"$build/bench/bench_points" "$tmp/points.csv" "$tmp/ours.csv" 3 | tee "$tmp/ours.txt"
/usr/bin/python3 bench/numpy_baseline.py --csv-in "$tmp/points.csv" --csv-out "$tmp/numpy.csv" | tee "$tmp/numpy.txt"
/usr/bin/python3 - "$tmp" <<'PY'
import csv, math, re, sys
d = sys.argv[1]
ours_t = float(re.search(r"([0-9.]+) s total", open(d + "/ours.txt").read()).group(1))
base_t = float(re.search(r"([0-9.]+) s total", open(d + "/numpy.txt").read()).group(1))
ours = [float(r["log_dL"]) for r in csv.DictReader(open(d + "/ours.csv"))]
base = [float(r["log_dL"]) for r in csv.DictReader(open(d + "/numpy.csv"))]
errors = [abs(math.expm1(b - o)) for o, b in zip(ours, base)]
errors.sort()
print("speed-up modesweep / numpy: %.0fx (numpy %.3f s, modesweep %.4f s)" % (base_t / ours_t, base_t, ours_t))
print("numpy baseline relative error vs modesweep: median %.2e, max %.2e, %d of %d points worse than 1e-10"
      % (errors[len(errors) // 2], errors[-1], sum(e > 1e-10 for e in errors), len(errors)))
PY
