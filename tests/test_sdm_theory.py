"""SDM theory against enumeration, Monte Carlo and published values: Kanerva's r = 451 activating ~0.1% of the
space at N = 1000 (Kanerva 1988), the circle intersection at N = 1000 by importance sampling, and Bricken &
Pehlevan's optimal radii for N = 64, M = 2^64, T = 1024 (arXiv:2111.05498, section 1 and appendix B.5)."""

from __future__ import annotations

import itertools
import math

import naive
import numpy as np
import pytest

from amsim import registry
from amsim.io import unlabelled
from amsim.theory import sdm as th


def all_points(n):
    """Every point of {0,1}^n as a (2^n, n) uint8 array."""
    return np.array(list(itertools.product((0, 1), repeat=n)), np.uint8)


def test_kanerva_radius_451_activates_a_thousandth():
    # Kanerva (1988): with N = 1000 an access circle of radius 451 holds about 0.001 of the space, so about 1000
    # of 1,000,000 hard locations; 451 is the smallest radius reaching 0.001.
    p = th.activation_probability(1000, 451)
    assert p == pytest.approx(0.001, rel=0.1)
    assert p == float(sum(math.comb(1000, j) for j in range(452)) / 2**1000)
    assert th.radius_for_probability(1000, 0.001) == 451
    assert th.activation_probability(1000, 450) < 0.001 <= p
    assert 1000 <= 1_000_000 * p <= 1100


@pytest.mark.parametrize("n", [1, 5, 12])
def test_activation_probability_matches_enumeration(n):
    for r in range(-1, n + 1):
        assert th.activation_probability(n, r) == pytest.approx(
            naive.activation_probability_naive(n, r) if r >= 0 else 0.0, rel=1e-15)


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_radius_for_probability_inverts_activation_probability(n):
    for r in range(0, n // 2 + 1, max(1, n // 100)):  # beyond N/2, p rounds to 1 for whole ranges of r
        assert th.radius_for_probability(n, th.activation_probability(n, r)) == r
    assert th.specified_bits_for_probability(2.0**-10) == 10
    assert th.specified_bits_for_probability(0.001) == 9  # 2^-9 = 0.00195 >= 0.001 > 2^-10


@pytest.mark.parametrize("n", [9, 12])
def test_intersection_matches_enumeration(n):
    for r in range(n + 1):
        q = th.intersection_fraction(n, r, np.arange(n + 1))
        want = [naive.intersection_naive(n, r, d) for d in range(n + 1)]
        np.testing.assert_allclose(q, want, rtol=1e-11, atol=0)
        assert q[0] == pytest.approx(th.activation_probability(n, r), rel=1e-12)


@pytest.mark.parametrize("d", [1, 60, 200, 400])
def test_kanerva_intersection_by_importance_sampling(d):
    # Points z uniform in the circle of x = 0 (distance j from x drawn with weight C(N, j), then j random bits set);
    # the fraction within r of y = 1^d 0^(N-d) estimates q(d) / p, independently of the combinatorial formula.
    n, r, samples = 1000, 451, 20_000
    rng = np.random.default_rng(d)
    sizes = np.array([math.comb(n, j) for j in range(r + 1)], dtype=object)
    weights = np.array([float(s / sizes.sum()) for s in sizes])
    flips = rng.choice(r + 1, size=samples, p=weights / weights.sum())
    keys = rng.random((samples, n))
    kth = np.take_along_axis(np.sort(keys, axis=1), np.maximum(flips - 1, 0)[:, None], axis=1)
    z = (keys <= kth) & (flips[:, None] > 0)
    dist_y = d - z[:, :d].sum(axis=1) + z[:, d:].sum(axis=1)
    estimate = (dist_y <= r).mean()
    exact = th.intersection_fraction(n, r, d)[0] / th.activation_probability(n, r)
    se = math.sqrt(exact * (1 - exact) / samples)
    assert abs(estimate - exact) < 4 * se + 1e-4, (estimate, exact)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_selected_coordinate_intersection_matches_enumeration(k):
    n = 9
    rule = th.ActivationRule(n, "selected", specified_bits=k)
    s1, s2 = rule.intersection(np.arange(n + 1))
    np.testing.assert_allclose(s1, [naive.selected_intersection_naive(n, k, d) for d in range(n + 1)], rtol=1e-12)
    np.testing.assert_allclose(s2, s1**2, rtol=1e-12)
    assert rule.probability == 2.0**-k


def test_hyperplane_moments_match_enumeration():
    # Location active when all k specified coordinates are 1: q(x, y) = C(#both 1, k) / C(N, k) for a random
    # location; s1, s2 average q, q^2 over pairs at distance d, n2 over independent pairs.
    n, k = 8, 2
    pts = all_points(n)
    both = pts[:, None, :] & pts[None, :, :]
    q = np.vectorize(lambda c: math.comb(c, k))(both.sum(axis=2)) / math.comb(n, k)
    dist = (pts[:, None, :] != pts[None, :, :]).sum(axis=2)
    rule = th.ActivationRule(n, "hyperplane", specified_bits=k)
    s1, s2 = rule.intersection(np.arange(n + 1))
    for d in range(n + 1):
        np.testing.assert_allclose([s1[d], s2[d]], [q[dist == d].mean(), (q[dist == d] ** 2).mean()], rtol=1e-12)
    n1, n2, g1 = rule.pair_moments()
    np.testing.assert_allclose([n1, n2, g1], [q.mean(), (q**2).mean(), ((1 - 2 * dist / n) * q).mean()], rtol=1e-12)


def test_hamming_pair_moments_match_enumeration():
    n, r = 10, 3
    pts = all_points(n)
    weight = pts.sum(axis=1)
    dist = (pts[:, None, :] != pts[None, :, :]).sum(axis=2)
    q = ((weight[None, :] <= r) & (dist <= r)).mean(axis=1)  # q(0, y) for every y, by enumeration of z
    n1, n2, g1 = th.ActivationRule(n, "hamming", radius=r).pair_moments()
    assert n1 == pytest.approx(th.activation_probability(n, r) ** 2, rel=1e-15)
    np.testing.assert_allclose([n1, n2, g1], [q.mean(), (q**2).mean(), ((1 - 2 * weight / n) * q).mean()],
                               rtol=1e-11)


def test_kanerva_signal_to_noise_is_the_d0_moments():
    # At d = 0, with Kanerva's approximations (signal variance M p, random-pair second moment p^4), the read
    # moments give his closed form; the exact moments differ from it by little at Kanerva's scale.
    m, t = 1_000_000, 10_000
    rule = th.ActivationRule(1000, "hamming", radius=451)
    p = rule.probability
    closed = th.kanerva_signal_to_noise(m, p, t)
    assert closed == pytest.approx(m * p / math.sqrt(m * p + (t - 1) * (m * p * p + m * m * p**4)), rel=1e-12)
    signal, pull, var = th.read_moments(rule, m, t, 0)
    assert pull[0] == 0 and signal[0] / math.sqrt(var[0]) == pytest.approx(closed, rel=0.1)


def test_capacity_is_where_the_snr_reaches_the_fidelity_z():
    m, p, n = 1_000_000, th.activation_probability(1000, 451), 1000
    t = th.capacity(m, p, n, fidelity=0.5)
    assert 40_000 < t < 50_000
    assert th.kanerva_signal_to_noise(m, p, t) == pytest.approx(th.fidelity_z(n, 0.5), rel=1e-9)
    assert th.capacity(100, 0.001, 1000) == 0.0  # 0.1 locations per address: nothing is stored reliably


def test_bricken_pehlevan_optimal_radii():
    # arXiv:2111.05498: for n = 64, r = 2^64 neurons and m = 1024 patterns, d*_SNR = 11, d*_Mem = 5, d*_CD = 15.
    n, m, t = 64, 2.0**64, 1024
    assert th.snr_optimal_probability(m, t) == pytest.approx((2 * m * t) ** (-1 / 3))
    assert th.snr_optimal_radius(n, m, t) == 11
    assert th.memory_optimal_radius(n, m) == 5
    assert th.critical_distance_optimal_radius(n, m, t) == 15


def test_critical_distance_shrinks_with_load():
    # Kanerva's analysis (other items as zero-mean noise): one item converges from everywhere, past capacity not
    # even the stored address is a fixed point, and in between the critical distance falls with the load.
    rule = th.ActivationRule(1000, "hamming", radius=451)
    m = 1_000_000
    cds = [th.critical_distance(rule, m, t, autoassociative=False) for t in (1, 1000, 10_000, 30_000, 100_000)]
    assert cds[0] == 500.0
    assert cds[-1] == 0.0
    assert all(a > b for a, b in zip(cds[1:-1], cds[2:], strict=False))
    d = cds[2]
    f = [th.next_distance(rule, m, 10_000, x, autoassociative=False) for x in (d - 5, d + 5)]
    assert f[0] < d - 5 and f[1] > d + 5
    # The autoassociative pull toward the cue only helps convergence: the critical distance grows.
    assert th.critical_distance(rule, m, 10_000) > d


def test_attention_fit_is_log_linear():
    rule = th.ActivationRule(1000, "hamming", radius=451)
    fit = th.fit_attention_beta(rule)
    assert fit.max_distance == 500 and fit.decay_per_bit == pytest.approx(2 * fit.beta / 1000)
    d = np.arange(fit.max_distance + 1)
    log_q = np.log(rule.intersection(d)[0])
    residual = log_q - np.log(fit.weights(d))
    assert 1 - residual.var() / log_q.var() > 0.98  # R^2 of the log-linear fit
    assert np.abs(residual).max() < 0.7  # the exponential is within a factor 2 of the intersection


def test_theory_datasets_are_labelled():
    recall = registry.theory("sdm-recall").fn(noise=np.array([0.0, 0.1, 0.3]), n_stored=np.array([50, 500]),
                                              max_steps=5)
    assert unlabelled(recall) == [] and recall["overlap_theory"].dims == ("n_stored", "noise")
    assert (recall["overlap_theory"].diff("noise") <= 1e-12).all()
    inter = registry.theory("sdm-intersection").fn(distance=np.array([0, 100, 200]))
    assert unlabelled(inter) == [] and inter.attrs["beta"] > 0
    np.testing.assert_allclose(inter["shared_locations"][0], 1_000_000 * th.activation_probability(1000, 451))
