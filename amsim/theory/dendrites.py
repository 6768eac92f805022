"""Exact combinatorics of dendritic segments recognising sparse distributed representations (SDRs).

Ahmad & Hawkins 2016 (arXiv:1601.00720). An SDR is a set of ``a`` active bits out of ``n``; a dendritic segment
holds ``s`` synapses onto bits of a stored pattern and fires when at least ``theta`` of them are active.

* Overlap set (their eq. 2): the number of ``a``-bit SDRs whose overlap with a fixed set of ``s`` bits is exactly
  ``b`` is ``|Omega(n, a, s, b)| = C(s, b) C(n - s, a - b)``.
* False match (eq. 3): ``P = sum_{b >= theta} |Omega(n, a, s, b)| / C(n, a)``, the chance that a uniformly random
  ``a``-bit SDR activates the segment.
* False negative under noise: ``v`` of the stored pattern's ``a`` active bits are moved to bits that were off;
  the segment loses the ``k`` of its ``s`` synapses that were among the ``v`` moved bits (hypergeometric), and
  misses when ``s - k < theta``.
* Union property: a segment holding synapses for ``M`` patterns has the union of ``M`` independent uniformly
  random ``s``-sets; the distribution of its size follows exactly from an integer Markov chain over the union
  size, and the false-match chance averages eq. 3 (with the union size in place of ``s``) over it.

Every probability is an exact :class:`fractions.Fraction` of Python integers (no underflow: false matches near
``1e-40`` are exact); ``float`` and ``log10`` helpers convert at the end.
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = [
    "best_theta",
    "false_match",
    "false_negative",
    "log10",
    "noise_bits",
    "overlap_set_size",
    "union_false_match",
    "union_size_counts",
]


def _check(n: int, a: int, s: int, theta: int | None = None) -> None:
    """One-line ValueError naming the field when the sizes are inconsistent."""
    for name, value in (("n", n), ("a", a), ("s", s)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer (got {value!r})")
    if a > n:
        raise ValueError(f"a must be <= n = {n} (got {a})")
    if s > n:
        raise ValueError(f"s must be <= n = {n} (got {s})")
    if theta is not None and (isinstance(theta, bool) or not isinstance(theta, int) or not 0 <= theta <= s):
        raise ValueError(f"theta must be an integer in [0, s = {s}] (got {theta!r})")


def overlap_set_size(n: int, a: int, s: int, b: int) -> int:
    """Number of ``a``-bit SDRs of ``n`` bits overlapping a fixed ``s``-bit set in exactly ``b`` bits.

    ``C(s, b) C(n - s, a - b)``; zero when ``b`` is out of range (``math.comb`` is zero there, negatives are
    guarded).
    """
    _check(n, a, s)
    if b < 0 or a - b < 0:
        return 0
    return math.comb(s, b) * math.comb(n - s, a - b)


def false_match(n: int, a: int, s: int, theta: int) -> Fraction:
    """Exact probability that a random ``a``-bit SDR reaches ``theta`` of a segment's ``s`` synapses (eq. 3)."""
    _check(n, a, s, theta)
    hits = sum(overlap_set_size(n, a, s, b) for b in range(theta, min(s, a) + 1))
    return Fraction(hits, math.comb(n, a))


def noise_bits(a: int, noise: float) -> int:
    """Number of active bits moved by a noise level (fraction of ``a``), rounded to the nearest integer."""
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be in [0, 1] (got {noise!r})")
    return int(round(noise * a))


def false_negative(n: int, a: int, s: int, theta: int, moved: int) -> Fraction:
    """Exact probability that a segment misses its own pattern after ``moved`` of its ``a`` bits are moved.

    The segment's ``s`` synapses sit on ``s`` of the pattern's ``a`` bits; the ``moved`` bits are a uniformly
    random subset of the ``a``, and land on bits that were off, so they never reach a synapse.

    Parameters
    ----------
    n, a, s, theta : int
        SDR size, active bits, synapses per segment (``s <= a``), threshold.
    moved : int
        Active bits moved (``0 <= moved <= a``); :func:`noise_bits` converts a noise fraction.
    """
    _check(n, a, s, theta)
    if s > a:
        raise ValueError(f"s must be <= a = {a} for a segment sampled from one pattern (got {s})")
    if not 0 <= moved <= a:
        raise ValueError(f"moved must be in [0, a = {a}] (got {moved})")
    # k synapses lost: C(s, k) C(a - s, moved - k) of the C(a, moved) choices; a miss when s - k < theta.
    misses = sum(math.comb(s, k) * math.comb(a - s, moved - k)
                 for k in range(max(0, s - theta + 1), min(s, moved) + 1))
    return Fraction(misses, math.comb(a, moved))


def union_size_counts(n: int, s: int, m: int) -> dict[int, int]:
    """Number of ordered ``m``-tuples of ``s``-subsets of ``n`` bits whose union has each size.

    Returns
    -------
    dict[int, int]
        union size -> count; the counts sum to ``C(n, s)^m``.
    """
    _check(n, s, s)
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise ValueError(f"m must be a positive integer (got {m!r})")
    counts = {s: math.comb(n, s)}
    for _ in range(m - 1):
        step: dict[int, int] = {}
        for u, w in counts.items():
            # the next subset adds k new bits: C(n - u, k) C(u, s - k) choices.
            for k in range(max(0, s - u), min(s, n - u) + 1):
                step[u + k] = step.get(u + k, 0) + w * math.comb(n - u, k) * math.comb(u, s - k)
        counts = step
    return counts


def union_false_match(n: int, a: int, s: int, theta: int, m: int) -> Fraction:
    """Exact false-match probability of a segment holding ``s`` synapses for each of ``m`` random patterns.

    The synapse set is the union of ``m`` independent uniformly random ``s``-subsets (a random pattern's
    subsample is uniform); ``m = 1`` is :func:`false_match`; ``s = a`` is the union of ``m`` whole patterns.
    """
    _check(n, a, s)
    counts = union_size_counts(n, s, m)
    if isinstance(theta, bool) or not isinstance(theta, int) or not 0 <= theta <= max(counts):
        raise ValueError(f"theta must be an integer in [0, min(m s, n) = {max(counts)}] (got {theta!r})")
    total = math.comb(n, a)
    hits = sum(w * sum(math.comb(u, b) * math.comb(n - u, a - b) for b in range(theta, min(u, a) + 1))
               for u, w in counts.items())
    return Fraction(hits, math.comb(n, s) ** m * total)


def best_theta(n: int, a: int, s: int, moved: int) -> tuple[int, Fraction]:
    """Threshold minimising the total error ``false_match + false_negative`` (smallest on ties).

    Returns
    -------
    (int, Fraction)
        The threshold in ``[1, s]`` and its total error.
    """
    errors = [(false_match(n, a, s, t) + false_negative(n, a, s, t, moved), t) for t in range(1, s + 1)]
    error, theta = min(errors)
    return theta, error


def log10(p: Fraction) -> float:
    """``log10`` of an exact probability without overflow or underflow (``-inf`` for zero)."""
    if p == 0:
        return -math.inf
    return math.log10(p.numerator) - math.log10(p.denominator)
