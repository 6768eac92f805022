"""numba.cuda kernels of Kanerva's Sparse Distributed Memory, twins of :mod:`amsim.families.sdm.reference`.

The public functions are host functions with the reference's names and arguments: they take NumPy arrays, copy
them to the GPU, launch the private ``@cuda.jit`` kernels below and copy the results back into the caller's
arrays. Nothing is validated. The number of threads per block is read from
``amsim.backends.CUDA_THREADS_PER_BLOCK`` at call time. Every kernel is listed with its signatures in
:data:`PTX_KERNELS`. Results are integers, identical to the reference.

Symbols
-------
N  address bits, W = ceil(N / 64) address words
M  hard locations, Mw = ceil(M / 64) activation words per address
D  data bits
B  batch of addresses (writes or reads)
r  inclusive activation radius
C  counters (M, D), int16 or int32, saturating at ``[low, high]``

Parallelism: activation over locations (one thread per location, ``cuda.popc`` on the XOR of the packed words);
writes over blocks of 64 locations (one CUDA block each, threads over the data bits); reads over addresses (one
CUDA block each, threads over the data bits). The host copies the whole counter table in and out on every write,
which is what the twin contract asks for; a device-resident memory would avoid it.
"""

from __future__ import annotations

import numpy as np
from numba import cuda, int64, types, uint64

from amsim import backends


def _tpb() -> int:
    """Threads per block, read at call time so tests can patch ``amsim.backends``."""
    return int(backends.CUDA_THREADS_PER_BLOCK)


# --------------------------------------------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------------------------------------------


@cuda.jit
def _activate_kernel(addresses, cues, radius, active):
    """Thread m (grid-stride over locations) compares location m with every cue and sets bit m of each row it
    matches with an atomic OR: the 64 locations of one word belong to different threads. ``active`` starts at 0."""
    n_locations, n_words = addresses.shape
    for m in range(cuda.grid(1), n_locations, cuda.gridsize(1)):
        word = m // 64
        bit = uint64(1) << uint64(m % 64)
        for b in range(cues.shape[0]):
            distance = int64(0)
            for w in range(n_words):
                distance += int64(cuda.popc(addresses[m, w] ^ cues[b, w]))
            if distance <= radius:
                cuda.atomic.or_(active, (b, word), bit)


@cuda.jit
def _activate_selected_kernel(masks, values, cues, active):
    """As :func:`_activate_kernel`, with Jaeckel's rule: every bit of ``masks[m]`` must match ``values[m]``."""
    n_locations, n_words = masks.shape
    for m in range(cuda.grid(1), n_locations, cuda.gridsize(1)):
        word = m // 64
        bit = uint64(1) << uint64(m % 64)
        for b in range(cues.shape[0]):
            miss = uint64(0)
            for w in range(n_words):
                miss |= (cues[b, w] ^ values[m, w]) & masks[m, w]
            if miss == 0:
                cuda.atomic.or_(active, (b, word), bit)


@cuda.jit
def _write_kernel(counters, active, signs, weights, low, high):
    """Block blk (grid-stride) owns locations 64 blk .. 64 blk + 63 and thread t the data bits t, t + T, ...; every
    (location, bit) counter has one owner, which applies the writes in batch order b = 0, 1, ... with saturation,
    as sequential writes would. Every thread walks the same set bits of ``active[b, blk]``."""
    n_bits = counters.shape[1]
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for blk in range(cuda.blockIdx.x, active.shape[1], cuda.gridDim.x):
        base = blk * 64
        for b in range(active.shape[0]):
            word = active[b, blk]
            delta = int64(weights[b])
            while word != 0:
                m = base + int64(cuda.popc((word & (~word + uint64(1))) - uint64(1)))
                word &= word - uint64(1)
                for i in range(tid, n_bits, nt):
                    counters[m, i] = min(max(int64(counters[m, i]) + delta * int64(signs[b, i]), low), high)


@cuda.jit
def _read_kernel(counters, active, sums):
    """Block b (grid-stride) reads address b; thread t sums the data bits t, t + T, ... over the active locations
    in a register and writes ``sums[b, i]`` once (one owner per element)."""
    n_bits = counters.shape[1]
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for b in range(cuda.blockIdx.x, active.shape[0], cuda.gridDim.x):
        for i in range(tid, n_bits, nt):
            acc = int64(0)
            for blk in range(active.shape[1]):
                word = active[b, blk]
                base = blk * 64
                while word != 0:
                    m = base + int64(cuda.popc((word & (~word + uint64(1))) - uint64(1)))
                    word &= word - uint64(1)
                    acc += int64(counters[m, i])
            sums[b, i] = acc


_U64_2 = types.Array(types.uint64, 2, "C")
_I8_2 = types.Array(types.int8, 2, "C")
_I16_2 = types.Array(types.int16, 2, "C")
_I32_1 = types.Array(types.int32, 1, "C")
_I32_2 = types.Array(types.int32, 2, "C")
_I64_2 = types.Array(types.int64, 2, "C")

#: Every ``@cuda.jit`` kernel of this module with the signatures the host functions launch it with.
PTX_KERNELS = [
    (_activate_kernel, (_U64_2, _U64_2, types.int64, _U64_2)),
    (_activate_selected_kernel, (_U64_2, _U64_2, _U64_2, _U64_2)),
    (_write_kernel, (_I16_2, _U64_2, _I8_2, _I32_1, types.int64, types.int64)),
    (_write_kernel, (_I32_2, _U64_2, _I8_2, _I32_1, types.int64, types.int64)),
    (_read_kernel, (_I16_2, _U64_2, _I64_2)),
    (_read_kernel, (_I32_2, _U64_2, _I64_2)),
]


# --------------------------------------------------------------------------------------------------------------
# Host functions
# --------------------------------------------------------------------------------------------------------------


def _c(a: np.ndarray, dtype) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=dtype)


def _blocks(n: int, tpb: int) -> int:
    return max(1, (n + tpb - 1) // tpb)


def activate(addresses: np.ndarray, cues: np.ndarray, radius: int, active: np.ndarray) -> None:
    """Hamming activation: location m is active for cue b when ``popcount(addresses[m] XOR cues[b]) <= radius``.

    Parameters
    ----------
    addresses : ndarray, (M, W) uint64
        Packed hard-location addresses.
    cues : ndarray, (B, W) uint64
        Packed addresses to activate for.
    radius : int
        Inclusive radius r (a negative radius activates nothing).
    active : ndarray, (B, Mw) uint64, out
        Packed activations; every word is overwritten.
    """
    tpb = _tpb()
    d_active = cuda.to_device(np.zeros(active.shape, np.uint64))
    if cues.shape[0]:
        _activate_kernel[_blocks(addresses.shape[0], tpb), tpb](
            cuda.to_device(_c(addresses, np.uint64)), cuda.to_device(_c(cues, np.uint64)), int(radius), d_active)
    active[...] = d_active.copy_to_host()


def activate_selected(masks: np.ndarray, values: np.ndarray, cues: np.ndarray, active: np.ndarray) -> None:
    """Jaeckel activation: location m is active for cue b when the cue equals ``values[m]`` on every bit of
    ``masks[m]`` (the location's specified coordinates).

    Parameters
    ----------
    masks : ndarray, (M, W) uint64
        Packed specified coordinates of each location.
    values : ndarray, (M, W) uint64
        Packed required values (zero outside the mask).
    cues : ndarray, (B, W) uint64
        Packed addresses to activate for.
    active : ndarray, (B, Mw) uint64, out
        Packed activations; every word is overwritten.
    """
    tpb = _tpb()
    d_active = cuda.to_device(np.zeros(active.shape, np.uint64))
    if cues.shape[0]:
        _activate_selected_kernel[_blocks(masks.shape[0], tpb), tpb](
            cuda.to_device(_c(masks, np.uint64)), cuda.to_device(_c(values, np.uint64)),
            cuda.to_device(_c(cues, np.uint64)), d_active)
    active[...] = d_active.copy_to_host()


def write(counters: np.ndarray, active: np.ndarray, signs: np.ndarray, weights: np.ndarray, low: int,
          high: int) -> None:
    """Add ``weights[b] * signs[b]`` to the counters of every location active for write b, in the order
    b = 0, 1, ..., saturating after each addition: ``C_m <- clip(C_m + w_b s_b, low, high)``.

    Parameters
    ----------
    counters : ndarray, (M, D) int16 or int32, in/out
        Counters C.
    active : ndarray, (B, Mw) uint64
        Packed activations of the B write addresses.
    signs : ndarray, (B, D) int8
        Data words as ±1 (+1 for a 1 bit).
    weights : ndarray, (B,) int32
        Integer weight of each write.
    low, high : int
        Saturation limits (the counter type's range): counters never wrap around.
    """
    if active.shape[0] == 0:
        return
    tpb = _tpb()
    d_counters = cuda.to_device(np.ascontiguousarray(counters))
    _write_kernel[active.shape[1], tpb](d_counters, cuda.to_device(_c(active, np.uint64)),
                                        cuda.to_device(_c(signs, np.int8)), cuda.to_device(_c(weights, np.int32)),
                                        int(low), int(high))
    counters[...] = d_counters.copy_to_host()


def read(counters: np.ndarray, active: np.ndarray, sums: np.ndarray) -> None:
    """Sum the counters of the locations active for each read address.

    Parameters
    ----------
    counters : ndarray, (M, D) int16 or int32
        Counters C.
    active : ndarray, (B, Mw) uint64
        Packed activations of the B read addresses.
    sums : ndarray, (B, D) int64, out
        ``sums[b] = sum over active m of C_m`` (0 where no location is active).
    """
    if active.shape[0] == 0:
        return
    tpb = _tpb()
    d_sums = cuda.device_array(sums.shape, dtype=np.int64)
    _read_kernel[active.shape[0], tpb](cuda.to_device(np.ascontiguousarray(counters)),
                                       cuda.to_device(_c(active, np.uint64)), d_sums)
    sums[...] = d_sums.copy_to_host()
