"""The second kernel choice for `.ci/run`: the environment that makes NumPy and OpenBLAS
run this machine's arithmetic with other kernels, so the numeric tests see the rounding a
different CPU would give (AVX-512 against AVX, FMA against none) without needing one.

    python3 tools/kernels.py     # prints e.g. OPENBLAS_CORETYPE=Sandybridge NPY_DISABLE_...

NumPy: every dispatched SIMD target this CPU has is disabled (`numpy.show_runtime()`'s
"found"; the baseline cannot be, NumPy refuses). OpenBLAS: the first core type in
`CORES` that this CPU can run and that OpenBLAS has not already picked.
"""
import os
import platform

import numpy as np

try:                                        # NumPy 2; NumPy 1 named its core numpy.core
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
except ImportError:                         # pragma: no cover
    from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__

# machine -> [(OpenBLAS core type, the CPU feature its kernels need)], preferred first:
# Sandybridge is AVX without FMA; Prescott plain SSE3; ARMV8 the generic arm64 kernels.
CORES = {
    "x86_64": [("Sandybridge", "AVX"), ("Prescott", "SSE3")],
    "aarch64": [("ARMV8", "ASIMD")],
    "arm64": [("ARMV8", "ASIMD")],
}


def dispatched_found():
    """NumPy's dispatched SIMD targets this CPU has, as numpy.show_runtime() lists them."""
    return [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]


def openblas_core():
    """The core type OpenBLAS picked at load time ("" if unknown)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ""
    np.ones(2) @ np.ones(2)                 # make sure the BLAS library is loaded
    return next((i.get("architecture") or "" for i in threadpool_info()
                 if i.get("internal_api") == "openblas"), "")


def other_core(machine, current, has=__cpu_features__):
    """The first core type for `machine` that the CPU can run and that is not `current`."""
    return next((core for core, needs in CORES.get(machine, [])
                 if has.get(needs) and core.lower() != current.lower()), "")


def environment():
    """{variable: value} for the second kernel choice (SIMD already turned off stays off)."""
    off = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split()
    env = {"NPY_DISABLE_CPU_FEATURES": ",".join(dict.fromkeys(off + dispatched_found()))}
    core = other_core(platform.machine(), openblas_core())
    if core:
        env["OPENBLAS_CORETYPE"] = core
    return env


if __name__ == "__main__":
    print(" ".join(f"{k}={v}" for k, v in environment().items()))
