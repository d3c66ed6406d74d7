#!/usr/bin/env bash
# Sweep engine benchmarks (issue #3), all in one run on the same disk:
#  0. the kernel alone on one core (bench_sweep_kernel: no MPI, no file), with its stats;
#  1. end to end: `modesweep run` of bench/sweep_1e7.toml (11.0M points) and
#     bench/sweep_4e7.toml (44.0M) on 1 and 2 ranks, points/s and the 2-rank speed-up;
#  2. the results writer alone (bench_results_write: synthetic chunks through the same
#     rounds, syncs and progress flags) on 1 and 2 ranks, beside
#  3. the disk's raw sequential write speed: dd of the same number of bytes, fdatasync'd.
# Usage: [REPS=3] bench/run_sweep_bench.sh [build-dir] [scratch-dir]   (default build/release,
# a tmp dir under the working directory so that it is on the same disk as results/)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
scratch="${2:-$(mktemp -d -p "$PWD" bench-scratch.XXXXXX)}"
reps="${REPS:-3}"
trap 'rm -rf "$scratch"' EXIT
source scripts/mpi_env.sh
cmake --build "$build" --target modesweep bench_results_write bench_sweep_kernel -j"$(nproc)" \
  >/dev/null
mpirun=(mpirun "${MODESWEEP_MPIRUN_FLAGS[@]}")

echo "== 0. the kernel alone, bench/sweep_1e7.toml"
"$build/bench/bench_sweep_kernel" bench/sweep_1e7.toml

# This VM's core and disk speeds drift by tens of percent within minutes: every measurement
# is repeated $reps times, the runs it is compared with interleaved, and medians compared.
# The disk's writeback of the previous run (and ext4's freeing of a deleted file) takes a core
# for a while after it: 2 ranks started at once ran 20-30% slower (measured). Let it finish.
settle() { sync; sleep 2; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# End to end on 1 and 2 ranks, interleaved: medians of points/s and of each repeat's ratio.
end_to_end() {
  local spec="$1" r n line value
  local -a rate1=() rate2=() ratio=()
  for r in $(seq "$reps"); do
    for n in 1 2; do
      rm -f "$scratch/e2e-$n.h5"
      settle
      line=$("${mpirun[@]}" -n "$n" "$build/src/modesweep" run "$spec" --out "$scratch/e2e-$n.h5" -q)
      echo "$n rank(s): $line"
      # "complete, P points ... (R points/s)": R is points over wall time, 3 significant digits
      value=$(echo "$line" | sed -E 's/.*\(([0-9.]+)([kMG]?) points\/s\).*/\1 \2/' |
        awk '{m = ($2 == "G") ? 1e9 : ($2 == "M") ? 1e6 : ($2 == "k") ? 1e3 : 1; print $1 * m}')
      if [ "$n" = 1 ]; then rate1+=("$value"); else rate2+=("$value"); fi
    done
    ratio+=("$(awk -v a="${rate1[-1]}" -v b="${rate2[-1]}" 'BEGIN {print b / a}')")
  done
  awk -v a="$(median "${rate1[@]}")" -v b="$(median "${rate2[@]}")" -v q="$(median "${ratio[@]}")" \
    'BEGIN {printf "median points/s: 1 rank %.3g, 2 ranks %.3g (%.3g per rank); 2 ranks / 1 rank: %.2f (median of the repeats)\n", a, b, b / 2, q}'
  /usr/bin/python3 tests/sweep/compare_results.py "$scratch/e2e-1.h5" "$scratch/e2e-2.h5"
  rm -f "$scratch"/e2e-*.h5
}

echo "== 1a. end to end, bench/sweep_1e7.toml (11.0M points), $reps x (1 rank, 2 ranks)"
end_to_end bench/sweep_1e7.toml
echo "== 1b. end to end, bench/sweep_4e7.toml (44.0M points: a run's fixed costs, about 0.07 s"
echo "   of setup, first-chunk warm-up and closing, weigh a quarter as much), $reps x"
end_to_end bench/sweep_4e7.toml

echo "== 2, 3. results writer alone (20M points: dL and bottleneck per point, eps_N over N) on"
echo "   1 and 2 ranks, interleaved with dd of as many bytes (conv=fdatasync), $reps x"
declare -a write1 write2 raw
for r in $(seq "$reps"); do
  for n in 1 2; do
    rm -f "$scratch/write.h5"
    settle
    line=$("${mpirun[@]}" -n "$n" "$build/bench/bench_results_write" "$scratch/write.h5" 20000000)
    echo "$line"
    bytes=$(echo "$line" | sed -E 's/.* bytes=([0-9]+) .*/\1/')
    value=$(echo "$line" | sed -E 's/.*MB_per_s=([0-9.]+).*/\1/')
    if [ "$n" = 1 ]; then write1+=("$value"); else write2+=("$value"); fi
  done
  rm -f "$scratch/write.h5"
  settle
  line=$(dd if=/dev/zero of="$scratch/dd.bin" bs=1M count=$(((bytes + 1048575) / 1048576)) \
    conv=fdatasync 2>&1 | tail -1)
  echo "dd: $line"
  raw+=("$(echo "$line" | awk '{print $1 / $(NF - 3) / 1e6}')")
  rm -f "$scratch/dd.bin"
done
w1=$(median "${write1[@]}")
w2=$(median "${write2[@]}")
d=$(median "${raw[@]}")
awk -v a="$w1" -v b="$w2" -v d="$d" 'BEGIN {printf "median MB/s: writer 1 rank %.0f, 2 ranks %.0f, dd %.0f; dd / writer = %.2f (1 rank), %.2f (2 ranks)\n", a, b, d, d / a, d / b}'
