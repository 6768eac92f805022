"""Pattern layouts the engines hold, prepared on the host for every backend (not a kernel twin).

Symbols: P patterns, N neurons.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from amsim.backends import FASTMATH

_TILE = 256  # transpose tile: 256 x 256 in and out, both in L2 (measured: 64 is 2x slower at N = 100,000)


@njit(parallel=True, cache=True, fastmath=set(FASTMATH))
def _transpose_into(src, dst):
    """``dst[j, i] = src[i, j]`` for src (P, N) and dst (N, >= P), by tiles (a strided NumPy copy of the
    N = 100,000, P = 5,000 patterns takes seconds; tiles keep both sides in cache). Threads split dst's rows."""
    n_rows, n_cols = src.shape
    for jt in prange((n_cols + _TILE - 1) // _TILE):  # tile column jt writes only rows jt T .. jt T + T - 1 of dst
        j0 = jt * _TILE
        for i0 in range(0, n_rows, _TILE):
            # views indexed from 0: Numba then proves the indices non-negative and drops wraparound checks
            tile_in = src[i0:i0 + _TILE, j0:j0 + _TILE]
            tile_out = dst[j0:j0 + _TILE, i0:i0 + _TILE]
            for a in range(tile_in.shape[0]):
                for b in range(tile_in.shape[1]):
                    tile_out[b, a] = tile_in[a, b]


def transposed(patterns: np.ndarray, width: int | None = None, dtype: type = np.int8) -> np.ndarray:
    """The patterns transposed, zero-padded on the right.

    Parameters
    ----------
    patterns : ndarray, (P, N) integer
    width : int, optional
        Columns of the result, at least P (default P).
    dtype : type
        dtype of the result (holding the patterns' values).

    Returns
    -------
    ndarray, (N, width)
        ``out[i, mu] = patterns[mu, i]``, zero in columns P .. width - 1.
    """
    n_patterns, n = patterns.shape
    out = np.zeros((n, width or n_patterns), dtype=dtype)
    _transpose_into(np.ascontiguousarray(patterns), out)
    return out
