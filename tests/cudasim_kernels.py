"""Shared CUDA kernels (:mod:`amsim.kernels._cuda`) against the NumPy reference, under the CUDA simulator.

Not collected by pytest: ``tests/test_shared_kernels.py`` runs it in a subprocess with ``NUMBA_ENABLE_CUDASIM=1``
(Numba reads the variable at import time). Threads per block are patched small
(``amsim.backends.CUDA_THREADS_PER_BLOCK``) and the sizes are not multiples of them, so partial blocks, strided
slices and grid striding are exercised. Exits non-zero on the first mismatch.
Symbols: N bits (neurons) per row, P patterns, B states, A and B rows of the packed operands.
"""

from __future__ import annotations

import os
import sys
import time

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    sys.exit("cudasim_kernels.py must run with NUMBA_ENABLE_CUDASIM=1")

import numpy as np  # noqa: E402

from amsim import backends  # noqa: E402
from amsim.bits import pack_bits  # noqa: E402
from amsim.kernels import _cuda, reference  # noqa: E402


def _same(name, got, want):
    if not np.array_equal(got, want):
        raise AssertionError(f"{name}: cuda differs from reference\ncuda:\n{got}\nreference:\n{want}")


def _pm1(rng, shape):
    return (rng.integers(0, 2, size=shape) * 2 - 1).astype(np.int8)


def check_overlaps(tpb, p, n, b, seed):
    """Overlaps and overlap counts (int16 and int32) of B states with P patterns."""
    backends.CUDA_THREADS_PER_BLOCK = tpb
    rng = np.random.default_rng(seed)
    patterns, states = _pm1(rng, (p, n)), _pm1(rng, (b, n))
    states[0] = patterns[0]
    want, got = np.empty((b, p)), np.full((b, p), np.nan)
    reference.overlaps(patterns, states, want)
    _cuda.overlaps(patterns, states, got)
    _same(f"overlaps P={p} N={n} B={b}", got, want)
    for dtype in (np.int16, np.int32):
        want, got = np.empty((b, p), dtype), np.full((b, p), -9999, dtype)
        reference.overlap_counts(pack_bits(patterns), states, want)
        _cuda.overlap_counts(pack_bits(patterns), states, got)
        _same(f"overlap_counts {dtype.__name__} P={p} N={n} B={b}", got, want)


def check_distances(tpb, a_rows, n, b_rows, seed, grid_rows=_cuda._MAX_GRID_Y):
    """Pairwise Hamming distances of packed rows: the rows of ``b`` across threads and blocks in x, those of ``a``
    over at most ``grid_rows`` grid rows in y (fewer than A: the kernel strides)."""
    backends.CUDA_THREADS_PER_BLOCK = tpb
    _cuda._MAX_GRID_Y = grid_rows
    rng = np.random.default_rng(seed)
    a, b = pack_bits(rng.integers(0, 2, size=(a_rows, n))), pack_bits(rng.integers(0, 2, size=(b_rows, n)))
    want, got = np.empty((a_rows, b_rows), np.int32), np.full((a_rows, b_rows), -1, np.int32)
    reference.packed_distances(a, b, want)
    _cuda.packed_distances(a, b, got)
    _same(f"packed_distances A={a_rows} N={n} B={b_rows}", got, want)


def main():
    t0 = time.perf_counter()
    for tpb, p, n, b, seed in ((8, 6, 21, 3, 1), (16, 5, 130, 2, 2), (8, 18, 19, 2, 3)):
        check_overlaps(tpb, p, n, b, seed)
    for tpb, a_rows, n, b_rows, seed in ((8, 3, 1, 5, 4), (8, 5, 130, 19, 5), (16, 7, 64, 17, 6), (8, 4, 70, 0, 7),
                                         (8, 0, 70, 4, 8)):
        check_distances(tpb, a_rows, n, b_rows, seed)
    check_distances(8, 7, 100, 11, 9, grid_rows=2)
    print(f"cudasim kernels: all kernels match the reference ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
