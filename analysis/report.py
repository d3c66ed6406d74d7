#!/usr/bin/python3
"""Renders a report (Markdown with PNG figures) from a factorial modesweep results file.

usage: /usr/bin/python3 analysis/report.py RESULTS.h5 [--out DIR] [--modesweep BIN]

Figures (MODEL.md 5 and 6):
  laws.png        the single-resource laws eps_N(N), eps_D(D), eps_tau(tau) from the file, with
                  the theory's asymptotes (`modesweep predict`), and dL against the largest of
                  the three (the "max structure")
  frontier.png    converged isoFLOP profiles from the file (dL against N at fixed C = kappa N D)
                  and the exact frontier (`modesweep frontier`) through their minima
  heatmaps.png    measured / predicted exponent over (alpha, gamma) for a_N and over
                  (alpha, beta) for a_tau, fitted on the file's largest resource values
  drift.png       local slopes d log N_opt / d log C and d log dL_opt / d log C along C for
                  the converged and fresh-data exact frontiers, against the theory
  max_ratio.png   the distribution of dL / max(eps_N, eps_D, eps_tau) over the grid
Also writes report.md (the figures with what they show, numbers included) and figures.json
(each figure's axes labels and scales, for tests and tooling).

Needs Debian's python3-numpy, python3-h5py, python3-matplotlib; no network, no PyPI.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

AXES = ("alpha", "beta", "D", "tau", "gamma", "N")  # factorial storage order


def fail(message):
    print(f"report: error: {message}", file=sys.stderr)
    sys.exit(2)


class Results:
    def __init__(self, path):
        try:
            self.file = h5py.File(path, "r")
        except OSError as e:
            fail(f"{path}: cannot open as HDF5 ({e})")
        f = self.file
        if f.attrs.get("design") != "factorial":
            fail(f"{path}: the report needs a factorial results file (design is "
                 f"{f.attrs.get('design')!r})")
        if f.attrs.get("status") != "complete":
            fail(f"{path}: status is {f.attrs.get('status')!r}, not complete: finish it with "
                 f"modesweep run SPEC --resume")
        self.path = path
        self.coords = {a: f[a][()] for a in AXES}
        self.data = {k: self.over_all_axes(f[k]) for k in ("dL", "eps_N", "eps_D", "eps_tau")}
        self.c = float(f.attrs["learning_rate"])
        self.c_N = float(f.attrs["capacity_scale"])
        self.kappa = float(f.attrs["flops_per_param_token"])
        self.name = str(f.attrs.get("name", "")) or os.path.basename(path)

    def over_all_axes(self, dset):
        """A dataset's values at every grid point (AXES order). eps_N, eps_D and eps_tau span
        only the axes they depend on, named by their dimension labels: broadcast (a view)."""
        labels = [dim.label for dim in dset.dims]
        if any(label not in AXES for label in labels):
            fail(f"{self.path}: {dset.name} has dimensions {labels}, not axes of {AXES}")
        full = [len(self.coords[a]) for a in AXES]
        keep = [len(self.coords[a]) if a in labels else 1 for a in AXES]
        values = dset[()]
        order = sorted(range(len(labels)), key=lambda d: AXES.index(labels[d]))
        return np.broadcast_to(values.transpose(order).reshape(keep), full)

    def index(self, axis, value):
        return int(np.argmin(np.abs(np.where(np.isinf(self.coords[axis]),
                                             np.inf if math.isinf(value) else 1e300,
                                             self.coords[axis]) - value)))

    def finite(self, axis):
        v = self.coords[axis]
        return np.isfinite(v)


class Modesweep:
    def __init__(self, binary):
        self.binary = binary

    def json(self, *args):
        result = subprocess.run([self.binary, *args, "--json"], capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"{self.binary} {' '.join(args)}: {result.stderr.strip()}")
        return json.loads(result.stdout)

    def predict(self, alpha, beta, gamma, c):
        return self.json("predict", "--alpha", repr(alpha), "--beta", repr(beta), "--gamma",
                         repr(gamma), "--learning-rate", repr(c))

    def frontier(self, alpha, beta, gamma, c, c_N, kappa, budget, c_min, c_max, points):
        return self.json("frontier", "--alpha", repr(alpha), "--beta", repr(beta), "--gamma",
                         repr(gamma), "--learning-rate", repr(c), "--capacity-scale", repr(c_N),
                         "--flops-per-param-token", repr(kappa), "--budget", budget, "--C-min",
                         f"{c_min:.17g}", "--C-max", f"{c_max:.17g}", "--points", str(points))


def save(fig, out, name):
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=110)
    plt.close(fig)


def number(v):
    return float("inf") if v == "inf" else float(v)


def fit_exponent(x, y):
    """-d log y / d log x by least squares over finite, positive values."""
    ok = np.isfinite(x) & np.isfinite(y) & (y > 0)
    if ok.sum() < 2:
        return float("nan")
    return -np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)[0]


def laws_figure(r, ms, out, manifest, notes):
    coords = r.coords
    ia, ib, ig = len(coords["alpha"]) // 2, len(coords["beta"]) // 2, len(coords["gamma"]) - 1
    alpha, beta, gamma = (float(coords[a][i]) for a, i in
                          (("alpha", ia), ("beta", ib), ("gamma", ig)))
    t = ms.predict(alpha, beta, gamma, r.c)
    fig, axes = plt.subplots(2, 2, figsize=(10, 8))
    # eps_N along N (at D = tau = inf where stored: eps_N does not depend on them)
    specs = [("N", "eps_N", t["a_N"], None, "capacity: eps_N(N)"),
             ("D", "eps_D", t["a_D"], t["c_alpha"], "data: eps_D(D)"),
             ("tau", "eps_tau", t["a_tau"], t["time_constant"], "time: eps_tau(tau)")]
    measured = {}
    for ax, (axis, key, a, const, title) in zip(axes.flat, specs):
        sel = [ia, ib, 0, 0, ig, 0]
        pos = AXES.index(axis)
        sl = tuple(slice(None) if k == pos else sel[k] for k in range(6))
        x = coords[axis]
        y = r.data[key][sl]
        ok = np.isfinite(x) & (y > 0)
        ax.loglog(x[ok], y[ok], "o-", color="C0", label="exact (results file)")
        if axis == "N":
            M = r.c_N * x[ok] ** gamma
            asym = M ** (1 - alpha) * t["capacity_constant"]
        else:
            asym = const * x[ok] ** (-a)
        ax.loglog(x[ok], asym, "--", color="C3", label=f"theory: slope -{a:.4g}")
        half = ok & (x >= np.median(x[ok]))
        measured[key] = fit_exponent(x[half], y[half])
        ax.set_title(f"{title}, fitted {measured[key]:.4g}")
        ax.set_xlabel(axis)
        ax.set_ylabel(key)
        ax.legend(fontsize=8)
        manifest[f"laws.{key}"] = {"xlabel": axis, "ylabel": key, "xscale": "log",
                                   "yscale": "log"}
    ax = axes.flat[3]
    mx = np.maximum(np.maximum(r.data["eps_N"], r.data["eps_D"]), r.data["eps_tau"])
    ok = (mx > 0) & (r.data["dL"] > 0)
    ax.loglog(mx[ok], r.data["dL"][ok], ".", ms=2, alpha=0.4, color="C0")
    lo, hi = mx[ok].min(), mx[ok].max()
    ax.loglog([lo, hi], [lo, hi], "-", color="k", lw=1, label="dL = max")
    ax.loglog([lo, hi], [3 * lo, 3 * hi], ":", color="k", lw=1, label="dL = 3 max")
    ax.set_xlabel("max(eps_N, eps_D, eps_tau)")
    ax.set_ylabel("dL")
    ax.set_title("joint: dL against the largest single-resource loss")
    ax.legend(fontsize=8)
    manifest["laws.joint"] = {"xlabel": "max(eps_N, eps_D, eps_tau)", "ylabel": "dL",
                              "xscale": "log", "yscale": "log"}
    fig.suptitle(f"{r.name}: alpha {alpha:g}, beta {beta:g}, gamma {gamma:g}")
    save(fig, out, "laws.png")
    notes["laws"] = (alpha, beta, gamma, t, measured)


def frontier_figure(r, ms, out, manifest, notes):
    coords = r.coords
    itau = int(np.flatnonzero(np.isinf(coords["tau"]))[0]) if np.isinf(coords["tau"]).any() else None
    if itau is None:
        return False
    ia, ib, ig = len(coords["alpha"]) // 2, len(coords["beta"]) // 2, len(coords["gamma"]) - 1
    alpha, beta, gamma = (float(coords[a][i]) for a, i in
                          (("alpha", ia), ("beta", ib), ("gamma", ig)))
    N = coords["N"]
    D = coords["D"]
    dL = r.data["dL"][ia, ib, :, itau, ig, :]  # (D, N)
    nf, df = np.isfinite(N), np.isfinite(D)
    NN, DD = np.meshgrid(N[nf], D[df])
    LL = dL[np.ix_(df, nf)]
    C = r.kappa * NN * DD
    logc = np.log10(C)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    ax = axes[0]
    # One profile per budget level of the grid (points sharing C = kappa N D); its minimum
    # counts for the envelope only when it is bracketed (not at the profile's end), as in an
    # isoFLOP study.
    levels = np.round(logc, 6)
    envelope = []
    uniq = np.unique(levels)
    cmap = plt.get_cmap("viridis")
    for k, level in enumerate(uniq):
        inside = levels == level
        if inside.sum() < 3:
            continue
        order = np.argsort(NN[inside])
        n_sorted, l_sorted = NN[inside][order], LL[inside][order]
        j = int(np.argmin(l_sorted))
        bracketed = 0 < j < len(l_sorted) - 1
        ax.loglog(n_sorted, l_sorted, ".-", ms=3, lw=0.8, alpha=1.0 if bracketed else 0.25,
                  color=cmap(k / max(1, len(uniq) - 1)))
        if bracketed:
            envelope.append((10 ** level, n_sorted[j], l_sorted[j]))
    c_lo, c_hi = max(r.kappa * 10, C.min()), C.max()
    if not c_hi > 10 * c_lo:  # less than a decade of budgets: no frontier to fit
        plt.close(fig)
        return False
    ex = ms.frontier(alpha, beta, gamma, r.c, r.c_N, r.kappa, "converged", c_lo, c_hi, 15)
    pts = ex["points"]
    ax.loglog([number(p["N_opt"]) for p in pts], [number(p["dL_opt"]) for p in pts], "k-",
              lw=1.5, label="exact frontier")
    if envelope:
        e = np.array(envelope)
        ax.loglog(e[:, 1], e[:, 2], "rs", ms=5, label="grid envelope (bracketed minima)")
    ax.set_xlabel("N")
    ax.set_ylabel("dL")
    ax.set_title("converged isoFLOP profiles of the grid (faint: minimum not bracketed)")
    ax.legend(fontsize=8)
    manifest["frontier.profiles"] = {"xlabel": "N", "ylabel": "dL", "xscale": "log",
                                     "yscale": "log"}
    ax = axes[1]
    Cs = np.array([number(p["C"]) for p in pts])
    ax.loglog(Cs, [number(p["N_opt"]) for p in pts], "C0-", label="N_opt (exact)")
    ax.loglog(Cs, [number(p["D_opt"]) for p in pts], "C1-", label="D_opt (exact)")
    if envelope:
        e = np.array(envelope)
        ax.loglog(e[:, 0], e[:, 1], "C0s", ms=4, label="N of the grid envelope")
    ax.set_xlabel("C = kappa N D")
    ax.set_ylabel("N_opt, D_opt")
    th = ex.get("theory", {})
    fit = ex.get("fitted", {})
    ax.set_title(f"fitted slope_N {fit.get('slope_N', float('nan')):.4g} "
                 f"(theory {th.get('slope_N', float('nan')):.4g})")
    ax.legend(fontsize=8)
    manifest["frontier.optimum"] = {"xlabel": "C = kappa N D", "ylabel": "N_opt, D_opt",
                                    "xscale": "log", "yscale": "log"}
    save(fig, out, "frontier.png")
    notes["frontier"] = (alpha, beta, gamma, fit, th, len(envelope))
    return True


def heatmaps_figure(r, ms, out, manifest, notes):
    coords = r.coords
    A, B, G = coords["alpha"], coords["beta"], coords["gamma"]
    ratio_n = np.full((len(A), len(G)), np.nan)
    ratio_t = np.full((len(A), len(B)), np.nan)
    for i, a in enumerate(A):
        for k, g in enumerate(G):
            t = ms.predict(float(a), float(B[0]), float(g), r.c)
            x = coords["N"]
            y = r.data["eps_N"][i, 0, 0, 0, k, :]
            half = np.isfinite(x) & (x >= np.median(x[np.isfinite(x)]))
            ratio_n[i, k] = fit_exponent(x[half], y[half]) / t["a_N"]
        for j, b in enumerate(B):
            t = ms.predict(float(a), float(b), float(G[0]), r.c)
            x = coords["tau"]
            y = r.data["eps_tau"][i, j, 0, :, 0, 0]
            half = np.isfinite(x) & (x >= np.median(x[np.isfinite(x)]))
            ratio_t[i, j] = fit_exponent(x[half], y[half]) / t["a_tau"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, mat, cols, colname, title, key in (
            (axes[0], ratio_n, G, "gamma", "a_N measured / predicted", "heatmaps.a_N"),
            (axes[1], ratio_t, B, "beta", "a_tau measured / predicted", "heatmaps.a_tau")):
        im = ax.imshow(mat, origin="lower", cmap="coolwarm", vmin=0.5, vmax=1.5, aspect="auto")
        ax.set_xticks(range(len(cols)), [f"{v:g}" for v in cols])
        ax.set_yticks(range(len(A)), [f"{v:g}" for v in A])
        ax.set_xlabel(colname)
        ax.set_ylabel("alpha")
        ax.set_title(title)
        for (yy, xx), v in np.ndenumerate(mat):
            ax.text(xx, yy, f"{v:.3f}", ha="center", va="center", fontsize=8)
        fig.colorbar(im, ax=ax)
        manifest[key] = {"xlabel": colname, "ylabel": "alpha", "xscale": "linear",
                         "yscale": "linear"}
    save(fig, out, "heatmaps.png")
    notes["heatmaps"] = (ratio_n, ratio_t, A, B, G)


def drift_figure(r, ms, out, manifest, notes):
    coords = r.coords
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    drift = {}
    ig = len(coords["gamma"]) - 1
    beta = 1.0 if 1.0 in coords["beta"] else float(coords["beta"][-1])
    for n, alpha in enumerate(coords["alpha"]):
        for budget, style in (("converged", "-"), ("fresh-data", "--")):
            ex = ms.frontier(float(alpha), beta, float(coords["gamma"][ig]), r.c, r.c_N,
                             r.kappa, budget, max(1e6, 10 * r.kappa), 1e24, 25)
            C = [number(p["C"]) for p in ex["points"]]
            th = ex["theory"]
            axes[0].semilogx(C, [p["slope_N"] for p in ex["points"]], style, color=f"C{n}",
                             label=f"alpha {alpha:g} {budget}")
            axes[1].semilogx(C, [p["slope_L"] for p in ex["points"]], style, color=f"C{n}")
            axes[0].axhline(th["slope_N"], color=f"C{n}", lw=0.5, ls=":")
            axes[1].axhline(th["slope_L"], color=f"C{n}", lw=0.5, ls=":")
            drift[(float(alpha), budget)] = (ex["points"][0]["slope_L"],
                                             ex["points"][-1]["slope_L"], th["slope_L"])
    axes[0].set_xlabel("C")
    axes[0].set_ylabel("d log N_opt / d log C")
    axes[1].set_xlabel("C")
    axes[1].set_ylabel("d log dL_opt / d log C")
    axes[0].set_title(f"local slopes (beta {beta:g}, gamma {coords['gamma'][ig]:g}); dotted: theory")
    axes[1].set_title("solid: converged, dashed: fresh data")
    axes[0].legend(fontsize=7)
    save(fig, out, "drift.png")
    manifest["drift.slope_N"] = {"xlabel": "C", "ylabel": "d log N_opt / d log C",
                                 "xscale": "log", "yscale": "linear"}
    manifest["drift.slope_L"] = {"xlabel": "C", "ylabel": "d log dL_opt / d log C",
                                 "xscale": "log", "yscale": "linear"}
    notes["drift"] = drift


def max_ratio_figure(r, out, manifest, notes):
    mx = np.maximum(np.maximum(r.data["eps_N"], r.data["eps_D"]), r.data["eps_tau"])
    ok = (mx > 0) & (r.data["dL"] > 0)
    ratio = r.data["dL"][ok] / mx[ok]
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.hist(ratio, bins=60, color="C0")
    ax.set_xlabel("dL / max(eps_N, eps_D, eps_tau)")
    ax.set_ylabel("grid points")
    ax.set_title(f"max structure over {ok.sum()} points: "
                 f"{np.mean((ratio >= 1) & (ratio <= 3)) * 100:.1f}% in [1, 3]")
    save(fig, out, "max_ratio.png")
    manifest["max_ratio"] = {"xlabel": "dL / max(eps_N, eps_D, eps_tau)", "ylabel": "grid points",
                             "xscale": "linear", "yscale": "linear"}
    notes["max_ratio"] = (float(ratio.min()), float(np.median(ratio)), float(ratio.max()),
                          float(np.mean((ratio >= 1) & (ratio <= 3))), int(ok.sum()))


def write_markdown(r, out, notes, has_frontier):
    lines = [f"# modesweep report: {r.name}", "",
             f"Results file `{r.path}`; c = {r.c:g}, c_N = {r.c_N:g}, kappa = {r.kappa:g}. "
             "Theory: MODEL.md 5 (via `modesweep predict` and `modesweep frontier`).", ""]
    alpha, beta, gamma, t, measured = notes["laws"]
    lines += ["## Single-resource laws", "", "![laws](laws.png)", "",
              f"At alpha {alpha:g}, beta {beta:g}, gamma {gamma:g}, fitted on the upper half of "
              "each axis:", "",
              "| law | predicted | measured |", "|---|---:|---:|",
              f"| a_N | {t['a_N']:.4g} | {measured['eps_N']:.4g} |",
              f"| a_D | {t['a_D']:.4g} | {measured['eps_D']:.4g} |",
              f"| a_tau | {t['a_tau']:.4g} | {measured['eps_tau']:.4g} |", ""]
    lo, med, hi, frac, n = notes["max_ratio"]
    lines += ["## Max structure", "", "![max ratio](max_ratio.png)", "",
              f"dL / max(eps_N, eps_D, eps_tau) over {n} grid points: min {lo:.3g}, median "
              f"{med:.3g}, max {hi:.3g}; {frac * 100:.1f}% lie in [1, 3], the range MODEL.md 5 "
              "states for the scaling regime.", ""]
    if has_frontier:
        alpha, beta, gamma, fit, th, bins = notes["frontier"]
        lines += ["## Converged frontier and isoFLOP profiles", "", "![frontier](frontier.png)",
                  "", f"Exact frontier at alpha {alpha:g}, beta {beta:g}, gamma {gamma:g}: "
                  f"fitted slope_N {fit.get('slope_N', float('nan')):.4g} (theory "
                  f"{th.get('slope_N', float('nan')):.4g}), slope_L "
                  f"{fit.get('slope_L', float('nan')):.4g} (theory "
                  f"{th.get('slope_L', float('nan')):.4g}); {bins} of the grid's isoFLOP profiles "
                  "bracket their minimum.", ""]
    ratio_n, ratio_t, A, B, G = notes["heatmaps"]
    lines += ["## Exponents across the grid", "", "![heatmaps](heatmaps.png)", "",
              f"a_N measured / predicted over (alpha, gamma): {np.nanmin(ratio_n):.3f} to "
              f"{np.nanmax(ratio_n):.3f}; a_tau over (alpha, beta): {np.nanmin(ratio_t):.3f} to "
              f"{np.nanmax(ratio_t):.3f} (beta < 1 clamps the rare modes' rate at p, MODEL.md 2, "
              "so a_tau there follows the beta = 1 law).", ""]
    lines += ["## Local-slope drift along C", "", "![drift](drift.png)", "",
              "| alpha | budget | slope_L at C = 1e6 | at C = 1e24 | theory |",
              "|---:|---|---:|---:|---:|"]
    for (alpha, budget), (first, last, th) in sorted(notes["drift"].items()):
        lines.append(f"| {alpha:g} | {budget} | {first:.4f} | {last:.4f} | {th:.4f} |")
    lines.append("")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("results", help="factorial results file (modesweep run)")
    p.add_argument("--out", default=None, help="report directory (default: <results stem>.report)")
    p.add_argument("--modesweep", default=None,
                   help="modesweep binary (default: build/release/src/modesweep, else PATH)")
    args = p.parse_args()
    binary = args.modesweep
    if binary is None:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        local = os.path.join(here, "build", "release", "src", "modesweep")
        binary = local if os.access(local, os.X_OK) else shutil.which("modesweep")
    if not binary:
        fail("--modesweep: no modesweep binary found; build it or pass --modesweep BIN")
    out = args.out or os.path.splitext(args.results)[0] + ".report"
    os.makedirs(out, exist_ok=True)
    r = Results(args.results)
    ms = Modesweep(binary)
    manifest, notes = {}, {}
    laws_figure(r, ms, out, manifest, notes)
    has_frontier = frontier_figure(r, ms, out, manifest, notes)
    heatmaps_figure(r, ms, out, manifest, notes)
    drift_figure(r, ms, out, manifest, notes)
    max_ratio_figure(r, out, manifest, notes)
    write_markdown(r, out, notes, has_frontier)
    with open(os.path.join(out, "figures.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"report: wrote {out}/report.md and {len(set(k.split('.')[0] for k in manifest))} "
          "figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
