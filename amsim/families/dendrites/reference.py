"""Readable NumPy kernels of the active-dendrites family: the reference the Numba and CUDA twins match.

Bit layout (:func:`amsim.bits.pack_bits`): an n-bit SDR is ``W = ceil(n / 64)`` uint64 words, bit i in word
``i // 64`` at position ``i % 64``. A segment is the packed set of bits it has synapses on. Counts are integers, so
every backend gives identical results; kernels write into caller-allocated outputs and validate nothing.
"""

from __future__ import annotations

import numpy as np


def segment_overlaps(segments: np.ndarray, inputs: np.ndarray, out: np.ndarray) -> None:
    """Active synapses of every segment for every input: ``popcount(segments[k] AND inputs[b])``.

    Parameters
    ----------
    segments : ndarray, (S, W) uint64
        Packed synapse sets.
    inputs : ndarray, (B, W) uint64
        Packed input SDRs.
    out : ndarray, (B, S) int32, out
        Overlap counts.
    """
    for b in range(inputs.shape[0]):
        out[b] = np.bitwise_count(segments & inputs[b]).sum(axis=1, dtype=np.int64)
