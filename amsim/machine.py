"""The machine's own limits, measured in the same run as the benchmarks they judge.

``bandwidth``: bytes per second read from main memory by a streaming sum over an array far larger than the
caches; ``popcount``: 64-bit popcounts per second on data in L1. Both use the Numba threads in force.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numba import njit, prange

from amsim.backends import FASTMATH
from amsim.bits import popcount


@njit(parallel=True, cache=True, fastmath=set(FASTMATH))
def _stream_sum(x):
    total = 0.0
    for i in prange(x.shape[0]):  # a reduction: numba gives each thread its own partial sum
        total += x[i]
    return total


@njit(cache=True)
def _popcount_chunk(a, b, rounds):
    acc = np.uint64(0)
    for _ in range(rounds):
        for i in range(a.shape[0]):  # vectorises to VPOPCNTQ where the CPU has it
            acc += popcount(a[i] ^ b[i])
    return acc


@njit(parallel=True, cache=True)
def _popcount_loop(a, b, rounds):
    chunks = a.shape[0]
    counts = np.zeros(chunks, np.uint64)
    for c in prange(chunks):  # each chunk owns counts[c]: race-free
        counts[c] = _popcount_chunk(a[c], b[c], rounds)
    return counts.sum()


def wall_times(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall times in seconds of ``repeats`` calls of ``fn``, after one untimed warm-up call (JIT compilation)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _best_of(fn: Callable[[], object], repeats: int = 5) -> float:
    return min(wall_times(fn, repeats))


def bandwidth(megabytes: int = 512) -> float:
    """Read bandwidth from main memory in bytes per second (best of 5 streaming sums over ``megabytes``)."""
    x = np.ones(megabytes * 2**20 // 8)
    return x.nbytes / _best_of(lambda: _stream_sum(x))


def popcount_rate(words: int = 2048, rounds: int = 4000) -> float:
    """Popcounts per second of XORed uint64 words held in L1 cache, one 2048-word block per thread (best of 5)."""
    from amsim.backends import set_threads

    rng = np.random.default_rng(0)
    a, b = (rng.integers(0, 2**63, size=(set_threads(None), words), dtype=np.uint64) for _ in range(2))
    return a.size * rounds / _best_of(lambda: _popcount_loop(a, b, rounds))


#: The measured limits by name, each a function of no arguments returning a rate.
LIMITS = {"bandwidth": bandwidth, "popcount": popcount_rate}


def limits() -> dict[str, float]:
    """Both limits for the current thread count: ``{"bandwidth": B/s, "popcount": 1/s}``."""
    return {name: measure() for name, measure in LIMITS.items()}
