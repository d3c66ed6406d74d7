#!/usr/bin/env python3
"""Same inputs, same bits: a spec run on 1, 2 and 3 ranks and with several chunk sizes gives
identical numeric datasets, and the reference run agrees with the single-point evaluator.

usage: determinism_test.py [--collective-writes] MODESWEEP_BINARY SPEC WORKDIR MPIEXEC
                           [MPIEXEC_FLAGS...]
--collective-writes adds a 3-rank run in collective rounds (run --collective-writes).
"""
import os
import re
import subprocess
import sys

from mpi_run_env import mpi_run_env

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        print(f"determinism_test: FAIL: {' '.join(cmd)} exited {r.returncode}: {r.stderr}")
        sys.exit(1)
    return r


def main():
    args = sys.argv[1:]
    collective = "--collective-writes" in args[:1]
    if collective:
        args = args[1:]
    binary, spec, workdir, mpiexec = args[0], args[1], args[2], args[3:]
    os.makedirs(workdir, exist_ok=True)
    name = os.path.splitext(os.path.basename(spec))[0]
    with open(spec) as f:
        text = f.read()
    base_chunk = int(re.search(r"^chunk_points\s*=\s*(\d+)", text, re.M).group(1))
    # (ranks, chunk size, extra arguments): --collective-writes takes the collective rounds
    # with the estimated static schedule instead of the shared chunk queue.
    cases = [(1, base_chunk, []), (2, base_chunk, []), (3, base_chunk, []), (2, 777, []),
             (3, 5 * base_chunk + 3, [])]
    if collective:
        cases.append((3, 777, ["--collective-writes"]))
    outputs = []
    for ranks, chunk, extra in cases:
        variant = os.path.join(workdir, f"{name}-c{chunk}.toml")
        with open(variant, "w") as f:
            f.write(re.sub(r"^chunk_points\s*=\s*\d+", f"chunk_points = {chunk}", text, flags=re.M))
        out = os.path.join(workdir, f"{name}-n{ranks}-c{chunk}{''.join(extra)}.h5")
        run(mpiexec + ["-n", str(ranks), binary, "run", variant, "--out", out, "--force", "-q"]
            + extra, env=mpi_run_env(ranks))
        outputs.append((f"{ranks} rank(s){''.join(' ' + e for e in extra)}", chunk, out))
    reference = outputs[0][2]
    r = run([sys.executable, os.path.join(HERE, "check_results.py"), binary, reference])
    print(r.stdout.strip())
    for how, chunk, out in outputs[1:]:
        r = run([sys.executable, os.path.join(HERE, "compare_results.py"), reference, out])
        print(f"determinism_test: {how}, chunk {chunk}: {r.stdout.strip()}")
    print("determinism_test: OK")


if __name__ == "__main__":
    main()
