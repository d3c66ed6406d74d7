#!/usr/bin/env python3
"""Kill-and-resume: a sweep interrupted in every way a cluster interrupts it, then finished
with --resume (on another rank count), must equal an uninterrupted run bit for bit, and an
interrupted file must never look complete.

usage: resume_test.py [--mc] [--small] MODESWEEP_BINARY WORKDIR MPIEXEC [MPIEXEC_FLAGS...]
--small: a fifth of the points in chunks a fifth the size (as many chunks), for the slower
sanitizer builds.
"""
import os
import re
import signal
import subprocess
import sys
import time

import h5py

from mpi_run_env import mpi_run_env

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = """
[sweep]
design = "latin-hypercube"
chunk_points = 1000
[design]
count = 150000
seed = 11
[axes]
alpha = {range = [1.1, 4.0]}
beta = {range = [0.5, 2.0]}
gamma = {range = [0.5, 1.5]}
N = {range = [1e3, 1e12], scale = "log"}
D = {range = [1e3, 1e12], scale = "log"}
tau = {range = [1e3, 1e15], scale = "log"}
"""


# Monte Carlo beside the exact loss (resume_test.py --mc ...): fewer points, each costlier.
MC_SPEC = SPEC.replace('[sweep]\n', '[sweep]\nmode = "both"\nreplicas = 16\nseed = 3\n').replace(
    "chunk_points = 1000", "chunk_points = 40").replace("count = 150000", "count = 3000")


def check(condition, message):
    if not condition:
        print(f"resume_test: FAIL: {message}")
        sys.exit(1)


class Runner:
    def __init__(self, binary, workdir, mpiexec, text):
        self.binary, self.workdir, self.mpiexec = binary, workdir, mpiexec
        self.spec = os.path.join(workdir, "resume.toml")
        with open(self.spec, "w") as f:
            f.write(text)

    def command(self, ranks, out, *extra):
        return self.mpiexec + ["-n", str(ranks), self.binary, "run", self.spec, "--out", out, *extra]

    def run(self, ranks, out, *extra):
        return subprocess.run(self.command(ranks, out, *extra), capture_output=True, text=True,
                              env=mpi_run_env(ranks, ends_by_itself=True))

    def start_and_wait_for_progress(self, ranks, out, percent=15.0, extra=()):
        """Starts a run in its own session; returns once rank 0 reports >= percent done."""
        proc = subprocess.Popen(self.command(ranks, out, "--progress-interval", "0.05", *extra),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, env=mpi_run_env(ranks))
        for line in proc.stderr:
            m = re.search(r"(\d+\.\d)%", line)
            if m and float(m.group(1)) >= percent:
                return proc
        proc.wait()
        check(False, f"the run ended before {percent}% progress (exit {proc.returncode})")

    def status(self, out):
        with h5py.File(out, "r", locking=False) as f:
            done = f["sweep_progress/chunk_done"][()]
            return f.attrs["status"], int(done.sum()), len(done)

    def show(self, out):
        return subprocess.run([self.binary, "show", out], capture_output=True, text=True).stdout

    def compare(self, a, b):
        r = subprocess.run([sys.executable, os.path.join(HERE, "compare_results.py"), a, b],
                           capture_output=True, text=True)
        check(r.returncode == 0, r.stdout + r.stderr)


def rank_pids(out):
    """PIDs of the modesweep ranks writing `out` (not mpirun itself)."""
    pids = subprocess.run(["pgrep", "-f", f"modesweep run .* --out {out}"], capture_output=True,
                          text=True).stdout.split()
    ranks = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv0 = f.read().split(b"\0")[0]
        except OSError:
            continue
        if argv0.endswith(b"modesweep"):
            ranks.append(int(pid))
    return ranks


def interrupted_then_resumed(r, name, interrupt, resume_ranks, reference, expect_status=None,
                             expect_exit=None, extra=()):
    """extra: arguments of the interrupted run (the resumed one has none)."""
    out = os.path.join(r.workdir, f"{name}.h5")
    if os.path.exists(out):
        os.remove(out)
    proc = r.start_and_wait_for_progress(2, out, extra=extra)
    interrupt(proc, out)
    proc.wait(timeout=60)
    # No rank outlives the job: the file is what the interruption left.
    deadline = time.monotonic() + 30
    while rank_pids(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    check(not rank_pids(out), f"{name}: ranks still running after the job ended: {rank_pids(out)}")
    check(proc.returncode != 0, f"{name}: the interrupted run exited 0")
    if expect_exit is not None:
        check(proc.returncode == expect_exit, f"{name}: exit {proc.returncode}, expected {expect_exit}")
    status, done, total = r.status(out)
    with h5py.File(out, "r", locking=False) as f:
        started = f.attrs["start_time"]
    if expect_status is not None:
        check(status == expect_status, f"{name}: status {status!r}, expected {expect_status!r}")
    check(status != "complete" and done < total,
          f"{name}: interrupted file says {status!r} with {done}/{total} chunks")
    shown = r.show(out)
    check("INCOMPLETE" in shown, f"{name}: show does not flag the file as incomplete")
    check(f"--out {out} --resume" in shown, f"{name}: show's resume command lacks --out: {shown}")
    if name == "sigkill-all":  # a resume's dry run says what the resume would compute
        dry = r.run(1, out, "--resume", "--dry-run")
        check(dry.returncode == 0 and f"resume: {done} of {total} chunks done" in dry.stdout,
              f"{name}: resume --dry-run: {dry.returncode} {dry.stdout} {dry.stderr}")
    refused = r.run(2, out)
    check(refused.returncode == 2 and "exists" in refused.stderr,
          f"{name}: rerun without --resume was not refused: {refused.returncode} {refused.stderr}")
    resume_started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    resumed = r.run(resume_ranks, out, "--resume", "-q")
    check(resumed.returncode == 0, f"{name}: resume failed: {resumed.stderr}")
    check(r.status(out)[0] == "complete", f"{name}: resumed file is not complete")
    # The run attributes describe the last run: its rank count, and a start no earlier than
    # the resume's launch (ISO 8601 UTC strings, whole seconds, order as the times do).
    with h5py.File(out, "r", locking=False) as f:
        check(int(f.attrs["mpi_size"]) == resume_ranks,
              f"{name}: mpi_size {f.attrs['mpi_size']} after a resume on {resume_ranks} rank(s)")
        check(f.attrs["start_time"] >= resume_started and
              f.attrs["end_time"] >= f.attrs["start_time"],
              f"{name}: start_time {f.attrs['start_time']!r} (interrupted run {started!r}, resume "
              f"launched {resume_started!r}), end_time {f.attrs['end_time']!r}")
    r.compare(reference, out)
    print(f"resume_test: {name}: interrupted at {done}/{total} chunks ({status}), resumed on "
          f"{resume_ranks} rank(s): identical")


def disk_full_then_resumed(r, reference, disk_size):
    """A full disk aborts the job with a message; after space is freed, --resume finishes.
    Needs a small tmpfs (mount as root); skipped, saying so, where mounting is not allowed.
    disk_size: less than the results file needs (tmpfs size, e.g. "3m")."""
    mount_point = os.path.join(r.workdir, "small-disk")
    os.makedirs(mount_point, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={disk_size}", "tmpfs", mount_point],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"resume_test: disk-full: SKIPPED (cannot mount a tmpfs: {mounted.stderr.strip()})")
        return
    try:
        out = os.path.join(mount_point, "full.h5")
        full = r.run(2, out, "-q")
        check(full.returncode != 0, "disk-full: the run on a full disk exited 0")
        check("No space left" in full.stderr or "cannot write" in full.stderr,
              f"disk-full: no disk error reported: {full.stderr[-500:]}")
        status, done, total = r.status(out)
        check(status != "complete" and done < total, f"disk-full: file says {status!r}, {done}/{total}")
        check(subprocess.run(["mount", "-o", "remount,size=64m", mount_point]).returncode == 0,
              "disk-full: cannot grow the tmpfs")
        resumed = r.run(2, out, "--resume", "-q")
        check(resumed.returncode == 0, f"disk-full: resume failed: {resumed.stderr}")
        r.compare(reference, out)
        print(f"resume_test: disk-full: stopped at {done}/{total} chunks, resumed: identical")
    finally:
        subprocess.run(["umount", mount_point])


def smaller(text):
    """The spec with a fifth of the points in chunks a fifth the size: as many chunks."""
    def fifth(m):
        return f"{m.group(1)} = {int(m.group(2)) // 5}"
    return re.sub(r"^(count|chunk_points) = (\d+)", fifth, text, flags=re.M)


def main():
    args = sys.argv[1:]
    monte_carlo = "--mc" in args
    small = "--small" in args
    args = [a for a in args if a not in ("--mc", "--small")]
    binary, workdir, mpiexec = args[0], args[1], args[2:]
    os.makedirs(workdir, exist_ok=True)
    text = MC_SPEC if monte_carlo else SPEC
    if small:
        text = smaller(text)
    r = Runner(binary, workdir, mpiexec, text)
    reference = os.path.join(workdir, "reference.h5")
    done = r.run(1, reference, "--force", "-q")
    check(done.returncode == 0, f"reference run failed: {done.stderr}")

    def kill_all(proc, out):
        # Open MPI starts each rank in a process group of its own: SIGKILL the ranks, then
        # mpirun's group.
        for pid in rank_pids(out):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.killpg(proc.pid, signal.SIGKILL)

    def the_two_ranks(out):
        pids = rank_pids(out)
        check(len(pids) == 2, f"expected 2 rank processes, found {pids}")
        return pids

    def kill_one_rank(proc, out):
        os.kill(the_two_ranks(out)[1], signal.SIGKILL)

    def terminate(proc, out):
        # What a scheduler does at the time limit: Slurm signals every task of the step. Open
        # MPI starts each rank in a process group of its own and forwards a SIGTERM it receives
        # only about 2 s later (measured), by which time a short run has finished; so the
        # ranks are signalled directly, then mpirun's group.
        for pid in the_two_ranks(out):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:  # already gone: the checks below still apply
                pass
        os.killpg(proc.pid, signal.SIGTERM)

    interrupted_then_resumed(r, "sigkill-all", kill_all, 3, reference)
    if monte_carlo:  # the replicas' keys do not depend on who computes a chunk, or when
        interrupted_then_resumed(r, "sigterm", terminate, 2, reference)
        print("resume_test: OK (Monte Carlo)")
        return
    interrupted_then_resumed(r, "sigkill-one-rank", kill_one_rank, 1, reference)
    interrupted_then_resumed(r, "sigterm", terminate, 2, reference)

    def preemption_warning(proc, out):  # mpirun forwards SIGUSR1 (Slurm: --signal=USR1@...)
        os.kill(proc.pid, signal.SIGUSR1)

    # The graceful path: the ranks finish the chunks in flight, mark the file interrupted and
    # exit 128 + SIGUSR1.
    interrupted_then_resumed(r, "sigusr1", preemption_warning, 2, reference,
                             expect_status="interrupted", expect_exit=128 + signal.SIGUSR1)

    # The same in collective rounds (run --collective-writes), resumed without them.
    collective = ["--collective-writes"]
    interrupted_then_resumed(r, "sigkill-all-collective", kill_all, 2, reference, extra=collective)
    interrupted_then_resumed(r, "sigusr1-collective", preemption_warning, 3, reference,
                             expect_status="interrupted", expect_exit=128 + signal.SIGUSR1,
                             extra=collective)

    # The results file takes about 13 MB (2.6 MB with --small).
    disk_full_then_resumed(r, reference, "600k" if small else "3m")

    # A resume of a complete file does nothing; --force starts over.
    with open(reference, "rb") as f:
        before = f.read()
    again = r.run(1, reference, "--resume")
    check(again.returncode == 0 and "already complete" in again.stdout, "resume of a complete file")
    with open(reference, "rb") as f:
        check(f.read() == before, "a resume of a complete file changed the file")
    # A different spec cannot resume the file.
    other = os.path.join(workdir, "other.toml")
    with open(other, "w") as f:
        f.write(text.replace("seed = 11", "seed = 12"))
    mismatch = subprocess.run(mpiexec + ["-n", "1", binary, "run", other, "--out", reference, "--resume"],
                              capture_output=True, text=True, env=mpi_run_env(1, ends_by_itself=True))
    check(mismatch.returncode == 2 and "different spec" in mismatch.stderr,
          f"resume with another spec: {mismatch.returncode} {mismatch.stderr}")
    dry = subprocess.run(mpiexec + ["-n", "1", binary, "run", other, "--out", reference, "--resume",
                                    "--dry-run"],
                         capture_output=True, text=True, env=mpi_run_env(1, ends_by_itself=True))
    check(dry.returncode == 2 and "different spec" in dry.stderr,
          f"resume --dry-run with another spec: {dry.returncode} {dry.stderr}")
    print("resume_test: OK")


if __name__ == "__main__":
    main()
