#!/usr/bin/python3
"""Generates include/modesweep/model/tanh_sinh.hpp: tanh-sinh nodes and weights on a unit
interval for t = j/128, 0 <= t <= 3.5, in 50-digit mpmath arithmetic, rounded to double.
x(t) = 1/2 + tanh(pi/2 sinh t)/2; stored as the distance to the nearer end, 1/(1+exp(2|v|)),
v = pi/2 sinh t, so nodes next to an end keep full relative precision.
Run: /usr/bin/python3 scripts/gen_tanh_sinh.py > include/modesweep/model/tanh_sinh.hpp
"""
import mpmath as mp

from quadrature_tables import print_constant, print_footer, print_header, print_table

mp.mp.dps = 50
STEPS_PER_UNIT = 128
T_MAX = mp.mpf("3.5")
n = int(T_MAX * STEPS_PER_UNIT) + 1
near, weight = [], []
for j in range(n):
    t = mp.mpf(j) / STEPS_PER_UNIT
    v = mp.pi / 2 * mp.sinh(t)
    near.append(1 / (1 + mp.exp(2 * v)))
    weight.append(mp.pi / 4 * mp.cosh(t) / mp.cosh(v) ** 2)

print_header("gen_tanh_sinh.py", [
    "Tanh-sinh rule on [0, 1] at t = j/128, j = 0..448: distance of the node to the nearer",
    "end and the weight dx/dt (the trapezoid step h multiplies it)."])
print_constant("tanh_sinh_steps_per_unit", STEPS_PER_UNIT)
print_constant("tanh_sinh_last", n - 1)
print("// clang-format off")
print_table("tanh_sinh_near", near)
print_table("tanh_sinh_weight", weight)
print("// clang-format on")
print_footer()
