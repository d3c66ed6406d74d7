#!/bin/bash
# Submits a whole modesweep pipeline to Slurm, each stage starting only when the one before it
# succeeded (--dependency=afterok; a failed stage cancels the stages after it):
#
#   K = 0:  sweep.sbatch                 -> report.sbatch
#   K > 0:  sweep.sbatch --array=0-(K-1) -> merge.sbatch -> report.sbatch
#
#   slurm/pipeline.sh SPEC OUT [K] [-- SBATCH_OPTIONS...]
#
# OUT is the results file; SBATCH_OPTIONS (e.g. --partition=gpu --account=proj) go to every
# stage. Prints one line per stage, "<stage> <job id>", and nothing else on stdout.
# `modesweep submit` renders these scripts with your options and runs this for you.
# Environment: MODESWEEP and the other MODESWEEP_* variables of the stage scripts (sbatch
# passes the environment on to the jobs).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 2 ]; then
  echo "usage: pipeline.sh SPEC OUT [K] [-- SBATCH_OPTIONS...]" >&2
  exit 2
fi
spec=$(realpath "$1")
out=$(realpath -m "$2")
shards=0
shift 2
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  shards=$1
  shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
case "$shards" in
  '' | *[!0-9]*)
    echo "pipeline.sh: K must be a whole number (0: no array), got '$shards'" >&2
    exit 2
    ;;
esac

submit() { sbatch --parsable "$@" | cut -d';' -f1; }
after() { echo "--dependency=afterok:$1 --kill-on-invalid-dep=yes"; }

if [ "$shards" -gt 0 ]; then
  sweep=$(submit "$@" --array="0-$((shards - 1))" "$here/sweep.sbatch" "$spec" "$out")
  echo "sweep $sweep"
  # shellcheck disable=SC2046  # after() yields two options
  merge=$(submit "$@" $(after "$sweep") "$here/merge.sbatch" "$spec" "$shards" "$out")
  echo "merge $merge"
  last=$merge
else
  sweep=$(submit "$@" "$here/sweep.sbatch" "$spec" "$out")
  echo "sweep $sweep"
  last=$sweep
fi
# shellcheck disable=SC2046
report=$(submit "$@" $(after "$last") "$here/report.sbatch" "$out")
echo "report $report"
