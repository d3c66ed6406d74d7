#!/usr/bin/env python3
"""Grid-envelope frontiers (`modesweep frontier FILE.h5 --budget ...`) against brute force:
every envelope point is the least-dL stored point of its isoFLOP bin (numpy over the file),
the fits on a fine grid agree with the exact frontier, the group frontier/<budget> is written
into the file, and the CSV matches it.

usage: grid_envelope_test.py MODESWEEP_BINARY WORKDIR
"""
import io
import math
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

SPEC = """
[sweep]
name = "envelope-test"
chunk_points = 8192
[axes]
alpha = [2.0, 3.0]
beta = 1.0
gamma = 1.0
N = {logspace = [1e3, 1e12, 37]}
D = {logspace = [1e3, 1e14, 45], with_inf = true}
tau = {logspace = [1e3, 1e14, 12], with_inf = true}
"""


def check(condition, message):
    if not condition:
        print(f"grid_envelope_test: FAIL: {message}")
        sys.exit(1)


def main():
    binary, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    spec = os.path.join(work, "envelope.toml")
    with open(spec, "w") as f:
        f.write(SPEC)
    results = os.path.join(work, "envelope.h5")
    run = subprocess.run([binary, "run", spec, "--out", results, "-q"], capture_output=True, text=True)
    check(run.returncode == 0, f"run: {run.stderr}")
    env = subprocess.run([binary, "frontier", results, "--budget", "converged", "--csv"],
                         capture_output=True, text=True)
    check(env.returncode == 0, f"frontier FILE: {env.stderr}")
    rows = np.genfromtxt(io.StringIO(env.stdout), delimiter=",", names=True)

    with h5py.File(results, "r") as f:
        c = {a: f[a][()] for a in ("alpha", "beta", "D", "tau", "gamma", "N")}
        dL = f["dL"][()]
        g = f["frontier/converged"]
        check(g.attrs["budget"] == "converged" and g.attrs["bins_per_decade"] == "2",
              "group attributes")
        check(g["C"].shape[0] == rows.shape[0], "CSV rows and the group's points differ")
        fits = {k: g[k][()] for k in ("fit_alpha", "fit_n_stride", "fit_slope_N", "fit_slope_L",
                                      "exact_slope_N", "exact_slope_L", "fit_bins")}
    # Brute force: converged = tau inf, finite N and D; C = 6 N D; bins of half a decade.
    itau = int(np.flatnonzero(np.isinf(c["tau"]))[0])
    checked = 0
    for ia, alpha in enumerate(c["alpha"]):
        plane = dL[ia, 0, :, itau, 0, :]  # (D, N)
        finite_d = np.isfinite(c["D"])
        NN, DD = np.meshgrid(c["N"], c["D"][finite_d])
        LL = plane[finite_d, :]
        C = 6.0 * NN * DD
        bins = np.floor(np.log10(C) * 2 + 1e-9)
        mine = rows[rows["alpha"] == alpha]
        check(len(mine) == len(np.unique(bins)), f"alpha {alpha}: {len(mine)} envelope points, "
              f"{len(np.unique(bins))} bins")
        for row in mine:
            b = math.floor(math.log10(row["C"]) * 2 + 1e-9)
            sel = bins == b
            j = np.argmin(LL[sel])
            check(LL[sel][j] == row["dL"] and NN[sel][j] == row["N"],
                  f"alpha {alpha}, bin {b}: envelope ({row['N']}, {row['dL']}) is not the "
                  f"brute-force best ({NN[sel][j]}, {LL[sel][j]})")
            checked += 1
    # On this fine grid (4 N per decade) the envelope's exponents follow the exact frontier.
    for k in range(len(fits["fit_alpha"])):
        if fits["fit_n_stride"][k] != 1:
            continue
        check(abs(fits["fit_slope_L"][k] - fits["exact_slope_L"][k]) < 0.01,
              f"alpha {fits['fit_alpha'][k]}: envelope slope_L {fits['fit_slope_L'][k]} vs exact "
              f"{fits['exact_slope_L'][k]}")
        check(abs(fits["fit_slope_N"][k] - fits["exact_slope_N"][k]) < 0.05,
              f"alpha {fits['fit_alpha'][k]}: envelope slope_N {fits['fit_slope_N'][k]} vs exact "
              f"{fits['exact_slope_N'][k]}")
    check(sorted(set(fits["fit_n_stride"])) == [1, 2, 4, 8], f"strides {set(fits['fit_n_stride'])}")
    # Refused: a design file; a bad bins count.
    bad = subprocess.run([binary, "frontier", results, "--budget", "converged",
                          "--bins-per-decade", "0"], capture_output=True, text=True)
    check(bad.returncode == 2 and "--bins-per-decade" in bad.stderr, f"bins 0: {bad.stderr}")
    print(f"grid_envelope_test: OK ({checked} envelope points equal brute force; fits within "
          "0.01 of the exact frontier on a fine grid)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
