"""Numba CPU kernels of the active-dendrites family, twins of :mod:`amsim.families.dendrites.reference`.

Same names, arguments and (integer, hence identical) results; inputs are split over threads, and each input's
words stay in registers while every segment is compared with them (LLVM ``ctpop`` on the AND of the words).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from amsim.backends import FASTMATH
from amsim.bits import popcount

_FM = set(FASTMATH)


@njit(parallel=True, cache=True, fastmath=_FM)
def segment_overlaps(segments, inputs, out):
    """Active synapses of every segment for every input: ``popcount(segments[k] AND inputs[b])``; see the
    reference for shapes."""
    for b in prange(inputs.shape[0]):
        for k in range(segments.shape[0]):
            count = np.int64(0)
            for w in range(segments.shape[1]):
                count += np.int64(popcount(segments[k, w] & inputs[b, w]))
            out[b, k] = count
