#!/usr/bin/env bash
# Benchmarks Monte Carlo (issue #4); results go to BENCHMARKS.md by hand.
#  1. One replica of the count-level sampler as D grows from 1e3 to 1e24 (must stay flat):
#     replicas/s and modes sampled/s on one core.
#  2. Side by side on the same points (M = 1024, tau = 4 D): count-level sampler vs the
#     token-level simulator, the baseline a researcher would write; prints the ratio.
#  3. End to end: jobs/demo-mc.toml (500 points x 64 replicas, exact beside) on 1 and 2 ranks.
# Usage: bench/run_mc_bench.sh [build-dir]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cmake --build "$build" --target bench_mc modesweep -j"$(nproc)" >/dev/null

echo "== 1-2. one replica (one core), median of 3"
"$build/bench/bench_mc" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$tmp/gbench.json" --benchmark_out_format=json >/dev/null
/usr/bin/python3 - "$tmp/gbench.json" <<'PY'
import json, sys
runs = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"]
t = {}
modes = {}
for b in runs:
    name, k = b["run_name"].split("/")
    t.setdefault(name, {})[int(k)] = b["real_time"]  # us per replica
    modes.setdefault(name, {})[int(k)] = b.get("modes/s", 0.0)
c = t["BM_count_replica"]
print("count-level, N = inf (head 1024 modes + normal tail), tau = 4 D:")
for k in sorted(c):
    print("  D = 1e%-2d  %7.1f us/replica  %8.0f replicas/s  %5.1f M modes/s" % (
        k, c[k], 1e6 / c[k], modes["BM_count_replica"][k] / 1e6))
big = [c[k] for k in c if k >= 6]
print("  cost(D = 1e24) / cost(D = 1e3) = %.2f; max/min over D >= 1e6 = %.2f; slowest %.1f us" % (
    c[24] / c[3], max(big) / min(big), max(c.values())))
print("count-level vs token-level simulator, M = 1024, tau = 4 D (same points):")
for k in sorted(t["BM_token_small"]):
    a, b = t["BM_count_small"][k], t["BM_token_small"][k]
    print("  D = 1e%d  count %8.1f us  token %9.1f us  token/count = %.1f" % (k, a, b, b / a))
PY

echo
echo "== 3. end to end: jobs/demo-mc.toml (500 points, 64 replicas each, exact beside)"
source scripts/mpi_env.sh
for ranks in 1 2; do
  start=$(date +%s.%N)
  mpirun -n "$ranks" "$build/src/modesweep" run jobs/demo-mc.toml --out "$tmp/mc-$ranks.h5" -q >/dev/null
  end=$(date +%s.%N)
  /usr/bin/python3 -c 'import sys; s = float(sys.argv[2]) - float(sys.argv[1]); n = int(sys.argv[3])
print("  %d rank(s): %.2f s, %.0f replicas/s" % (n, s, 500 * 64 / s))' "$start" "$end" "$ranks"
done
/usr/bin/python3 tests/sweep/compare_results.py "$tmp/mc-1.h5" "$tmp/mc-2.h5"
