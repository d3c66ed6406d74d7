#!/usr/bin/env python3
"""Checks a modesweep results file from outside: h5py reads it with named dimensions, and
every stored value agrees with the single-point evaluator (`modesweep eval --points`). Monte
Carlo files (mode mc|both): the mc_* datasets equal, bit for bit, `eval --points --mc` run on
the same points (row i is keyed by index i, as grid point i is in the sweep), and with mode
both the z-scores (mc_mean - dL) / mc_stderr are reported and must look like chance.

usage: check_results.py MODESWEEP_BINARY RESULTS.h5 [--rtol 1e-12]
Exit status 0 when every check passes; the first failure is printed.
"""
import argparse
import csv
import io
import subprocess
import sys
import tempfile

import h5py
import numpy as np

FACTORIAL_DIMS = ["alpha", "beta", "D", "tau", "gamma", "N"]
RESULTS = ["dL", "eps_N", "eps_D", "eps_tau"]
MC_RESULTS = ["mc_mean", "mc_stderr", "mc_q05", "mc_q50", "mc_q95"]
BOTTLENECK = {"capacity": 0, "data": 1, "time": 2, "none": 3}
# In a factorial file the single-resource losses span only the axes they depend on (MODEL.md 5:
# eps_N = dL(N, inf, inf), eps_D = dL(inf, D, inf), eps_tau = dL(inf, inf, tau)).
FACTORIAL_DIMS_OF = {"eps_N": ["alpha", "gamma", "N"], "eps_D": ["alpha", "D"],
                     "eps_tau": ["alpha", "beta", "tau"]}


def fail(message):
    print(f"check_results: FAIL: {message}")
    sys.exit(1)


def check_factorial_dims(f, name):
    """A factorial dataset's dimensions are the axes it depends on, each labelled and with its
    coordinate attached as a dimension scale. Returns their names."""
    dset = f[name]
    want = FACTORIAL_DIMS_OF.get(name, FACTORIAL_DIMS)
    labels = [dim.label for dim in dset.dims]
    if labels != want:
        fail(f"{name} has dimension labels {labels}, expected {want}")
    for i, dim in enumerate(dset.dims):
        if len(dim) != 1 or dim[0].name != "/" + want[i]:
            fail(f"{name} dimension {i} has scales {[s.name for s in dim]}, expected /{want[i]}")
    return want


def factorial_values(f, name):
    """A factorial dataset's values at every grid point in storage order."""
    dset = f[name]
    want = check_factorial_dims(f, name)
    full = [len(f[axis]) for axis in FACTORIAL_DIMS]
    if list(dset.shape) != [full[FACTORIAL_DIMS.index(axis)] for axis in want]:
        fail(f"{name} has shape {dset.shape} over {want}, the axes have {full}")
    keep = [len(f[axis]) if axis in want else 1 for axis in FACTORIAL_DIMS]
    return np.broadcast_to(dset[()].reshape(keep), full).ravel()


def points_of(f):
    """The model points of the file in storage order, as a dict of 1-D arrays."""
    first = "dL" if "dL" in f else "mc_mean"
    if f.attrs["design"] == "factorial":
        check_factorial_dims(f, first)
        grids = np.meshgrid(*[f[name][()] for name in FACTORIAL_DIMS], indexing="ij")
        return {name: g.ravel() for name, g in zip(FACTORIAL_DIMS, grids)}
    dset = f[first]
    if [dim.label for dim in dset.dims] != ["point"] or dset.dims[0][0].name != "/point":
        fail("design datasets must have the dimension scale /point")
    if not np.array_equal(f["point"][()], np.arange(dset.shape[0])):
        fail("the point coordinate is not 0..n-1")
    return {name: f[name][()] for name in ["alpha", "beta", "gamma", "N", "D", "tau"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("results")
    parser.add_argument("--rtol", type=float, default=1e-12)
    args = parser.parse_args()

    with h5py.File(args.results, "r") as f:
        if f.attrs["status"] != "complete":
            fail(f"status is {f.attrs['status']!r}")
        if not np.all(f["sweep_progress/chunk_done"][()] == 1):
            fail("not every chunk is marked done")
        pts = points_of(f)
        mode = f.attrs["mode"]
        exact = mode in ("exact", "both")
        names = (RESULTS + ["bottleneck"] if exact else []) + (MC_RESULTS if mode != "exact" else [])
        if f.attrs["design"] == "factorial":
            stored = {name: factorial_values(f, name) for name in names}
        else:
            stored = {name: f[name][()] for name in names}
        constants = {k: float(f.attrs[k]) for k in ["learning_rate", "capacity_scale", "irreducible"]}
        mc_args = []
        if mode != "exact":
            mc_args = ["--mc", str(int(f.attrs["mc_replicas"])), "--seed", str(int(f.attrs["mc_seed"])),
                       "--sampling", f.attrs["mc_sampling"]]

    n = len(pts["alpha"])
    for name, values in stored.items():
        if len(values) != n:
            fail(f"{name} has {len(values)} values for {n} points")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["alpha", "beta", "gamma", "N", "D", "tau", "learning_rate", "capacity_scale", "irreducible"])
    for i in range(n):
        writer.writerow([repr(float(pts[k][i])) for k in ["alpha", "beta", "gamma", "N", "D", "tau"]]
                        + [repr(constants["learning_rate"]), repr(constants["capacity_scale"]),
                           repr(constants["irreducible"])])
    with tempfile.NamedTemporaryFile("w", suffix=".csv") as points_csv:
        points_csv.write(text.getvalue())
        points_csv.flush()
        proc = subprocess.run([args.binary, "eval", "--points", points_csv.name] + mc_args,
                              capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"modesweep eval failed: {proc.stderr.strip()}")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    if len(rows) != n:
        fail(f"eval returned {len(rows)} rows for {n} points")
    worst = 0.0
    for name in MC_RESULTS if mc_args else []:
        expect = np.array([float(r[name]) for r in rows])
        differ = np.flatnonzero(expect.view(np.uint64) != stored[name].view(np.uint64))
        if differ.size:
            i = int(differ[0])
            fail(f"{name} at point {i}: file {stored[name][i]!r}, eval --mc {expect[i]!r} "
                 f"({differ.size} values differ)")
    if mc_args:
        print(f"check_results: {', '.join(MC_RESULTS)} equal eval --points {' '.join(mc_args)} bit for bit")
    if not exact:
        print(f"check_results: OK: {n} points (Monte Carlo only)")
        return
    if mc_args and mode == "both":
        check_z_scores(stored, int(mc_args[1]))
    for name in RESULTS:
        expect = np.array([float(r[name]) for r in rows])
        got = stored[name]
        scale = np.maximum(np.abs(expect), np.finfo(float).tiny)
        rel = np.where((expect == 0) & (got == 0), 0.0, np.abs(got - expect) / scale)
        i = int(np.argmax(rel))
        worst = max(worst, float(rel[i]))
        if rel[i] > args.rtol:
            fail(f"{name} at point {i} ({', '.join(f'{k}={pts[k][i]:.17g}' for k in pts)}): "
                 f"file {got[i]:.17g}, evaluator {expect[i]:.17g}, rel {rel[i]:.3g}")
    flags = np.array([BOTTLENECK[r["bottleneck"]] for r in rows])
    if not np.array_equal(flags, stored["bottleneck"]):
        i = int(np.argmax(flags != stored["bottleneck"]))
        fail(f"bottleneck at point {i}: file {stored['bottleneck'][i]}, evaluator {flags[i]}")
    check_xarray(args.results, stored)
    print(f"check_results: OK: {n} points, worst relative difference {worst:.3g}")


def check_z_scores(stored, replicas):
    """mc_mean against the exact dL: with R replicas, z = (mc_mean - dL) / mc_stderr is close
    to a t variable with R - 1 degrees of freedom where the replicas spread (their 5-95% range
    is more than rounding). Where they do not, dL is decided by outcomes too rare for R
    replicas to show, and the exact value must be within 8/R of theirs (if other outcomes had
    total chance 8/R, R equal replicas would have probability e^-8)."""
    se, mean, dL = stored["mc_stderr"], stored["mc_mean"], stored["dL"]
    spread = (stored["mc_q95"] - stored["mc_q05"]) > 1e-9 * np.abs(dL)
    if np.any(np.abs(mean[~spread] - dL[~spread]) > 8.0 / replicas + 1e-12 * dL[~spread]):
        i = int(np.flatnonzero(~spread & (np.abs(mean - dL) > 8.0 / replicas + 1e-12 * dL))[0])
        fail(f"point {i}: replicas all {mean[i]!r} but dL {dL[i]!r}")
    # Rounding in dL and in the replica sums (~1e-15 relative) is not a deviation.
    z = (mean[spread] - dL[spread]) / np.sqrt(se[spread] ** 2 + (1e-12 * dL[spread]) ** 2)
    beyond = int(np.sum(np.abs(z) > 4))
    print(f"check_results: z = (mc_mean - dL) / mc_stderr over {z.size} points with spread: "
          f"mean {z.mean():.3f}, sd {z.std():.3f}, |z| > 4: {beyond} ({np.sum(~spread)} without spread)")
    # For skewed replicas the t statistic is biased by about -skewness / (2 sqrt(R)) (-0.06 at
    # skewness 1, R = 64) and its tails are heavier than normal: allow 0.05 for the bias and
    # 1% + 2 points beyond 4 (a t with 63 dof alone gives 0.02%). Anything more is not chance.
    if z.size and (beyond > 0.01 * z.size + 2 or abs(z.mean()) > 5 / np.sqrt(z.size) + 0.05):
        fail("Monte Carlo means disagree with the exact dL beyond chance")


def check_xarray(path, stored):
    """xarray (h5netcdf engine) sees the named dimensions and the same values."""
    import xarray as xr
    if "dL" not in stored:
        return
    with xr.open_dataset(path, engine="h5netcdf", phony_dims="access") as ds:
        with h5py.File(path, "r") as f:
            design = f.attrs["design"]
        want = tuple(FACTORIAL_DIMS) if design == "factorial" else ("point",)
        if ds["dL"].dims != want:
            fail(f"xarray sees dimensions {ds['dL'].dims}, expected {want}")
        if not np.array_equal(ds["dL"].values.ravel(), stored["dL"]):
            fail("xarray reads different dL values than h5py")
        if design != "factorial":
            return
        for name, dims in FACTORIAL_DIMS_OF.items():
            if ds[name].dims != tuple(dims):
                fail(f"xarray sees {name} over {ds[name].dims}, expected {tuple(dims)}")
        # xarray broadcasts by name: the largest single-resource loss at every grid point
        joint = np.maximum(np.maximum(ds["eps_N"], ds["eps_D"]), ds["eps_tau"])
        joint = joint.transpose(*FACTORIAL_DIMS).values.ravel()
        if not np.array_equal(joint, np.maximum(np.maximum(stored["eps_N"], stored["eps_D"]),
                                                stored["eps_tau"])):
            fail("xarray broadcasts eps_N, eps_D, eps_tau to other values than h5py")


if __name__ == "__main__":
    main()
