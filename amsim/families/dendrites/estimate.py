"""False-match rates beyond plain sampling: importance sampling on the overlap with the segment.

A uniformly random a-bit SDR overlaps a segment's s synapses in b bits with probability
``pi(b) = C(s, b) C(n - s, a - b) / C(n, a)`` (the number of SDRs with that overlap, Ahmad & Hawkins' eq. 2, over
all SDRs). The proposal draws b from ``q`` (half uniform over the feasible overlaps, half uniform over those at or
above theta, so the tail is sampled as often as the bulk), then places b bits uniformly on the synapses and a - b
uniformly off them: every SDR with overlap b has proposal probability ``q(b) / (C(s, b) C(n - s, a - b))``, so the
likelihood ratio is ``pi(b) / q(b)``. The kernels then count each input's active synapses on the packed bits, and the
estimate is the mean of ``ratio * [count >= theta]``, with its relative standard error.

What this checks: the sampler, the packing and the overlap kernel in the far tail (every count must equal the b
drawn, reported as ``mismatches``), and the false-match sum of eq. 3 as an expectation; the ratio itself uses the
overlap-set sizes of eq. 2, so it is not independent of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from amsim import backends
from amsim.bits import pack_bits
from amsim.exceptions import ValidationError
from amsim.patterns import random_sdrs, sdr_bits


@dataclass(frozen=True)
class Estimate:
    """An importance-sampling estimate: ``value``, its ``relative_error`` (standard error / value), the
    ``samples`` drawn, and ``mismatches`` (inputs whose kernel count differed from the overlap drawn; 0 expected)."""

    value: float
    relative_error: float
    samples: int
    mismatches: int


def false_match_importance(n: int, a: int, s: int, theta: int, samples: int, rng: np.random.Generator,
                           backend: str = "cpu") -> Estimate:
    """Estimate the probability that a random a-bit SDR of n bits reaches theta of a segment's s synapses.

    Parameters
    ----------
    n, a, s, theta : int
        SDR size, active bits, synapses (``s <= n``), threshold (``1 <= theta <= min(s, a)``).
    samples : int
        Inputs drawn from the proposal.
    rng : numpy.random.Generator
        Draws the segment, the overlaps and the inputs (host side: every backend counts the same inputs).
    backend : str
        Kernel backend counting the overlaps.
    """
    if not (1 <= a <= n and 1 <= s <= n and 1 <= theta <= min(s, a) and samples >= 1):
        raise ValidationError(f"false_match_importance: needs 1 <= a, s <= n, 1 <= theta <= min(s, a), samples >= 1 "
                              f"(got n={n}, a={a}, s={s}, theta={theta}, samples={samples})")
    low, high = max(0, a - (n - s)), min(s, a)
    overlaps = np.arange(low, high + 1)
    q = 0.5 / overlaps.size + 0.5 * (overlaps >= theta) / (high - theta + 1)
    total = math.comb(n, a)
    ratio = np.array([math.comb(s, b) * math.comb(n - s, a - b) / total for b in overlaps]) / q
    drawn = rng.choice(overlaps, size=samples, p=q / q.sum())
    synapses = np.sort(rng.permutation(n)[:s])
    others = np.setdiff1d(np.arange(n), synapses)
    segment = pack_bits(sdr_bits(synapses[None, :], n))
    estimate, mismatches = np.zeros(samples), 0
    kernels = backends.kernels("amsim.families.dendrites", backends.resolve(backend))
    for b in np.unique(drawn):
        rows = np.flatnonzero(drawn == b)
        on = synapses[random_sdrs(rows.size, s, int(b), rng)]
        off = others[random_sdrs(rows.size, n - s, a - int(b), rng)]
        inputs = pack_bits(sdr_bits(np.concatenate([on, off], axis=1), n))
        counts = np.empty((rows.size, 1), np.int32)
        kernels.segment_overlaps(segment, inputs, counts)
        mismatches += int((counts[:, 0] != b).sum())
        estimate[rows] = ratio[b - low] * (counts[:, 0] >= theta)
    value = float(estimate.mean())
    error = float(estimate.std(ddof=1) / math.sqrt(samples)) if samples > 1 else math.inf
    return Estimate(value, error / value if value > 0 else math.inf, samples, mismatches)
