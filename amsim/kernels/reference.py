"""Readable NumPy twins of the shared kernels: the reference :mod:`amsim.kernels._cpu` and ``_cuda`` must match.

Every function writes into caller-allocated outputs and validates nothing. Integer results are exact: the float64
matrix products below multiply integers whose partial sums stay far below 2**53. The helpers of sequential dynamics
(:func:`_shuffle` and :func:`_visit_order`, the orders the host-drawn words give; :func:`_exp`) are imported by the
families' reference kernels, as their compiled twins are from :mod:`amsim.kernels._cpu` and ``_cuda``.

Symbols
-------
N  bits (neurons) per row
P  stored patterns
B  states
K  uint64 words per packed row, ``ceil(N / 64)`` (``amsim.bits.pack_bits``; padding bits zero)
A  rows of the first operand of :func:`packed_distances` (B rows of the second)
"""

from __future__ import annotations

import math

import numpy as np

from amsim.bits import unpack_bits


def _exact_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix product ``a @ b`` computed by float64 BLAS; exact for our operands.

    Exact: the factors hold integers, or ±1 times float64 weights on a common dyadic grid, and every partial sum
    stays below 2**53 grid units in magnitude (at most N * P for Hebbian fields), so float64 rounds nothing.
    """
    return a.astype(np.float64, copy=False) @ b.astype(np.float64, copy=False)


def _unpack(words: np.ndarray, length: int) -> np.ndarray:
    """±1 int8 rows of length ``length`` from rows of packed uint64 words (a set bit is +1)."""
    return (2 * unpack_bits(words, length).astype(np.int8) - 1).astype(np.int8)


def _exp(x: float) -> float:
    """``math.exp`` that returns ``inf`` on overflow, as IEEE ``exp`` (and the compiled twins) do."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _shuffle(order: np.ndarray, bits: np.ndarray) -> None:
    """Inside-out Fisher-Yates: write into ``order`` (N,) int32 a permutation of ``0 .. N-1`` drawn by ``bits``.

    Position k (from 1) swaps with ``j = (bits[k] * (k + 1)) >> 32``, a uniform index in ``0 .. k`` up to a
    relative bias below ``(k + 1) / 2**32`` (no rejection, so every backend consumes the same words);
    ``bits[0]`` is unused.

    References
    ----------
    D. E. Knuth, The Art of Computer Programming vol. 2, section 3.4.2 (Algorithm P and its inside-out form).
    """
    order[0] = 0
    for k in range(1, len(order)):
        j = (int(bits[k]) * (k + 1)) >> 32
        order[k] = order[j]
        order[j] = k


def _visit_order(order_bits: np.ndarray, b: int, t: int, n: int) -> np.ndarray:
    """The neurons in the order sweep t of state b visits them."""
    order = np.arange(n, dtype=np.int32)
    if order_bits.shape[1]:
        _shuffle(order, order_bits[b, t])
    return order


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
    out[...] = _exact_product(states, patterns.T) / states.shape[1]


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
    counts[...] = _exact_product(states, _unpack(bits_n, states.shape[1]).T)


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
    x, y = unpack_bits(a), unpack_bits(b)  # 0/1 bits, (A, 64 K) and (B, 64 K)
    out[...] = _exact_product(x, 1 - y.T) + _exact_product(1 - x, y.T)  # 1 in a and 0 in b, or 0 in a and 1 in b
