#!/usr/bin/python3
"""Writes the benchmark's point set: 200 points of a researcher's typical grid, alpha in
[1.1, 3], beta in [0.5, 2], gamma in [0.5, 1.5], N, D, tau log-uniform in [1e3, 1e12]
(fixed seed), all finite. Usage: make_bench_points.py OUT.csv [count]"""
import csv
import random
import sys

rng = random.Random(2)
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
with open(sys.argv[1], 'w', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['alpha', 'beta', 'gamma', 'N', 'D', 'tau', 'learning_rate', 'capacity_scale'])
    for _ in range(count):
        w.writerow([repr(rng.uniform(1.1, 3.0)), repr(rng.uniform(0.5, 2.0)),
                    repr(rng.uniform(0.5, 1.5))] +
                   [repr(float(round(10 ** rng.uniform(3, 12)))) for _ in range(3)] +
                   ['0.1', '1.0'])
