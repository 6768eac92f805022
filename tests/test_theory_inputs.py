"""Theory functions refuse out-of-range inputs with ValidationError instead of wrapping an index or returning NaN,
and the T = 0 replica-symmetric solution exists at exactly the critical load."""

from __future__ import annotations

import numpy as np
import pytest

from amsim import registry
from amsim.exceptions import ValidationError
from amsim.theory import sdm as th
from amsim.theory.hopfield_replica import (
    critical_load,
    retrieval_load,
    rs_finite_temperature,
    rs_spin_glass_state,
    rs_zero_temperature,
    rs_zero_temperature_full,
)

RULE = th.ActivationRule(100, "hamming", radius=40)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: th.intersection_fraction(100, 40, [-1, 0]), "distance must be integers in 0 .. 100"),
    (lambda: th.intersection_fraction(100, 40, 101), "distance must be integers in 0 .. 100"),
    (lambda: th.intersection_fraction(100, 40, 2.5), "distance must be integers"),
    (lambda: th.intersection_fraction(100, 40, np.nan), "distance must be integers"),
    (lambda: th.intersection_fraction(100, -5, [0, 3]), "radius must be a whole number >= -1"),
    (lambda: th.intersection_fraction(100, 101, [0]), "radius must be <= address_bits"),
    (lambda: th.intersection_fraction(0, 0, [0]), "address_bits must be a whole number >= 1"),
    (lambda: th.log_intersection_fraction(-10, 3, [0]), "address_bits must be a whole number >= 1"),
    (lambda: th.ActivationRule(100, "round"), "design must be one of"),
    (lambda: th.ActivationRule(100, "selected", specified_bits=-1), "specified_bits must be a whole number >= 0"),
    (lambda: RULE.intersection([-3]), "distance must be integers in 0 .. 100"),
    (lambda: th.read_moments(RULE, -1, 10, 0), "n_locations must be a whole number >= 1"),
    (lambda: th.read_moments(RULE, 1000, 0, 0), "n_stored must be a whole number >= 1"),
    (lambda: th.bit_error_probability(RULE, 1000, 10, [-1]), "distance must be integers"),
    (lambda: th.next_distance(RULE, 1000, 10, -0.5), "distance must be numbers in 0 .. 100"),
    (lambda: th.next_distance(RULE, 1000, 10, np.nan), "distance must be numbers"),
    (lambda: th.iterate_distance(RULE, 1000, 10, 5, -1), "reads must be a whole number >= 0"),
    (lambda: th.critical_distance(RULE, 0, 10), "n_locations must be a whole number >= 1"),
    (lambda: th.kanerva_signal_to_noise(1000, np.nan, 10), r"probability must lie in \(0, 1\]"),
    (lambda: th.kanerva_signal_to_noise(1000, -0.1, 10), r"probability must lie in \(0, 1\]"),
    (lambda: th.kanerva_signal_to_noise(1000, 0.1, -10), "n_stored must be a number >= 1"),
    (lambda: th.capacity(1000, 1.5, 100), r"probability must lie in \(0, 1\]"),
    (lambda: th.fidelity_z(100, np.nan), r"fidelity must lie in \(0, 1\)"),
    (lambda: th.fidelity_z(100, 1.0), r"fidelity must lie in \(0, 1\)"),
    (lambda: th.fidelity_z(0, 0.5), "data_bits must be a whole number >= 1"),
    (lambda: th.snr_optimal_probability(-5, 10), "n_locations must be a whole number >= 1"),
    (lambda: th.memory_optimal_probability(64, 0.5), "n_locations must be a whole number >= 1"),
    (lambda: th.fit_attention_beta(RULE, max_distance=-2), "distance must be integers"),
])
def test_sdm_theory_refuses_out_of_range_inputs(call, message):
    with pytest.raises(ValidationError, match=message):
        call()


def test_sdm_theory_still_takes_the_edges_of_its_ranges():
    assert th.intersection_fraction(100, -1, [0, 100]).tolist() == [0.0, 0.0]  # r = -1 activates nothing
    assert th.intersection_fraction(100, 100, [0, 100]) == pytest.approx([1.0, 1.0], rel=1e-11)  # documented error
    assert th.kanerva_signal_to_noise(2.0**64, 1.0, 1) > 0  # M as a float beyond int64
    assert th.next_distance(RULE, 1000, 10, 37.5).shape == ()


@pytest.mark.parametrize(("name", "inputs", "message"), [
    ("sdm-intersection", {"radius": -5}, "radius in -1 .. address_bits"),
    ("sdm-intersection", {"distance": np.array([0.5])}, "distance must be integers"),
    ("sdm-intersection", {"distance": np.array([-1])}, "distance must be integers"),
    ("sdm-intersection", {"address_bits": 10**9}, "address_bits must be <= 4096"),
    ("sdm-recall", {"address_bits": 10**6}, "address_bits must be <= 4096"),
    ("sdm-recall", {"max_steps": 10**9}, "max_steps must be <= 100000"),
    ("sdm-recall", {"noise": np.array([0.1, np.nan])}, "SDMParams.noise: must be a number, not NaN"),
    ("hopfield-rs", {"load": np.array(["a"])}, "load must be numbers"),
])
def test_registered_curves_refuse_out_of_range_inputs(name, inputs, message):
    with pytest.raises(ValidationError, match=message):
        registry.theory(name).fn(**inputs)


def test_hopfield_replica_refuses_negative_inputs_with_validation_error():
    for call in (lambda: rs_zero_temperature(-0.1), lambda: rs_finite_temperature(0.1, -0.5),
                 lambda: retrieval_load(-1.0), lambda: rs_spin_glass_state(0.1, -1.0)):
        with pytest.raises(ValidationError, match="must be non-negative"):
            call()


def test_zero_temperature_solution_at_exactly_the_critical_load():
    alpha_c, m_c = critical_load()
    full = rs_zero_temperature_full(alpha_c)
    assert float(full["m"]) == pytest.approx(m_c, rel=1e-12)
    assert np.isfinite([float(full[k]) for k in ("r", "C", "y")]).all()
    assert float(rs_finite_temperature(alpha_c, 0.0)["m"]) == pytest.approx(m_c, rel=1e-12)
    # just below it the solution continues smoothly; just above it there is none
    below = float(rs_zero_temperature(np.nextafter(alpha_c, 0)))
    assert below == pytest.approx(m_c, abs=1e-6)
    assert np.isnan(rs_zero_temperature(alpha_c * (1 + 1e-9)))
    assert np.isnan(rs_zero_temperature(np.nextafter(alpha_c, 1)))
