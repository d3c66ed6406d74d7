#!/usr/bin/env python3
"""Bit-for-bit comparison of the numeric datasets of two modesweep results files (results,
coordinates, design columns; not attributes such as times, nor the chunk bookkeeping, whose
size depends on the chunk size, nor analyses written into the file later: frontier/).

usage: compare_results.py A.h5 B.h5     exit 0 when identical, 1 with the first difference.
"""
import sys

import h5py
import numpy as np


def datasets(f):
    names = []
    f.visititems(lambda name, obj: names.append(name)
                 if isinstance(obj, h5py.Dataset)
                 and not name.startswith(("sweep_progress", "frontier/")) else None)
    return sorted(names)


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        names = datasets(a)
        if names != datasets(b):
            print(f"compare_results: FAIL: datasets differ: {names} vs {datasets(b)}")
            return 1
        for name in names:
            x, y = a[name][()], b[name][()]
            if x.shape != y.shape or x.dtype != y.dtype:
                print(f"compare_results: FAIL: {name}: {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
                return 1
            xb = x.reshape(-1).view(np.uint8).reshape(x.size, -1)
            yb = y.reshape(-1).view(np.uint8).reshape(y.size, -1)
            differ = np.flatnonzero((xb != yb).any(axis=1))
            if differ.size:
                i = int(differ[0])
                print(f"compare_results: FAIL: {name} differs at flat index {i}: "
                      f"{x.reshape(-1)[i]!r} vs {y.reshape(-1)[i]!r} ({differ.size} values differ)")
                return 1
        print(f"compare_results: OK: {len(names)} datasets identical bit for bit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
