"""The dense family's models: the dense associative memory (p = 2 is the Hebbian Hopfield network, state for state;
larger p and the exponential energy store more; the energy never rises) and the modern Hopfield network (nearest
pattern at large beta, the global average and metastable fixed points at small beta, the attention view)."""

from __future__ import annotations

import numpy as np
import pytest

from amsim.exceptions import ValidationError
from amsim.families.dense import DenseAssociativeMemory, ModernHopfield
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import corrupt, random_patterns
from amsim.theory.dense import global_average_beta

try:
    import naive
except ImportError:  # tests/ imported as a package
    from tests import naive


@pytest.mark.parametrize(("update", "temperature", "order"), [("async", 0.0, "random"), ("async", 0.0, "fixed"),
                                                              ("sync", 0.0, "random"), ("glauber", 0.3, "random"),
                                                              ("glauber", 0.6, "fixed")])
def test_degree_two_is_the_hebbian_hopfield_network(backend, update, temperature, order):
    """Same patterns, cues and random_state: the same states, steps and convergence as HopfieldNetwork, on loads
    where some cues fail, some 2-cycle (sync), and Glauber moves spins both ways."""
    rng = np.random.default_rng(7)
    n = 80
    patterns = random_patterns(10, n, rng)
    cues = corrupt(patterns[np.arange(20) % 10], 0.3, rng)
    settings = {"update": update, "temperature": temperature, "order": order, "max_steps": 25}
    dam = DenseAssociativeMemory(n_neurons=n, degree=2, backend=backend, random_state=3).store(patterns)
    hop = HopfieldNetwork(n_neurons=n, engine="patterns", backend=backend, random_state=3).store(patterns)
    got, want = dam.recall(cues, **settings), hop.recall(cues, **settings)
    for field in ("states", "steps", "converged"):
        np.testing.assert_array_equal(getattr(got, field), getattr(want, field), err_msg=field)
    retrieved = hop.overlaps(want.states)[np.arange(20), np.arange(20) % 10] > 0.5
    assert 0 < retrieved.mean() < 1  # neither trivial nor hopeless
    # and the energies differ only by the self-coupling constant P / (2N)
    np.testing.assert_allclose(dam.energy(got.states), hop.energy(want.states) - 10 / (2 * n), rtol=1e-12)


def test_higher_degree_stores_far_more_patterns():
    """N = 100, P = 60 (load 0.6): the Hopfield network loses every pattern; p = 3 (capacity ~ N^2 / 5 at a 1% bit
    error) retrieves all of them from 10% noise; the rectified energy too."""
    rng = np.random.default_rng(1)
    patterns = random_patterns(60, 100, rng)
    cues = corrupt(patterns[:20], 0.1, rng)
    overlaps = {}
    for energy, degree in (("polynomial", 2), ("polynomial", 3), ("rectified", 3)):
        dam = DenseAssociativeMemory(n_neurons=100, energy=energy, degree=degree, backend="cpu", random_state=2)
        overlaps[energy, degree] = dam.store(patterns).overlaps(dam.recall(cues).states).diagonal()
    assert overlaps["polynomial", 2].mean() < 0.6
    assert (overlaps["polynomial", 3] == 1).all() and (overlaps["rectified", 3] == 1).all()


def test_exponential_energy_stores_exponentially_many_and_never_overflows():
    rng = np.random.default_rng(2)
    patterns = random_patterns(3000, 40, rng)  # 75 N
    dam = DenseAssociativeMemory(n_neurons=40, energy="exponential", backend="cpu", random_state=1).store(patterns)
    result = dam.recall(corrupt(patterns[:30], 0.1, rng))
    assert (dam.overlaps(result.states)[np.arange(30), np.arange(30)] == 1).all() and result.converged.all()
    # N = 10^4: e^N overflows float64 600 times over; the fields stay finite and exact
    big = random_patterns(50, 10_000, rng)
    dam = DenseAssociativeMemory(n_neurons=10_000, energy="exponential", backend="cpu", random_state=1).store(big)
    cues = corrupt(big[:2], 0.3, rng)
    for update in ("async", "sync"):
        result = dam.recall(cues, update=update)
        assert (dam.overlaps(result.states)[[0, 1], [0, 1]] == 1).all()
    assert np.isfinite(dam.energy(cues)).all() and dam.energy(big[:1])[0] == pytest.approx(-1e-4)


@pytest.mark.parametrize(("energy", "degree"), [("polynomial", 3), ("polynomial", 4), ("rectified", 3),
                                                ("exponential", 3)])
def test_zero_temperature_dynamics_never_raise_the_energy(energy, degree):
    """Each flip lowers E (its field opposed the spin), so every cue ends at or below its energy (Lyapunov)."""
    rng = np.random.default_rng(degree)
    patterns = random_patterns(300, 50, rng)
    dam = DenseAssociativeMemory(n_neurons=50, energy=energy, degree=degree, backend="cpu", random_state=4)
    dam.store(patterns)
    cues = corrupt(patterns[:40], 0.4, rng)
    final = dam.recall(cues, max_steps=1).states  # one sweep
    assert (dam.energy(final) <= dam.energy(cues)).all()
    assert (dam.energy(final) < dam.energy(cues)).any()


@pytest.mark.parametrize(("energy", "degree"), [("polynomial", 2), ("polynomial", 5), ("rectified", 3),
                                                ("exponential", 3)])
def test_energy_per_neuron_follows_its_definition(backend, energy, degree):
    rng = np.random.default_rng(degree)
    patterns, states = random_patterns(7, 12, rng), random_patterns(4, 12, rng)
    dam = DenseAssociativeMemory(n_neurons=12, energy=energy, degree=degree, backend=backend).store(patterns)
    want = [naive.dense_energy_naive(patterns, s, energy, degree) for s in states]
    np.testing.assert_allclose(dam.energy(states), want, rtol=1e-12)


def test_validation_names_the_class_the_field_and_the_rule():
    with pytest.raises(ValidationError, match=r"DenseParams.temperature: must be > 0 with update='glauber'"):
        DenseAssociativeMemory(update="glauber")
    with pytest.raises(ValidationError, match=r"DenseParams.degree: must be 3 \(the default\) with energy='exp"):
        DenseAssociativeMemory(energy="exponential", degree=4)
    with pytest.raises(ValidationError, match=r"DenseParams.alpha: must be 1.5 \(the default\) with separation="):
        ModernHopfield(alpha=1.2)
    with pytest.raises(ValidationError, match=r"DenseParams.degree: must be <= 8 \(got 9\)"):
        DenseAssociativeMemory(degree=9)
    dam = DenseAssociativeMemory(n_neurons=20, backend="numpy")
    with pytest.raises(ValidationError, match=r"DenseAssociativeMemory.store: patterns must be \(P, n_neurons = 20"):
        dam.store(np.ones((3, 21), np.int8))
    with pytest.raises(ValidationError, match=r"DenseAssociativeMemory.recall: cues must be \(B, n_neurons = 20\)"):
        dam.store(np.ones((3, 20), np.int8)).recall(np.ones((2, 19), np.int8))


# ------------------------------------------------------------------------------------------------------------
# Modern Hopfield network
# ------------------------------------------------------------------------------------------------------------


def _sphere(rng, count, d):
    x = rng.standard_normal((count, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_large_beta_retrieves_the_nearest_pattern(backend):
    """beta -> infinity: one softmax step from any query returns the pattern with the largest score, exactly."""
    rng = np.random.default_rng(3)
    x = _sphere(rng, 40, 16)
    queries = rng.standard_normal((25, 16))
    net = ModernHopfield(n_neurons=16, beta=1e5, max_steps=1, backend=backend).store(x)
    nearest = x[(queries @ x.T).argmax(axis=1)]
    for separation in ("softmax", "softmax_1", "sparsemax", "entmax"):
        np.testing.assert_allclose(net.recall(queries, separation=separation).states, nearest, atol=1e-12)


def test_softmax_updates_never_raise_the_energy():
    rng = np.random.default_rng(4)
    x = _sphere(rng, 30, 8)
    net = ModernHopfield(n_neurons=8, beta=6.0, max_steps=1, backend="cpu").store(x)
    state = rng.standard_normal((10, 8))
    energies = [net.energy(state)]
    for _ in range(8):
        state = net.recall(state).states
        energies.append(net.energy(state))
    assert (np.diff(energies, axis=0) <= 1e-12).all()


def test_small_beta_has_one_global_average_fixed_point_and_large_beta_many():
    """Below 1 / lambda_max of the pattern covariance every start converges to one point, which tends to the mean
    of the patterns as beta -> 0; at 1.5 times that beta, starts at different patterns end at different points."""
    rng = np.random.default_rng(5)
    x = _sphere(rng, 12, 6) + 0.3  # a nonzero mean
    limit = global_average_beta(x)
    net = ModernHopfield(n_neurons=6, max_steps=3000, tolerance=1e-14, backend="cpu").store(x)
    distances = []
    for factor in (0.05, 0.2, 0.8):
        below = net.recall(x + 0.01 * rng.standard_normal(x.shape), beta=factor * limit)
        assert below.converged.all() and np.ptp(below.states, axis=0).max() < 1e-9
        distances.append(np.linalg.norm(below.states[0] - x.mean(axis=0)))
    assert distances[0] < 0.03 and distances[0] < distances[1] < distances[2]
    above = net.recall(x, beta=1.5 * limit)
    assert above.converged.all() and np.ptp(above.states, axis=0).max() > 0.5


def test_metastable_states_average_a_cluster():
    """Two tight clusters: at a beta well above the between-cluster threshold and far below the within-cluster one,
    a state started at a member ends near its cluster's mean, not at the member (a metastable state)."""
    rng = np.random.default_rng(6)
    centres = _sphere(rng, 2, 10) * 2
    x = np.concatenate([centre + 0.02 * rng.standard_normal((4, 10)) for centre in centres])
    beta = 6 * global_average_beta(x)
    assert beta < max(global_average_beta(x[:4]), global_average_beta(x[4:])) / 20
    net = ModernHopfield(n_neurons=10, beta=beta, max_steps=3000, backend="cpu").store(x)
    end = net.recall(x).states
    for k in range(8):
        cluster = x[:4] if k < 4 else x[4:]
        assert np.linalg.norm(end[k] - cluster.mean(axis=0)) < 0.25 * np.linalg.norm(end[k] - x[k])


def test_attention_view_and_heteroassociative_memory(backend):
    rng = np.random.default_rng(8)
    q, k, v = rng.standard_normal((5, 12)), rng.standard_normal((70, 12)), rng.standard_normal((70, 3))
    net = ModernHopfield(n_neurons=12, beta=0.4, backend=backend)
    scores = 0.4 * q @ k.T
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    np.testing.assert_allclose(net.attend(q, k, v), weights @ v / weights.sum(axis=1, keepdims=True), rtol=1e-12)
    result = net.store(k, v).recall(q, max_steps=1)
    np.testing.assert_allclose(result.states, net.attend(q, k, v), rtol=1e-12)
    with pytest.raises(ValidationError, match="max_steps must be 1 for a heteroassociative memory"):
        net.recall(q, max_steps=2)


def test_sparsemax_retrieves_exactly_and_softmax_1_can_attend_to_nothing():
    rng = np.random.default_rng(9)
    x = _sphere(rng, 20, 32)
    x[:, 0] = np.abs(x[:, 0]) + 0.5  # every pattern leans along e_0
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cues = x + 0.02 * rng.standard_normal(x.shape)
    net = ModernHopfield(n_neurons=32, beta=40.0, max_steps=1, backend="cpu").store(x)
    np.testing.assert_array_equal(net.recall(cues, separation="sparsemax").states, x)  # a one-pattern support
    assert np.abs(net.recall(cues).states - x).max() > 0  # softmax leaves an exponentially small error
    far = np.zeros((1, 32))
    far[0, 0] = -10.0  # every score very negative
    assert np.abs(net.recall(far, separation="softmax_1").states).max() < 1e-6
    assert np.linalg.norm(net.recall(far).states) > 0.1


def test_recall_counts_moving_updates_and_stops_at_a_fixed_point():
    rng = np.random.default_rng(10)
    x = _sphere(rng, 10, 8)
    net = ModernHopfield(n_neurons=8, beta=50.0, backend="cpu").store(x)
    one = net.recall(x + 0.05 * rng.standard_normal(x.shape), max_steps=1)
    assert (one.steps == 1).all() and not one.converged.any()
    full = net.recall(x + 0.05 * rng.standard_normal(x.shape))
    assert full.converged.all() and (full.steps >= 1).all() and (full.steps < 100).all()
