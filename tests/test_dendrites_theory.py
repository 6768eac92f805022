"""Active-dendrite theory (Ahmad & Hawkins 2016, arXiv:1601.00720) against brute-force enumeration at tiny n and
against SciPy's independent hypergeometric tail at the paper's sizes (n = 2048, a = 40), down to 1e-13 and below."""

from __future__ import annotations

import math
from fractions import Fraction

import naive
import numpy as np
import pytest
from scipy.stats import hypergeom

from amsim.theory import dendrites as th


@pytest.mark.parametrize(("n", "a", "s"), [(6, 2, 2), (8, 3, 3), (9, 4, 2), (10, 4, 4)])
def test_false_match_matches_enumeration(n, a, s):
    for theta in range(s + 1):
        assert th.false_match(n, a, s, theta) == naive.false_match_naive(n, a, s, theta)


def test_overlap_sets_partition_the_sdrs():
    # eq. 2 summed over b counts every a-bit SDR once (Vandermonde).
    for n, a, s in [(2048, 40, 20), (1024, 8, 8), (50, 10, 30)]:
        assert sum(th.overlap_set_size(n, a, s, b) for b in range(a + 1)) == math.comb(n, a)


@pytest.mark.parametrize(("s", "theta"), [(20, 10), (24, 12), (32, 16), (20, 8), (40, 20)])
def test_false_match_matches_hypergeometric_tail_far_below_sampling(s, theta):
    exact = th.false_match(2048, 40, s, theta)
    assert float(exact) == pytest.approx(hypergeom.sf(theta - 1, 2048, s, 40), rel=1e-9)
    assert float(exact) < 1e-8


def test_false_match_paper_magnitudes():
    # n = 2048, a = 40, s = 20, theta = 10: 3.9e-13, the "far below sampling" regime the paper tabulates; more
    # synapses at half threshold drive it down by orders of magnitude, a larger n likewise.
    assert float(th.false_match(2048, 40, 20, 10)) == pytest.approx(3.9105892637874755e-13, rel=1e-12)
    assert th.false_match(2048, 40, 32, 16) < th.false_match(2048, 40, 24, 12) < th.false_match(2048, 40, 20, 10)
    assert th.false_match(4096, 40, 20, 10) < th.false_match(2048, 40, 20, 10)
    assert th.log10(th.false_match(2048, 40, 40, 20)) == pytest.approx(
        math.log10(hypergeom.sf(19, 2048, 40, 40)), abs=1e-9)


@pytest.mark.parametrize(("a", "s"), [(4, 2), (6, 3), (7, 7)])
def test_false_negative_matches_enumeration(a, s):
    for theta in range(s + 1):
        for moved in range(a + 1):
            assert th.false_negative(100, a, s, theta, moved) == naive.false_negative_naive(a, s, theta, moved)


def test_false_negative_limits():
    assert th.false_negative(2048, 40, 20, 10, 0) == 0
    assert th.false_negative(2048, 40, 20, 1, 40) == 1
    # Moving half the bits loses about half the synapses: theta = s/2 misses a bit less than half of the time.
    assert 0.3 < th.false_negative(2048, 40, 20, 10, 20) < 0.5


@pytest.mark.parametrize(("n", "a", "s", "m"), [(6, 2, 2, 2), (7, 3, 2, 2), (6, 2, 1, 3)])
def test_union_false_match_matches_enumeration(n, a, s, m):
    for theta in range(1, a + 1):
        assert th.union_false_match(n, a, s, theta, m) == naive.union_false_match_naive(n, a, s, theta, m)


def test_union_reduces_to_one_segment_and_grows_with_m():
    assert th.union_false_match(2048, 40, 20, 10, 1) == th.false_match(2048, 40, 20, 10)
    values = [th.union_false_match(2048, 40, 20, 10, m) for m in (1, 2, 5, 10)]
    assert values == sorted(values) and values[0] < values[-1]
    counts = th.union_size_counts(2048, 20, 5)
    assert sum(counts.values()) == math.comb(2048, 20) ** 5
    # Expected union size: n (1 - (1 - s/n)^m).
    mean = Fraction(sum(u * w for u, w in counts.items()), math.comb(2048, 20) ** 5)
    assert float(mean) == pytest.approx(2048 * (1 - (1 - 20 / 2048) ** 5), rel=1e-12)


def test_best_theta_minimises_the_total_error():
    for moved in (0, 8, 20):
        theta, error = th.best_theta(2048, 40, 20, moved)
        totals = [th.false_match(2048, 40, 20, t) + th.false_negative(2048, 40, 20, t, moved) for t in range(1, 21)]
        assert error == min(totals) and totals.index(error) + 1 == theta
    assert th.best_theta(2048, 40, 20, 0)[0] == 20  # no noise: demand every synapse
    assert th.best_theta(2048, 40, 20, 20)[0] < th.best_theta(2048, 40, 20, 8)[0]


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match="theta"):
        th.false_match(2048, 40, 20, 21)
    with pytest.raises(ValueError, match="a must be"):
        th.false_match(10, 11, 2, 1)
    with pytest.raises(ValueError, match="noise"):
        th.noise_bits(40, 1.5)


def test_registered_curves_evaluate_the_formulas_on_grids():
    from amsim import registry

    ds = registry.theory("dendrites-false-match").fn(n=np.array([512, 2048]), theta=np.array([8, 10]))
    assert ds["false_match_theory"].dims == ("n", "theta")
    assert ds["false_match_theory"].sel(n=2048, theta=10).item() == float(th.false_match(2048, 40, 20, 10))
    assert ds["log10_false_match_theory"].sel(n=512, theta=8).item() == th.log10(th.false_match(512, 40, 20, 8))
    det = registry.theory("dendrites-detection").fn(swap=np.array([0.0, 0.5]))
    assert det["best_theta_theory"].values.tolist() == [20, th.best_theta(2048, 40, 20, 20)[0]]
    assert det["false_negative_theory"].sel(swap=0.5).item() == float(th.false_negative(2048, 40, 20, 10, 20))
    assert det["detected_theory"].sel(swap=0.5).item() == float(1 - th.false_negative(2048, 40, 20, 10, 20))
    union = registry.theory("dendrites-union").fn(n_patterns=np.array([1, 4]))
    assert union["union_false_match_theory"].sel(n_patterns=4).item() == float(
        th.union_false_match(2048, 40, 20, 10, 4))
    with pytest.raises(ValueError, match="n must be an integer"):
        registry.theory("dendrites-false-match").fn(n=100.5)


def _within_sampling_error(hits, trials, p):
    """The count of a binomial(trials, p) within five standard deviations of its mean."""
    return abs(hits - trials * p) <= 5 * math.sqrt(trials * p * (1 - p)) + 1


def _synapses_hit(inputs, synapses, n):
    """Number of each input's (B, a) active bits on the segment's synapses (an index array), (B,) int."""
    on = np.zeros(n, bool)
    on[synapses] = True
    return on[inputs].sum(axis=1)


def test_false_match_matches_sampling_of_random_sdrs():
    from amsim.patterns import random_sdrs

    rng = np.random.default_rng(13)
    n, a, s, trials = 128, 16, 8, 60_000
    synapses = random_sdrs(1, n, a, rng)[0, rng.permutation(a)[:s]]
    hit = _synapses_hit(random_sdrs(trials, n, a, rng), synapses, n)
    for theta in (2, 3, 4, 5):
        p = th.false_match(n, a, s, theta)
        assert float(p) > 1e-4  # reachable by sampling at this size
        assert _within_sampling_error(int((hit >= theta).sum()), trials, float(p))


def test_false_negative_matches_sampling_with_swap_active_noise():
    from amsim.patterns import random_sdrs, swap_active

    rng = np.random.default_rng(14)
    n, a, s, moved, trials = 256, 20, 10, 8, 20_000
    patterns = random_sdrs(trials, n, a, rng)
    # each pattern's segment: s of its a active bits, chosen at random.
    picks = np.argsort(rng.random((trials, a)), axis=1)[:, :s]
    synapses = np.take_along_axis(patterns, picks, axis=1)
    noisy = swap_active(patterns, n, moved, rng)
    kept = (noisy[:, :, None] == synapses[:, None, :]).any(axis=1).sum(axis=1)
    for theta in (5, 6, 7, 8):
        p = float(th.false_negative(n, a, s, theta, moved))
        assert _within_sampling_error(int((kept < theta).sum()), trials, p)


def test_union_false_match_matches_sampling():
    from amsim.patterns import random_sdrs

    rng = np.random.default_rng(15)
    n, a, s, m, segments, per = 200, 12, 8, 4, 400, 200
    hits = np.zeros(a + 1, np.int64)
    for _ in range(segments):
        synapses = np.unique(random_sdrs(m, n, s, rng))  # union of m random s-subsets
        hit = _synapses_hit(random_sdrs(per, n, a, rng), synapses, n)
        hits += np.bincount(hit, minlength=a + 1)
    # The inputs of one segment are correlated through its union size, so the band uses the segment count.
    for theta in (2, 3, 4):
        p = float(th.union_false_match(n, a, s, theta, m))
        observed = hits[theta:].sum() / (segments * per)
        band = 5 * math.sqrt(p * (1 - p) / segments)
        assert abs(observed - p) <= band
        assert abs(observed - float(th.false_match(n, a, s, theta))) > band  # a single segment would be far off
