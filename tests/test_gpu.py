"""The cuda backend on a real NVIDIA GPU against the cpu backend (opt in with ``--rungpu``; scripts/gpu_check.sh),
for every family and the shared kernels.

Zero-temperature dynamics, energies, overlaps and stability are exact integer (or exact-grid) computations: the
states must be identical. Glauber and Metropolis decisions compare a uniform with libdevice ``exp`` on the GPU
and libm ``exp`` on the CPU, which may differ in the last bit, so those are compared statistically (and the
states are expected, not required, to agree).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

import amsim
from amsim import backends
from amsim.families.hopfield import HopfieldNetwork
from amsim.families.sdm import SparseDistributedMemory
from amsim.patterns import corrupt, flip_bits, random_bits, random_patterns

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not backends.cuda_available(), reason="no usable NVIDIA GPU")]

CASES = [  # (rule, engine, N, load): every engine and weight dtype
    ("hebb", "dense", 600, 0.1),    # int8 counts
    ("hebb", "dense", 1500, 0.1),   # int16 counts
    ("storkey", "dense", 400, 0.1),  # float64 on the grid
    ("covariance", "dense", 500, 0.3),
    ("hebb", "patterns", 3000, 0.1),
    ("hebb", "bits", 2000, 0.12),
]


def _pair(rule, engine, n, load, **settings):
    rng = np.random.default_rng(n)
    activity = 0.1 if rule == "covariance" else 0.5
    patterns = random_patterns(round(load * n), n, rng, activity)
    nets = {b: HopfieldNetwork(n_neurons=n, backend=b, rule=rule, engine=engine, activity=activity, random_state=3,
                               **settings).store(patterns) for b in ("cpu", "cuda")}
    return nets, corrupt(patterns[:16], 0.15, rng), patterns[:16]


@pytest.mark.parametrize(("rule", "engine", "n", "load"), CASES)
@pytest.mark.parametrize("update", ["sync", "async", "fixed"])
def test_zero_temperature_dynamics_are_identical(rule, engine, n, load, update):
    nets, cues, targets = _pair(rule, engine, n, load)
    runs = {b: net.recall(cues, update="async" if update == "fixed" else update, max_steps=30,
                          order="fixed" if update == "fixed" else "random", trace=True, targets=targets)
            for b, net in nets.items()}
    for field in ("states", "steps", "converged", "energy_trace", "overlap_trace"):
        np.testing.assert_array_equal(getattr(runs["cuda"], field), getattr(runs["cpu"], field), err_msg=field)
    np.testing.assert_array_equal(nets["cuda"].energy(runs["cpu"].states), nets["cpu"].energy(runs["cpu"].states))
    np.testing.assert_array_equal(nets["cuda"].overlaps(runs["cpu"].states), nets["cpu"].overlaps(runs["cpu"].states))


def test_stability_is_identical():
    rng = np.random.default_rng(5)
    for n, p in ((500, 60), (4000, 500)):
        patterns = random_patterns(p, n, rng)
        got = {b: HopfieldNetwork(n_neurons=n, backend=b).store(patterns).stable() for b in ("cpu", "cuda")}
        np.testing.assert_array_equal(got["cuda"], got["cpu"])


@pytest.mark.parametrize("update", ["glauber", "metropolis"])
def test_heat_bath_and_metropolis_agree_statistically(update):
    """At alpha -> 0 both dynamics sample the Curie-Weiss equilibrium m = tanh(m / T) (AGS 1985): m = 0.9575 at
    T = 0.5. 4 trials x 10 cues x N = 1000 average out to +-0.01; the two backends must agree to 0.015 and
    both match the theory to 0.015."""
    m_theory = brentq(lambda m: m - np.tanh(m / 0.5), 0.1, 1.0)
    params = {"n_neurons": 1000, "load": 0.005, "update": update, "temperature": 0.5, "max_steps": 50}
    means = {b: float(amsim.run("hopfield.retrieval", params, trials=4, seed=2, backend=b)["overlap"].mean())
             for b in ("cpu", "cuda")}
    assert means["cuda"] == pytest.approx(means["cpu"], abs=0.015)
    assert means["cuda"] == pytest.approx(m_theory, abs=0.015)


@pytest.mark.parametrize("settings", [
    {"address_bits": 256, "n_locations": 20_000, "activation_probability": 0.01},
    {"address_bits": 1000, "n_locations": 50_000, "radius": 451, "counter_dtype": "int32", "tie": "random"},
    {"address_bits": 200, "n_locations": 30_000, "design": "selected", "specified_bits": 7},
    {"address_bits": 128, "n_locations": 10_000, "design": "hyperplane", "specified_bits": 5},
], ids=["classroom", "kanerva-radius", "selected", "hyperplane"])
def test_sdm_reads_writes_and_recall_are_identical(settings):
    """Activations are integer popcounts, counters saturating integer sums, reads integer sums: exact on both."""
    rng = np.random.default_rng(11)
    n = settings["address_bits"]
    items = random_bits(300, n, rng)
    cues = flip_bits(items[:64], 0.1, rng)
    memories = {b: SparseDistributedMemory(backend=b, random_state=5, **settings).store(items)
                for b in ("cpu", "cuda")}
    np.testing.assert_array_equal(memories["cuda"].counters_, memories["cpu"].counters_)
    np.testing.assert_array_equal(memories["cuda"].active_counts(cues), memories["cpu"].active_counts(cues))
    np.testing.assert_array_equal(memories["cuda"].read_sums(cues), memories["cpu"].read_sums(cues))
    runs = {b: m.recall(cues, max_steps=10) for b, m in memories.items()}
    for field in ("states", "steps", "converged"):
        np.testing.assert_array_equal(getattr(runs["cuda"], field), getattr(runs["cpu"], field), err_msg=field)


def test_experiments_are_identical_on_cuda_and_cpu():
    """Every registered experiment's example, on the GPU and on the CPU (float variables to 1e-9 relative:
    libdevice and libm may round exp differently)."""
    from amsim import registry

    for exp in registry.experiments():
        if not exp.family.params.__module__.startswith("amsim.families."):
            continue
        runs = {b: amsim.run(exp.name, exp.example, trials=2, seed=4, backend=b) for b in ("cpu", "cuda")}
        for name in runs["cpu"].variables:
            a, b = runs["cuda"][name].values, runs["cpu"][name].values
            if a.dtype.kind == "f":
                np.testing.assert_allclose(a, b, rtol=1e-9, err_msg=f"{exp.name}.{name}")
            else:
                np.testing.assert_array_equal(a, b, err_msg=f"{exp.name}.{name}")


def test_shared_kernels_are_identical():
    """The shared kernels (:mod:`amsim.kernels`) on the GPU against their CPU twins: overlaps, overlap counts and
    packed distances are exact integer computations (then one IEEE division), with many blocks and grid rows."""
    from amsim.bits import pack_bits
    from amsim.kernels import _cpu, _cuda

    rng = np.random.default_rng(7)
    n, p, b = 3000, 300, 200
    patterns, states = random_patterns(p, n, rng), random_patterns(b, n, rng)
    bits_n, packed = pack_bits(patterns), pack_bits(states)
    for name, shape, dtype, args in (("overlaps", (b, p), np.float64, (patterns, states)),
                                     ("overlap_counts", (b, p), np.int16, (bits_n, states)),
                                     ("packed_distances", (p, b), np.int32, (bits_n, packed))):
        want, got = np.empty(shape, dtype), np.empty(shape, dtype)
        getattr(_cpu, name)(*args, want)
        getattr(_cuda, name)(*args, got)
        np.testing.assert_array_equal(got, want, err_msg=name)


# ------------------------------------------------------------------------------------------------------------
# Dense family
# ------------------------------------------------------------------------------------------------------------

DENSE_CASES = [  # (energy, degree, N, P): exact int64 fields, the float64 lane sums, rectified, exponential
    ("polynomial", 3, 500, 2000),
    ("polynomial", 8, 100, 3000),
    ("rectified", 4, 300, 3000),
    ("exponential", 3, 256, 20_000),
]


@pytest.mark.parametrize(("energy", "degree", "n", "n_patterns"), DENSE_CASES)
@pytest.mark.parametrize("update", ["sync", "async", "fixed"])
def test_dense_zero_temperature_dynamics_are_identical(energy, degree, n, n_patterns, update):
    from amsim.families.dense import DenseAssociativeMemory

    rng = np.random.default_rng(n)
    patterns = random_patterns(n_patterns, n, rng)
    cues = corrupt(patterns[:24], 0.25, rng)
    memories = {b: DenseAssociativeMemory(n_neurons=n, energy=energy, degree=degree, backend=b,
                                          random_state=3).store(patterns) for b in ("cpu", "cuda")}
    runs = {b: m.recall(cues, update="async" if update == "fixed" else update, max_steps=20,
                        order="fixed" if update == "fixed" else "random") for b, m in memories.items()}
    for field in ("states", "steps", "converged"):
        np.testing.assert_array_equal(getattr(runs["cuda"], field), getattr(runs["cpu"], field), err_msg=field)
    np.testing.assert_array_equal(memories["cuda"].energy(runs["cpu"].states),
                                  memories["cpu"].energy(runs["cpu"].states))


def test_dense_glauber_agrees_statistically():
    """p = 2 is the Hopfield network: at alpha -> 0 and T = 0.5 both backends sample m = tanh(m / T) = 0.9575."""
    m_theory = brentq(lambda m: m - np.tanh(m / 0.5), 0.1, 1.0)
    params = {"n_neurons": 1000, "n_patterns": 5, "degree": 2, "update": "glauber", "temperature": 0.5,
              "noise": 0.0, "max_steps": 50}
    means = {b: float(amsim.run("dense.retrieval", params, trials=4, seed=2, backend=b)["overlap"].mean())
             for b in ("cpu", "cuda")}
    assert means["cuda"] == pytest.approx(means["cpu"], abs=0.015)
    assert means["cuda"] == pytest.approx(m_theory, abs=0.015)


@pytest.mark.parametrize("separation", ["softmax", "softmax_1", "sparsemax", "entmax"])
def test_modern_hopfield_attention_agrees_within_tolerance(separation):
    """float64 within relative 1e-9 (summation order, libdevice exp), float32 within 1e-5."""
    from amsim.families.dense import ModernHopfield

    rng = np.random.default_rng(7)
    q, k, v = rng.standard_normal((300, 64)), rng.standard_normal((5000, 64)), rng.standard_normal((5000, 48))
    for dtype, rtol in ((np.float64, 1e-9), (np.float32, 1e-5)):
        got = {b: ModernHopfield(n_neurons=64, beta=0.2, separation=separation, backend=b).attend(
            q.astype(dtype), k.astype(dtype), v.astype(dtype)) for b in ("cpu", "cuda")}
        scale = np.abs(got["cpu"]).max()
        assert np.abs(got["cuda"] - got["cpu"]).max() <= rtol * scale, (separation, dtype)
