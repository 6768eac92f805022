"""The interaction functions of the dense associative memory as its kernels use them: tables of field differences,
the choice between exact int64 and float64 arithmetic, the weights of the exponential energy, and energies.

Symbols: N neurons, P patterns, p the degree, ``m_mu = xi^mu . s`` the overlap counts (integers in -N .. N, of the
parity of N), ``c_mu = xi_i^mu s_i`` and ``a_mu = m_mu - c_mu`` (the overlap without neuron i).

Update rule (Krotov & Hopfield 2016, eq. 3): neuron i takes the sign of ``h_i = sum_mu xi_i^mu G(a_mu)`` with
``G(a) = F(a + 1) - F(a - 1)``, keeping its spin when ``h_i = 0``; so ``s_i h_i = sum_mu c_mu G(m_mu - c_mu)``.
With ``U(m) = G(m - 1) + G(m + 1)`` and ``D(m) = G(m - 1) - G(m + 1)``, the polynomial kernels compute

    ``2 s_i h_i = sum_mu D(m_mu) + s_i sum_mu xi_i^mu U(m_mu)``,

a dot product of row i of the patterns with the per-state vector ``U(m)`` (updated after each flip), as exact
int64 sums where :func:`exact_int64` allows. The energy is ``E = -sum_mu F(m_mu) / (p N^(p-1))``, so the energy
change of flipping spin i, ``E(s_i = -1) - E(s_i = +1) = h_i / (p N^(p-1))``, is at p = 2 (``G(a) = 4 a``) the
Hebbian Hopfield network's ``2 h_i^Hebb / N`` with couplings ``J = W / N``: same states, same temperature.

The exponential energy ``E = -sum_mu exp(m_mu - N)`` gives ``s_i h_i = 2 sinh(1) exp(M + 1 - N) V`` with M the
largest overlap count and ``V = sum_mu c_mu exp(-g_mu)``, ``g_mu = M + 1 - a_mu`` an even integer >= 0. The
kernels compute V exactly from integers: ``V = sum_g H_g w_g`` over the gap histogram ``H_g = sum_{mu: g_mu = g}
c_mu`` (order-free integer sums), with the weights ``w_g = e^-g`` of :func:`exponential_weights`, summed from the
largest gap down in float64; every product ``H_g w_g`` is exact (the weights carry ``53 - bits(P)`` significant
bits), so fused multiply-adds change nothing and every backend gives the same V. Gaps above
:func:`exponential_cutoff` are left out: their total is below 2**-53 of the term of the pattern with the largest
overlap (``e^0`` or ``e^-2``), under the rounding of the sum itself. Nothing overflows at any N.

References
----------
D. Krotov & J. J. Hopfield, "Dense associative memory for pattern recognition", NeurIPS 2016, arXiv:1606.01164,
eqs. (2)-(3). M. Demircigil, J. Heusel, M. Loewe, S. Upgang & F. Vermet, J. Stat. Phys. 168, 288 (2017),
doi:10.1007/s10955-017-1806-y (the exponential interaction F(x) = e^x).
"""

from __future__ import annotations

import math

import numpy as np

#: ``2 sinh(1) = e - 1/e``: the exponential energy change of a flip is ``2 sinh(1) exp(M + 1 - N) s_i V``.
TWO_SINH_1 = 2.0 * math.sinh(1.0)
#: Bits of a float64 significand.
_SIGNIFICAND = 53
#: Lanes of the float sums (the CUDA warp): lane l adds the terms mu = l, l + 32, ... in order, then the lanes add
#: in order 0 .. 31, the same on every backend.
LANES = 32


def interaction(energy: str, degree: int, x: int) -> int:
    """F(x) for an integer x, exactly (Python integers): ``x^p``, ``max(x, 0)^p``; only for the integer energies."""
    if energy == "rectified":
        x = max(x, 0)
    return x**degree


def field_difference(energy: str, degree: int, a: int) -> int:
    """``G(a) = F(a + 1) - F(a - 1)``, exactly; the polynomial case is ``2 sum_{k odd} C(p, k) a^(p - k)``."""
    return interaction(energy, degree, a + 1) - interaction(energy, degree, a - 1)


def _tables_exact(energy: str, degree: int, n: int) -> tuple[list[int], list[int]]:
    """``U(m)`` and ``D(m)`` for m = -N .. N as Python integers (index m + N)."""
    g = [field_difference(energy, degree, a) for a in range(-n - 1, n + 2)]  # g[k] = G(k - N - 1)
    sums = [g[k] + g[k + 2] for k in range(2 * n + 1)]       # G(m - 1) + G(m + 1), m = k - N
    diffs = [g[k] - g[k + 2] for k in range(2 * n + 1)]
    return sums, diffs


def exact_int64(energy: str, degree: int, n: int, n_patterns: int) -> bool:
    """Whether every field sum of a polynomial or rectified memory fits int64 exactly.

    The bound: ``P (max |U| + max |D|) < 2**63`` over m = -N .. N, which holds for every partial sum of
    ``sum_mu D(m_mu) + s_i sum_mu xi_i^mu U(m_mu)``, roughly ``4 p P N^(p-1) < 2**63``: p = 3, N = 1000: P <= 7.7e11;
    p = 4, N = 10^4: P <= 5.8e5; p = 6, N = 1000: P <= 382; p = 8, N = 100: P <= 2686. Larger memories use float64
    sums in the fixed lane order (:data:`LANES`): the same on every backend, exact up to rounding.
    """
    sums, diffs = _tables_exact(energy, degree, n)
    return n_patterns * (max(map(abs, sums)) + max(map(abs, diffs))) < 2**63


def polynomial_tables(energy: str, degree: int, n: int, n_patterns: int) -> tuple[np.ndarray, np.ndarray]:
    """The tables ``U(m)`` and ``D(m)`` the polynomial kernels index by ``m + N``.

    Returns
    -------
    sums, diffs : ndarray, (2 N + 1,) int64, or float64 (correctly rounded) where :func:`exact_int64` is false
    """
    sums, diffs = _tables_exact(energy, degree, n)
    dtype = np.int64 if exact_int64(energy, degree, n, n_patterns) else np.float64
    return np.array(sums, dtype=dtype), np.array(diffs, dtype=dtype)


def energy_scale(degree: int, n: int) -> float:
    """``Z = p N^(p-1)``: the polynomial energy is ``-sum_mu F(m_mu) / Z`` (p = 2: 2N, the Hopfield network's)."""
    return float(degree * n ** (degree - 1))


def exponential_cutoff(n_patterns: int) -> int:
    """The largest gap g kept in the exponential field: the smallest even K with ``P e^-K <= 2**-53``.

    The left-out terms weigh at most ``P e^-(K+2)``, below ``2**-53 e^-2``: under one rounding of the term of the
    pattern with the largest overlap, which is always kept. P = 10^6: K = 52.
    """
    k = math.ceil(math.log(n_patterns) + _SIGNIFICAND * math.log(2.0))
    return k + (k % 2)


def exponential_weights(n_patterns: int) -> np.ndarray:
    """``w_j = e^(-2 j)`` for j = 0 .. K / 2 (:func:`exponential_cutoff`), rounded to ``53 - bits(P)``
    significant bits, so that ``H w_j`` is exact for every integer ``|H| <= P``; (K / 2 + 1,) float64."""
    keep = _SIGNIFICAND - max(1, int(n_patterns).bit_length())
    out = np.empty(exponential_cutoff(n_patterns) // 2 + 1)
    for j in range(len(out)):
        mantissa, exponent = math.frexp(math.exp(-2.0 * j))
        out[j] = math.ldexp(round(math.ldexp(mantissa, keep)), exponent - keep)
    return out


def energy_per_neuron(energy: str, degree: int, counts: np.ndarray, n: int) -> np.ndarray:
    """Energy per neuron ``E / N`` of states with overlap counts ``counts`` (B, P); returns (B,) float64.

    polynomial and rectified: ``-(1/p) sum_mu F(m_mu / N)`` (p = 2: the Hebbian Hopfield network's energy per
    neuron ``-(s W s / 2) / N^2`` minus ``P / (2N)``, its self-couplings); exponential: ``-(1/N) sum_mu
    exp(m_mu - N)`` (about -1/N at a stored pattern).
    """
    x = counts.astype(np.float64)
    if energy == "exponential":
        return -np.exp(x - n).sum(axis=1) / n
    x /= n
    if energy == "rectified":
        x = np.maximum(x, 0.0)
    return -(x**degree).sum(axis=1) / degree
