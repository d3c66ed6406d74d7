# Sourced by the scripts that start MPI jobs: Open MPI refuses to run as root unless told,
# and more ranks than cores need --oversubscribe (CI machines have 2 cores, tests use 3 ranks).
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
MODESWEEP_MPIRUN_FLAGS=(--oversubscribe)
