"""Sparsey CUDA kernels against the NumPy reference, under the CUDA simulator.

Not collected by pytest: ``tests/test_sparsey.py`` runs it in a subprocess with ``NUMBA_ENABLE_CUDASIM=1``.
Threads per block are patched small so that the (item, CM) and (item, bit) grids stride. Exits non-zero on the
first mismatch.
"""

from __future__ import annotations

import os
import sys

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    sys.exit("cudasim_sparsey.py must run with NUMBA_ENABLE_CUDASIM=1")

import numpy as np  # noqa: E402

from amsim import backends  # noqa: E402
from amsim.families.sparsey import _cuda, reference  # noqa: E402
from amsim.families.sparsey.model import active_lists, sigmoid_table  # noqa: E402


def _same(name, got, want):
    if not np.array_equal(got, want):
        raise AssertionError(f"{name}: cuda differs from reference\ncuda:\n{got}\nreference:\n{want}")


def check_problem(tpb, n, q, k, b, seed):
    backends.CUDA_THREADS_PER_BLOCK = tpb
    rng = np.random.default_rng(seed)
    items = (rng.random((b, n)) < 0.3).astype(np.uint8)
    items[0] = 0  # an empty input
    items[2] = items[1]  # a repeated one: familiar, so the sigmoid matters
    indices, offsets = active_lists(items)
    sigmoid = sigmoid_table(np.diff(offsets), 0.5, 10.0)
    draws = rng.random((b, q))
    out = {}
    for name, twin in (("cuda", _cuda), ("reference", reference)):
        weights = np.zeros((n, q * k), np.uint8)
        codes, g = np.full((b, q), -1, np.int32), np.full(b, -1.0)
        twin.learn(weights, indices, offsets, sigmoid, draws, k, 0.1, 50.0, 2.0, codes, g)
        again, g2 = np.full((b, q), -1, np.int32), np.full(b, -1.0)
        twin.recognise(weights, indices, offsets, k, again, g2)
        states = np.full((b, n), 7, np.uint8)
        twin.read_out(weights, again, k, q, states)
        out[name] = (weights, codes, g, again, g2, states)
    for label, got, want in zip(("weights", "codes", "familiarity", "recognised", "recognised G", "read_out"),
                                out["cuda"], out["reference"], strict=True):
        _same(f"{label} tpb={tpb} n={n} q={q} k={k} b={b}", got, want)


if __name__ == "__main__":
    check_problem(32, 20, 5, 3, 6, 1)
    check_problem(7, 13, 4, 5, 5, 2)
    print("all kernels match the reference")
