"""The Hopfield model and its experiments against theory: stored patterns are fixed points at low load, Glauber and
Metropolis overlaps follow the Curie-Weiss equation, the quickstart study's capacity extrapolates to AGS's 0.138;
backends and engines give identical experiments; traces, annealing, memory estimates and validation."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import ROOT
from scipy.optimize import brentq

import amsim
from amsim import dynamics
from amsim.cards import load_card
from amsim.exceptions import ValidationError
from amsim.families.hopfield import HopfieldNetwork, HopfieldParams, engines, model
from amsim.families.hopfield.experiments import retrieval_memory
from amsim.io import unlabelled
from amsim.measures import capacity
from amsim.patterns import corrupt, random_patterns
from amsim.sweep import load_study, sweep
from amsim.theory.hopfield_curves import hopfield_sg
from amsim.theory.hopfield_replica import critical_load


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
    net = HopfieldNetwork(n_neurons=400, backend=backend, random_state=rng).store(xi)
    clean = net.recall(xi, update=update)
    np.testing.assert_array_equal(clean.states, xi)
    assert clean.converged.all() and (clean.steps == 0).all()
    noisy = net.recall(corrupt(xi, 0.2, rng), update=update)
    np.testing.assert_array_equal(noisy.states, xi)
    # energy at a stored pattern: -(1/2) sum_mu m_mu^2 + P/(2N), from s.W.s = sum_mu (xi_mu . s)^2 - P N
    m = net.overlaps(xi)
    np.testing.assert_allclose(net.energy(xi), -0.5 * (m**2).sum(axis=1) + 10 / 800, rtol=1e-12)


@pytest.mark.parametrize("setting", [
    {"update": "async"}, {"update": "sync"}, {"update": "glauber", "temperature": 0.3},
    {"update": "metropolis", "temperature": 0.3, "order": "fixed"},
    {"update": "glauber", "temperature": 0.1, "anneal_from": 2.0, "schedule": "linear", "trace": True},
    {"update": "async", "engine": "patterns", "self_coupling": True}, {"update": "sync", "engine": "bits"},
    {"rule": "storkey", "trace": True, "load": 0.4}, {"rule": "projection", "update": "sync", "load": 0.7},
    {"rule": "clipped"},
    {"rule": "covariance", "activity": 0.1, "threshold": 0.6, "load": 0.3},
    {"dilution": 0.5, "dilution_symmetric": False, "update": "sync", "trace": True},
], ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_experiment_is_identical_on_numpy_and_cpu_backends(setting):
    p = {"n_neurons": 120, "load": 0.14, "noise": 0.15, "cues": 4, "max_steps": 30, **setting}
    runs = {b: amsim.run("hopfield.retrieval", p, trials=3, seed=9, backend=b) for b in ("numpy", "cpu")}
    xr.testing.assert_equal(runs["numpy"], runs["cpu"])
    assert unlabelled(runs["cpu"]) == []
    assert runs["cpu"]["overlap"].std() > 0


@pytest.mark.parametrize("update", ["sync", "async", "glauber"])
def test_engines_give_identical_experiments(update):
    p = {"n_neurons": 200, "load": 0.1, "noise": 0.2, "cues": 6, "max_steps": 20, "update": update, "trace": True,
         "temperature": 0.4 if update == "glauber" else 0.0}
    runs = {e: amsim.run("hopfield.retrieval", {**p, "engine": e}, trials=2, seed=3, backend="cpu")
            for e in engines.ENGINES}
    for e in ("patterns", "bits"):
        xr.testing.assert_equal(runs[e].drop_vars(["engine", "memory"]), runs["dense"].drop_vars(["engine", "memory"]))
        assert engines.ENGINES[int(runs[e]["engine"])] == e


def test_async_traces_descend_the_energy_from_the_cue():
    # Asynchronous zero-temperature dynamics with symmetric W and zero diagonal never raises the energy.
    rng = np.random.default_rng(4)
    xi = random_patterns(30, 300, rng)
    net = HopfieldNetwork(n_neurons=300, backend="cpu", random_state=rng).store(xi)
    cues = corrupt(xi[:8], 0.3, rng)
    r = net.recall(cues, update="async", max_steps=12, trace=True, targets=xi[:8])
    assert r.energy_trace.shape == (8, 13)
    assert (np.diff(r.energy_trace, axis=1) <= 1e-15).all()
    np.testing.assert_array_equal(r.energy_trace[:, 0], net.energy(cues))
    np.testing.assert_array_equal(r.energy_trace[:, -1], net.energy(r.states))
    np.testing.assert_allclose(r.overlap_trace[:, 0], 0.4)  # 30% of the bits flipped
    np.testing.assert_array_equal(r.overlap_trace[:, -1], net.overlaps(r.states)[np.arange(8), np.arange(8)])


def test_covariance_trace_is_the_activity_overlap():
    rng = np.random.default_rng(5)
    xi = random_patterns(40, 400, rng, 0.1)
    net = HopfieldNetwork(n_neurons=400, backend="cpu", rule="covariance", activity=0.1, threshold=0.6).store(xi)
    r = net.recall(xi[:5], update="sync", max_steps=5, trace=True, targets=xi[:5])
    np.testing.assert_allclose(r.overlap_trace[:, 0], 1.0, atol=1e-12)  # the activity overlap of a pattern with itself
    np.testing.assert_allclose(r.overlap_trace[:, -1], net.overlaps(r.states)[np.arange(5), np.arange(5)], atol=1e-12)


@pytest.mark.parametrize("update", ["glauber", "metropolis"])
def test_low_load_overlap_follows_curie_weiss(update):
    # At alpha -> 0 both heat bath and Metropolis sample the equilibrium m = tanh(m / T) (AGS, PRA 32, 1007
    # (1985)): m = 0.9575 at T = 0.5; 4 trials x 10 cues x N = 1000 average the overlap to about +-0.005.
    m_theory = brentq(lambda m: m - np.tanh(m / 0.5), 0.1, 1.0)
    ds = amsim.run("hopfield.retrieval", card="hopfield/glauber-low-load", params={"update": update}, trials=4,
                   seed=2, backend="cpu")
    assert float(ds["overlap"].mean()) == pytest.approx(m_theory, abs=0.015)


def test_annealing_schedules():
    geometric = dynamics.temperatures(5, 0.1, 1.6, "geometric")
    np.testing.assert_allclose(geometric, [1.6, 0.8, 0.4, 0.2, 0.1])
    np.testing.assert_allclose(dynamics.temperatures(5, 0.2, 1.0, "linear"), [1.0, 0.8, 0.6, 0.4, 0.2])
    np.testing.assert_array_equal(dynamics.temperatures(3, 0.5), [0.5, 0.5, 0.5])
    assert dynamics.temperatures(1, 0.3, 2.0)[0] == 0.3


def test_annealing_finds_lower_energy_than_a_quench():
    # From random states at low load, a quench at T = 0.05 sticks in spurious mixtures more often than slow cooling
    # from T = 1.5 (above T_c = 1): the annealed mean energy is lower (8 networks x 16 starts each).
    p = {"n_neurons": 400, "load": 0.02, "noise": 0.5, "cues": 16, "max_steps": 60, "update": "glauber",
         "temperature": 0.05}
    quench = amsim.run("hopfield.retrieval", p, trials=8, seed=6, backend="cpu")
    anneal = amsim.run("hopfield.retrieval", {**p, "anneal_from": 1.5}, trials=8, seed=6, backend="cpu")
    assert float(anneal["energy"].mean()) < float(quench["energy"].mean())
    assert float(anneal["success"].mean()) > float(quench["success"].mean())


def test_memory_estimates_follow_the_engine(monkeypatch, capsys):
    scale = HopfieldParams(n_neurons=100_000, load=0.05, update="sync", cues=16)
    assert engines.choose("auto", "hebb", 0.0, 100_000, 5000) == "patterns"
    assert retrieval_memory(scale, 1) < 2 << 30  # the pattern engine: about 0.5 GiB of int8 patterns
    assert retrieval_memory(scale.replace(engine="dense"), 1) > 18 << 30  # int16 W: 2 N^2 bytes
    assert engines.choose("auto", "storkey", 0.0, 100_000, 5000) == "dense"
    big = np.ones((10, 400_000), np.int8)
    with pytest.raises(ValidationError, match=r"engine 'dense'.*use engine='patterns'"):
        HopfieldNetwork(n_neurons=400_000, engine="dense", backend="cpu").store(big)
    with pytest.raises(ValidationError, match=r"'storkey' rule needs the N x N weights"):
        HopfieldNetwork(n_neurons=400_000, rule="storkey", backend="cpu").store(big)
    monkeypatch.setattr(model, "CHECK_BYTES", 0)
    monkeypatch.setattr(model, "ANNOUNCE_BYTES", 1000)
    net = HopfieldNetwork(n_neurons=400, backend="cpu").store(random_patterns(20, 400, np.random.default_rng(0)))
    assert net.memory_ == engines.engine_bytes("patterns", "hebb", 400, 20)
    assert "engine 'patterns' holds the couplings in" in capsys.readouterr().err


@pytest.mark.parametrize(("settings", "message"), [
    ({"rule": "oja"}, "HopfieldParams.rule: must be one of 'hebb', 'storkey', 'projection', 'covariance', "
                      "'clipped' (got 'oja')"),
    ({"rule": "storkey", "engine": "patterns"}, "HopfieldParams.engine: must be 'dense' or 'auto'"),
    ({"dilution": 0.3, "engine": "bits"}, "HopfieldParams.engine: must be 'dense' or 'auto'"),
    ({"update": "async", "anneal_from": 1.0}, "HopfieldParams.anneal_from: must be 0 with update='async'"),
    ({"update": "glauber", "temperature": 1.0, "anneal_from": 0.5}, "must be > temperature"),
    ({"schedule": "linear"}, "HopfieldParams.schedule: must be 'geometric'"),
    ({"update": "sync", "order": "fixed"}, "HopfieldParams.order: must be 'random'"),
    ({"threshold": 0.7}, "HopfieldParams.threshold: must be 0.5 (the default) with rule='hebb'"),
    ({"load": 3.0}, r"HopfieldParams.load: must be <= 2 (got 3.0)"),
    ({"load": 25.0, "rule": "covariance", "n_neurons": 100}, "HopfieldParams.load: must be <= 20"),
    ({"update": "metropolis"}, "HopfieldParams.temperature: must be > 0 with update='metropolis'"),
])
def test_invalid_settings_are_rejected_with_the_rule(settings, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        HopfieldParams(**settings)


def test_new_cards_are_valid_and_cite_their_values():
    for name, key in (("storkey1997", "capacity_ratio_to_hebb"), ("personnaz1985-projection", "alpha_c"),
                      ("tsodyks1988-covariance", "alpha_c_asymptotic"), ("sompolinsky1986-clipped", "alpha_c"),
                      ("derrida1987-diluted", "alpha_c")):
        card = load_card(f"hopfield/{name}")
        assert key in card.expect and card.references


def test_stability_experiment():
    # N = 200: at load 0.02 every stored pattern is a fixed point, at 0.3 none is (4 networks each).
    for load, fraction in ((0.02, 1.0), (0.3, 0.0)):
        runs = {b: amsim.run("hopfield.stability", {"n_neurons": 200, "load": load}, trials=4, seed=1, backend=b)
                for b in ("numpy", "cpu")}
        xr.testing.assert_equal(runs["numpy"], runs["cpu"])
        assert unlabelled(runs["cpu"]) == []
        assert engines.ENGINES[int(runs["cpu"]["engine"])] == "patterns"
        assert float(runs["cpu"]["stable_fraction"].mean()) == fraction


def test_glass_experiment_freezes_with_the_replica_q_below_t_g():
    # From random states at alpha = 0.1 (T_g = 1.316, T_M = 0.315): at T = 0.8 the spins freeze with the RS
    # spin-glass q = 0.398 (no retrieval: the largest overlap with a pattern stays small); at T = 1.8 the network is
    # paramagnetic, q is only the finite-time bias (~(1 + 2 tau) / 100) and the autocorrelation vanishes. N = 1000,
    # 4 networks x 4 starts: the simulated q runs 0.02-0.05 above RS at N = 2000 (analysis/hopfield-spin-glass).
    base = {"n_neurons": 1000, "load": 0.1, "update": "glauber", "cues": 4, "max_steps": 200}
    q_rs = float(hopfield_sg(0.1, 0.8)["edwards_anderson_theory"])
    assert q_rs == pytest.approx(0.398, abs=0.001)
    frozen = amsim.run("hopfield.glass", {**base, "temperature": 0.8}, trials=4, seed=3, backend="cpu")
    assert unlabelled(frozen) == []
    assert float(frozen["edwards_anderson"].mean()) == pytest.approx(q_rs, abs=0.07)
    assert float(frozen["autocorrelation"].mean()) > 0.25
    assert float(frozen["max_overlap"].mean()) < 0.35
    hot = amsim.run("hopfield.glass", {**base, "temperature": 1.8}, trials=4, seed=3, backend="cpu")
    assert float(hot["edwards_anderson"].mean()) < 0.03
    assert abs(float(hot["autocorrelation"].mean())) < 0.02
    # the same numbers on the NumPy reference backend (small, to keep it quick)
    small = {**base, "n_neurons": 100, "max_steps": 6, "temperature": 1.0}
    xr.testing.assert_equal(amsim.run("hopfield.glass", small, trials=2, seed=1, backend="numpy"),
                            amsim.run("hopfield.glass", small, trials=2, seed=1, backend="cpu"))
    with pytest.raises(ValidationError, match="HopfieldParams.update: must be one of glauber, metropolis for "
                                              "hopfield.glass"):
        amsim.run("hopfield.glass", {"update": "async"})


def test_thermal_average_is_the_mean_of_single_sweeps():
    # Brute force: the same seed, one recall per sweep, the spins averaged by hand.
    rng = np.random.default_rng(0)
    patterns, starts = random_patterns(10, 200, rng), random_patterns(3, 200, rng)
    net = HopfieldNetwork(n_neurons=200, backend="cpu", random_state=9).store(patterns)
    avg = net.thermal_average(starts, temperature=0.7, burn_in=5, sweeps=4)
    net = HopfieldNetwork(n_neurons=200, backend="cpu", random_state=9, update="glauber", temperature=0.7)
    net.store(patterns)
    state = net.recall(starts, max_steps=5).states
    first, total = state, np.zeros(state.shape)
    for _ in range(4):
        state = net.recall(state, max_steps=1).states
        total += state
    np.testing.assert_array_equal(avg.magnetization, total / 4)
    np.testing.assert_array_equal(avg.first, first)
    np.testing.assert_allclose(avg.edwards_anderson, ((total / 4) ** 2).mean(axis=1))
    np.testing.assert_allclose(avg.autocorrelation, (first * state).mean(axis=1))
    with pytest.raises(ValidationError, match="sweeps must be an integer >= 1"):
        net.thermal_average(starts, temperature=0.7, burn_in=0, sweeps=0)
    with pytest.raises(ValidationError, match="update must be one of glauber, metropolis"):
        net.thermal_average(starts, temperature=0.7, burn_in=0, sweeps=1, update="async")


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
