"""Sparsey: the CSA kernels against a brute-force oracle and each other (the CUDA twin under the simulator, in a
subprocess), and the model's published behaviour: familiar inputs keep their codes, novel ones get new random
codes, similar inputs get similar codes, stored inputs are retrieved and read back out."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_under_cudasim
from naive import sparsey_csa_naive

from amsim.exceptions import ValidationError
from amsim.families.sparsey import Sparsey, _cpu, reference
from amsim.families.sparsey.model import active_lists, sigmoid_table
from amsim.patterns import random_sdrs, sdr_bits, swap_active

CSA = {"g_min": 0.1, "eta_max": 50.0, "gamma": 2.0}


def _problem(seed, b=12, n=18, q=4, k=3):
    rng = np.random.default_rng(seed)
    items = (rng.random((b, n)) < 0.3).astype(np.uint8)
    items[0] = 0  # empty
    items[3] = items[1]  # repeated: familiar
    items[5] = items[1] | items[2]  # a superposition
    return items, rng.random((b, q)), q, k


@pytest.mark.parametrize("seed", [0, 1])
def test_reference_learn_matches_the_csa_step_by_step(seed):
    items, draws, q, k = _problem(seed)
    indices, offsets = active_lists(items)
    weights = np.zeros((items.shape[1], q * k), np.uint8)
    codes, g = np.zeros(draws.shape, np.int32), np.zeros(len(items))
    reference.learn(weights, indices, offsets, sigmoid_table(np.diff(offsets), 0.5, 10.0), draws, k, **CSA,
                    codes=codes, familiarity=g)
    w = [[0] * (q * k) for _ in range(items.shape[1])]
    for b, x in enumerate(items):
        code, gb = sparsey_csa_naive(w, x.tolist(), draws[b].tolist(), q, k, CSA["g_min"], CSA["eta_max"],
                                     CSA["gamma"], 0.5, 10.0)
        assert codes[b].tolist() == code, b
        assert g[b] == pytest.approx(gb, rel=1e-12, abs=0)
    np.testing.assert_array_equal(weights, np.array(w, np.uint8))
    assert g[3] == 1.0 and g[0] == 0.0  # a repeated input is fully familiar; an empty one has G = 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cpu_kernels_match_the_reference_exactly(seed):
    items, draws, q, k = _problem(seed, b=40, n=50, q=6, k=5)
    indices, offsets = active_lists(items)
    sigmoid = sigmoid_table(np.diff(offsets), 0.4, 12.0)
    out = {}
    for name, twin in (("cpu", _cpu), ("reference", reference)):
        weights = np.zeros((items.shape[1], q * k), np.uint8)
        codes, g = np.full(draws.shape, -1, np.int32), np.full(len(items), -1.0)
        twin.learn(weights, indices, offsets, sigmoid, draws, k, 0.1, 50.0, 2.0, codes, g)
        again, g2 = np.full(draws.shape, -1, np.int32), np.full(len(items), -1.0)
        twin.recognise(weights, indices, offsets, k, again, g2)
        states = np.full(items.shape, 7, np.uint8)
        twin.read_out(weights, again, k, q - 1, states)
        out[name] = (weights, codes, g, again, g2, states)
    for got, want in zip(out["cpu"], out["reference"], strict=True):
        np.testing.assert_array_equal(got, want)


def test_cuda_kernels_match_the_reference_under_the_simulator():
    run_under_cudasim("cudasim_sparsey.py")


def _items(p, n=256, active=24, seed=0):
    return sdr_bits(random_sdrs(p, n, active, np.random.default_rng(seed)), n)


def test_stored_inputs_are_retrieved_recognised_and_read_out(backend):
    items = _items(40)
    model = Sparsey(backend=backend, random_state=1).store(items)
    codes, g = model.encode(items)
    np.testing.assert_array_equal(codes, model.codes_)
    assert (g == 1.0).all() and model.recognise(items).all()
    result = model.recall(items)
    np.testing.assert_array_equal(result.states, items)
    assert result.converged.all() and (result.steps == 1).all()
    loose = model.recall(items, readout=0.05)  # any 4 of the 64 units: more bits read 1, never fewer
    assert (loose.states >= result.states).all() and (loose.states.sum() > result.states.sum())
    assert not model.recognise(_items(40, seed=9)).any()  # novel inputs are not familiar


def test_novel_inputs_get_random_codes_and_familiar_ones_their_old_codes():
    items = _items(30)
    model = Sparsey(random_state=2, backend="cpu", g_min=0.5)
    first = model.learn(items)
    assert (model.familiarity_[:3] < 0.5).all()
    # early, novel items: the uniform choice, so two codes share about Q / K winners
    shared = (first[:10, None, :] == first[None, :10, :]).mean(axis=2)[np.triu_indices(10, 1)]
    assert abs(shared.mean() - 1 / 16) < 0.03
    again = model.learn(items)  # G = 1: eta = eta_max, the best-supported (old) unit wins
    assert (model.familiarity_[30:] == 1.0).all()
    assert (again == first).mean() > 0.9  # competitors with U near the sigmoid centre keep a small chance


def test_similar_inputs_get_similar_codes():
    """The code learned for a variant of a stored input shares more winners with the stored code the more inputs
    they share (similarity preservation, Rinkus 2014 Fig. 4), down to chance (1 / K) for unrelated inputs."""
    n, active = 256, 24
    shared = []
    for moved in (0, 8, 12, 16, 24):
        rng = np.random.default_rng(4)
        model = Sparsey(random_state=4, backend="cpu")
        base = random_sdrs(20, n, active, rng)
        stored = model.learn(sdr_bits(base, n))
        variants = model.learn(sdr_bits(swap_active(base, n, moved, rng), n))
        shared.append((variants == stored).mean())
    assert shared[0] > 0.95 and abs(shared[-1] - 1 / 16) < 0.03, shared
    assert all(a > b for a, b in zip(shared, shared[1:], strict=False)), shared


def test_bad_items_name_the_argument():
    model = Sparsey(input_bits=8, modules=2, units=2, backend="numpy")
    with pytest.raises(ValidationError, match=r"^Sparsey\.items: must have shape \(B, 8\)"):
        model.store(np.zeros((2, 7), np.uint8))
    with pytest.raises(ValidationError, match=r"^Sparsey\.items: must hold only 0 and 1"):
        model.store(np.full((2, 8), 2))
    with pytest.raises(ValidationError, match=r"^Sparsey\.codes: must be integers in 0 \.\. 1 of shape \(B, 2\)"):
        model.decode(np.array([[0, 2]]))
    with pytest.raises(ValidationError, match=r"^SparseyParams\.readout: must be > 0"):
        model.recall(np.zeros((1, 8), np.uint8), readout=0)
    with pytest.raises(ValidationError, match=r"^SparseyParams\.activity: must be > 0"):
        Sparsey(input_bits=8, activity=0)
