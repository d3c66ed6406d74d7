#!/usr/bin/env python3
"""slurm/report.sbatch on a Monte Carlo only file (mode = "mc", no exact dL): it prints the
show output, writes the summary JSON and skips the grid envelope and figures with a message,
exiting 0, so that a pipeline of an mc spec ends COMPLETED. Runs the script with bash (no
Slurm needed: its #SBATCH lines are comments).

usage: report_mc_test.py MODESWEEP_BINARY SOURCE_DIR WORKDIR
"""
import json
import os
import subprocess
import sys

SPEC = """[sweep]
mode = "mc"
replicas = 4
[axes]
alpha = [1.5, 2.0]
beta = 1.0
gamma = 1.0
N = [1e3, 1e6]
D = [1e4, inf]
tau = inf
"""


def main():
    binary, source, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    spec = os.path.join(work, "mc.toml")
    out = os.path.join(work, "mc.h5")
    with open(spec, "w") as f:
        f.write(SPEC)
    subprocess.run([binary, "run", spec, "--out", out, "--force", "-q"], check=True)
    env = dict(os.environ, MODESWEEP=binary,
               MODESWEEP_REPORT_SCRIPT=os.path.join(source, "analysis", "report.py"))
    r = subprocess.run(["bash", os.path.join(source, "slurm", "report.sbatch"), out],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0 or "Monte Carlo only" not in r.stdout:
        print(f"report_mc_test: FAIL: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
        return 1
    with open(out[:-3] + ".summary.json") as f:
        summary = json.load(f)
    if "mc_mean" not in summary["datasets"] or "dL" in summary["datasets"].split():
        print(f"report_mc_test: FAIL: datasets {summary['datasets']}")
        return 1
    print("report_mc_test: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
