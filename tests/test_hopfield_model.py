"""The Hopfield model and its experiment against theory: stored patterns are fixed points at low load, the
Glauber overlap follows the Curie-Weiss equation, and the quickstart study's capacity extrapolates to AGS's 0.138."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import ROOT
from scipy.optimize import brentq

import amsim
from amsim.families.hopfield import HopfieldNetwork, corrupt, random_patterns
from amsim.io import unlabelled
from amsim.measures import capacity
from amsim.sweep import load_study, sweep
from amsim.theory.replica import critical_load


def test_corrupt_flips_exactly_the_requested_bits():
    rng = np.random.default_rng(0)
    xi = random_patterns(7, 200, rng)
    assert xi.dtype == np.int8 and set(np.unique(xi)) == {-1, 1}
    cues = corrupt(xi, 0.1, rng)
    np.testing.assert_array_equal((cues != xi).sum(axis=1), 20)
    np.testing.assert_array_equal(corrupt(xi, 0.0, rng), xi)


@pytest.mark.parametrize("update", ["async", "sync"])
def test_low_load_patterns_are_fixed_points_and_noisy_cues_are_cleaned(backend, update):
    rng = np.random.default_rng(1)
    xi = random_patterns(10, 400, rng)  # alpha = 0.025: far below capacity
    net = HopfieldNetwork(400, backend=backend).store(xi)
    clean = net.retrieve(xi, update=update, rng=rng)
    np.testing.assert_array_equal(clean.states, xi)
    assert clean.converged.all() and (clean.steps == 0).all()
    noisy = net.retrieve(corrupt(xi, 0.2, rng), update=update, rng=rng)
    np.testing.assert_array_equal(noisy.states, xi)
    # energy at a stored pattern: -(1/2) sum_mu m_mu^2 + P/(2N), from s.W.s = sum_mu (xi_mu . s)^2 - P N
    m = net.overlaps(xi)
    np.testing.assert_allclose(net.energy(xi), -0.5 * (m**2).sum(axis=1) + 10 / 800, rtol=1e-12)


@pytest.mark.parametrize("dynamics", [{"update": "async"}, {"update": "sync"},
                                      {"update": "glauber", "temperature": 0.3}])
def test_experiment_is_identical_on_numpy_and_cpu_backends(dynamics):
    p = {"n_neurons": 120, "load": 0.14, "noise": 0.15, "cues": 4, "max_sweeps": 30, **dynamics}
    runs = {b: amsim.run("hopfield.retrieval", p, trials=3, seed=9, backend=b) for b in ("numpy", "cpu")}
    xr.testing.assert_equal(runs["numpy"], runs["cpu"])
    assert unlabelled(runs["cpu"]) == []
    assert runs["cpu"]["overlap"].std() > 0


def test_glauber_low_load_overlap_follows_curie_weiss():
    # At alpha -> 0 the retrieval overlap solves m = tanh(m / T) (AGS, PRA 32, 1007 (1985)): m = 0.9575 at T = 0.5.
    temperature = 0.5
    m_theory = brentq(lambda m: m - np.tanh(m / temperature), 0.1, 1.0)
    ds = amsim.run("hopfield.retrieval", card="hopfield/glauber-low-load", trials=4, seed=2, backend="cpu")
    assert float(ds["overlap"].mean()) == pytest.approx(m_theory, abs=0.015)


def test_quickstart_capacity_extrapolates_to_the_replica_value(tmp_path):
    """The quickstart study (N = 250 ... 2000) gives the load where half the retrievals fail, alpha_50(N).

    Finite networks retrieve beyond alpha_c: alpha_50(N) decreases with N, and we extrapolate with the
    finite-size ansatz alpha_50(N) = alpha_inf + a N^(-1/2) (the O(N^-1/2) width of the field distribution
    controls the shift). Changing the exponent to 1/3 or 2/3 moves alpha_inf by about 0.01 at these sizes, and
    the bootstrap interval of each alpha_50 is about +-0.005, so we require |alpha_inf - 0.138| < 0.015.
    """
    ds = sweep(load_study(ROOT / "analysis" / "hopfield-capacity"), tmp_path / "c.nc", backend="cpu", quiet=True)
    est = capacity(ds)
    n = est["n_neurons"].values.astype(float)
    alpha = est["capacity"].values
    assert np.all(np.diff(alpha) < 0.01), alpha  # no growth with N beyond noise
    assert np.all(alpha > critical_load()[0] - 0.005), alpha  # finite N never loses capacity below the RS value
    design = np.column_stack([np.ones_like(n), n**-0.5])
    alpha_inf, _ = np.linalg.lstsq(design, alpha, rcond=None)[0]
    assert abs(alpha_inf - 0.138) < 0.015, (alpha_inf, alpha)
    # below alpha_c the simulated overlap matches the replica-symmetric curve at the largest N
    below = ds["load"] <= 0.12
    sim = ds["overlap"].sel(n_neurons=2000).where(below, drop=True).mean(("trial", "cue"))
    np.testing.assert_allclose(sim, ds["overlap_theory"].where(below, drop=True), atol=0.01)
