#!/usr/bin/env python3
"""slurm/sweep.sbatch refuses a malformed MODESWEEP_WARN_SECONDS or MODESWEEP_MAX_REQUEUES
before it starts anything: exit 2 and one line naming the variable (plain bash, no Slurm).
A non-number there once made every `[ -ge ]` test fail, so the job requeued without end.

usage: sweep_sbatch_settings_test.py PROJECT_DIR
"""
import os
import subprocess
import sys

project = sys.argv[1]
script = os.path.join(project, "slurm", "sweep.sbatch")
failures = []
for variable, value in (("MODESWEEP_MAX_REQUEUES", "abc"), ("MODESWEEP_MAX_REQUEUES", "-1"),
                        ("MODESWEEP_WARN_SECONDS", "5m")):
    env = dict(os.environ, **{variable: value}, MODESWEEP="/bin/false")
    result = subprocess.run(["bash", script, "spec.toml"], capture_output=True, text=True,
                            env=env, timeout=30)
    text = (result.stdout + result.stderr).strip()
    expected = f"error: {variable} must be a whole number of 0 or more (got '{value}')"
    if result.returncode != 2 or len(text.splitlines()) != 1 or not text.endswith(expected):
        failures.append(f"{variable}={value!r}: exit {result.returncode}, output {text!r}")
for f in failures:
    print(f"FAIL: {f}")
print("sweep_sbatch_settings_test:", "FAIL" if failures else "OK")
sys.exit(1 if failures else 0)
