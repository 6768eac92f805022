"""The cuda backend on a real NVIDIA GPU against the cpu backend (opt in with ``--rungpu``; scripts/gpu_check.sh).

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
from amsim.families.hopfield import HopfieldNetwork, corrupt, random_patterns

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
    nets = {b: HopfieldNetwork(n, backend=b, rule=rule, engine=engine, activity=activity, **settings).store(patterns)
            for b in ("cpu", "cuda")}
    return nets, corrupt(patterns[:16], 0.15, rng), patterns[:16]


@pytest.mark.parametrize(("rule", "engine", "n", "load"), CASES)
@pytest.mark.parametrize("update", ["sync", "async", "fixed"])
def test_zero_temperature_dynamics_are_identical(rule, engine, n, load, update):
    nets, cues, targets = _pair(rule, engine, n, load)
    runs = {b: net.retrieve(cues, update="async" if update == "fixed" else update, max_sweeps=30,
                            order="fixed" if update == "fixed" else "random", rng=np.random.default_rng(3),
                            trace=True, targets=targets) for b, net in nets.items()}
    for field in ("states", "steps", "converged", "energy_trace", "overlap_trace"):
        np.testing.assert_array_equal(getattr(runs["cuda"], field), getattr(runs["cpu"], field), err_msg=field)
    np.testing.assert_array_equal(nets["cuda"].energy(runs["cpu"].states), nets["cpu"].energy(runs["cpu"].states))
    np.testing.assert_array_equal(nets["cuda"].overlaps(runs["cpu"].states), nets["cpu"].overlaps(runs["cpu"].states))


def test_stability_is_identical():
    rng = np.random.default_rng(5)
    for n, p in ((500, 60), (4000, 500)):
        patterns = random_patterns(p, n, rng)
        got = {b: HopfieldNetwork(n, backend=b).store(patterns).stable() for b in ("cpu", "cuda")}
        np.testing.assert_array_equal(got["cuda"], got["cpu"])


@pytest.mark.parametrize("update", ["glauber", "metropolis"])
def test_heat_bath_and_metropolis_agree_statistically(update):
    """At alpha -> 0 both dynamics sample the Curie-Weiss equilibrium m = tanh(m / T) (AGS 1985): m = 0.9575 at
    T = 0.5. 4 trials x 10 cues x N = 1000 average out to +-0.01; the two backends must agree to 0.015 and
    both match the theory to 0.015."""
    m_theory = brentq(lambda m: m - np.tanh(m / 0.5), 0.1, 1.0)
    params = {"n_neurons": 1000, "load": 0.005, "update": update, "temperature": 0.5, "max_sweeps": 50}
    means = {b: float(amsim.run("hopfield.retrieval", params, trials=4, seed=2, backend=b)["overlap"].mean())
             for b in ("cpu", "cuda")}
    assert means["cuda"] == pytest.approx(means["cpu"], abs=0.015)
    assert means["cuda"] == pytest.approx(m_theory, abs=0.015)


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
