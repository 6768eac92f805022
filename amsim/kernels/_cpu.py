"""Numba CPU twins of the shared kernels (:mod:`amsim.kernels.reference`), and the Numba helpers families reuse.

Same names, arguments and (exact) results as the reference. Outputs are preallocated by the caller and nothing is
validated. Threads split only independent rows of the outputs. The helpers :func:`_divide`, :func:`_shuffle`,
:func:`_visit_order`, :func:`_pack` and :func:`_popcount_counts` are imported by families' kernels (Numba compiles
them into each caller).

Symbols
-------
N  bits (neurons) per row
P  stored patterns
B  states
K  uint64 words per packed row, ``ceil(N / 64)`` (padding bits zero)
A  rows of the first operand of :func:`packed_distances` (B rows of the second)
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from amsim.backends import FASTMATH
from amsim.bits import popcount

_FM = set(FASTMATH)  # Numba accepts a set of flags, not a frozenset


@njit(cache=True, fastmath=False)
def _divide(a, b):
    """``a / b`` correctly rounded, as NumPy divides: compiled without fast-math, so ``arcp`` cannot turn it
    into a multiplication by a hoisted reciprocal (which differs in the last bit for some N)."""
    return a / b


@njit(cache=True, fastmath=_FM)
def _shuffle(order, bits):
    """Inside-out Fisher-Yates: write into ``order`` (N,) int32 a permutation of ``0 .. N-1`` drawn by ``bits``.

    Position k (from 1) swaps with ``j = (bits[k] * (k + 1)) >> 32`` (see the reference); ``bits[0]`` is unused.
    """
    order[0] = 0
    for k in range(1, order.shape[0]):
        j = (np.uint64(bits[k]) * np.uint64(k + 1)) >> np.uint64(32)
        order[k] = order[j]
        order[j] = k


@njit(cache=True, fastmath=_FM)
def _visit_order(order, order_bits, b, t):
    """Fill ``order`` with the visiting order of sweep t of state b (fixed 0 .. N-1 when no bits are given)."""
    if order_bits.shape[1] == 0:
        for k in range(order.shape[0]):
            order[k] = k
    else:
        _shuffle(order, order_bits[b, t])


@njit(cache=True, fastmath=_FM)
def _pack(s, packed):
    """Pack the ±1 spins ``s`` (N,) into ``packed`` (K,) uint64, spin i at bit ``i % 64`` of word ``i // 64``."""
    n = s.shape[0]
    for w in range(packed.shape[0]):
        word = np.uint64(0)
        for k in range(min(64, n - 64 * w)):
            if s[64 * w + k] > 0:
                word |= np.uint64(1) << np.uint64(k)
        packed[w] = word


@njit(cache=True, fastmath=_FM)
def _popcount_counts(bits_n, s, packed, m):
    """``m_mu = N - 2 popcount(xi^mu XOR s)`` for every pattern, ``s`` packed into the scratch words ``packed`` (K,)
    first (padding bits are zero in both operands)."""
    _pack(s, packed)
    n = s.shape[0]
    for mu in range(bits_n.shape[0]):
        row = bits_n[mu]
        c = np.uint64(0)
        for w in range(packed.shape[0]):
            c += popcount(row[w] ^ packed[w])
        m[mu] = n - 2 * np.int64(c)


@njit(parallel=True, cache=True, fastmath=_FM)
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
    n_patterns, n = patterns.shape
    nf = np.float64(n)
    for b in prange(states.shape[0]):  # iteration b writes only row b of out: race-free
        s = states[b]
        for mu in range(n_patterns):
            x = patterns[mu]
            dot = np.int32(0)
            for i in range(n):
                dot = np.int32(dot + np.int32(s[i]) * np.int32(x[i]))
            out[b, mu] = _divide(np.float64(dot), nf)


@njit(parallel=True, cache=True, fastmath=_FM)
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
    n_words = bits_n.shape[1]
    for b in prange(states.shape[0]):  # iteration b writes only row b of counts: race-free
        _popcount_counts(bits_n, states[b], np.empty(n_words, np.uint64), counts[b])


@njit(parallel=True, cache=True, fastmath=_FM)
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
    n_words = a.shape[1]
    for i in prange(a.shape[0]):  # iteration i writes only row i of out: race-free
        x = a[i]
        row = out[i]
        for j in range(b.shape[0]):
            y = b[j]
            c = np.uint64(0)
            for w in range(n_words):
                c += popcount(x[w] ^ y[w])
            row[j] = np.int32(c)
