"""Capacity theory of dense associative memories and the retrieval error of modern Hopfield networks.

Polynomial dense associative memory (signal-to-noise)
-----------------------------------------------------
Patterns ``xi^mu`` are independent uniform ±1 vectors; the state s is a cue at Hamming distance ``k = round(rho N)``
from pattern 1. Neuron i's field satisfies ``s_i h_i = sum_mu c_mu G(a_mu)`` with ``c_mu = xi_i^mu s_i``,
``a_mu = sum_{j != i} xi_j^mu s_j`` and ``G(a) = F(a + 1) - F(a - 1)`` (Krotov & Hopfield 2016, eq. 3). Pattern 1
gives the signal: ``G(N - 2k - 1)`` at a bit the cue has right (c_1 = +1, ``a_1 = N - 2k - 1``), ``-G(N - 2k + 1)``
at a flipped one. Every other pattern gives an independent term ``c_mu G(a_mu)``: ``c_mu`` a fair ±1 independent
of ``a_mu``, which is a sum of N - 1 fair ±1 (``a = 2 Bin(N - 1, 1/2) - (N - 1)``). The noise therefore has mean 0
and variance ``sigma^2 = (P - 1) v`` with ``v = E[G(a)^2]`` computed exactly from the binomial law. Taking the noise
as Gaussian (the central limit over P - 1 terms), one synchronous step leaves a bit wrong with probability

    ``eps = (1 - rho) Phi(-G(N - 2k - 1) / sigma) + rho Phi(-G(N - 2k + 1) / sigma)``           (1)

(a bit is right when its field has the sign of pattern 1; ties, of probability zero for the Gaussian, are left out).
For large N, ``G(a) ~ 2 p a^(p-1)`` and ``v ~ 4 p^2 (2p - 3)!! N^(p-1)`` (the Gaussian moment
``E[a^(2p-2)] = (2p - 3)!! N^(p-1)``), so at rho = 0 the per-bit error is ``Phi(-z)`` at

    ``P_max = N^(p-1) / ((2p - 3)!! z^2)``                                                    (2)

and requiring no error among the N bits of a pattern (``Phi(-z) ~ exp(-z^2 / 2) / N``, i.e. ``z^2 = 2 ln N``) gives
Krotov & Hopfield's ``N^(p-1) / (2 (2p - 3)!! ln N)``. At p = 2 (``G(a) = 4a``, ``v = 16 (N - 1)``), (1) is the
Hopfield network's ``Phi(-sqrt(N / P))`` per-bit error and (2) its ``N / z^2``, the no-error form ``N / (2 ln N)``
(McEliece et al. 1987). The rectified energy ``max(x, 0)^p`` has the same signal and about half the variance.

Exponential dense associative memory
------------------------------------
Demircigil et al. (2017), Theorem 3: with ``F(x) = e^x`` and ``P = exp(alpha N)`` random patterns, every pattern is
retrieved in one synchronous step from every cue at distance ``rho N`` (0 <= rho < 1/2) with probability tending to
1 when ``alpha < I(1 - 2 rho) / 2``, ``I(x) = ((1 + x) ln(1 + x) + (1 - x) ln(1 - x)) / 2`` (the "/2" pays for
all P patterns at once). For one typical cue the threshold is ``I(1 - 2 rho)``, at which the closest of the other
patterns reaches the cue's overlap with its target; at finite N we use that "nearest competitor" estimate exactly:
a random pattern is at least as close to the cue as the target with probability ``q = P(Bin(N, 1/2) <= k)``, and
the cue succeeds with probability about ``(1 - q)^(P - 1)`` (:func:`exponential_typical_capacity`).

Modern Hopfield network
-----------------------
Ramsauer et al. (2020), arXiv:2008.02217v3, Theorem 5 ("exponentially small retrieval error"): the one-step
retrieval error of pattern i satisfies ``|f(xi) - x_i| <= 2 (P - 1) exp(-beta (Delta_i - 2 max{|xi - x_i|,
|x_i* - x_i|} M)) M`` with the separation ``Delta_i = x_i . x_i - max_{j != i} x_i . x_j`` and M the largest
pattern norm. The one-step form follows in three lines, and is what :func:`retrieval_error_bound` computes:
``f(xi) - x_i = sum_{j != i} p_j (x_j - x_i)`` with softmax weights p, so ``|f(xi) - x_i| <= 2 M (1 - p_i)``; and
``1 - p_i <= sum_{j != i} exp(beta (x_j - x_i) . xi)`` with ``(x_j - x_i) . xi <= -Delta_i + 2 M |xi - x_i|``.

References
----------
D. Krotov & J. J. Hopfield, NeurIPS 2016, arXiv:1606.01164 (capacity section). R. J. McEliece, E. C. Posner,
E. R. Rodemich & S. S. Venkatesh, IEEE Trans. Inf. Theory 33, 461 (1987), doi:10.1109/TIT.1987.1057328.
M. Demircigil, J. Heusel, M. Loewe, S. Upgang & F. Vermet, J. Stat. Phys. 168, 288 (2017),
doi:10.1007/s10955-017-1806-y, Theorem 3. H. Ramsauer et al., ICLR 2021, arXiv:2008.02217, Theorem 5.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri
from scipy.stats import binom

from amsim.families.dense.energies import field_difference


def double_factorial(k: int) -> int:
    """``k!! = k (k - 2) (k - 4) ...`` (1 for k <= 0)."""
    return math.prod(range(k, 0, -2)) if k > 0 else 1


def _binomial_sums(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Values ``a = 2 j - (N - 1)`` of a sum of N - 1 fair ±1, and their probabilities."""
    j = np.arange(n)
    return 2 * j - (n - 1), binom.pmf(j, n - 1, 0.5)


def noise_variance(energy: str, degree: int, n: int) -> float:
    """``v = E[G(a)^2]`` over ``a = 2 Bin(N - 1, 1/2) - (N - 1)``: the noise variance per other pattern."""
    a, prob = _binomial_sums(n)
    g = np.array([float(field_difference(energy, degree, int(x))) for x in a])
    return float((prob * g * g).sum())


def bit_error(n: int, n_patterns: float, degree: int, noise: float = 0.0, energy: str = "polynomial") -> float:
    """One-step per-bit error probability (1) of the module docstring.

    Parameters
    ----------
    n : int
        Neurons N.
    n_patterns : float
        Stored patterns P (>= 1; P = 1 has no noise; real values interpolate, for root finding).
    degree : int
        p of ``F(x) = x^p`` (or ``max(x, 0)^p``).
    noise : float
        Cue distance rho: ``round(rho N)`` bits flipped.
    energy : {"polynomial", "rectified"}

    Returns
    -------
    float
        The probability that a bit differs from the target after one synchronous step.
    """
    k = round(noise * n)
    right = float(field_difference(energy, degree, n - 2 * k - 1))
    flipped = float(field_difference(energy, degree, n - 2 * k + 1))
    if n_patterns <= 1:
        return (k / n) * float(flipped <= 0) + (1 - k / n) * float(right <= 0)
    sigma = math.sqrt((n_patterns - 1) * noise_variance(energy, degree, n))
    return (1 - k / n) * float(ndtr(-right / sigma)) + (k / n) * float(ndtr(-flipped / sigma))


def capacity(n: int, degree: int, error: float, noise: float = 0.0, energy: str = "polynomial") -> float:
    """P_max: the (real) number of patterns at which the one-step per-bit error (1) reaches ``error``.

    At rho = 0 this is ``1 + G(N - 1)^2 / (z^2 v)`` with ``Phi(-z) = error``, which tends to (2).
    """
    if noise == 0:
        z = -float(ndtri(error))
        return 1.0 + float(field_difference(energy, degree, n - 1)) ** 2 / (z * z * noise_variance(energy, degree, n))
    hi = 2.0
    while bit_error(n, hi, degree, noise, energy) < error:
        hi *= 2
    return brentq(lambda p: bit_error(n, p, degree, noise, energy) - error, 1.0 + 1e-9, hi, xtol=1e-6)


def asymptotic_capacity(n: float, degree: int, error: float) -> float:
    """(2): ``N^(p-1) / ((2p - 3)!! z^2)`` with ``Phi(-z) = error``."""
    z = -float(ndtri(error))
    return n ** (degree - 1) / (double_factorial(2 * degree - 3) * z * z)


def krotov_hopfield_capacity(n: float, degree: int) -> float:
    """The no-error capacity ``N^(p-1) / (2 (2p - 3)!! ln N)`` (p = 2: ``N / (2 ln N)``)."""
    return n ** (degree - 1) / (2 * double_factorial(2 * degree - 3) * math.log(n))


def overlap_after_step(n: int, n_patterns: int, degree: int, overlap: float, energy: str = "polynomial") -> float:
    """Mean-field map of one synchronous step: the overlap ``1 - 2 eps`` after a step from a state of the given
    overlap with the target (eps of (1) at ``rho = (1 - overlap) / 2``)."""
    return 1.0 - 2.0 * bit_error(n, n_patterns, degree, (1.0 - overlap) / 2.0, energy)


def basin_radius(n: int, n_patterns: int, degree: int, success_overlap: float = 0.95, energy: str = "polynomial",
                 steps: int = 200) -> float:
    """Mean-field basin of attraction: the largest cue noise rho = k / N from which iterating the one-step map
    :func:`overlap_after_step` (each step's bit errors taken independent of the last, as for a fresh cue) reaches
    ``success_overlap``."""
    radius = 0.0
    for k in range(n // 2 + 1):
        m = 1.0 - 2.0 * k / n
        for _ in range(steps):
            following = overlap_after_step(n, n_patterns, degree, m, energy)
            if abs(following - m) < 1e-12:
                break
            m = following
        if m < success_overlap:
            break
        radius = k / n
    return radius


def exponential_basin_radius(n: int, n_patterns: int, success: float = 0.5) -> float:
    """The cue noise at which the nearest-competitor estimate ``(1 - q)^(P - 1)`` of a cue's success falls to
    ``success``, interpolated between whole numbers of flipped bits."""
    values = [(1.0 - competitor_probability(n, k / n)) ** (n_patterns - 1) for k in range(n // 2 + 1)]
    for k in range(1, len(values)):
        if values[k] < success <= values[k - 1]:
            return (k - 1 + (values[k - 1] - success) / (values[k - 1] - values[k])) / n
    return 0.5 if values[-1] >= success else 0.0


def entropy_rate(x: float) -> float:
    """``I(x) = ((1 + x) ln(1 + x) + (1 - x) ln(1 - x)) / 2`` for -1 <= x <= 1 (Demircigil et al. 2017): the rate
    of ``P(Bin(N, 1/2) >= N (1 + x) / 2) ~ exp(-N I(x))``."""
    x = abs(x)
    terms = (1 + x) * math.log1p(x) + ((1 - x) * math.log1p(-x) if x < 1 else 0.0)
    return terms / 2


def exponential_rate(noise: float) -> float:
    """Demircigil et al.'s capacity rate ``I(1 - 2 rho) / 2``: ``P = exp(alpha N)`` patterns with alpha below it
    are all retrieved from cues at distance ``rho N``."""
    return entropy_rate(1.0 - 2.0 * noise) / 2.0


def competitor_probability(n: int, noise: float) -> float:
    """q: the probability that a random pattern is at least as close to a cue as its target (at ``round(rho N)``)."""
    return float(binom.cdf(round(noise * n), n, 0.5))


def exponential_typical_capacity(n: int, noise: float, success: float = 0.5) -> float:
    """Patterns at which a typical cue at distance rho succeeds with probability ``success`` in the nearest-
    competitor estimate ``(1 - q)^(P - 1)``: ``P = 1 + ln(success) / ln(1 - q)``; its rate tends to
    ``I(1 - 2 rho)``."""
    log_q = float(binom.logcdf(round(noise * n), n, 0.5))
    if log_q < -30:  # -ln(1 - q) = q to 1e-13: no underflow of q at large N
        return 1.0 + math.log(1.0 / success) * math.exp(-log_q)
    return 1.0 + math.log(success) / math.log1p(-math.exp(log_q))


# --------------------------------------------------------------------------------------------------------------
# Modern Hopfield network
# --------------------------------------------------------------------------------------------------------------


def pattern_separation(patterns: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
    """``Delta_i = x_i . x_i - max_{j != i} x_i . x_j`` of the stored patterns (P, d) indexed by ``which`` (default
    all); (len(which),) float64, from those rows of the Gram matrix only."""
    which = np.arange(len(patterns)) if which is None else np.asarray(which)
    gram = patterns[which] @ patterns.T
    rows = np.arange(len(which))
    diagonal = gram[rows, which].copy()
    gram[rows, which] = -np.inf
    return diagonal - gram.max(axis=1)


def retrieval_error_bound(beta, delta, n_patterns: int, norm, distance):
    """Ramsauer et al.'s one-step retrieval error bound ``2 (P - 1) M exp(-beta (Delta - 2 M r))``.

    Parameters
    ----------
    beta : float or ndarray
        Inverse temperature.
    delta : float or ndarray
        Separation Delta_i of the retrieved pattern.
    n_patterns : int
        P.
    norm : float or ndarray
        M, the largest pattern norm.
    distance : float or ndarray
        r = |xi - x_i|, the distance of the state from the pattern.

    Returns
    -------
    float or ndarray
        The bound on ``|f(xi) - x_i|`` (in the units of the patterns); ``inf`` where the exponent overflows.
    """
    with np.errstate(over="ignore"):
        return 2.0 * (n_patterns - 1) * norm * np.exp(-beta * (delta - 2.0 * norm * distance))


def typical_separation(d: int, n_patterns: int, norm: float = 1.0) -> float:
    """Median separation ``Delta_i`` of a pattern among P random ±1 patterns scaled to norm M in d dimensions.

    ``x_i . x_j = M^2 (1 - 2 H_j / d)`` with independent ``H_j ~ Bin(d, 1/2)`` (the Hamming distances), so
    ``Delta_i = 2 M^2 min_j H_j / d``; the median of the minimum of P - 1 distances is the smallest h with
    ``1 - (1 - P(H <= h))^(P - 1) >= 1/2``.
    """
    if n_patterns <= 1:
        return 2.0 * norm**2
    below = binom.cdf(np.arange(d + 1), d, 0.5)  # P(H <= h)
    with np.errstate(divide="ignore"):
        reach = -np.expm1((n_patterns - 1) * np.log1p(-below))  # P(min_j H_j <= h)
    h_star = int(np.flatnonzero(reach >= 0.5)[0])
    return float(norm**2 * 2.0 * h_star / d)


def annealed_off_target(beta, d: int, n_patterns: int, norm: float = 1.0, noise: float = 0.0):
    """Expected off-target weight ``1 - p_i`` of one softmax step from a cue at distance ``round(rho d)`` bits,
    annealed over the other patterns: ``W / (1 + W)`` with ``W = (P - 1) cosh(beta M^2 / d)^d exp(-beta M^2 (1 -
    2k/d))`` (each other score ``beta x_j . xi`` is ``beta M^2 / d`` times a sum of d fair ±1). Valid while the
    sum over patterns is not dominated by its largest terms (``beta M^2 / sqrt(d) < sqrt(2 ln P)``); beyond, the
    typical off-target weight is smaller than this mean."""
    beta = np.asarray(beta, dtype=np.float64)
    k = round(noise * d)
    x = beta * norm**2 / d
    log_w = math.log(n_patterns - 1) + d * (np.logaddexp(x, -x) - math.log(2.0)) - beta * norm**2 * (1 - 2 * k / d) \
        if n_patterns > 1 else np.full_like(beta, -np.inf)
    return np.exp(log_w - np.logaddexp(0.0, log_w))


def global_average_beta(patterns: np.ndarray) -> float:
    """About the beta below which the softmax update has one global fixed point: ``1 / lambda_max(C)`` with C the
    covariance of the patterns under uniform weights.

    The update ``f(xi) = X^T softmax(beta X xi)`` has the Jacobian ``beta X^T (diag(p) - p p^T) X = beta Cov_p(X)``
    (p the weights at xi); while the weights are nearly uniform, f contracts when ``beta lambda_max(C) < 1``, and its
    one fixed point is ``xi* = mean + beta C mean + O(beta^2)``, the "global fixed point averaging over all patterns"
    of Ramsauer et al. (2020). A cluster of similar patterns has the same with its own covariance: its average is a
    metastable fixed point for betas well above the threshold of all the patterns and below that of the cluster.
    """
    centred = patterns - patterns.mean(axis=0)
    largest = float(np.linalg.eigvalsh(centred.T @ centred / len(patterns))[-1])
    return 1.0 / largest if largest > 0 else math.inf
