"""Dense-family CUDA kernels against the NumPy reference, under the CUDA simulator.

Not collected by pytest: ``tests/test_dense_kernels.py`` runs it in a subprocess with ``NUMBA_ENABLE_CUDASIM=1``
(Numba reads the variable at import time). The ±1 dynamics must be identical (under the simulator ``exp`` is
Python's, so Glauber too); the modern Hopfield kernels agree within relative 1e-12 (float64) and 1e-5 (float32).
Threads per block are patched small for the modern Hopfield kernels, with sizes that are not multiples of them.
Problems come from ``test_dense_kernels.py``; by default one per kernel and path (exact int64 and float64-lane
polynomial sums, exponential, both dynamics, every separation), all of them with ``AMSIM_CUDASIM_FULL=1``. Exits
non-zero on the first mismatch.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    sys.exit("cudasim_dense.py must run with NUMBA_ENABLE_CUDASIM=1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import test_dense_kernels as kt  # noqa: E402

from amsim import backends  # noqa: E402
from amsim.families.dense import _cuda, reference  # noqa: E402


def _same(name, got, want):
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        if not np.array_equal(g, w):
            raise AssertionError(f"{name} (output {k}): cuda differs from reference\ncuda:\n{g}\nreference:\n{w}")


def _close(name, got, want, rtol):
    scale = np.abs(want).max()
    if not np.abs(got - want).max() <= rtol * scale:
        raise AssertionError(f"{name}: cuda differs from reference by {np.abs(got - want).max() / scale:.3g}")


def check_dynamics(full):
    rng = np.random.default_rng(3)
    problems = [("polynomial", 3, 19, 37, 2, 0, False), ("rectified", 5, 13, 20, 2, 1, True),
                ("exponential", 3, 15, 30, 2, 0, False), ("exponential", 3, 66, 12, 1, 1, False)] if full else \
        [("polynomial", 3, 9, 37, 1, 0, False), ("rectified", 5, 9, 40, 1, 1, True),
         ("exponential", 3, 11, 30, 1, 1, False)]
    for energy, p, n, n_pat, b, mode, floats in problems:
        problem = kt.Problem(energy, p, n, n_pat, rng)
        if floats:  # the float64 lane sums that memories beyond the int64 bound use, on a small memory
            problem.sums, problem.diffs = problem.sums.astype(np.float64), problem.diffs.astype(np.float64)
        cues = problem.cues(b, 0.3, rng)
        schedule = kt.schedule(rng, b, 2 if n < 64 else 1, n, mode, fixed=n % 2 == 1)
        want = problem.sweeps(reference, cues, schedule)
        _same(f"{energy} p={p} sweeps mode {mode}", problem.sweeps(_cuda, cues, schedule), want)
        _same(f"{energy} p={p} sync", problem.sync(_cuda, cues, 6), problem.sync(reference, cues, 6))


def check_two_cycle():
    """Two patterns whose sync dynamics 2-cycle from a cue between them (p = 2, as the Hopfield test)."""
    problem = kt.Problem("polynomial", 2, 3, 2, None, patterns=np.array([[1, 1, 1], [1, 1, -1]], np.int8))
    cues = np.array([[1, -1, -1], [1, 1, -1]], np.int8)
    for limit in (5, 6):
        got = problem.sync(_cuda, cues, limit)
        _same(f"2-cycle limit {limit}", got, problem.sync(reference, cues, limit))
        assert got[1][0] == limit and not got[2][0], got


def check_modern(full):
    rng = np.random.default_rng(4)
    backends.CUDA_THREADS_PER_BLOCK = 8
    scores = rng.normal(size=(3, 37)) * 4
    for kind, alpha in ((0, 1.5), (1, 1.5), (2, 1.5), (3, 1.3), (3, 2.0)):
        want, got = np.empty_like(scores), np.empty_like(scores)
        reference.separation(scores, kind, alpha, want)
        _cuda.separation(scores, kind, alpha, got)
        _close(f"separation {kind} alpha {alpha}", got, want, 1e-12)
    for dtype, rtol in ((np.float64, 1e-12), (np.float32, 1e-5))[:2 if full else 1]:
        q, k, v = (rng.normal(size=shape).astype(dtype) for shape in ((3, 6), (45, 6), (45, 5)))
        for kind in range(4) if full else (1, 3):
            want, got = np.empty((3, 5), dtype), np.empty((3, 5), dtype)
            reference.attend(q, k, v, 0.8, kind, 1.5, want)
            _cuda.attend(q, k, v, 0.8, kind, 1.5, got)
            _close(f"attend {kind} {dtype.__name__}", got, want, rtol)


def main():
    """The quick set by default; every problem with ``AMSIM_CUDASIM_FULL=1`` (the slow test)."""
    full = os.environ.get("AMSIM_CUDASIM_FULL") == "1"
    t0 = time.perf_counter()
    check_two_cycle()
    check_dynamics(full)
    check_modern(full)
    print(f"cudasim dense: all kernels match the reference ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
