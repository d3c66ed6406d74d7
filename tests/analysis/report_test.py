#!/usr/bin/env python3
"""The report renders from a small results file: every figure exists, is a non-trivial PNG,
has the axes it should (figures.json, written from the same matplotlib axes), and report.md
shows them; files the report cannot use are refused with exit 2.

usage: report_test.py MODESWEEP_BINARY SOURCE_DIR WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

import h5py

SPEC = """
[sweep]
name = "report-test"
chunk_points = 4096
[axes]
alpha = [1.5, 2.0, 3.0]
beta = [0.5, 1.0]
gamma = [0.5, 1.0]
N = {logspace = [1e3, 1e10, 15], with_inf = true}
D = {logspace = [1e3, 1e10, 8], with_inf = true}
tau = {logspace = [1e3, 1e12, 10], with_inf = true}
"""

EXPECTED = {
    "laws.eps_N": ("N", "eps_N"), "laws.eps_D": ("D", "eps_D"), "laws.eps_tau": ("tau", "eps_tau"),
    "laws.joint": ("max(eps_N, eps_D, eps_tau)", "dL"),
    "frontier.profiles": ("N", "dL"), "frontier.optimum": ("C = kappa N D", "N_opt, D_opt"),
    "heatmaps.a_N": ("gamma", "alpha"), "heatmaps.a_tau": ("beta", "alpha"),
    "drift.slope_N": ("C", "d log N_opt / d log C"), "drift.slope_L": ("C", "d log dL_opt / d log C"),
    "max_ratio": ("dL / max(eps_N, eps_D, eps_tau)", "grid points"),
}


def check(condition, message):
    if not condition:
        print(f"report_test: FAIL: {message}")
        sys.exit(1)


def main():
    binary, source, work = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    spec = os.path.join(work, "report.toml")
    with open(spec, "w") as f:
        f.write(SPEC)
    results = os.path.join(work, "report.h5")
    run = subprocess.run([binary, "run", spec, "--out", results, "-q"], capture_output=True,
                         text=True)
    check(run.returncode == 0, f"modesweep run: {run.stderr}")
    script = os.path.join(source, "analysis", "report.py")
    out = os.path.join(work, "report")
    rep = subprocess.run(["/usr/bin/python3", script, results, "--out", out, "--modesweep", binary],
                         capture_output=True, text=True)
    check(rep.returncode == 0, f"report.py: {rep.stderr}")
    with open(os.path.join(out, "figures.json")) as f:
        manifest = json.load(f)
    for key, (xlabel, ylabel) in EXPECTED.items():
        check(key in manifest, f"figure panel {key} missing from figures.json")
        check(manifest[key]["xlabel"] == xlabel and manifest[key]["ylabel"] == ylabel,
              f"{key}: axes {manifest[key]} (want {xlabel!r}, {ylabel!r})")
    with open(os.path.join(out, "report.md")) as f:
        md = f.read()
    for name in ("laws", "frontier", "heatmaps", "drift", "max_ratio"):
        path = os.path.join(out, f"{name}.png")
        check(os.path.exists(path), f"{name}.png not written")
        with open(path, "rb") as f:
            head = f.read(8)
        check(head == b"\x89PNG\r\n\x1a\n", f"{name}.png is not a PNG")
        check(os.path.getsize(path) > 10000, f"{name}.png is nearly empty")
        check(f"({name}.png)" in md, f"report.md does not show {name}.png")
    check("| a_N |" in md and "% lie in [1, 3]" in md, "report.md lacks its numbers")

    # Refusals: an unfinished file and a design (not factorial) file.
    bad = os.path.join(work, "unfinished.h5")
    shutil.copy(results, bad)
    with h5py.File(bad, "r+") as f:
        f.attrs["status"] = "interrupted"
    rep = subprocess.run(["/usr/bin/python3", script, bad, "--out", os.path.join(work, "x"),
                          "--modesweep", binary], capture_output=True, text=True)
    check(rep.returncode == 2 and "--resume" in rep.stderr, f"unfinished file: {rep.stderr}")
    with h5py.File(bad, "r+") as f:
        f.attrs["status"] = "complete"
        f.attrs["design"] = "sobol"
    rep = subprocess.run(["/usr/bin/python3", script, bad, "--out", os.path.join(work, "x"),
                          "--modesweep", binary], capture_output=True, text=True)
    check(rep.returncode == 2 and "factorial" in rep.stderr, f"design file: {rep.stderr}")
    print(f"report_test: OK ({len(EXPECTED)} panels in 5 figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
