#!/usr/bin/env python3
"""Shards and merge: a grid run as K shards (`run --shard i/K`, each on its own rank count, one
of them interrupted and resumed) and joined by `merge` (on 1 or 2 ranks) must equal a single run
bit for bit; merge must refuse, before writing anything, every shard set it cannot trust.

usage: shard_test.py MODESWEEP_BINARY SPEC WORKDIR MPIEXEC [MPIEXEC_FLAGS...]
"""
import os
import re
import shutil
import signal
import subprocess
import sys

import h5py

from mpi_run_env import mpi_run_env

HERE = os.path.dirname(os.path.abspath(__file__))


def check(condition, message):
    if not condition:
        print(f"shard_test: FAIL: {message}")
        sys.exit(1)


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class Runner:
    def __init__(self, binary, spec, workdir, mpiexec):
        self.binary, self.spec, self.workdir, self.mpiexec = binary, spec, workdir, mpiexec

    def path(self, name):
        return os.path.join(self.workdir, name)

    def modesweep(self, ranks, *args, spec=None):
        command = self.mpiexec + ["-n", str(ranks), self.binary, *args]
        return subprocess.run(command, capture_output=True, text=True,
                              env=mpi_run_env(ranks, ends_by_itself=True))

    def run(self, ranks, out, *extra, spec=None):
        return self.modesweep(ranks, "run", spec or self.spec, "--out", self.path(out), "-q", *extra)

    def merge(self, ranks, out, shards, *extra, spec=None):
        return self.modesweep(ranks, "merge", spec or self.spec, "--shards", str(shards), "--out",
                              self.path(out), "-q", *extra)

    def expect_ok(self, result, what):
        check(result.returncode == 0, f"{what}: exit {result.returncode}: {result.stderr.strip()}")

    def expect_refused(self, result, pattern, what):
        first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
        check(result.returncode == 2, f"{what}: exit {result.returncode} (want 2): {first}")
        check(re.search(pattern, first) is not None, f"{what}: message {first!r} lacks {pattern!r}")

    def same(self, a, b, what):
        result = subprocess.run([sys.executable, os.path.join(HERE, "compare_results.py"),
                                 self.path(a), self.path(b)], capture_output=True, text=True)
        check(result.returncode == 0, f"{what}: {result.stdout.strip()}")

    def interrupt_shard(self, ranks, out, shard):
        """Starts a shard run and stops it with SIGUSR1 once it has written some chunks."""
        command = self.mpiexec + ["-n", str(ranks), self.binary, "run", self.spec, "--out",
                                  self.path(out), "--shard", shard, "--progress-interval", "0.02"]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, env=mpi_run_env(ranks))
        for line in proc.stderr:
            m = re.search(r"(\d+\.\d)%", line)
            if m and 5.0 <= float(m.group(1)) < 100.0:
                os.killpg(proc.pid, signal.SIGUSR1)
                break
        proc.communicate(timeout=120)
        return proc.returncode


def main():
    binary, spec, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
    mpiexec = sys.argv[4:]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    r = Runner(binary, spec, workdir, mpiexec)

    r.expect_ok(r.run(2, "single.h5"), "single run")
    with h5py.File(r.path("single.h5"), "r") as f:
        chunks = f["sweep_progress/chunk_done"].shape[0]
    check(chunks >= 4, f"the spec needs at least 4 chunks, has {chunks}")

    # Three shards on 1, 2 and 3 ranks; shard 1 interrupted once and resumed on another count.
    k = 3
    r.expect_ok(r.run(1, "joined.h5", "--shard", f"0/{k}"), "shard 0")
    code = r.interrupt_shard(2, "joined.h5", f"1/{k}")
    shard1 = r.path(f"joined.shard-1-of-{k}.h5")
    if code != 0:  # a fast machine may finish before the signal lands
        check(code == 128 + signal.SIGUSR1, f"interrupted shard: exit {code}")
        with h5py.File(shard1, "r") as f:
            check(f.attrs["status"] != "complete", "an interrupted shard says complete")
        # merge must refuse the incomplete shard and write nothing
        r.expect_ok(r.run(3, "joined.h5", "--shard", f"2/{k}"), "shard 2")
        r.expect_refused(r.merge(1, "joined.h5", k), r"shard-1-of-3\.h5 is incomplete",
                         "merge with an incomplete shard")
        check(not os.path.exists(r.path("joined.h5")), "a refused merge left a file behind")
    else:
        print("shard_test: the interrupt landed after shard 1 had finished: the interrupted-shard "
              "and incomplete-merge checks are SKIPPED in this run")
    r.expect_ok(r.run(1, "joined.h5", "--shard", f"1/{k}", "--resume"), "resume shard 1")
    if not os.path.exists(r.path(f"joined.shard-2-of-{k}.h5")):
        r.expect_ok(r.run(3, "joined.h5", "--shard", f"2/{k}"), "shard 2")
    with h5py.File(shard1, "r") as f:
        check(f["dL"].dims[0].label == "point", "a shard's dimension is not labelled point")
        check(int(f.attrs["shard_index"]) == 1 and int(f.attrs["shard_count"]) == k,
              "shard attributes")

    r.expect_ok(r.merge(2, "joined.h5", k), "merge on 2 ranks")
    r.same("single.h5", "joined.h5", "merge of 3 shards vs a single run")
    with h5py.File(r.path("joined.h5"), "r") as f:
        check(f.attrs["status"] == "complete", "merged file not complete")
        check(int(f.attrs["merged_shards"]) == k, "merged_shards attribute")
        done = f["sweep_progress/chunk_done"][()]
        check(done.shape[0] == chunks and done.all(), "merged chunk_done")

    # Many small shards (one per chunk when there are at most 10 chunks), merged on 1 rank,
    # shards removed afterwards.
    many = min(chunks, 10)
    for i in range(many):
        r.expect_ok(r.run(2 if i % 2 else 1, "per-chunk.h5", "--shard", f"{i}/{many}"),
                    f"shard {i}/{many}")
    r.expect_ok(r.merge(1, "per-chunk.h5", many, "--remove-shards"), "merge of many shards")
    r.same("single.h5", "per-chunk.h5", f"merge of {many} shards vs a single run")
    check(not any(".shard-" in n for n in os.listdir(workdir) if n.startswith("per-chunk")),
          "--remove-shards left shard files")
    # The same merge again (a requeued merge job): done already, with its shards gone; the
    # file stays as it was, byte for byte.
    merged_bytes = file_bytes(r.path("per-chunk.h5"))
    again = r.merge(1, "per-chunk.h5", many, "--remove-shards")
    r.expect_ok(again, "the merge again, shards removed")
    check("already complete, merged from" in again.stdout, f"merge again: {again.stdout!r}")
    check(file_bytes(r.path("per-chunk.h5")) == merged_bytes, "the merge again changed the file")

    # Refusals: each before anything is written. A complete merge of this spec from as many
    # shards is done already (above); from another count, or not a merge, it is refused.
    with h5py.File(r.path("joined.h5"), "r+") as f:
        f.attrs["merged_shards"] = 2
    r.expect_refused(r.merge(1, "joined.h5", k), r"joined\.h5 exists: use --force",
                     "merge onto a complete merge from another shard count")
    r.expect_ok(r.merge(1, "joined.h5", k, "--force"), "merge --force")
    with h5py.File(r.path("joined.h5"), "r") as f:
        check(int(f.attrs["merged_shards"]) == k, "merge --force did not replace the file")
    # An unfinished merge of the same spec (killed midway) is replaced without --force.
    with h5py.File(r.path("joined.h5"), "r+") as f:
        f.attrs["status"] = "running"
    r.expect_ok(r.merge(1, "joined.h5", k), "merge over an unfinished merge")
    r.same("single.h5", "joined.h5", "merge over an unfinished merge vs a single run")
    # ... but a single run's file is not a merge: refused.
    shutil.copy(r.path("single.h5"), r.path("joined.h5"))
    with h5py.File(r.path("joined.h5"), "r+") as f:
        f.attrs["status"] = "running"
    r.expect_refused(r.merge(1, "joined.h5", k), r"joined\.h5 exists: use --force",
                     "merge onto an unfinished single run")
    r.expect_refused(r.merge(1, "joined.h5", 2), r"joined\.shard-0-of-2\.h5 is missing",
                     "merge with missing shards")
    # Outputs that cannot hold results, even with --force: the spec file itself, a directory.
    spec_copy = r.path("spec-copy.toml")
    shutil.copy(spec, spec_copy)
    r.expect_refused(r.merge(1, "spec-copy.toml", k, "--force", spec=spec_copy),
                     r"spec-copy\.toml is the spec file itself", "merge onto the spec file")
    check(file_bytes(spec_copy) == file_bytes(spec), "a refused merge changed the spec file")
    os.makedirs(r.path("a-directory.h5"), exist_ok=True)
    r.expect_refused(r.merge(1, "a-directory.h5", k, "--force"),
                     r"a-directory\.h5 is a directory", "merge onto a directory")
    r.expect_refused(r.run(1, "x.h5", "--shard", "3/3"), r"--shard.*0 <= I < K",
                     "shard index out of range")
    r.expect_refused(r.run(1, "x.h5", "--shard", "1/0"), r"--shard", "shard count 0")
    r.expect_refused(r.run(1, "x.h5", "--shard", "two/3"), r"--shard", "shard not a number")
    r.expect_refused(r.run(1, "x.h5", "--shard", f"0/{chunks + 1}"),
                     rf"--shard: {chunks + 1} shards of a grid with {chunks} chunks",
                     "more shards than chunks")
    r.expect_refused(r.merge(1, "x.h5", chunks + 1), rf"{chunks + 1} shards of a grid",
                     "merge: more shards than chunks")
    # A shard file under another shard's name, resumed or merged.
    shutil.copy(r.path(f"joined.shard-0-of-{k}.h5"), r.path(f"swapped.shard-1-of-{k}.h5"))
    r.expect_refused(r.run(1, "swapped.h5", "--shard", f"1/{k}", "--resume"),
                     r"holds shard 0/3, not shard 1/3", "resume of a swapped shard")
    shutil.copy(r.path(f"joined.shard-0-of-{k}.h5"), r.path(f"swapped.shard-0-of-{k}.h5"))
    shutil.copy(r.path(f"joined.shard-2-of-{k}.h5"), r.path(f"swapped.shard-2-of-{k}.h5"))
    r.expect_refused(r.merge(1, "swapped.h5", k), r"swapped\.shard-1-of-3\.h5 holds shard 0/3",
                     "merge of a swapped shard")
    # An incomplete shard (one chunk missing, as after a kill) and a shard from another build,
    # made by hand so that these refusals are tested on every machine.
    for i in range(k):
        shutil.copy(r.path(f"joined.shard-{i}-of-{k}.h5"), r.path(f"edited.shard-{i}-of-{k}.h5"))
    with h5py.File(r.path(f"edited.shard-2-of-{k}.h5"), "r+") as f:
        f["sweep_progress/chunk_done"][0] = 0
    r.expect_refused(r.merge(1, "edited.h5", k), r"edited\.shard-2-of-3\.h5 is incomplete \(",
                     "merge with a shard missing a chunk")
    with h5py.File(r.path(f"edited.shard-2-of-{k}.h5"), "r+") as f:
        f["sweep_progress/chunk_done"][0] = 1
        f.attrs["git_commit"] = "0123456789ab"
    r.expect_refused(r.merge(1, "edited.h5", k), r"shard-2-of-3\.h5 was computed by another build",
                     "merge of shards from two builds")
    check(not os.path.exists(r.path("edited.h5")), "a refused merge left a file behind")
    with h5py.File(r.path(f"edited.shard-0-of-{k}.h5"), "r") as f:
        build = f.attrs["git_commit"]
    with h5py.File(r.path(f"edited.shard-2-of-{k}.h5"), "r+") as f:
        f.attrs["git_commit"] = build
    r.expect_ok(r.merge(1, "edited.h5", k), "merge after the repairs")
    with h5py.File(r.path("edited.h5"), "r") as f:
        check(f.attrs["git_commit"] == build, "the merged file does not name the shards' build")
    # One shard made from another spec text (the others carry the text merged under).
    other = r.path("other.toml")
    with open(spec) as src, open(other, "w") as dst:
        dst.write(src.read() + "\n# another text\n")
    with open(other) as f:
        other_text = f.read()
    for i in range(k):
        shutil.copy(r.path(f"joined.shard-{i}-of-{k}.h5"), r.path(f"texts.shard-{i}-of-{k}.h5"))
        if i != 1:
            with h5py.File(r.path(f"texts.shard-{i}-of-{k}.h5"), "r+") as f:
                f.attrs["spec"] = other_text
    r.expect_refused(r.merge(1, "texts.h5", k, spec=other),
                     r"texts\.shard-1-of-3\.h5 was made from a different spec text",
                     "merge of one shard from another spec text")
    check(not os.path.exists(r.path("texts.h5")), "a refused merge left a file behind")
    # A shard whose bookkeeping is not a number: refused naming the attribute (exit 2).
    with h5py.File(r.path(f"texts.shard-1-of-{k}.h5"), "r+") as f:
        f.attrs["shard_index"] = "one"
    r.expect_refused(r.merge(1, "texts.h5", k, spec=other),
                     r"texts\.shard-1-of-3\.h5: attribute shard_index is \"one\", not a whole",
                     "merge of a shard with a damaged attribute")
    print(f"shard_test: OK ({k} shards, one interrupted {'and resumed' if code else '(finished before the signal)'}, "
          f"and {many} shards of {chunks} chunks merged equal to a single run; refusals checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
