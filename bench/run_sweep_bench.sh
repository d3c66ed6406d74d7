#!/usr/bin/env bash
# Sweep engine benchmarks (issue #3), all in one run on the same disk:
#  0. the kernel alone on one core (bench_sweep_kernel: no MPI, no file), with its stats;
#  1. end to end: `modesweep run bench/sweep_1e7.toml` (11.0M points) on 1 and 2 ranks,
#     points/s and the 2-rank speed-up;
#  2. the results writer alone (bench_results_write: synthetic chunks through the same
#     collective rounds, flushes and progress flags) on 1 and 2 ranks, beside
#  3. the disk's raw sequential write speed: dd of the same number of bytes, fdatasync'd.
# Usage: bench/run_sweep_bench.sh [build-dir] [scratch-dir]   (default build/release, a tmp dir
# under the working directory so that it is on the same disk as results/)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
scratch="${2:-$(mktemp -d -p "$PWD" bench-scratch.XXXXXX)}"
trap 'rm -rf "$scratch"' EXIT
source scripts/mpi_env.sh
cmake --build "$build" --target modesweep bench_results_write bench_sweep_kernel -j"$(nproc)" \
  >/dev/null
mpirun=(mpirun "${MODESWEEP_MPIRUN_FLAGS[@]}")

echo "== 0. the kernel alone, bench/sweep_1e7.toml"
"$build/bench/bench_sweep_kernel" bench/sweep_1e7.toml

echo "== 1. end to end, bench/sweep_1e7.toml"
declare -A rate
for n in 1 2; do
  line=$("${mpirun[@]}" -n "$n" "$build/src/modesweep" run bench/sweep_1e7.toml \
    --out "$scratch/e2e-$n.h5" --force -q)
  echo "$n rank(s): $line"
  rate[$n]=$(echo "$line" | sed -E 's/.*\(([0-9.]+[kMG]?) points\/s\).*/\1/')
done
echo "points/s: 1 rank ${rate[1]}, 2 ranks ${rate[2]}"
/usr/bin/python3 tests/sweep/compare_results.py "$scratch/e2e-1.h5" "$scratch/e2e-2.h5"
rm -f "$scratch"/e2e-*.h5

echo "== 2. results writer alone (20M points: dL and bottleneck per point, eps_N over N)"
for n in 1 2; do
  line=$("${mpirun[@]}" -n "$n" "$build/bench/bench_results_write" "$scratch/write.h5" 20000000)
  echo "$line"
  bytes=$(echo "$line" | sed -E 's/.* bytes=([0-9]+) .*/\1/')
  rm -f "$scratch/write.h5"
done

echo "== 3. raw sequential write: dd, the file's bytes, fdatasync"
dd if=/dev/zero of="$scratch/dd.bin" bs=1M count=$(( (bytes + 1048575) / 1048576 )) conv=fdatasync 2>&1 | tail -1
rm -f "$scratch/dd.bin"
