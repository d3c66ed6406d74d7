"""Environments for the MPI scenario tests' mpiexec runs (Open MPI variables; other MPIs
ignore them). Neither changes a result: the files are compared bit for bit either way.

- Oversubscribed runs (more ranks than usable cores, e.g. 3 ranks on a 2-core CI machine) use
  ROMIO for MPI-IO (io=^ompio: any io component but OMPIO, which names ROMIO in Open MPI 4
  and 5 alike): Open MPI's default, OMPIO, spins in its collective writes, and with a core
  short each round waits for a time slice (measured: a 30,000-point, 150-chunk run on 3
  ranks took 22 s with OMPIO and 3.6 s with ROMIO; 2.2 s on 2 ranks). Runs with a core per
  rank keep the default that users get.
- Runs expected to end by themselves (ends_by_itself=True): when a rank exits non-zero, as in
  every refusal, mpirun waits odls_base_sigkill_timeout (1 s) before it kills ranks that are
  exiting anyway, 2 s a run in all; 0 here. Never for a run the test interrupts: a signalled
  mpirun gives its ranks that time to stop gracefully, which is what those runs test.
"""
import os


def mpi_run_env(ranks, ends_by_itself=False):
    env = dict(os.environ)
    if ranks > len(os.sched_getaffinity(0)):  # the cores this process may use
        env["OMPI_MCA_io"] = "^ompio"
    if ends_by_itself:
        env["OMPI_MCA_odls_base_sigkill_timeout"] = "0"
    return env
