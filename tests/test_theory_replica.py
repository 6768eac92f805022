"""Tests of the AGS replica-symmetric theory (amsim.theory.hopfield_replica)."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq, fsolve
from scipy.special import erf

from amsim.theory.hopfield_replica import (
    critical_load,
    retrieval_error_fraction,
    rs_finite_temperature,
    rs_zero_temperature,
    rs_zero_temperature_full,
    spin_glass_temperature,
)

ALPHA_C, M_C = critical_load()


def reduced_equation(y, alpha):
    return erf(y) - y * (np.sqrt(2 * alpha) + 2 / np.sqrt(np.pi) * np.exp(-(y**2)))


def test_critical_load_matches_published_values():
    # AGS 1985: alpha_c ~ 0.138, m(alpha_c) ~ 0.967, about 1.5 % wrong spins at alpha_c.
    assert abs(ALPHA_C - 0.138) < 1e-3
    assert abs(M_C - 0.967) < 2e-3
    assert 0.01 < retrieval_error_fraction(ALPHA_C * (1 - 1e-9)) < 0.02


def test_critical_load_against_brute_force_scan():
    y = np.linspace(0.5, 20.0, 400_001)
    assert reduced_equation(y, ALPHA_C - 1e-5).max() > 0
    assert reduced_equation(y, ALPHA_C + 1e-5).max() < 0


def test_overlap_tends_to_m_c_at_critical_load():
    below = rs_zero_temperature_full(ALPHA_C * (1 - 1e-12))
    assert below["m"] == pytest.approx(M_C, abs=1e-5)
    assert np.isnan(rs_zero_temperature(ALPHA_C * (1 + 1e-9)))


def test_zero_load_limit():
    full = rs_zero_temperature_full(0.0)
    assert (full["m"], full["r"], full["C"], full["y"]) == (1.0, 1.0, 0.0, np.inf)
    alpha = np.array([1e-300, 1e-30, 1e-12, 1e-6, 1e-3])
    m = rs_zero_temperature(alpha)
    np.testing.assert_array_less(1 - 1e-12, m)
    assert np.all(m <= 1)
    errors = retrieval_error_fraction(alpha)
    assert errors[-1] > 0 and np.all(np.diff(errors) >= 0)


def test_overlap_decreases_with_load():
    alpha = np.linspace(1e-3, ALPHA_C * (1 - 1e-9), 300)
    m = rs_zero_temperature(alpha)
    assert np.all(np.isfinite(m))
    assert np.all(np.diff(m) <= 0) and m[-1] < m[0]
    assert np.all(np.diff(retrieval_error_fraction(alpha)) > 0)


def test_no_retrieval_above_critical_load():
    full = rs_zero_temperature_full([ALPHA_C * (1 + 1e-9), 0.14, 0.2, 0.5, 1.0, 10.0, np.inf])
    for value in full.values():
        assert np.all(np.isnan(value))


def test_unreduced_equations_are_satisfied():
    alpha = np.linspace(1e-3, ALPHA_C * (1 - 1e-9), 50)
    full = rs_zero_temperature_full(alpha)
    m, c, r = full["m"], full["C"], full["r"]
    noise = alpha * r
    np.testing.assert_allclose(m, erf(m / np.sqrt(2 * noise)), rtol=0, atol=1e-10)
    np.testing.assert_allclose(c, np.sqrt(2 / (np.pi * noise)) * np.exp(-(m**2) / (2 * noise)), rtol=0, atol=1e-10)
    np.testing.assert_allclose(r, 1 / (1 - c) ** 2, rtol=0, atol=1e-10)


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_against_direct_solution_of_unreduced_system(alpha):
    def residual(x):
        m, c, r = x
        return [
            m - erf(m / np.sqrt(2 * alpha * r)),
            c - np.sqrt(2 / (np.pi * alpha * r)) * np.exp(-(m**2) / (2 * alpha * r)),
            r - 1 / (1 - c) ** 2,
        ]

    m, c, r = fsolve(residual, [1.0, 0.0, 1.0], xtol=1e-14)
    full = rs_zero_temperature_full(alpha)
    np.testing.assert_allclose([full["m"], full["C"], full["r"]], [m, c, r], rtol=1e-9)


def test_shapes_and_validation():
    assert rs_zero_temperature(0.1).shape == ()
    alpha = np.array([[0.0, 0.05], [0.1, 0.2]])
    assert rs_zero_temperature(alpha).shape == (2, 2)
    assert rs_finite_temperature(alpha[:, :1], [0.2, 0.5])["q"].shape == (2, 2)
    assert np.isnan(rs_zero_temperature(np.nan))
    with pytest.raises(ValueError):
        rs_zero_temperature(-0.01)
    with pytest.raises(ValueError):
        rs_finite_temperature(0.05, -0.1)


def test_zero_temperature_points_take_the_exact_solution():
    alpha = np.array([0.0, 0.05, 0.13, 0.2])
    mixed = rs_finite_temperature(alpha, [0.0, 0.0, 0.0, 0.0])
    zero = rs_zero_temperature_full(alpha)
    for key in ("m", "r", "C"):
        np.testing.assert_array_equal(mixed[key], zero[key])
    np.testing.assert_array_equal(mixed["q"], [1.0, 1.0, 1.0, np.nan])


@pytest.mark.parametrize(("alpha", "temperature"), [(0.05, 0.3), (0.1, 0.02), (0.13, 0.002), (0.0, 0.9)])
def test_finite_temperature_solution_against_adaptive_quadrature(alpha, temperature):
    # The RS equations evaluated with scipy's adaptive quadrature (independent of the module's fixed rules), down
    # to T = 0.002 where the tanh is a step of width ~0.005 in z.
    sol = rs_finite_temperature(alpha, temperature)
    m, q, r, c = (float(sol[k]) for k in ("m", "q", "r", "C"))
    beta, noise = 1 / temperature, np.sqrt(alpha * r)

    def gauss(fn):
        step = -m / noise if noise > 0 else 0.0
        return quad(lambda z: np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi) * fn(beta * (m + noise * z)), -12, 12,
                    points=[step], limit=400, epsabs=1e-14)[0]

    assert m == pytest.approx(gauss(np.tanh), abs=1e-10)
    assert q == pytest.approx(gauss(lambda x: np.tanh(x) ** 2), abs=1e-10)
    assert c == pytest.approx(beta * gauss(lambda x: 1 / np.cosh(np.clip(x, -300, 300)) ** 2), rel=1e-8)
    assert r == pytest.approx(q / (1 - c) ** 2, rel=1e-10)


@pytest.mark.parametrize("temperature", [0.3, 0.7, 0.95])
def test_curie_weiss_limit(temperature):
    curie_weiss = brentq(lambda m: m - np.tanh(m / temperature), 1e-3, 1.0, xtol=1e-15)
    for alpha in (0.0, 1e-12):
        assert rs_finite_temperature(alpha, temperature)["m"] == pytest.approx(curie_weiss, abs=1e-9)


def test_no_retrieval_above_curie_point_or_at_high_load():
    assert np.all(np.isnan(rs_finite_temperature([0.0, 0.1, 0.2], [1.05, 0.9, 0.05])["m"]))


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_low_temperature_limit(alpha):
    zero = rs_zero_temperature_full(alpha)
    m_errors = []
    for temperature in (0.01, 0.005):
        finite = rs_finite_temperature(alpha, temperature)
        assert finite["q"] == pytest.approx(1 - temperature * zero["C"], abs=temperature**2)
        # r converges only linearly in T, with slope ~ -C r(0) (q = 1 - T C), C r(0) < 1.
        assert abs(finite["r"] - zero["r"]) < temperature
        m_errors.append(abs(finite["m"] - zero["m"]))
    assert m_errors[1] < m_errors[0] < 1e-4


def test_edwards_anderson_parameter_bounds():
    alpha, temperature = np.meshgrid(np.linspace(0.0, 0.14, 8), np.linspace(0.05, 0.95, 7))
    sol = rs_finite_temperature(alpha, temperature)
    found = np.isfinite(sol["m"])
    assert found.sum() > 20
    m, q = sol["m"][found], sol["q"][found]
    assert np.all(q >= m**2 - 1e-12) and np.all(q <= 1)


def test_spin_glass_temperature_is_onset_of_q():
    # Independent check of T_g = 1 + sqrt(alpha): the m = 0 RS map q -> G(q) has unit slope at q = 0 there.
    alpha, q = 0.05, 1e-8
    t_g = spin_glass_temperature(alpha)
    assert t_g == pytest.approx(1 + np.sqrt(alpha))

    def gain(temperature):
        beta = 1 / temperature
        field_std = np.sqrt(alpha * q) / (1 - beta * (1 - q))
        g = quad(lambda z: np.exp(-(z**2) / 2) * np.tanh(beta * field_std * z) ** 2, -np.inf, np.inf)[0]
        return g / np.sqrt(2 * np.pi) / q

    assert gain(0.98 * t_g) > 1 > gain(1.02 * t_g)
