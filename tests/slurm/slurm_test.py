#!/usr/bin/env python3
"""modesweep on a real Slurm: starts munged, slurmctld and slurmd on localhost
(scripts/slurm_cluster.sh), submits with `modesweep submit`, and checks from outside:

  1. the demo pipeline (sweep -> report) ends COMPLETED with the same bits as a direct run;
  2. a job array of shards plus its merge job equals the direct run;
  3. a sweep whose time limit is shorter than the work stops before the limit, requeues
     itself and resumes until done, with the same bits as a direct run: as one job (ignoring
     a stray early warning) and as a job array whose tasks requeue, then merge;
  4. a failing sweep or merge (its output is not a results file) has its dependants cancelled
     and leaves that file alone.

Every daemon it started is stopped at the end, pass or fail. Needs root (the daemons run as
root) and Debian's slurm-wlm and munge (scripts/setup.sh); exits 77 (skipped) when not root.

usage: slurm_test.py MODESWEEP_BINARY PROJECT_DIR WORKDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
            "PREEMPTED", "BOOT_FAIL", "DEADLINE"}

# About 17 s of work on two ranks alone here, twice that while the two time-limit pipelines
# share the cores: longer than the 10 s a 1-minute job gets before its 50 s warning, so each
# sweep is cut at least once. Monte Carlo, whose cost is the replicas,
# not an exact factorial grid: capacity panels made that 8x faster and too short for this.
TIME_LIMIT_SPEC = """
[sweep]
name = "timelimit"
mode = "mc"
replicas = 120
seed = 7
chunk_points = 64
[axes]
alpha = [1.5, 2.5]
beta = [0.7, 1.5]
gamma = 1.0
N = {logspace = [1e3, 1e9, 7], with_inf = true}
D = {logspace = [1e3, 1e9, 7], with_inf = true}
tau = {logspace = [1e3, 1e12, 10], with_inf = true}
"""


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(command, env=None, timeout=600):
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    return result


class Cluster:
    def __init__(self, project, base):
        self.script = os.path.join(project, "scripts", "slurm_cluster.sh")
        self.base = base
        self.env = dict(os.environ, SLURM_CONF=os.path.join(base, "etc", "slurm.conf"))

    def start(self):
        result = run(["bash", self.script, "start", self.base, "4"])
        check(result.returncode == 0, f"cluster did not start: {result.stderr.strip()}")

    def daemon_pids(self):
        pids = {}
        run_dir = os.path.join(self.base, "run")
        for name in ("munged", "slurmctld", "slurmd"):
            path = os.path.join(run_dir, f"{name}.pid")
            if os.path.exists(path):
                with open(path) as f:
                    text = f.read().strip()
                if text:
                    pids[name] = int(text)
        return pids

    def stop(self):
        pids = self.daemon_pids()
        result = run(["bash", self.script, "stop", self.base])
        alive = [f"{n} ({p})" for n, p in pids.items() if process_alive(p)]
        return result.returncode, alive

    def squeue_states(self, job_ids):
        result = run(["squeue", "-h", "-t", "all", "-j", ",".join(job_ids), "-o", "%i %T"],
                     env=self.env)
        states = {}
        for line in result.stdout.split("\n"):
            if line.strip():
                job, state = line.split()
                states[job] = state
        return states

    def wait(self, job_ids, seconds, what):
        """Polls squeue until every job (and array task) of job_ids is finished."""
        deadline = time.time() + seconds
        states = {}
        while time.time() < deadline:
            states = self.squeue_states(job_ids)
            mine = {j: s for j, s in states.items() if j.split("_")[0] in job_ids}
            if mine and all(s in TERMINAL for s in mine.values()) and \
                    all(any(j.split("_")[0] == i for j in mine) for i in job_ids) and \
                    not any("[" in j for j in mine):
                return mine
            time.sleep(0.5)
        raise Failure(f"{what}: jobs not finished after {seconds} s: {states}")

    def restarts(self, job_id):
        """(Restarts, JobId) of one job or array task ("ID_TASK")."""
        result = run(["scontrol", "show", "job", job_id], env=self.env)
        restarts = re.search(r"Restarts=(\d+)", result.stdout)
        own_id = re.search(r"^JobId=(\d+)", result.stdout, re.M)
        return (int(restarts.group(1)) if restarts else -1, own_id.group(1) if own_id else "?")


def process_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def submit(binary, env, spec, out, *options):
    result = run([binary, "submit", spec, "--out", out, *options], env=env)
    check(result.returncode == 0, f"submit {spec}: exit {result.returncode}: {result.stderr.strip()}")
    jobs = dict(re.findall(r"^job (\w+) (\d+)$", result.stdout, re.M))
    check("sweep" in jobs and "report" in jobs, f"submit printed no job ids: {result.stdout}")
    return jobs


def same_bits(project, a, b, what):
    result = run([sys.executable, os.path.join(project, "tests", "sweep", "compare_results.py"), a, b])
    check(result.returncode == 0, f"{what}: {result.stdout.strip()}")


def direct_run(binary, spec, out):
    """The reference: the same spec run directly with mpirun on 2 ranks, outside Slurm."""
    result = run(["mpirun", "--oversubscribe", "-n", "2", binary, "run", spec, "--out", out, "-q"])
    check(result.returncode == 0, f"direct run of {spec}: {result.stderr.strip()}")


def log_text(job_dir):
    text = ""
    for name in sorted(os.listdir(job_dir)):
        if name.endswith(".out"):
            with open(os.path.join(job_dir, name)) as f:
                text += f.read()
    return text


def scenarios(binary, project, work, cluster):
    env = cluster.env
    demo = os.path.join(project, "jobs", "demo.toml")
    ref = os.path.join(work, "ref")
    os.makedirs(ref)
    direct_run(binary, demo, os.path.join(ref, "demo.h5"))

    # 1 and 2, submitted together (the cluster has 4 CPUs): the demo pipeline end to end, and
    # a job array of 3 shards plus the merge.
    t0 = time.time()
    pipeline_out = os.path.join(work, "pipeline", "demo.h5")
    pipeline = submit(binary, env, demo, pipeline_out, "--ntasks", "2", "--time", "10")
    array_out = os.path.join(work, "array", "demo.h5")
    array = submit(binary, env, demo, array_out, "--array", "3", "--ntasks", "1", "--time", "10")
    check("merge" in array, f"an array pipeline without a merge job: {array}")
    states = cluster.wait(list(pipeline.values()) + list(array.values()), 180, "demo pipelines")
    check(all(s == "COMPLETED" for s in states.values()), f"demo pipeline states: {states}")
    same_bits(project, os.path.join(ref, "demo.h5"), pipeline_out, "pipeline vs direct run")
    with open(os.path.join(work, "pipeline", "demo.summary.json")) as f:
        summary = json.load(f)
    check(summary["complete"] is True and summary["points"] == 55440, f"summary: {summary}")
    report = os.path.join(work, "pipeline", "demo.report", "report.md")
    check(os.path.exists(report) and os.path.exists(report.replace("report.md", "laws.png")),
          "the report job rendered no report")
    sweep_tasks = [j for j in states if j.startswith(array["sweep"] + "_")]
    check(len(sweep_tasks) == 3, f"array tasks: {states}")
    same_bits(project, os.path.join(ref, "demo.h5"), array_out, "array + merge vs direct run")
    print(f"slurm_test: pipeline sweep -> report, and array of 3 shards + merge -> report: "
          f"COMPLETED, same bits ({time.time() - t0:.1f} s)")

    # 3. A time limit shorter than the work: stop, requeue, resume; as one job (which also
    # gets a stray early warning, to be ignored) and as an array of 2 shards plus the merge,
    # submitted together (sharing the cores only adds work per job: more requeues).
    spec = os.path.join(work, "timelimit.toml")
    with open(spec, "w") as f:
        f.write(TIME_LIMIT_SPEC)
    t0 = time.time()
    variants = {}
    for shards, ntasks in ((0, 2), (2, 1)):
        out = os.path.join(work, f"timelimit-{shards}", "timelimit.h5")
        variants[shards] = (out, submit(binary, env, spec, out, "--array", str(shards),
                                        "--ntasks", str(ntasks), "--time", "1",
                                        "--warn-seconds", "50"))
    # A warning with ~60 s left is 10 s early for a 50 s window: stray, ignored. Signal once
    # the one-job sweep has installed its traps: it logs "restart 0:" after them.
    job_dir = os.path.join(work, "timelimit-0", "timelimit.slurm")
    deadline = time.time() + 30
    while "restart 0:" not in (log_text(job_dir) if os.path.isdir(job_dir) else ""):
        check(time.time() < deadline, "the time-limit sweep never started")
        time.sleep(0.1)
    run(["scancel", "--signal=USR1", "--batch", variants[0][1]["sweep"]], env=env)
    # The reference, while the jobs run (they idle between requeues; sharing the cores only
    # cuts them more often).
    t_direct = time.time()
    direct_run(binary, spec, os.path.join(ref, "timelimit.h5"))
    t_direct = time.time() - t_direct
    all_jobs = [j for _, jobs in variants.values() for j in jobs.values()]
    states = cluster.wait(all_jobs, 600, "time limit")
    check(all(s == "COMPLETED" for s in states.values()), f"time-limit states: {states}")
    for shards, (out, jobs) in variants.items():
        sweep_jobs = [j for j in states if j.split("_")[0] == jobs["sweep"]]
        job_dir = os.path.join(work, f"timelimit-{shards}", "timelimit.slurm")
        restarts = []
        for job in sweep_jobs:
            count, own_id = cluster.restarts(job)
            restarts.append(count)
            # Each requeue is the task's own: an array task once requeued the whole array.
            with open(os.path.join(job_dir, f"modesweep-timelimit-sweep-{own_id}.out")) as f:
                requeues = f.read().count("requeueing to finish the sweep")
            check(count == requeues, f"{job}: Restarts={count} but it requeued itself "
                                     f"{requeues} times")
        logs = log_text(job_dir)
        check(max(restarts) >= 1 and "requeueing to finish the sweep" in logs,
              f"a sweep was never cut by its time limit (restarts {restarts}; the direct run "
              f"took {t_direct:.1f} s beside the jobs, a job gets 10 s per run): make "
              f"TIME_LIMIT_SPEC bigger")
        check("resuming" in logs, "the requeued sweep did not resume")
        # Each stop read the job's own end time: within the 50 s window (an array task once
        # read every task's end time and stopped with "time limit in -1796231403 s").
        lefts = [int(n) for n in re.findall(r"time limit in (-?\d+) s", logs)]
        check(lefts and all(0 <= n <= 55 for n in lefts) and "invalid date" not in logs,
              f"a sweep misread its time left ({lefts}):\n{logs}")
        if shards == 0:
            check("ignoring a stray warning signal" in logs, "the stray warning was not ignored")
        same_bits(project, os.path.join(ref, "timelimit.h5"), out,
                  f"requeued sweep ({shards} shards) vs direct run")
        print(f"slurm_test: time limit, {'one job' if shards == 0 else f'{shards} shards + merge'}: "
              f"requeues {restarts}, resumed to the same bits")
    print(f"slurm_test: both time-limit pipelines done ({time.time() - t0:.1f} s)")

    # 4. A failing stage cancels its dependants and leaves the file it refused alone: a sweep
    # onto a file that is not a results file, and a merge onto one (submitted together).
    t0 = time.time()
    failing = {}
    for shards in (0, 2):
        out = os.path.join(work, f"failing-{shards}", "notes.h5")
        os.makedirs(os.path.dirname(out))
        with open(out, "w") as f:
            f.write("not a results file\n")
        failing[shards] = (out, submit(binary, env, demo, out, "--array", str(shards),
                                       "--ntasks", "1", "--time", "10"))
    all_jobs = [j for _, jobs in failing.values() for j in jobs.values()]
    states = cluster.wait(all_jobs, 180, "failing pipelines")
    for shards, (out, jobs) in failing.items():
        stage = "merge" if shards else "sweep"
        check(states.get(jobs[stage]) == "FAILED", f"{stage} onto a foreign file: {states}")
        check(states.get(jobs["report"]) == "CANCELLED",
              f"the report after a failed {stage} was not cancelled: {states}")
        with open(out) as f:
            check(f.read() == "not a results file\n", f"the failing {stage} changed the file")
        logs = log_text(os.path.join(os.path.dirname(out), "notes.slurm"))
        check(re.search(r"error: .*notes\.h5", logs) is not None,
              f"the failing {stage} logged no error naming the file:\n{logs}")
    print(f"slurm_test: failing sweep and failing merge: dependants CANCELLED, file untouched "
          f"({time.time() - t0:.1f} s)")


def main():
    binary, project, work = sys.argv[1], sys.argv[2], sys.argv[3]
    if os.geteuid() != 0:
        print("slurm_test: SKIPPED: the test cluster's daemons must run as root")
        return 77
    for tool in ("slurmctld", "slurmd", "munged", "sbatch"):
        if shutil.which(tool) is None:
            print(f"slurm_test: FAIL: {tool} not found: run scripts/setup.sh (slurm-wlm, munge)")
            return 1
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    # The daemons' sockets live under the base: keep its path short.
    cluster = Cluster(project, os.path.join(work, "cluster"))
    status = 0
    try:
        cluster.start()
        scenarios(binary, project, work, cluster)
    except Failure as e:
        print(f"slurm_test: FAIL: {e}")
        for name in ("slurmctld.log", "slurmd.log"):
            path = os.path.join(cluster.base, "log", name)
            if os.path.exists(path):
                with open(path) as f:
                    tail = f.read().splitlines()[-15:]
                print(f"--- last lines of {name}:\n" + "\n".join(tail))
        status = 1
    finally:
        code, alive = cluster.stop()
        if code != 0 or alive:
            print(f"slurm_test: FAIL: cluster stop exit {code}, still alive: {alive}")
            status = 1
        else:
            print("slurm_test: every daemon stopped")
    if status == 0:
        print("slurm_test: OK")
    return status


if __name__ == "__main__":
    sys.exit(main())
