"""Symmetric mixture states at vanishing load (amsim.theory.hopfield_mixtures) against AGS, PRA 32, 1007 (1985).

Published: the 3-mixture overlap 1/2 at T = 0 and its stability below T ~ 0.46 (abstract: "Below T ~ 0.46 T_c
additional dynamically stable states appear"); even mixtures are never stable. The other checks are closed
forms and a brute-force Hessian written out here over all pattern-bit configurations.
"""

import itertools

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import comb

from amsim.theory.hopfield_mixtures import (
    mixture_free_energy,
    mixture_overlap,
    mixture_stability,
    mixture_stability_temperature,
)
from amsim.theory.hopfield_replica import rs_finite_temperature


def test_zero_temperature_overlaps():
    assert float(mixture_overlap(1, 0.0)) == 1.0
    assert float(mixture_overlap(3, 0.0)) == pytest.approx(0.5, abs=1e-15)  # AGS 1985
    for n in (5, 7, 9, 21):  # <|z|> / n for a sum of n signs: C(n - 1, (n - 1) / 2) / 2^(n - 1)
        assert float(mixture_overlap(n, 0.0)) == pytest.approx(comb(n - 1, (n - 1) // 2) / 2 ** (n - 1), rel=1e-14)
    # energies -n m^2 / 2, tending to -1/pi, the T = 0 spin-glass energy as alpha -> 0
    assert float(mixture_free_energy(3, 0.0)) == pytest.approx(-3 / 8, abs=1e-15)
    assert float(mixture_free_energy(401, 0.0)) == pytest.approx(-1 / np.pi, abs=5e-4)


@pytest.mark.parametrize("temperature", [0.2, 0.6, 0.95])
def test_single_pattern_is_curie_weiss(temperature):
    curie_weiss = brentq(lambda m: m - np.tanh(m / temperature), 1e-3, 1.0, xtol=1e-15)
    assert float(mixture_overlap(1, temperature)) == pytest.approx(curie_weiss, abs=1e-12)
    assert float(rs_finite_temperature(0.0, temperature)["m"]) == pytest.approx(curie_weiss, abs=1e-9)
    assert float(mixture_overlap(3, 1.0)) == 0.0 and float(mixture_overlap(3, 0.999)) > 0


def _brute_force_hessian(n_mixed, n_patterns, temperature):
    """Finite-difference Hessian of f(m) = |m|^2 / 2 - T <ln 2 cosh(m . xi / T)> over all 2^p bit patterns."""
    xi = np.array(list(itertools.product([-1, 1], repeat=n_patterns)), dtype=float)

    def f(m):
        x = xi @ m / temperature
        return m @ m / 2 - temperature * np.mean(np.logaddexp(x, -x))

    m0 = np.zeros(n_patterns)
    m0[:n_mixed] = float(mixture_overlap(n_mixed, temperature))
    h, eye = 1e-4, np.eye(n_patterns)
    return np.array([[(f(m0 + h * (a + b)) - f(m0 + h * (a - b)) - f(m0 - h * (a - b)) + f(m0 - h * (a + b)))
                      / (4 * h * h) for b in eye] for a in eye])


def test_three_mixture_stable_below_published_temperature():
    t3 = mixture_stability_temperature(3)
    assert t3 == pytest.approx(0.46, abs=0.005)  # AGS 1985
    for temperature, stable in ((t3 - 0.01, True), (t3 + 0.01, False)):
        lowest = np.linalg.eigvalsh(_brute_force_hessian(3, 4, temperature)).min()
        assert (lowest > 0) == stable
        assert lowest == pytest.approx(float(mixture_stability(3, temperature)), abs=1e-5)


def test_odd_mixtures_stable_at_low_temperature_even_never():
    temps = [mixture_stability_temperature(n) for n in (1, 3, 5, 7, 9)]
    assert temps[0] == 1.0 and np.all(np.diff(temps) < 0) and temps[-1] > 0.2
    for n in (2, 4):
        assert np.isnan(mixture_stability_temperature(n))
        assert np.all(mixture_stability(n, np.linspace(0, 0.99, 12)) < 0)
    lowest = np.linalg.eigvalsh(_brute_force_hessian(2, 3, 0.3)).min()
    assert lowest < 0 and lowest == pytest.approx(float(mixture_stability(2, 0.3)), abs=1e-5)


def test_validation():
    with pytest.raises(ValueError, match="size"):
        mixture_overlap(0, 0.5)
    with pytest.raises(ValueError, match="temperature"):
        mixture_free_energy(3, -0.5)
    assert mixture_overlap(3, [[0.1, 0.2]]).shape == (1, 2)
