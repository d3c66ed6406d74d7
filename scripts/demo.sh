#!/usr/bin/env bash
# The main job on a small default: install, build (release preset), evaluate the demo points
# of jobs/demo_points.csv in one Kokkos batch and print the table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
echo
echo "== modesweep eval --points jobs/demo_points.csv"
build/release/src/modesweep eval --points jobs/demo_points.csv | column -s, -t
echo
echo "== one point in full, with the theory's prediction beside each loss"
build/release/src/modesweep eval --alpha 1.5 --beta 1 --gamma 1 --N 1e9 --D 1e11 --tau 1e11
