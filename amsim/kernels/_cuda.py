"""numba.cuda twins of the shared kernels (:mod:`amsim.kernels.reference`), and the host helpers families reuse.

The public functions are host functions with the reference's names and arguments: they copy NumPy arrays to the
GPU, launch the private ``@cuda.jit`` kernels below and copy the results back into the caller's arrays. Nothing is
validated. The number of threads per block is read from ``amsim.backends.CUDA_THREADS_PER_BLOCK`` at call time
(at most 1024, the size of the shared reduction buffers). Every kernel is listed with the signatures it is
launched with in :data:`PTX_KERNELS`. Families' CUDA modules import the private helpers (:func:`_tpb`,
:func:`_grid_rows`, :func:`_dev`, :func:`_ones`, :func:`_device_counts`, :data:`_REDUCE`, :func:`_a`, and the
device functions :func:`_shuffle` and :func:`_visit_order`) from here.

Symbols
-------
N  bits (neurons) per row
P  stored patterns
B  states
K  uint64 words per packed row, ``ceil(N / 64)`` (padding bits zero)
A  rows of the first operand of :func:`packed_distances` (B rows of the second)
T  threads per block
"""

from __future__ import annotations

import numpy as np
from numba import cuda, int32, int64, types, uint64

from amsim import backends

_MAX_GRID_Y = 65535  # CUDA's largest grid y dimension; kernels stride over the rest
_REDUCE = 1024  # shared reduction buffers: one slot per thread of the largest block


def _tpb() -> int:
    """Threads per block, read at call time so tests can patch ``amsim.backends``."""
    return int(backends.CUDA_THREADS_PER_BLOCK)


# --------------------------------------------------------------------------------------------------------------
# Device helpers of sequential dynamics, inlined into the families' kernels (each compiles to PTX on its own)
# --------------------------------------------------------------------------------------------------------------


@cuda.jit(device=True, inline="always")
def _shuffle(order, bits):
    """Inside-out Fisher-Yates into ``order`` from uint32 ``bits`` (see the reference); one thread runs it."""
    order[0] = 0
    for k in range(1, order.shape[0]):
        j = (uint64(bits[k]) * uint64(k + 1)) >> uint64(32)
        order[k] = order[j]
        order[j] = k


@cuda.jit(device=True, inline="always")
def _visit_order(order, order_bits, b, t, shuffled):
    """The visiting order of sweep t of state b into ``order``: drawn by ``order_bits[b, t]``, or ``0 .. N-1``
    when not ``shuffled``; one thread runs it."""
    if shuffled:
        _shuffle(order, order_bits[b, t])
    else:
        for k in range(order.shape[0]):
            order[k] = k


# --------------------------------------------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------------------------------------------


@cuda.jit
def _overlaps_kernel(patterns, states, out):
    """Block (b, mu) sums ``s_b . xi^mu`` exactly (coalesced over i), then thread 0 divides by N."""
    partial = cuda.shared.array(_REDUCE, int64)
    n_patterns = patterns.shape[0]
    n = states.shape[1]
    nf = float(n)
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for pair in range(cuda.blockIdx.x, states.shape[0] * n_patterns, cuda.gridDim.x):  # one block per (b, mu)
        b = pair // n_patterns
        mu = pair - b * n_patterns
        acc = int64(0)
        for i in range(tid, n, nt):
            acc += int64(states[b, i]) * int64(patterns[mu, i])
        partial[tid] = acc
        cuda.syncthreads()
        if tid == 0:
            dot = int64(0)
            for k in range(nt):
                dot += partial[k]
            out[b, mu] = float(dot) / nf
        cuda.syncthreads()


@cuda.jit
def _pack_kernel(states, active, packed):
    """Thread (b, w) packs spins 64 w .. 64 w + 63 of an active state b into ``packed[b, w]`` (+1: a set bit)."""
    n = states.shape[1]
    w = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, states.shape[0], cuda.gridDim.y):  # each (b, w) written by one thread
        if w < packed.shape[1] and active[b] != 0:
            word = uint64(0)
            for k in range(min(64, n - 64 * w)):
                if states[b, 64 * w + k] > 0:
                    word |= uint64(1) << uint64(k)
            packed[b, w] = word


@cuda.jit
def _counts_kernel(bits_n, packed, active, n, counts):
    """Thread (b, mu) of an active state writes ``counts[b, mu] = N - 2 popcount(xi^mu XOR s_b)``."""
    mu = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, packed.shape[0], cuda.gridDim.y):  # each (b, mu) written by one thread
        if mu < bits_n.shape[0] and active[b] != 0:
            c = int32(0)
            for w in range(packed.shape[1]):
                c += int32(cuda.popc(bits_n[mu, w] ^ packed[b, w]))
            counts[b, mu] = n - 2 * c


@cuda.jit
def _distances_kernel(a, b, out):
    """Thread (i, j) writes ``out[i, j] = sum_w popcount(a[i, w] XOR b[j, w])``; j across the threads and blocks
    of x, i over the grid rows (striding past the grid)."""
    j = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for i in range(cuda.blockIdx.y, a.shape[0], cuda.gridDim.y):  # each (i, j) written by one thread
        if j < b.shape[0]:
            c = int32(0)
            for w in range(a.shape[1]):
                c += int32(cuda.popc(a[i, w] ^ b[j, w]))
            out[i, j] = c


def _a(dtype, ndim):
    """The Numba type of a C-contiguous array, for the PTX signatures."""
    return types.Array(dtype, ndim, "C")


_I8_2, _I32_1, _U64_2 = _a(types.int8, 2), _a(types.int32, 1), _a(types.uint64, 2)

#: Every ``@cuda.jit`` kernel of this module with each signature the host functions launch it with.
PTX_KERNELS = [
    (_overlaps_kernel, (_I8_2, _I8_2, _a(types.float64, 2))),
    (_pack_kernel, (_I8_2, _I32_1, _U64_2)),
    *[(_counts_kernel, (_U64_2, _U64_2, _I32_1, types.int64, _a(c, 2))) for c in (types.int16, types.int32)],
    (_distances_kernel, (_U64_2, _U64_2, _a(types.int32, 2))),
]


# --------------------------------------------------------------------------------------------------------------
# Host functions
# --------------------------------------------------------------------------------------------------------------


def _grid_rows(n: int, rows: int, tpb: int) -> tuple[int, int]:
    """Grid for (row, i) kernels: i across threads and blocks in x, rows (capped) in y."""
    return max(1, (n + tpb - 1) // tpb), max(1, min(rows, _MAX_GRID_Y))


def _dev(a: np.ndarray, dtype=None):
    """A device copy of ``a`` (C-contiguous, of ``dtype`` if given); empty arrays become one-element placeholders
    (zero-size device arrays cannot be passed to kernels everywhere), which the kernels never read (their callers
    say so with ``tracing``/``shuffled``/``mode`` flags)."""
    a = np.ascontiguousarray(a, dtype=dtype)
    return cuda.to_device(a if a.size else np.zeros((1,) * a.ndim, a.dtype))


def _ones(n: int):
    """A device int32 vector of n ones (every state active)."""
    return cuda.to_device(np.ones(n, np.int32))


def _device_counts(d_bits_n, d_states, d_active, d_packed, d_counts, tpb: int) -> None:
    """Pack the active device states (B, N) into ``d_packed`` (B, K), then their overlap counts (B, P) by XOR +
    popcount with the device patterns ``d_bits_n`` (P, K)."""
    b, n = d_states.shape
    _pack_kernel[_grid_rows(d_packed.shape[1], b, tpb), tpb](d_states, d_active, d_packed)
    _counts_kernel[_grid_rows(d_bits_n.shape[0], b, tpb), tpb](d_bits_n, d_packed, d_active, n, d_counts)


def overlaps(patterns: np.ndarray, states: np.ndarray, out: np.ndarray) -> None:
    """Overlaps ``m_b^mu = (1/N) sum_i s_bi xi_i^mu`` of each state with each pattern.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        ±1 patterns.
    states : ndarray, (B, N) int8
        ±1 states.
    out : ndarray, (B, P) float64, out
        Overlaps in [-1, 1]; the integer dot products are exact before the division by N.
    """
    tpb = _tpb()
    n_states, n_patterns = states.shape[0], patterns.shape[0]
    if n_states == 0 or n_patterns == 0:
        return
    d_out = cuda.device_array((n_states, n_patterns), dtype=np.float64)
    blocks = min(n_states * n_patterns, 1 << 20)
    _overlaps_kernel[blocks, tpb](_dev(patterns, np.int8), _dev(states, np.int8), d_out)
    out[...] = d_out.copy_to_host()


def overlap_counts(bits_n: np.ndarray, states: np.ndarray, counts: np.ndarray) -> None:
    """Overlap counts ``m_mu = sum_i xi_i^mu s_i = N - 2 popcount(xi^mu XOR s)`` of each state.

    Parameters
    ----------
    bits_n : ndarray, (P, K) uint64
        ±1 patterns packed along the neurons (``amsim.bits.pack_bits(patterns)``: +1 is a set bit).
    states : ndarray, (B, N) int8
        ±1 states.
    counts : ndarray, (B, P) int16 or int32, out
        int16 needs N <= 32767.
    """
    b = states.shape[0]
    if b == 0:
        return
    d_counts = cuda.device_array(counts.shape, dtype=counts.dtype)
    d_packed = cuda.device_array((b, bits_n.shape[1]), dtype=np.uint64)
    _device_counts(_dev(bits_n, np.uint64), _dev(states, np.int8), _ones(b), d_packed, d_counts, _tpb())
    counts[...] = d_counts.copy_to_host()


def packed_distances(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """Pairwise Hamming distances of bit-packed rows: ``out[i, j] = sum_w popcount(a[i, w] XOR b[j, w])``.

    Parameters
    ----------
    a : ndarray, (A, K) uint64
        Packed rows (``amsim.bits.pack_bits``; padding bits zero).
    b : ndarray, (B, K) uint64
        Packed rows, as ``a``.
    out : ndarray, (A, B) int32, out
        Number of bit positions where row i of ``a`` and row j of ``b`` differ.
    """
    if a.shape[0] == 0 or b.shape[0] == 0:
        return
    if a.shape[1] == 0:  # no bits: no differences (and no zero-width device arrays)
        out[...] = 0
        return
    tpb = _tpb()
    d_out = cuda.device_array(out.shape, dtype=np.int32)
    _distances_kernel[_grid_rows(b.shape[0], a.shape[0], tpb), tpb](_dev(a, np.uint64), _dev(b, np.uint64), d_out)
    out[...] = d_out.copy_to_host()
