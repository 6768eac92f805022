"""The SDM model and its experiments: validation at the boundary, saturating counters, tie rules, identical
backends, labelled datasets, single reads against theory, Kanerva's card, and the benchmark baseline."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import ROOT

import amsim
from amsim import registry
from amsim.cards import load_card
from amsim.exceptions import UnknownNameError, ValidationError
from amsim.families.sdm import SDMParams, SparseDistributedMemory, flip_bits, hamming_distances, random_bits
from amsim.io import unlabelled
from amsim.sweep import load_study, sweep
from amsim.theory import sdm as th


def test_params_are_validated_at_the_boundary():
    with pytest.raises(ValidationError, match=r"^SDMParams\.radius: must be <= address_bits \(got 2000\)$"):
        SDMParams(address_bits=1000, radius=2000)
    with pytest.raises(ValidationError, match=r"SDMParams\.specified_bits: must be -1 with design='hamming'"):
        SDMParams(specified_bits=3)
    with pytest.raises(ValidationError, match=r"SDMParams\.radius: must be -1 with design='selected'"):
        SDMParams(design="selected", radius=3)
    with pytest.raises(ValidationError, match=r"SDMParams\.max_steps: must be 1 with association='hetero'"):
        SDMParams(association="hetero", max_steps=5)
    with pytest.raises(ValidationError, match=r"SDMParams\.design: must be one of"):
        SDMParams(design="circle")
    sdm = SparseDistributedMemory(address_bits=16, n_locations=100, backend="numpy")
    with pytest.raises(ValidationError, match=r"SparseDistributedMemory\.addresses: must have shape \(B, 16\)"):
        sdm.write(np.zeros((2, 15), np.uint8))
    with pytest.raises(ValidationError, match=r"SparseDistributedMemory\.addresses: must hold only 0 and 1"):
        sdm.write(np.full((2, 16), 2))
    with pytest.raises(ValidationError, match=r"SparseDistributedMemory\.weights"):
        sdm.write(np.zeros((2, 16), np.uint8), weights=[1.5, 2])
    with pytest.raises(UnknownNameError, match=r"^SparseDistributedMemory: unknown parameter 'radios'"):
        SparseDistributedMemory(address_bits=16, radios=3)


def test_radius_rules():
    p = SDMParams(address_bits=1000, n_locations=10**6, activation_probability=0.001)
    assert p.effective_radius == p.inclusive_radius == 451
    strict = SDMParams(address_bits=1000, activation_probability=0.001, strict=True)
    assert strict.inclusive_radius == 451 and strict.effective_radius == 452  # distance < 452: the same circle
    assert SDMParams(address_bits=1000, radius=451, strict=True).inclusive_radius == 450
    assert SDMParams(design="selected", activation_probability=0.01).specified_bits_used == 6
    rng = np.random.default_rng(0)
    cues = random_bits(20, 64, rng)
    counts = [SparseDistributedMemory(address_bits=64, n_locations=3000, backend="cpu", random_state=5,
                                      **kw).active_counts(cues) for kw in ({"radius": 25},
                                                                           {"radius": 26, "strict": True})]
    np.testing.assert_array_equal(*counts)


def test_memory_estimate_and_guard():
    kanerva = SparseDistributedMemory(address_bits=1000, n_locations=1_000_000, radius=451)
    assert kanerva.nbytes() == 1_000_000 * 16 * 8 + 1_000_000 * 1000 * 2  # 128 MB addresses + 2 GB counters
    huge = SparseDistributedMemory(address_bits=1000, n_locations=10**9, radius=451, backend="numpy")
    with pytest.raises(ValidationError, match=r"SparseDistributedMemory\.n_locations: .* needs 1\.9 TiB"):
        huge.write(np.zeros((1, 1000), np.uint8))
    assert not hasattr(huge, "counters_")


def test_saturating_counters_never_wrap(backend):
    # Radius N: every location is active. Huge weights saturate at the counter limits; -7 comes back by 7.
    for dtype in ("int16", "int32"):
        sdm = SparseDistributedMemory(address_bits=8, n_locations=5, radius=8, counter_dtype=dtype, backend=backend,
                                      random_state=0)
        word = np.array([[1, 0, 1, 1, 0, 0, 1, 0]], np.uint8)
        info = np.iinfo(dtype)
        sdm.write(np.repeat(word, 3, axis=0), weights=[2**31 - 1, 2**31 - 1, 5])
        want = np.where(word[0] == 1, info.max, info.min)
        assert (sdm.counters_ == want).all()
        sdm.write(word, weights=[-7])
        assert (sdm.counters_ == want - 7 * (2 * word[0].astype(np.int64) - 1)).all()
        np.testing.assert_array_equal(sdm.read(word), word)


def test_tie_rules():
    cue = np.zeros((3, 40), np.uint8)
    for tie, check in (("one", lambda r: r.all()), ("zero", lambda r: not r.any()),
                       ("random", lambda r: 0.3 < r.mean() < 0.7)):
        reads = [SparseDistributedMemory(address_bits=40, n_locations=50, radius=10, tie=tie, backend="cpu",
                                         random_state=9).read(cue) for _ in range(2)]
        assert check(reads[0])  # an empty memory: every sum is zero
        np.testing.assert_array_equal(*reads)  # the coins come from random_state: reproducible


def test_low_load_items_are_fixed_points_and_noisy_cues_converge(backend):
    rng = np.random.default_rng(2)
    items = random_bits(30, 256, rng)
    sdm = SparseDistributedMemory(address_bits=256, n_locations=5000, activation_probability=0.02, backend=backend,
                                  random_state=3).write(items)
    clean = sdm.recall(items, max_steps=5)
    np.testing.assert_array_equal(clean.states, items)
    assert clean.converged.all() and not clean.steps.any()
    noisy = sdm.recall(flip_bits(items, 0.15, rng), max_steps=20)
    np.testing.assert_array_equal(noisy.states, items)
    data = random_bits(30, 100, rng)  # heteroassociative, other word width
    hetero = SparseDistributedMemory(address_bits=256, n_locations=5000, activation_probability=0.02, data_bits=100,
                                     association="hetero", backend=backend, random_state=3).write(items, data)
    np.testing.assert_array_equal(hetero.read(items), data)
    assert (hetero.read(flip_bits(items, 0.1, rng)) != data).mean() < 0.01
    with pytest.raises(ValidationError, match="data_bits: must equal address_bits"):
        hetero.recall(items)


def test_jaeckel_designs_activate_the_right_locations():
    rng = np.random.default_rng(4)
    cues = random_bits(200, 128, rng)
    for design in ("selected", "hyperplane"):
        sdm = SparseDistributedMemory(address_bits=128, n_locations=4000, design=design, specified_bits=4,
                                      backend="cpu", random_state=1)
        assert sdm.active_counts(cues).mean() == pytest.approx(4000 / 16, rel=0.05)
        assert (np.bitwise_count(sdm.masks_).sum(axis=1) == 4).all()
        assert not (sdm.values_ & ~sdm.masks_).any()
    assert sdm.active_counts(np.zeros((1, 128), np.uint8))[0] == 0  # hyperplane: an all-zero address matches none
    assert sdm.active_counts(np.ones((1, 128), np.uint8))[0] == 4000


@pytest.mark.parametrize("experiment", ["sdm.recall", "sdm.attention"])
@pytest.mark.parametrize("design", [{}, {"design": "selected"}, {"design": "hyperplane", "specified_bits": 5}])
def test_experiments_are_identical_on_numpy_and_cpu_and_labelled(experiment, design):
    p = {"address_bits": 70, "n_locations": 900, "n_stored": 40, "noise": 0.1, "cues": 6, **design}
    if experiment == "sdm.recall":
        p["max_steps"] = 4
    runs = {b: amsim.run(experiment, p, trials=2, seed=3, backend=b) for b in ("numpy", "cpu")}
    xr.testing.assert_equal(runs["numpy"], runs["cpu"])
    ds = runs["cpu"]
    assert unlabelled(ds) == [] and ds.sizes["trial"] == 2 and ds["overlap"].dims == ("trial", "cue")
    assert ds["overlap"].std() > 0 or ds["overlap"].min() == 1


@pytest.mark.parametrize("association", ["auto", "hetero"])
def test_single_read_overlap_matches_theory(association):
    # Classroom memory (N = 256, M = 20,000, p = 0.01): one read, loads from easy to twice the capacity (~800),
    # where the Gaussian approximation is off by up to 0.025 in overlap.
    theory = registry.theory("sdm-recall").fn
    for n_stored in (300, 1500):
        for noise in (0.0, 0.1, 0.2):
            p = {"n_stored": n_stored, "noise": noise, "association": association}
            ds = amsim.run("sdm.recall", {**p, "cues": 60}, trials=3, seed=11, backend="cpu")
            want = float(theory(**p)["overlap_theory"])
            assert float(ds["overlap"].mean()) == pytest.approx(want, abs=0.02 if n_stored == 300 else 0.03), (p, want)


def test_kanerva_card():
    card = load_card("sdm/kanerva1988")
    p = card.build()
    assert (p.address_bits, p.n_locations, p.effective_radius) == (1000, 1_000_000, 451)
    assert th.activation_probability(1000, p.inclusive_radius) == pytest.approx(card.expect["activation_probability"],
                                                                              rel=0.1)
    assert p.n_locations * th.activation_probability(1000, 451) == pytest.approx(card.expect["active_locations"],
                                                                                rel=0.1)


def test_study_merges_theory_on_the_swept_coordinates(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text('experiment = "sdm.recall"\ncard = "' + str(ROOT / "models/sdm/classroom.toml") + '"\n'
                     'seed = 1\ntrials = 2\ntheory = "sdm-recall"\n[params]\ncues = 5\n'
                     '[axes]\nn_stored = [100, 400]\nnoise = [0.0, 0.1]\n')
    ds = sweep(load_study(study), tmp_path / "s.nc", executor="serial", backend="cpu", quiet=True)
    assert set(ds["overlap_theory"].dims) == {"n_stored", "noise"} and unlabelled(ds) == []
    assert float(ds["overlap_theory"].sel(n_stored=100, noise=0.0)) == pytest.approx(1.0, abs=1e-6)


def test_bench_baseline_computes_the_same_memory():
    from amsim.families.sdm.bench import numpy_blas_sdm, workloads

    work = workloads(quick=True)[-1]
    inputs = work.setup()
    np.testing.assert_array_equal(work.amsim(inputs), numpy_blas_sdm(inputs["signed"], inputs["items"],
                                                                     inputs["cues"], inputs["radius"]))
    np.testing.assert_array_equal(work.reference(inputs), work.amsim(inputs))


@pytest.mark.slow
def test_kanerva_scale_memory_recalls_its_items():
    rng = np.random.default_rng(1988)
    items = random_bits(2000, 1000, rng)
    sdm = SparseDistributedMemory(load_card("sdm/kanerva1988").build(), backend="cpu", random_state=1).write(items)
    assert 1000 <= sdm.active_counts(items[:50]).mean() <= 1150
    recalled = sdm.recall(flip_bits(items[:100], 0.1, rng), max_steps=10)
    assert (hamming_distances(recalled.states, items[:100]) == 0).all()
