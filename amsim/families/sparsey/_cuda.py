"""numba.cuda kernels of Sparsey's Code Selection Algorithm, twins of :mod:`amsim.families.sparsey.reference`.

The public functions are host functions with the reference's names and arguments: they copy NumPy arrays to the
GPU, launch the private ``@cuda.jit`` kernels and copy the results back into the caller's arrays. Nothing is
validated. Every kernel is listed with its signatures in :data:`PTX_KERNELS`.

Parallelism: learning is sequential over items, so it runs in one block of Q threads, thread q owning CM q (its K
units' support, its winner and the weight columns it writes); the CMs' maxima meet in shared memory for G, and
the block synchronises between items. Retrieval runs one thread per (item, CM), the host summing the maxima into
G (exact integers); read-out one thread per (item, input bit). Retrieval and read-out give the reference's
integers. Learning gives them too where ``pow`` and the psi arithmetic round as on the host (always under the
simulator); on a GPU an ulp of difference in eta or psi could move a winner only when a host draw falls within
that ulp of a roulette boundary.
"""

from __future__ import annotations

import numpy as np
from numba import cuda, float64, int64, types

from amsim import backends

_MAX_MODULES = 1024  # one thread per CM in the learning block (SparseyParams.modules <= 1024)


def _tpb() -> int:
    """Threads per block, read at call time so tests can patch ``amsim.backends``."""
    return int(backends.CUDA_THREADS_PER_BLOCK)


# --------------------------------------------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------------------------------------------


@cuda.jit
def _learn_kernel(weights, indices, offsets, sigmoid, draws, units, g_min, eta_max, gamma, codes, familiarity,
                  support):
    """Thread q (one block of Q threads) runs CM q of the CSA for every item in turn; ``support`` (M,) int64 is
    scratch for the units' u."""
    n_modules = codes.shape[1]
    q = cuda.threadIdx.x
    maxima = cuda.shared.array(_MAX_MODULES, int64)
    for b in range(codes.shape[0]):
        lo, hi = offsets[b], offsets[b + 1]
        n = hi - lo
        if q < n_modules:
            best = int64(0)
            for k in range(units):
                total = int64(0)
                for a in range(lo, hi):
                    total += weights[indices[a], q * units + k]
                support[q * units + k] = total
                best = max(best, total)
            maxima[q] = best
        cuda.syncthreads()
        if q < n_modules:
            total_max = int64(0)
            for r in range(n_modules):
                total_max += maxima[r]
            g = float64(0.0)
            if n > 0:
                g = total_max / float64(n_modules * n)
            eta = float64(0.0)
            if g > g_min:
                eta = eta_max * ((g - g_min) / (1.0 - g_min)) ** gamma
            running = float64(0.0)
            for k in range(units):
                running += 1.0 + eta * sigmoid[b, support[q * units + k]]
            target = draws[b, q] * running
            winner = units - 1
            running = 0.0
            for k in range(units):
                running += 1.0 + eta * sigmoid[b, support[q * units + k]]
                if target < running:
                    winner = k
                    break
            codes[b, q] = winner
            for a in range(lo, hi):
                weights[indices[a], q * units + winner] = 1
            if q == 0:
                familiarity[b] = g
        cuda.syncthreads()


@cuda.jit
def _recognise_kernel(weights, indices, offsets, units, codes, maxima):
    """Thread (b, q) (grid-stride over B Q): the best-supported unit of CM q for item b and its support."""
    n_items, n_modules = codes.shape
    for t in range(cuda.grid(1), n_items * n_modules, cuda.gridsize(1)):
        b, q = t // n_modules, t % n_modules
        best, winner = int64(-1), 0
        for k in range(units):
            total = int64(0)
            for a in range(offsets[b], offsets[b + 1]):
                total += weights[indices[a], q * units + k]
            if total > best:
                best, winner = total, k
        codes[b, q] = winner
        maxima[b, q] = best


@cuda.jit
def _read_out_kernel(weights, codes, units, threshold, states):
    """Thread (b, j) (grid-stride over B N): bit j of item b's read-out."""
    n_items, n_bits = states.shape
    for t in range(cuda.grid(1), n_items * n_bits, cuda.gridsize(1)):
        b, j = t // n_bits, t % n_bits
        count = int64(0)
        for q in range(codes.shape[1]):
            count += weights[j, q * units + codes[b, q]]
        states[b, j] = 1 if count >= threshold else 0


_U8_2 = types.Array(types.uint8, 2, "C")
_I64_1 = types.Array(types.int64, 1, "C")
_I64_2 = types.Array(types.int64, 2, "C")
_I32_2 = types.Array(types.int32, 2, "C")
_F64_1 = types.Array(types.float64, 1, "C")
_F64_2 = types.Array(types.float64, 2, "C")

#: Every kernel with the argument types it is compiled for (checked by tests/test_cuda_ptx.py).
PTX_KERNELS = [
    (_learn_kernel, (_U8_2, _I64_1, _I64_1, _F64_2, _F64_2, types.int64, types.float64, types.float64, types.float64,
                     _I32_2, _F64_1, _I64_1)),
    (_recognise_kernel, (_U8_2, _I64_1, _I64_1, types.int64, _I32_2, _I64_2)),
    (_read_out_kernel, (_U8_2, _I32_2, types.int64, types.int64, _U8_2)),
]


# --------------------------------------------------------------------------------------------------------------
# Host functions
# --------------------------------------------------------------------------------------------------------------


def _c(a: np.ndarray, dtype) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=dtype)


def _blocks(n: int, tpb: int) -> int:
    return max(1, (n + tpb - 1) // tpb)


def learn(weights: np.ndarray, indices: np.ndarray, offsets: np.ndarray, sigmoid: np.ndarray, draws: np.ndarray,
          units: int, g_min: float, eta_max: float, gamma: float, codes: np.ndarray,
          familiarity: np.ndarray) -> None:
    """The CSA with single-trial learning, item by item (see :func:`amsim.families.sparsey.reference.learn`)."""
    n_items, n_modules = codes.shape
    if n_items == 0:
        return
    d_weights = cuda.to_device(_c(weights, np.uint8))
    d_codes = cuda.to_device(np.zeros(codes.shape, np.int32))
    d_familiarity = cuda.to_device(np.zeros(n_items, np.float64))
    _learn_kernel[1, n_modules](
        d_weights, cuda.to_device(_c(indices, np.int64)), cuda.to_device(_c(offsets, np.int64)),
        cuda.to_device(_c(sigmoid, np.float64)), cuda.to_device(_c(draws, np.float64)), int(units), float(g_min),
        float(eta_max), float(gamma), d_codes, d_familiarity, cuda.device_array(weights.shape[1], np.int64))
    weights[...] = d_weights.copy_to_host()
    codes[...] = d_codes.copy_to_host()
    familiarity[...] = d_familiarity.copy_to_host()


def recognise(weights: np.ndarray, indices: np.ndarray, offsets: np.ndarray, units: int, codes: np.ndarray,
              familiarity: np.ndarray) -> None:
    """Best-supported unit of each CM and the familiarity G (see
    :func:`amsim.families.sparsey.reference.recognise`)."""
    n_items, n_modules = codes.shape
    if n_items == 0:
        return
    tpb = _tpb()
    d_codes = cuda.to_device(np.zeros(codes.shape, np.int32))
    d_maxima = cuda.to_device(np.zeros(codes.shape, np.int64))
    _recognise_kernel[_blocks(n_items * n_modules, tpb), tpb](
        cuda.to_device(_c(weights, np.uint8)), cuda.to_device(_c(indices, np.int64)),
        cuda.to_device(_c(offsets, np.int64)), int(units), d_codes, d_maxima)
    codes[...] = d_codes.copy_to_host()
    counts = np.diff(np.asarray(offsets, np.int64))
    totals = d_maxima.copy_to_host().sum(axis=1)
    familiarity[...] = np.where(counts > 0, totals / (n_modules * np.maximum(counts, 1)), 0.0)


def read_out(weights: np.ndarray, codes: np.ndarray, units: int, threshold: int, states: np.ndarray) -> None:
    """Bits wired to at least ``threshold`` units of each code (see
    :func:`amsim.families.sparsey.reference.read_out`)."""
    n_items, n_bits = states.shape
    if n_items == 0:
        return
    tpb = _tpb()
    d_states = cuda.to_device(np.zeros(states.shape, np.uint8))
    _read_out_kernel[_blocks(n_items * n_bits, tpb), tpb](
        cuda.to_device(_c(weights, np.uint8)), cuda.to_device(_c(codes, np.int32)), int(units), int(threshold),
        d_states)
    states[...] = d_states.copy_to_host()
