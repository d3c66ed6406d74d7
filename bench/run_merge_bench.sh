#!/usr/bin/env bash
# Shard merge benchmark (issue #6), in one run on the same disk: `modesweep merge` of the
# bench/sweep_1e7.toml grid (11.0M points) from 4 shards on 1 and 2 ranks, beside `cp` of the
# same shard files (the bytes read and written, no HDF5), and the merged file checked equal to
# a single run.
# Usage: bench/run_merge_bench.sh [build-dir] [scratch-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
scratch="${2:-$(mktemp -d -p "$PWD" bench-scratch.XXXXXX)}"
trap 'rm -rf "$scratch"' EXIT
source scripts/mpi_env.sh
cmake --build "$build" --target modesweep -j"$(nproc)" >/dev/null
mpirun=(mpirun "${MODESWEEP_MPIRUN_FLAGS[@]}")
ms="$build/src/modesweep"
spec=bench/sweep_1e7.toml

echo "== shards: 4 of $spec on 2 ranks each, and a single run"
for i in 0 1 2 3; do
  "${mpirun[@]}" -n 2 "$ms" run "$spec" --out "$scratch/m.h5" --shard "$i/4" -q >/dev/null
done
"${mpirun[@]}" -n 2 "$ms" run "$spec" --out "$scratch/single.h5" -q >/dev/null
bytes=$(du -cb "$scratch"/m.shard-*.h5 | tail -1 | cut -f1)
echo "shard files: $((bytes / 1000000)) MB"

seconds() { /usr/bin/python3 -c 'import sys,time; print(f"{time.time():.3f}")'; }
echo "== merge"
declare -A t
for n in 1 2; do
  sync
  t0=$(seconds)
  "${mpirun[@]}" -n "$n" "$ms" merge "$spec" --shards 4 --out "$scratch/m.h5" --force -q >/dev/null
  sync
  t1=$(seconds)
  t[$n]=$(/usr/bin/python3 -c "print(f'{$t1 - $t0:.2f}')")
  echo "merge on $n rank(s): ${t[$n]} s"
done
/usr/bin/python3 tests/sweep/compare_results.py "$scratch/single.h5" "$scratch/m.h5"

echo "== baseline: cp of the same shard files, synced"
sync
t0=$(seconds)
for f in "$scratch"/m.shard-*.h5; do cp "$f" "$f.copy"; done
sync
t1=$(seconds)
tcp=$(/usr/bin/python3 -c "print(f'{$t1 - $t0:.2f}')")
echo "cp: $tcp s"
/usr/bin/python3 -c "print(f'merge / cp time: 1 rank {${t[1]}/$tcp:.2f}x, 2 ranks {${t[2]}/$tcp:.2f}x; merge rate 1 rank {$bytes/1e6/${t[1]}:.0f} MB/s of shard data')"
