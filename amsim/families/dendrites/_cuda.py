"""CUDA kernels of the active-dendrites family, twins of :mod:`amsim.families.dendrites.reference`.

The host functions copy the arrays to the GPU, launch the private ``@cuda.jit`` kernel (one thread per
(input, segment) pair, grid-stride, ``cuda.popc`` on the AND of the packed words) and copy the counts back.
"""

from __future__ import annotations

import numpy as np
from numba import cuda, int64, types

from amsim import backends


def _tpb() -> int:
    """Threads per block, read at call time so tests can patch ``amsim.backends``."""
    return int(backends.CUDA_THREADS_PER_BLOCK)


@cuda.jit
def _segment_overlaps_kernel(segments, inputs, out):
    """Thread i (grid-stride) counts pair (b, k) = divmod(i, S)."""
    n_segments = segments.shape[0]
    for i in range(cuda.grid(1), inputs.shape[0] * n_segments, cuda.gridsize(1)):
        b = i // n_segments
        k = i - b * n_segments
        count = int64(0)
        for w in range(segments.shape[1]):
            count += int64(cuda.popc(segments[k, w] & inputs[b, w]))
        out[b, k] = count


_U64_2 = types.Array(types.uint64, 2, "C")
_I32_2 = types.Array(types.int32, 2, "C")

#: Every ``@cuda.jit`` kernel of this module with the signatures the host functions launch it with.
PTX_KERNELS = [(_segment_overlaps_kernel, (_U64_2, _U64_2, _I32_2))]


def segment_overlaps(segments: np.ndarray, inputs: np.ndarray, out: np.ndarray) -> None:
    """Active synapses of every segment for every input: ``popcount(segments[k] AND inputs[b])``; see the
    reference for shapes."""
    pairs = inputs.shape[0] * segments.shape[0]
    if pairs == 0:
        return
    tpb = _tpb()
    d_out = cuda.to_device(np.zeros(out.shape, np.int32))
    _segment_overlaps_kernel[max(1, min((pairs + tpb - 1) // tpb, 4096)), tpb](
        cuda.to_device(np.ascontiguousarray(segments, np.uint64)),
        cuda.to_device(np.ascontiguousarray(inputs, np.uint64)), d_out)
    out[...] = d_out.copy_to_host()
