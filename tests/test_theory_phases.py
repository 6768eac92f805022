"""The AGS phase diagram (amsim.theory.hopfield_replica): spin-glass state, free energies, T_g, T_M, T_c.

Published values checked: alpha_c = 0.138 at T = 0 and T_g = 1 + sqrt(alpha) (AGS, PRL 55, 1530 (1985)); T_c
reaching 0 near alpha ~ 0.05 (AGS 1985: retrieval states are global minima only below alpha ~ 0.05). Where no
published number could be verified here, the checks are limits, closed forms derived independently in the
test, or a second algorithm (the fixed-point iteration of `rs_finite_temperature` against the explicit branch).
"""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq, fsolve, minimize_scalar
from scipy.special import erf

from amsim.io import unlabelled
from amsim.theory.hopfield_replica import (
    critical_load,
    global_minimum_load,
    global_minimum_temperature,
    phase_diagram_points,
    retrieval_load,
    retrieval_temperature,
    rs_energy,
    rs_finite_temperature,
    rs_free_energy,
    rs_spin_glass_state,
    spin_glass_temperature,
)

ALPHA_C, M_C = critical_load()


def gauss(fn):
    return quad(lambda z: np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi) * fn(z), -12, 12, limit=400, epsabs=1e-14)[0]


@pytest.mark.parametrize(("temperature", "margin"), [(0.05, 1e-5), (0.3, 1e-5), (0.7, 1e-5), (0.95, 1e-3)])
def test_retrieval_edge_is_where_the_iteration_stops_finding_retrieval(temperature, margin):
    # Two algorithms: the maximum of the explicit (u, v) branch, and the fixed-point iteration from m = 1 (which
    # slows down next to the edge, the more so near T = 1, hence the margin).
    edge = float(retrieval_load(temperature))
    inside = rs_finite_temperature(edge * (1 - margin), temperature)["m"]
    outside = rs_finite_temperature(edge * (1 + 1e-5), temperature)["m"]
    assert np.isfinite(inside) and inside > 0.1
    assert np.isnan(outside)


def test_retrieval_temperature_limits():
    assert retrieval_temperature(0.0) == 1.0
    assert float(retrieval_load(0.0)) == ALPHA_C  # AGS 1985: alpha_c = 0.138 at T = 0
    assert float(retrieval_load(1e-7)) == pytest.approx(ALPHA_C, abs=1e-6)  # continuous at T = 0
    assert np.isnan(retrieval_load(1.0)) and np.isnan(retrieval_temperature(0.15))
    # Small alpha: expanding the RS equations about m = 0, T = 1 (tanh x = x - x^3 / 3) gives
    # 1 - T = m^2 / 3 + sigma, sigma = alpha r = 9 alpha m^2 / (4 m^4 - 9 alpha); T_M is its minimum over m,
    # i.e. 1 - T_M = k sqrt(alpha) with k = min_c c / 3 + 9 c / (4 c^2 - 9) (c = m^2 / sqrt(alpha)).
    k = minimize_scalar(lambda c: c / 3 + 9 * c / (4 * c * c - 9), bounds=(1.6, 20), method="bounded",
                        options={"xatol": 1e-12}).fun
    assert k == pytest.approx(1.954, abs=1e-3)
    for alpha in (1e-10, 1e-8):
        assert (1 - float(retrieval_temperature(alpha))) / np.sqrt(alpha) == pytest.approx(k, rel=2e-3)


def test_retrieval_region_is_reentrant_near_alpha_c():
    points = phase_diagram_points()
    assert ALPHA_C < points["retrieval_load_max"] < ALPHA_C + 1e-3
    assert float(retrieval_load(points["retrieval_load_max_temperature"])) == pytest.approx(
        points["retrieval_load_max"], rel=1e-12)
    # confirmed by the iteration: just above alpha_c there is retrieval at T = 0.02 but not at T = 0 or 0.1
    m = rs_finite_temperature(0.1381, [0.0, 0.02, 0.1])["m"]
    assert np.isnan(m[0]) and m[1] > 0.9 and np.isnan(m[2])
    # T_M is the upper edge, so at alpha_c it is not 0
    assert 0.02 < float(retrieval_temperature(ALPHA_C)) < 0.1
    assert float(retrieval_temperature(points["retrieval_load_max"])) == pytest.approx(
        points["retrieval_load_max_temperature"], abs=1e-6)


def test_phase_lines_are_ordered_and_monotone():
    alpha = np.array([1e-4, 0.005, 0.02, 0.04, 0.05])
    t_g, t_m, t_c = spin_glass_temperature(alpha), retrieval_temperature(alpha), global_minimum_temperature(alpha)
    assert np.all(t_c < t_m) and np.all(t_m < 1) and np.all(1 < t_g)
    assert np.all(np.diff(t_m) < 0) and np.all(np.diff(t_c) < 0)
    assert np.all(np.diff(retrieval_temperature(np.linspace(0, ALPHA_C, 9))) < 0)


@pytest.mark.parametrize(("alpha", "temperature"), [(0.05, 0.0), (0.05, 0.4), (0.1, 0.9), (0.2, 1.2), (0.01, 0.05)])
def test_spin_glass_state_solves_the_m0_equations(alpha, temperature):
    sg = rs_spin_glass_state(alpha, temperature)
    q, r, c = (float(sg[k]) for k in ("q", "r", "C"))
    assert float(sg["m"]) == 0 and 0 < q <= 1
    assert r == pytest.approx(q / (1 - c) ** 2, rel=1e-12)
    if temperature == 0:
        # T = 0: q = 1, C = sqrt(2 / (pi alpha r)) (the m = 0 limit of the T = 0 equations)
        assert q == 1 and c == pytest.approx(np.sqrt(2 / (np.pi * alpha * r)), rel=1e-12)
        return
    beta, noise = 1 / temperature, np.sqrt(alpha * r)
    assert q == pytest.approx(gauss(lambda z: np.tanh(beta * noise * z) ** 2), abs=1e-10)
    assert c == pytest.approx(beta * (1 - q), rel=1e-8)


def test_spin_glass_state_vanishes_at_t_g():
    alpha = 0.05
    t_g = float(spin_glass_temperature(alpha))
    q = rs_spin_glass_state(alpha, [t_g * (1 - 1e-3), t_g * (1 - 1e-5), t_g * (1 + 1e-9)])["q"]
    assert q[1] < q[0] < 0.01 and np.isnan(q[2])
    assert np.isnan(rs_spin_glass_state(0.0, 0.5)["q"])  # no spin glass without load
    # T -> 0 joins the closed-form T = 0 state
    low, zero = rs_spin_glass_state(alpha, [1e-4, 0.0])["r"]
    assert low == pytest.approx(zero, rel=1e-3)


def _state(kind, alpha, temperature):
    sol = rs_finite_temperature(alpha, temperature) if kind == "retrieval" else rs_spin_glass_state(alpha, temperature)
    return {k: float(v) for k, v in sol.items()}


@pytest.mark.parametrize(("kind", "alpha", "temperature"),
                         [("retrieval", 0.05, 0.3), ("retrieval", 0.12, 0.1), ("retrieval", 0.0, 0.7),
                          ("spin glass", 0.05, 0.3), ("spin glass", 0.1, 0.9)])
def test_free_energy_is_stationary_at_solutions(kind, alpha, temperature):
    s = _state(kind, alpha, temperature)
    base = (alpha, temperature, s["m"], s["r"], s["C"])
    for i in (2, 3, 4):  # m, r, C (C moves q = 1 - T C)
        h = 1e-5 * max(abs(base[i]), 1e-2)
        up, down = list(base), list(base)
        up[i] += h
        down[i] -= h
        slope = (rs_free_energy(*up) - rs_free_energy(*down)) / (2 * h)
        assert abs(slope) < 1e-6, (i, slope)
    # and it is not stationary away from the solution
    moved = (alpha, temperature, s["m"] * 0.9 + 0.05, s["r"], s["C"])
    h = 1e-5
    slope = (rs_free_energy(*(moved[:2] + (moved[2] + h,) + moved[3:]))
             - rs_free_energy(*(moved[:2] + (moved[2] - h,) + moved[3:]))) / (2 * h)
    assert abs(slope) > 1e-3


@pytest.mark.parametrize(("kind", "alpha", "temperature"), [("retrieval", 0.05, 0.3), ("retrieval", 0.0, 0.6),
                                                            ("spin glass", 0.08, 0.5)])
def test_energy_is_the_temperature_derivative_of_beta_f(kind, alpha, temperature):
    # U = d(beta f) / d(beta) along the solutions, by central differences in beta
    def beta_f(beta):
        s = _state(kind, alpha, 1 / beta)
        return beta * float(rs_free_energy(alpha, 1 / beta, s["m"], s["r"], s["C"]))

    beta, h = 1 / temperature, 1e-4
    s = _state(kind, alpha, temperature)
    energy = float(rs_energy(alpha, temperature, s["m"], s["r"], s["C"]))
    assert (beta_f(beta + h) - beta_f(beta - h)) / (2 * h) == pytest.approx(energy, abs=1e-7)


def test_zero_temperature_energies():
    # f(T = 0) = U(T = 0), continuous from T > 0; limits E -> -1/2 (retrieval) and -1/pi (spin glass, the
    # energy of a mixture of infinitely many patterns) as alpha -> 0
    for alpha in (1e-6, 0.05, 0.12):
        s0, s1 = _state("retrieval", alpha, 0.0), _state("retrieval", alpha, 1e-4)
        f0 = float(rs_free_energy(alpha, 0.0, s0["m"], s0["r"], s0["C"]))
        assert f0 == pytest.approx(float(rs_energy(alpha, 0.0, s0["m"], s0["r"], s0["C"])), abs=1e-14)
        assert float(rs_free_energy(alpha, 1e-4, s1["m"], s1["r"], s1["C"])) == pytest.approx(f0, abs=1e-6)
    s = _state("retrieval", 1e-6, 0.0)
    assert float(rs_energy(1e-6, 0.0, s["m"], s["r"], s["C"])) == pytest.approx(-0.5, abs=1e-6)
    for alpha in (1e-6, 0.05):
        s = _state("spin glass", alpha, 0.0)
        energy = float(rs_energy(alpha, 0.0, 0.0, s["r"], s["C"]))
        assert energy == pytest.approx(-np.sqrt(2 * alpha / np.pi) - 1 / np.pi, abs=1e-12)


def test_global_minimum_load_at_zero_temperature():
    # AGS 1985: retrieval states are global minima only for alpha below ~0.05 (0.051 is also quoted).
    alpha_0 = float(global_minimum_load(0.0))
    assert 0.050 < alpha_0 < 0.053
    # independent: T = 0 retrieval state from the unreduced equations (fsolve), energies in closed form
    def residual(x, alpha):
        m, c, r = x
        noise = alpha * r
        return [m - erf(m / np.sqrt(2 * noise)), c - np.sqrt(2 / (np.pi * noise)) * np.exp(-m * m / (2 * noise)),
                r - 1 / (1 - c) ** 2]

    def gap(alpha):
        m, _, r = fsolve(residual, [1.0, 0.0, 1.0], args=(alpha,), xtol=1e-14)
        return -(m * m + alpha * (r - 1)) / 2 - (-np.sqrt(2 * alpha / np.pi) - 1 / np.pi)

    assert alpha_0 == pytest.approx(brentq(gap, 0.03, 0.08, xtol=1e-14), abs=1e-10)


def test_global_minimum_temperature():
    points = phase_diagram_points()
    assert global_minimum_temperature(0.0) == 1.0
    assert points["global_load_zero"] < points["global_load_max"] < 0.06
    assert np.isnan(global_minimum_temperature(0.06))
    alpha = 0.03
    t_c = float(global_minimum_temperature(alpha))
    # at T_c the free energies agree, with the retrieval state from the iteration (not the branch used inside)
    ret, sg = _state("retrieval", alpha, t_c), _state("spin glass", alpha, t_c)
    f_ret = rs_free_energy(alpha, t_c, ret["m"], ret["r"], ret["C"])
    f_sg = rs_free_energy(alpha, t_c, 0.0, sg["r"], sg["C"])
    assert float(f_ret) == pytest.approx(float(f_sg), abs=1e-10)
    assert float(global_minimum_load(t_c)) == pytest.approx(alpha, abs=1e-9)  # the two directions agree
    # re-entrant tip: between global_load_zero and global_load_max the upper branch sits above the tip temperature
    mid = (points["global_load_zero"] + points["global_load_max"]) / 2
    assert float(global_minimum_temperature(mid)) > points["global_load_max_temperature"]


def test_validation():
    for fn in (retrieval_load, global_minimum_load):
        with pytest.raises(ValueError):
            fn(-0.1)
    for fn in (retrieval_temperature, global_minimum_temperature):
        with pytest.raises(ValueError):
            fn(-0.1)
    with pytest.raises(ValueError):
        rs_spin_glass_state(0.1, -1.0)
    assert retrieval_temperature([[0.0, 0.05]]).shape == (1, 2)


def test_registered_spin_glass_order_is_zero_above_t_g():
    from amsim.theory.hopfield_curves import hopfield_sg

    loads, temps = np.array([0.05, 0.1]), np.array([0.5, 1.0, 1.3, 2.0])
    ds = hopfield_sg(loads, temps)
    q = ds["edwards_anderson_theory"]
    assert q.dims == ("load", "temperature") and unlabelled(ds) == []
    below = temps[None, :] < 1 + np.sqrt(loads[:, None])
    np.testing.assert_array_equal(q.values[~below], 0.0)  # the paramagnet
    np.testing.assert_allclose(q.values[below], rs_spin_glass_state(loads[:, None], temps[None, :])["q"][below])
    assert np.all(np.diff(q.values, axis=1) <= 0)  # q falls with T
    assert float(hopfield_sg(0.1, 1.0)["edwards_anderson_theory"]) == pytest.approx(q.values[1, 1])
