"""Theory of Kanerva's Sparse Distributed Memory: activation, circle intersections, read-out statistics, capacity,
critical distance, optimal radii and the exponential (attention) approximation of the intersection weights.

Pure functions of numbers: nothing here builds a Dataset (the registered curves live in
:mod:`amsim.theory.sdm_curves`). The exact integer rules from probability to radius are defined beside the
parameters that use them (:mod:`amsim.families.sdm.params`, which must not import SciPy) and re-exported here.

Symbols
-------
N     address bits; D data bits per stored word
M     hard locations
T     stored items
r     activation radius: a location is active when the Hamming distance to the address is ``<= r``
      (Kanerva's convention; the strict rule ``< r`` is the inclusive rule with ``r - 1``)
k     specified bits of a location in Jaeckel's designs
p     activation probability of a location for a random address
q(d)  probability that a random location is active for two addresses at Hamming distance d (the intersection
      of the two access circles as a fraction of the space); ``M q(d)`` locations are shared on average

Read-out model
--------------
A read at a cue at distance d from the address of the target item sums, for data bit i, the counters of the
active locations: ``S_i = sum_mu w_mu_i X_mu`` with ``w = +-1`` the data bits and ``X_mu`` the number of locations
active for both the cue and the address of item mu. The target term has mean ``M s1(d)`` and variance
``M (s1 - s2) + M^2 (s2 - s1^2)`` (``s1``, ``s2`` the first two moments of the intersection probability); each of
the T - 1 other items, at a random distance, adds variance ``M n1 + M (M - 1) n2`` with ``n1 = p^2`` and ``n2``
the random-pair second moment. With random data words that noise has mean zero; autoassociatively (data word =
address) it pulls every bit toward the cue's, by ``M g1`` per item (:func:`read_moments`). A bit is read wrong
with the Gaussian probability of a negative sum (a zero sum is a fair coin). For the Hamming and
selected-coordinate designs ``s2 = s1^2 = q(d)^2``; with random data, at d = 0 and with ``n2`` replaced by ``p^4``
this is Kanerva's signal-to-noise ratio ``sqrt(M p / (1 + p (1 + p^2 M) (T - 1)))``.

References
----------
P. Kanerva, *Sparse Distributed Memory*, MIT Press, Cambridge MA (1988): activation radius and probability,
intersection of access circles, signal-to-noise ratio, capacity and critical distance.
L. A. Jaeckel, *An alternative design for a sparse distributed memory*, RIACS TR 89.28 (1989) (selected-coordinate
design); *A class of designs for a sparse distributed memory*, RIACS TR 89.30 (1989) (hyperplane design).
T. Bricken & C. Pehlevan, *Attention approximates sparse distributed memory*, NeurIPS 2021, arXiv:2111.05498:
the exponential fit of the intersection weights and the SNR-, memory- and critical-distance-optimal radii
(appendix B.5).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln, logsumexp, ndtr, ndtri

# The exact integer activation rules live with the parameters that use them (the model must not import SciPy).
from amsim.exceptions import ValidationError
from amsim.families.sdm.params import (
    SDMParams,
    activation_probability,
    radius_for_probability,
    specified_bits_for_probability,
)

__all__ = ["ActivationRule", "AttentionFit", "activation_probability", "activation_rule", "bit_error_probability",
           "capacity", "critical_distance", "critical_distance_optimal_radius", "fidelity_z", "fit_attention_beta",
           "intersection_fraction", "iterate_distance", "kanerva_signal_to_noise", "log_intersection_fraction",
           "memory_optimal_probability", "memory_optimal_radius", "next_distance", "radius_for_probability",
           "read_moments", "snr_optimal_probability", "snr_optimal_radius", "specified_bits_for_probability"]

_LOG2 = math.log(2.0)


# ----------------------------------------------------------------------------------------------------------------
# Input checks: out-of-range values raise instead of wrapping around an index or turning into NaN
# ----------------------------------------------------------------------------------------------------------------


def _count(name: str, value: float, low: int = 1, whole: bool = True) -> None:
    """Raise unless ``value`` is a (``whole``) number >= ``low`` (a float such as 2.0**64 counts)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value) or (whole and value != math.floor(value)) or value < low:
        kind = "a whole number" if whole else "a number"
        raise ValidationError(f"theory sdm: {name} must be {kind} >= {low} (got {value!r})")


def _fraction(name: str, value: float, *, closed_high: bool = True) -> None:
    """Raise unless ``0 < value <= 1`` (``< 1`` when not ``closed_high``); NaN fails."""
    ok = 0.0 < value <= 1.0 if closed_high else 0.0 < value < 1.0
    if not ok:
        raise ValidationError(f"theory sdm: {name} must lie in (0, {'1]' if closed_high else '1)'} (got {value!r})")


def _distances(distance: np.ndarray | float, address_bits: int, whole: bool = True) -> np.ndarray:
    """Distances as a float64 array, checked finite, within 0 .. N and (``whole``) integers."""
    d = np.atleast_1d(np.asarray(distance, dtype=np.float64))
    bad = ~np.isfinite(d) | (d < 0) | (d > address_bits) | ((d != np.floor(d)) if whole else False)
    if np.any(bad):
        kind = "integers" if whole else "numbers"
        raise ValidationError(f"theory sdm: distance must be {kind} in 0 .. {address_bits} (got "
                              f"{d[bad].flat[0]!r})")
    return d


# ----------------------------------------------------------------------------------------------------------------
# Binomial helpers (log space)
# ----------------------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _log_factorials(n: int) -> np.ndarray:
    """``log j!`` for j = 0 .. n."""
    return gammaln(np.arange(n + 1, dtype=np.float64) + 1.0)


def _log_binomial_pmf(n: int, big: int) -> np.ndarray:
    """``log P(Bin(n, 1/2) = j)`` for j = 0 .. n (``big >= n`` sizes the factorial table)."""
    lf = _log_factorials(big)
    j = np.arange(n + 1)
    return lf[n] - lf[j] - lf[n - j] - n * _LOG2


# ----------------------------------------------------------------------------------------------------------------
# Activation
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivationRule:
    """How hard locations are activated by addresses of ``address_bits`` random bits.

    Attributes
    ----------
    address_bits : int
        N.
    design : {"hamming", "selected", "hyperplane"}
        ``hamming``: active when the Hamming distance is ``<= radius`` (Kanerva 1988). ``selected``: each location
        specifies k random coordinates with random values and is active when the address matches all of them
        (Jaeckel's selected-coordinate design, RIACS TR 89.28). ``hyperplane``: each location specifies k random
        coordinates and is active when the address has 1 on all of them (Jaeckel's hyperplane design,
        RIACS TR 89.30, meant for sparse addresses; here with unbiased random addresses).
    radius : int
        Inclusive radius r (``hamming`` only; -1 activates nothing).
    specified_bits : int
        k (``selected`` and ``hyperplane`` only).
    """

    address_bits: int
    design: str = "hamming"
    radius: int = 0
    specified_bits: int = 0

    def __post_init__(self) -> None:
        _count("address_bits", self.address_bits)
        if self.design not in ("hamming", "selected", "hyperplane"):
            raise ValidationError(f"theory sdm: design must be one of 'hamming', 'selected', 'hyperplane' (got "
                                  f"{self.design!r})")
        if self.design == "hamming":
            _count("radius", self.radius, low=-1)
            if self.radius > self.address_bits:
                raise ValidationError(f"theory sdm: radius must be <= address_bits = {self.address_bits} (got "
                                      f"{self.radius!r})")
        else:
            _count("specified_bits", self.specified_bits, low=0)
            if self.specified_bits > self.address_bits:
                raise ValidationError(f"theory sdm: specified_bits must be <= address_bits = {self.address_bits} "
                                      f"(got {self.specified_bits!r})")

    @property
    def probability(self) -> float:
        """Activation probability p of a location for a random address."""
        if self.design == "hamming":
            return activation_probability(self.address_bits, self.radius)
        return 2.0 ** -self.specified_bits

    def intersection(self, distance: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """First and second moments ``s1(d), s2(d)`` of the probability that a random location is active for two
        random addresses at integer distance d (for ``hamming`` and ``selected`` ``s2 = s1^2``).

        Parameters
        ----------
        distance : int or ndarray of int, shape (L,)
            Hamming distances in 0 .. N.

        Returns
        -------
        s1, s2 : ndarray, shape (L,) float64
        """
        d = _distances(distance, self.address_bits).astype(np.int64)
        log_s1, log_s2 = _log_intersection_moments(self)
        return np.exp(log_s1[d]), np.exp(log_s2[d])

    def pair_moments(self) -> tuple[float, float, float]:
        """Moments over two independent random addresses at distance D ~ Bin(N, 1/2): ``n1 = E q`` (``= p^2``
        exactly), ``n2 = E q^2`` and ``g1 = E[(1 - 2 D / N) s1(D)]`` (the autoassociative pull, see
        :func:`read_moments`)."""
        return _pair_moments(self)


def activation_rule(p: SDMParams) -> ActivationRule:
    """The :class:`ActivationRule` of SDM parameters (the radius or specified bits in force)."""
    if p.design == "hamming":
        return ActivationRule(p.address_bits, "hamming", radius=p.inclusive_radius)
    return ActivationRule(p.address_bits, p.design, specified_bits=p.specified_bits_used)


def log_intersection_fraction(address_bits: int, radius: int, distance: np.ndarray | int) -> np.ndarray:
    """Natural log of the fraction of the space within radius r of both of two points at distance d.

    Exact combinatorial formula: a point z differing from x in i of the d coordinates where x and y differ and in
    j of the N - d where they agree is at distance i + j from x and d - i + j from y, so the intersection holds
    ``sum_i C(d, i) sum_{j <= min(r - i, r - d + i)} C(N - d, j)`` points. Evaluated in log space (log-sum-exp of
    binomial terms), so it neither overflows nor underflows; relative error below 1e-11.

    Parameters
    ----------
    address_bits : int
        N.
    radius : int
        Inclusive radius r of both circles.
    distance : int or ndarray of int, shape (L,)
        Distances d between the centres, 0 .. N.

    Returns
    -------
    ndarray, shape (L,) float64
        ``log q(d)``; ``-inf`` where the circles do not intersect (d > 2 r).
    """
    rule = ActivationRule(address_bits, "hamming", radius=radius)
    return _log_intersection_moments(rule)[0][_distances(distance, address_bits).astype(np.int64)]


def intersection_fraction(address_bits: int, radius: int, distance: np.ndarray | int) -> np.ndarray:
    """Fraction q(d) of the space in the intersection of two access circles of radius r whose centres are at
    distance d (see :func:`log_intersection_fraction`); ``M q(d)`` is the expected number of shared locations.

    At d = 0 it equals :func:`activation_probability`; it vanishes for d > 2 r.
    """
    return np.exp(log_intersection_fraction(address_bits, radius, distance))


@functools.lru_cache(maxsize=64)
def _log_intersection_moments(rule: ActivationRule) -> tuple[np.ndarray, np.ndarray]:
    """``log s1(d)``, ``log s2(d)`` for every d = 0 .. N (O(N^2) work, cached per rule)."""
    n = rule.address_bits
    lf = _log_factorials(n)
    if rule.design == "hamming":
        r = rule.radius
        out = np.full(n + 1, -np.inf)
        for d in range(min(n, 2 * r) + 1):
            i = np.arange(d + 1)
            top = np.minimum(np.minimum(r - i, r - d + i), n - d)
            ok = top >= 0
            if not ok.any():
                continue
            log_cdf = np.logaddexp.accumulate(_log_binomial_pmf(n - d, n))  # log P(Bin(N - d, 1/2) <= j)
            out[d] = logsumexp(_log_binomial_pmf(d, n)[ok] + log_cdf[top[ok]])
        return out, 2.0 * out
    k = rule.specified_bits
    d = np.arange(n + 1)
    # log [C(N - d, k) / C(N, k)]: all k specified coordinates fall where the two addresses agree
    log_agree = np.where(n - d >= k, lf[np.maximum(n - d, 0)] - lf[np.maximum(n - d - k, 0)], -np.inf) \
        - (lf[n] - lf[n - k])
    log_s1 = log_agree - k * _LOG2
    if rule.design == "selected":
        return log_s1, 2.0 * log_s1
    # hyperplane: the location is active for both when its k coordinates are 1 in both addresses; the number c of
    # coordinates that are 1 in both is Bin(N - d, 1/2), and q = C(c, k) / C(N, k) given c
    log_s2 = np.full(n + 1, -np.inf)
    for dd in range(n - k + 1):
        c = np.arange(k, n - dd + 1)
        log_q = lf[c] - lf[c - k] - lf[k] - (lf[n] - lf[k] - lf[n - k])
        log_s2[dd] = logsumexp(_log_binomial_pmf(n - dd, n)[c] + 2.0 * log_q)
    return log_s1, log_s2


@functools.lru_cache(maxsize=64)
def _pair_moments(rule: ActivationRule) -> tuple[float, float, float]:
    n = rule.address_bits
    p = rule.probability
    log_pmf = _log_binomial_pmf(n, n)
    log_s1, log_s2 = _log_intersection_moments(rule)
    g1 = float(np.sum(np.exp(log_pmf + log_s1) * (1.0 - 2.0 * np.arange(n + 1) / n)))
    if rule.design == "hyperplane":
        # both addresses have 1 on a coordinate with probability 1/4: c ~ Bin(N, 1/4), q = C(c, k) / C(N, k)
        k = rule.specified_bits
        lf = _log_factorials(n)
        c = np.arange(k, n + 1)
        log_pmf_c = lf[n] - lf[c] - lf[n - c] + c * math.log(0.25) + (n - c) * math.log(0.75)
        log_q = lf[c] - lf[c - k] - lf[k] - (lf[n] - lf[k] - lf[n - k])
        return p * p, float(np.exp(logsumexp(log_pmf_c + 2.0 * log_q))), g1
    return p * p, float(np.exp(logsumexp(log_pmf + log_s2))), g1


# ----------------------------------------------------------------------------------------------------------------
# Read-out, capacity, critical distance
# ----------------------------------------------------------------------------------------------------------------


def read_moments(rule: ActivationRule, n_locations: int, n_stored: int, distance: np.ndarray | float,
                 autoassociative: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Moments of the read sum of one data bit, signed so that a positive sum reads the stored bit.

    Parameters
    ----------
    rule : ActivationRule
    n_locations : int
        M.
    n_stored : int
        T, the stored items, the target included.
    distance : int or ndarray of int, shape (L,)
        Distance d of the cue from the target's address.
    autoassociative : bool
        Data words equal their addresses: the other items then pull every bit toward the cue's (see the notes).

    Returns
    -------
    signal, pull, variance : ndarray, shape (L,) float64
        ``signal = M s1(d)``; ``pull`` the mean contribution of the other items toward the cue's bit (0 for
        random data words); ``variance`` of the sum. In counter increments.

    Notes
    -----
    Autoassociative storage: item mu's bit agrees with the cue's with probability ``1 - D/N`` given their distance
    D, and it shares the more locations with the cue the nearer it is, so it adds on average
    ``M g1 = M E_D[(1 - 2 D / N) s1(D)]`` toward the cue's bit (exact for the Hamming and selected-coordinate
    designs by the exchangeability of the coordinates; the hyperplane design's extra pull toward 1 is not
    modelled). The T - 1 other items give ``pull = (T - 1) M g1`` and the variance loses ``(T - 1) (M g1)^2``.
    """
    _count("n_locations", n_locations)
    _count("n_stored", n_stored)
    m = float(n_locations)
    s1, s2 = rule.intersection(distance)
    n1, n2, g1 = rule.pair_moments()
    others = n_stored - 1
    pull = others * m * g1 if autoassociative else 0.0
    variance = m * (s1 - s2) + m * m * (s2 - s1 * s1) + others * (m * n1 + m * (m - 1.0) * n2)
    if autoassociative:
        variance = variance - others * (m * g1) ** 2
    return m * s1, np.full_like(s1, pull), variance


def _wrong(mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """``P(S < 0) + P(S = 0) / 2`` for a Gaussian sum S (a degenerate one when the variance is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = mean / np.sqrt(variance)
    return np.where(variance > 0, ndtr(-np.where(variance > 0, z, 0.0)), np.where(mean > 0, 0.0,
                                                                                   np.where(mean < 0, 1.0, 0.5)))


def bit_error_probability(rule: ActivationRule, n_locations: int, n_stored: int, distance: np.ndarray | float,
                          autoassociative: bool = False) -> np.ndarray:
    """Probability that one read from a cue at distance d from the target's address gets a data bit wrong.

    Gaussian approximation with the moments of :func:`read_moments`: ``Phi(-signal / sd)`` for random data
    words; autoassociatively the N - d bits where the cue is right are pushed by ``+pull`` and the d where it is
    wrong by ``-pull``, ``[(N - d) Phi(-(signal + pull) / sd) + d Phi(-(signal - pull) / sd)] / N``. A sum that is
    identically zero is a fair coin.

    Returns
    -------
    ndarray, shape (L,) float64
    """
    d = np.atleast_1d(np.asarray(distance, dtype=np.float64))
    signal, pull, variance = read_moments(rule, n_locations, n_stored, distance, autoassociative)
    n = rule.address_bits
    return ((n - d) * _wrong(signal + pull, variance) + d * _wrong(signal - pull, variance)) / n


@functools.lru_cache(maxsize=256)
def _distance_map(rule: ActivationRule, n_locations: int, n_stored: int, autoassociative: bool) -> np.ndarray:
    """``f(d) = N * bit_error(d)`` on d = 0 .. N: the expected distance from the target after one read."""
    d = np.arange(rule.address_bits + 1)
    return rule.address_bits * bit_error_probability(rule, n_locations, n_stored, d, autoassociative)


def next_distance(rule: ActivationRule, n_locations: int, n_stored: int, distance: np.ndarray | float,
                  autoassociative: bool = True) -> np.ndarray:
    """Expected distance from the target after one read from a cue at distance d (bits): ``N`` times
    :func:`bit_error_probability`, the data words being the addresses (``autoassociative``, as in iterated
    reading) or zero-mean noise (``False``: Kanerva's and Bricken & Pehlevan's convergence analysis).

    Non-integer distances (iterates) are interpolated linearly between the integers.
    """
    d = np.asarray(distance, dtype=np.float64)
    _distances(d, rule.address_bits, whole=False)
    f = _distance_map(rule, n_locations, n_stored, autoassociative)
    return np.interp(d, np.arange(f.size), f)


def iterate_distance(rule: ActivationRule, n_locations: int, n_stored: int, distance: np.ndarray | float,
                     reads: int, autoassociative: bool = True) -> np.ndarray:
    """Mean-field distance from the target after ``reads`` iterated reads: each read maps the expected distance
    d to :func:`next_distance` (Kanerva's convergence analysis)."""
    _count("reads", reads, low=0)
    d = np.asarray(distance, dtype=np.float64)
    for _ in range(reads):
        d = next_distance(rule, n_locations, n_stored, d, autoassociative)
    return d


def critical_distance(rule: ActivationRule, n_locations: int, n_stored: int, autoassociative: bool = True) -> float:
    """The cue distance beyond which iterated reading diverges instead of converging to the stored item.

    Iterating ``f`` (:func:`next_distance`) from d = 0 gives the retrieval fixed point ``d_s`` and from d = N/2 the
    random one ``d_r``. When they differ, the critical distance is the unstable fixed point between them: the
    first upward crossing of ``f(d) = d`` above ``d_s`` (linear interpolation between integers). When they
    coincide there is one attractor: every cue converges (N/2 is returned) if it is a retrieval state
    (``d_s < N/4``), none does (0) otherwise.

    Beyond capacity the autoassociative pull makes ``f(d)`` close to d everywhere (a read returns nearly its own
    address): the crossing still exists, but convergence on either side is slow.

    Returns
    -------
    float
        Critical distance in bits, 0 .. N/2.
    """
    _count("n_locations", n_locations)
    _count("n_stored", n_stored)
    half = rule.address_bits / 2
    f = _distance_map(rule, n_locations, n_stored, autoassociative)
    grid = np.arange(f.size, dtype=np.float64)

    def attractor(start: float) -> float:
        d = start
        for _ in range(10_000):
            new = float(np.interp(d, grid, f))
            if abs(new - d) < 1e-9:
                break
            d = new
        return d

    d_s, d_r = attractor(0.0), attractor(half)
    if abs(d_s - d_r) < 1e-6 * rule.address_bits:
        return half if d_s < half / 2 else 0.0
    g = f - grid
    for d in range(math.floor(d_s) + 1, math.ceil(d_r) + 1):
        if g[d] >= 0 > g[d - 1]:
            return float(d - 1 + -g[d - 1] / (g[d] - g[d - 1]))
    return 0.0


def kanerva_signal_to_noise(n_locations: int, probability: float, n_stored: int) -> float:
    """Kanerva's signal-to-noise ratio of a read at a stored address: ``sqrt(M p / (1 + p (1 + p^2 M) (T - 1)))``.

    Parameters
    ----------
    n_locations, probability, n_stored
        M, p and T.
    """
    _count("n_locations", n_locations)
    _fraction("probability", probability)
    _count("n_stored", n_stored, whole=False)  # a capacity (not rounded) is a valid T here
    m, p = float(n_locations), float(probability)
    return math.sqrt(m * p / (1.0 + p * (1.0 + p * p * m) * (n_stored - 1)))


def fidelity_z(data_bits: int, fidelity: float) -> float:
    """The per-bit z-score ``Phi^-1(fidelity^(1/D))`` for which a whole word of D bits is read right with
    probability ``fidelity`` (bit errors taken independent)."""
    _count("data_bits", data_bits)
    _fraction("fidelity", fidelity, closed_high=False)
    return float(ndtri(fidelity ** (1.0 / data_bits)))


def capacity(n_locations: int, probability: float, data_bits: int, fidelity: float = 0.5) -> float:
    """Items T that can be stored while a read at a stored address returns the whole word with probability
    ``fidelity``: the largest T with :func:`kanerva_signal_to_noise` ``>= z`` (:func:`fidelity_z`),
    ``T = 1 + (M p / z^2 - 1) / (p (1 + p^2 M))``; 0 when even one item is not read reliably.

    Returns
    -------
    float
        Capacity in items (not rounded).
    """
    z = fidelity_z(data_bits, fidelity)
    _count("n_locations", n_locations)
    _fraction("probability", probability)
    m, p = float(n_locations), float(probability)
    if m * p < z * z:
        return 0.0
    return 1.0 + (m * p / (z * z) - 1.0) / (p * (1.0 + p * p * m))


# ----------------------------------------------------------------------------------------------------------------
# Optimal radii (Bricken & Pehlevan 2021, appendix B.5)
# ----------------------------------------------------------------------------------------------------------------


def snr_optimal_probability(n_locations: float, n_stored: int) -> float:
    """Activation probability maximising :func:`kanerva_signal_to_noise` for T items: ``p = (2 M T)^(-1/3)``."""
    _count("n_locations", n_locations)
    _count("n_stored", n_stored, whole=False)
    return (2.0 * float(n_locations) * n_stored) ** (-1.0 / 3.0)


def snr_optimal_radius(address_bits: int, n_locations: float, n_stored: int) -> int:
    """Radius of the SNR-optimal activation probability (the smallest r reaching it)."""
    return radius_for_probability(address_bits, snr_optimal_probability(n_locations, n_stored))


def memory_optimal_probability(address_bits: int, n_locations: float, fidelity: float = 0.5) -> float:
    """Activation probability maximising :func:`capacity` for words of ``address_bits`` bits.

    Setting the derivative of ``(M p / z^2 - 1) / (p (1 + M p^2))`` to zero gives ``2 M^2 p^3 - 3 M z^2 p^2 - z^2 = 0``,
    solved here for its positive root (z from :func:`fidelity_z`).
    """
    z2 = fidelity_z(address_bits, fidelity) ** 2
    _count("n_locations", n_locations)
    m = float(n_locations)
    # divided by z^2 so that M^2 does not overflow for M up to 2^64 and beyond
    return brentq(lambda p: 2.0 * (m * m / z2) * p**3 - 3.0 * m * p * p - 1.0, 0.0, 1.0 + 3.0 * z2 / m, xtol=1e-300,
                  rtol=1e-14)


def memory_optimal_radius(address_bits: int, n_locations: float, fidelity: float = 0.5) -> int:
    """Radius of the memory-capacity-optimal activation probability."""
    return radius_for_probability(address_bits, memory_optimal_probability(address_bits, n_locations, fidelity))


def critical_distance_optimal_radius(address_bits: int, n_locations: float, n_stored: int,
                                     autoassociative: bool = False) -> int:
    """The radius with the largest :func:`critical_distance` for T items (the first one on ties).

    Radii from the one activating about one location (p = 1/M) up to N/2 are searched. By default the other
    items are zero-mean noise, as in Bricken & Pehlevan's appendix B.5 (and Kanerva's analysis).
    """
    _count("address_bits", address_bits)
    _count("n_locations", n_locations)
    start = radius_for_probability(address_bits, min(1.0, 1.0 / float(n_locations)))
    radii = range(start, address_bits // 2 + 1)
    cds = [critical_distance(ActivationRule(address_bits, "hamming", radius=r), n_locations, n_stored,
                             autoassociative) for r in radii]
    return radii[int(np.argmax(cds))]


# ----------------------------------------------------------------------------------------------------------------
# Attention approximation
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttentionFit:
    """Log-linear fit ``log s1(d) ~ log_scale + beta * (1 - 2 d / N)`` of the intersection weights.

    Attributes
    ----------
    beta : float
        Inverse temperature of softmax attention on the cosine similarity ``1 - 2 d / N`` of ±1 vectors
        (Bricken & Pehlevan's convention).
    decay_per_bit : float
        ``2 beta / N``: the weights fall as ``exp(-decay_per_bit * d)``.
    log_scale : float
        Intercept of the fit.
    max_distance : int
        Distances 0 .. max_distance were fitted.
    address_bits : int
        N.
    """

    beta: float
    decay_per_bit: float
    log_scale: float
    max_distance: int
    address_bits: int

    def weights(self, distance: np.ndarray | float) -> np.ndarray:
        """The fitted exponential ``exp(log_scale + beta (1 - 2 d / N))`` (same scale as the intersection)."""
        d = np.asarray(distance, dtype=np.float64)
        return np.exp(self.log_scale + self.beta * (1.0 - 2.0 * d / self.address_bits))


def fit_attention_beta(rule: ActivationRule, max_distance: int | None = None) -> AttentionFit:
    """Fit softmax attention's beta to the intersection weights by least squares on ``log s1(d)``.

    Parameters
    ----------
    rule : ActivationRule
    max_distance : int, optional
        Fit on d = 0 .. max_distance; default ``min(2 r, N / 2)`` for the Hamming design (the distances where the
        circles intersect, up to that of random patterns) and N/2 otherwise.

    References
    ----------
    Bricken & Pehlevan (2021), arXiv:2111.05498: the log-linear regression of the circle intersection on the
    cosine similarity.
    """
    n = rule.address_bits
    if max_distance is None:
        max_distance = min(2 * rule.radius, n // 2) if rule.design == "hamming" else n // 2
    _distances(max_distance, n)
    d = np.arange(max_distance + 1)
    log_s1 = _log_intersection_moments(rule)[0][d]
    keep = np.isfinite(log_s1)
    cosine = 1.0 - 2.0 * d[keep] / n
    beta, log_scale = np.polyfit(cosine, log_s1[keep], 1)
    return AttentionFit(beta=float(beta), decay_per_bit=float(2.0 * beta / n), log_scale=float(log_scale),
                        max_distance=int(max_distance), address_bits=n)
