"""The second kernel choice of .ci/run really is another one: under tools/kernels.py's
environment NumPy dispatches no SIMD target beyond its baseline and OpenBLAS runs another
core type than it picks by itself, on this machine, whatever its CPU."""
import json
import os
import platform
import subprocess
import sys

from tests.support import ROOT
from tools import kernels

SHOW = ("import json, numpy; from tools import kernels; "
        "print(json.dumps([kernels.dispatched_found(), kernels.openblas_core()]))")


def run_with(env):
    out = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env={**os.environ, **env},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_second_choice_turns_off_numpys_simd_and_changes_openblas_core():
    env = kernels.environment()
    found, core = run_with(env)
    assert found == []                                  # NumPy refused none and kept none
    if "OPENBLAS_CORETYPE" in env:      # as asked, or its nearest build (Prescott: Katmai)
        assert core and core.lower() != kernels.openblas_core().lower()
    else:                                                   # no other core for this CPU
        assert kernels.other_core(platform.machine(), kernels.openblas_core()) == ""


def test_a_core_the_cpu_cannot_run_or_already_runs_is_not_chosen():
    assert kernels.other_core("x86_64", "Haswell", {"AVX": 1, "SSE3": 1}) == "Sandybridge"
    assert kernels.other_core("x86_64", "SANDYBRIDGE", {"AVX": 1, "SSE3": 1}) == "Prescott"
    assert kernels.other_core("x86_64", "Haswell", {"SSE3": 1}) == "Prescott"
    assert kernels.other_core("aarch64", "NeoverseN1", {"ASIMD": 1}) == "ARMV8"
    assert kernels.other_core("riscv64", "", {}) == ""
