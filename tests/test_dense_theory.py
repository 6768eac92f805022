"""Dense-family theory: limiting cases (p = 2 is the Hopfield signal-to-noise result, the finite-N capacity tends
to N^(p-1) / ((2p-3)!! z^2), beta -> infinity is nearest-pattern retrieval), exact enumerations, brute-force
simulations at small sizes, and the registered curves."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from amsim import registry
from amsim.families.dense import DenseAssociativeMemory, ModernHopfield
from amsim.io import unlabelled
from amsim.patterns import corrupt, random_patterns
from amsim.theory import dense as th


def test_degree_two_is_the_hopfield_signal_to_noise_result():
    """G(a) = 4a: signal 4 (N - 1), noise variance 16 (N - 1) per pattern, so the per-bit error is
    Phi(-sqrt((N - 1) / (P - 1))) and the capacity at error Phi(-z) is 1 + (N - 1) / z^2 ~ N / z^2; the no-error
    form is N / (2 ln N) (McEliece et al. 1987)."""
    for n, n_patterns in ((100, 10), (1000, 150), (5000, 2000)):
        assert th.noise_variance("polynomial", 2, n) == pytest.approx(16 * (n - 1), rel=1e-12)
        assert th.bit_error(n, n_patterns, 2) == pytest.approx(ndtr(-math.sqrt((n - 1) / (n_patterns - 1))),
                                                               rel=1e-12)
        z = -ndtri(0.01)
        assert th.capacity(n, 2, 0.01) == pytest.approx(1 + (n - 1) / z**2, rel=1e-12)
        assert th.asymptotic_capacity(n, 2, 0.01) == pytest.approx(n / z**2, rel=1e-12)
        assert th.krotov_hopfield_capacity(n, 2) == pytest.approx(n / (2 * math.log(n)), rel=1e-12)


@pytest.mark.parametrize("degree", [3, 4, 5])
def test_finite_size_capacity_tends_to_the_asymptotic_law(degree):
    """v = E[G(a)^2] -> 4 p^2 (2p-3)!! N^(p-1) (Gaussian moments) and the capacity -> N^(p-1) / ((2p-3)!! z^2)."""
    ratios = [th.capacity(n, degree, 0.01) / th.asymptotic_capacity(n, degree, 0.01) for n in (100, 1000, 10_000)]
    assert abs(ratios[-1] - 1) < 0.02 and abs(ratios[-1] - 1) < abs(ratios[0] - 1)
    v = th.noise_variance("polynomial", degree, 10_000)
    assert v == pytest.approx(4 * degree**2 * th.double_factorial(2 * degree - 3) * 10_000 ** (degree - 1), rel=0.02)
    assert th.double_factorial(5) == 15 and th.double_factorial(-1) == 1


def test_rectified_energy_halves_the_noise():
    n = 2000
    assert th.noise_variance("rectified", 3, n) == pytest.approx(th.noise_variance("polynomial", 3, n) / 2, rel=0.01)


@pytest.mark.parametrize(("degree", "n", "n_patterns", "noise"), [(2, 200, 40, 0.0), (3, 100, 500, 0.0),
                                                                  (3, 100, 300, 0.1), (4, 40, 1500, 0.0)])
def test_one_step_bit_error_matches_brute_force_simulation(degree, n, n_patterns, noise):
    """The Gaussian signal-to-noise estimate against the one synchronous step of the memory itself, averaged over
    independent memories (statistical tolerance: 4 standard errors of the simulated mean, plus 10% of the theory
    for the Gaussian approximation of a sum of heavy-tailed terms)."""
    rng = np.random.default_rng(n + degree)
    errors = []
    for _ in range(6):
        patterns = random_patterns(n_patterns, n, rng)
        dam = DenseAssociativeMemory(n_neurons=n, degree=degree, update="sync", max_steps=1, backend="cpu",
                                     random_state=1).store(patterns)
        cues = corrupt(patterns[:40], noise, rng)
        errors.append((dam.recall(cues).states != patterns[:40]).mean())
    theory = th.bit_error(n, n_patterns, degree, noise)
    assert 0.005 < theory < 0.2
    assert abs(np.mean(errors) - theory) < 4 * np.std(errors, ddof=1) / math.sqrt(6) + 0.1 * theory


def test_capacity_at_a_noise_level_solves_the_bit_error():
    p_max = th.capacity(300, 3, 0.02, noise=0.15)
    assert th.bit_error(300, p_max, 3, 0.15) == pytest.approx(0.02, rel=1e-6)
    assert p_max < th.capacity(300, 3, 0.02)


def test_exponential_rates_and_the_nearest_competitor():
    """I(1) = ln 2: at rho = 0 Demircigil's rate is ln(2) / 2; q is the exact fraction of the 2^N patterns within
    the cue's distance (enumerated); the finite-N capacity's rate tends to I(1 - 2 rho)."""
    assert th.entropy_rate(1.0) == pytest.approx(math.log(2))
    assert th.exponential_rate(0.0) == pytest.approx(math.log(2) / 2)
    assert th.exponential_rate(0.2) == pytest.approx((1.6 * math.log(1.6) + 0.4 * math.log(0.4)) / 4)
    n, k = 12, 3
    within = sum(1 for z in itertools.product((0, 1), repeat=n) if sum(z) <= k)
    assert th.competitor_probability(n, k / n) == pytest.approx(within / 2**n, rel=1e-12)
    rates = [math.log(th.exponential_typical_capacity(n, 0.2)) / n for n in (50, 500, 3000)]
    assert abs(rates[-1] - th.entropy_rate(0.6)) < 0.01 < abs(rates[0] - th.entropy_rate(0.6))


def test_exponential_success_matches_simulation():
    """N = 20, cues at 4 flipped bits: the nearest-competitor estimate of the success probability against the
    memory's retrieval (the estimate ignores near ties, so 0.1 absolute)."""
    rng = np.random.default_rng(3)
    n, noise = 20, 0.2
    for n_patterns in (30, 150):
        hits = []
        for _ in range(8):
            patterns = random_patterns(n_patterns, n, rng)
            dam = DenseAssociativeMemory(n_neurons=n, energy="exponential", backend="cpu", random_state=2)
            dam.store(patterns)
            states = dam.recall(corrupt(patterns[:25], noise, rng)).states
            hits.append((states == patterns[:25]).all(axis=1).mean())
        theory = (1 - th.competitor_probability(n, noise)) ** (n_patterns - 1)
        assert np.mean(hits) == pytest.approx(theory, abs=0.1)


# ------------------------------------------------------------------------------------------------------------
# Modern Hopfield network
# ------------------------------------------------------------------------------------------------------------


def test_the_retrieval_error_bound_holds_on_every_instance():
    """Ramsauer et al.'s bound against the measured one-step error, over patterns, cues and betas."""
    rng = np.random.default_rng(4)
    checked = 0
    for d, n_patterns in ((32, 20), (64, 200)):
        x = (rng.integers(0, 2, (n_patterns, d)) * 2 - 1) / math.sqrt(d)
        delta = th.pattern_separation(x)
        for beta in (2.0, 10.0, 40.0, 150.0):
            net = ModernHopfield(n_neurons=d, beta=beta, max_steps=1, backend="cpu").store(x)
            cues = x + rng.normal(scale=0.3 / math.sqrt(d), size=x.shape) * rng.random((n_patterns, 1))
            error = np.linalg.norm(net.recall(cues).states - x, axis=1)
            bound = th.retrieval_error_bound(beta, delta, n_patterns, 1.0, np.linalg.norm(cues - x, axis=1))
            assert (error <= bound * (1 + 1e-9) + 1e-15).all()
            checked += int((bound < 1).sum())
    assert checked > 50  # the bound is informative on many instances, not only trivially true


def test_typical_separation_is_the_median_of_random_instances():
    rng = np.random.default_rng(5)
    d, n_patterns = 64, 100
    samples = [th.pattern_separation((rng.integers(0, 2, (n_patterns, d)) * 2 - 1) / 8.0)[0] for _ in range(400)]
    theory = th.typical_separation(d, n_patterns)
    assert np.mean(np.array(samples) < theory) <= 0.5 <= np.mean(np.array(samples) <= theory)


def test_annealed_off_target_weight_matches_simulation_at_small_beta():
    """While the sum over patterns is not dominated by its largest terms the annealed mean is the typical value."""
    rng = np.random.default_rng(6)
    d, n_patterns, noise = 64, 500, 0.1
    for beta in (2.0, 8.0):
        measured = []
        for _ in range(5):
            x = (rng.integers(0, 2, (n_patterns, d)) * 2 - 1) / 8.0
            cues = corrupt((x[:50] * 8).astype(np.int8), noise, rng) / 8.0
            w = ModernHopfield(n_neurons=d, beta=beta, backend="cpu").store(x).weights(cues)
            measured.append(1 - w[np.arange(50), np.arange(50)].mean())
        assert np.mean(measured) == pytest.approx(float(th.annealed_off_target(beta, d, n_patterns, 1.0, noise)),
                                                  rel=0.05)


def test_global_average_beta_of_orthonormal_patterns_is_their_number():
    """P orthonormal patterns: the centred covariance has eigenvalue 1 / P, so the threshold is beta = P."""
    assert th.global_average_beta(np.eye(8)[:5]) == pytest.approx(5.0)


# ------------------------------------------------------------------------------------------------------------
# Registered curves
# ------------------------------------------------------------------------------------------------------------


def test_curves_are_labelled_and_on_the_simulation_coordinates():
    ds = registry.theory("dense-capacity").fn(n_neurons=np.array([100, 200]), n_patterns=np.array([50, 500]),
                                              degree=2, noise=0.0, success_overlap=0.98)
    assert unlabelled(ds) == [] and ds["bit_error_theory"].dims == ("n_neurons", "n_patterns")
    assert ds["capacity_theory"].dims == ("n_neurons",)
    z = -ndtri(0.01)
    np.testing.assert_allclose(ds["capacity_theory"], 1 + (np.array([100, 200]) - 1) / z**2, rtol=1e-6)
    ds = registry.theory("dense-exponential-capacity").fn(n_neurons=np.array([20, 40]), noise=0.1)
    assert unlabelled(ds) == [] and "success_theory" not in ds
    assert float(ds["rate_theory"]) == pytest.approx(th.exponential_rate(0.1))
    ds = registry.theory("modern-hopfield-error").fn(beta=np.array([10.0, 100.0]), n_patterns=100, n_neurons=128,
                                                     noise=0.0)
    assert unlabelled(ds) == [] and ds["error_bound_theory"].dims == ("beta",)
    assert ds["error_bound_theory"][1] < ds["error_bound_theory"][0] < 1
    with pytest.raises(ValueError, match="theory dense-capacity: energy must be one of polynomial, rectified"):
        registry.theory("dense-capacity").fn(n_neurons=100, energy="exponential")
