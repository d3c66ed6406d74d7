#!/usr/bin/env bash
# The main job on a small default: install, build (release preset), run the demo sweep
# (jobs/demo.toml, 55,440 points) on 2 MPI ranks into results/demo.h5, describe the file,
# compute an exact frontier and a small reference table, and render the report
# (results/demo.report/report.md with its figures).
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
echo "== modesweep frontier: the exact converged frontier at alpha 1.5, beta 1, gamma 1"
build/release/src/modesweep frontier --alpha 1.5 --beta 1 --gamma 1 --budget converged \
  --C-min 1e8 --C-max 1e16 --points 5
echo
echo "== modesweep eval --mc 2000: the model as a random experiment beside its exact loss"
build/release/src/modesweep eval --alpha 1.5 --beta 1 --gamma 1 --N 1e9 --D 1e11 --tau 3e11 \
  --mc 2000 --seed 1
echo
echo "== modesweep table jobs/demo-table.toml (the full one: docs/reference-tables.md)"
build/release/src/modesweep table jobs/demo-table.toml --format md
echo
echo "== analysis/report.py results/demo.h5"
/usr/bin/python3 analysis/report.py results/demo.h5 --modesweep build/release/src/modesweep
