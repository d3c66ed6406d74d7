#!/usr/bin/env bash
# The main job on a small default: install, build (release preset), run the demo sweep
# (jobs/demo.toml, 55,440 points) on 2 MPI ranks into results/demo.h5 and describe the file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
source scripts/mpi_env.sh
echo
echo "== mpirun -n 2 modesweep run jobs/demo.toml"
mpirun "${MODESWEEP_MPIRUN_FLAGS[@]}" -n 2 build/release/src/modesweep run jobs/demo.toml --force
echo
echo "== modesweep show results/demo.h5"
build/release/src/modesweep show results/demo.h5
echo
echo "== one point in full, with the theory's prediction beside each loss"
build/release/src/modesweep eval --alpha 1.5 --beta 1 --gamma 1 --N 1e9 --D 1e11 --tau 1e11
