"""Active-dendrite kernels and model: the reference against brute force, the Numba twin against the reference,
the CUDA twin under the simulator; the recognition experiment against the exact theory."""

from __future__ import annotations

import math

import naive
import numpy as np
import pytest
from conftest import run_under_cudasim

import amsim
from amsim.bits import pack_bits
from amsim.exceptions import ValidationError
from amsim.families.dendrites import DendriticSegments, _cpu, reference
from amsim.patterns import random_sdrs, sdr_bits
from amsim.theory import dendrites as th


def test_reference_matches_brute_force():
    rng = np.random.default_rng(1)
    seg_bits, in_bits = rng.integers(0, 2, (4, 70)), rng.integers(0, 2, (6, 70))
    out = np.empty((6, 4), np.int32)
    reference.segment_overlaps(pack_bits(seg_bits), pack_bits(in_bits), out)
    assert out.tolist() == naive.segment_overlaps_naive(seg_bits.tolist(), in_bits.tolist())


@pytest.mark.parametrize("n", [64, 200, 2048])
def test_cpu_matches_reference(n):
    rng = np.random.default_rng(n)
    segments, inputs = pack_bits(rng.integers(0, 2, (9, n))), pack_bits(rng.integers(0, 2, (33, n)))
    got, want = np.empty((33, 9), np.int32), np.empty((33, 9), np.int32)
    _cpu.segment_overlaps(segments, inputs, got)
    reference.segment_overlaps(segments, inputs, want)
    np.testing.assert_array_equal(got, want)


def test_cuda_kernels_match_reference_under_simulator():
    run_under_cudasim("cudasim_dendrites.py")


def test_segments_recognise_their_patterns_and_unions(backend):
    rng = np.random.default_rng(2)
    items = sdr_bits(random_sdrs(6, 512, 16, rng), 512)
    one = DendriticSegments(n=512, a=16, s=10, theta=10, backend=backend, random_state=3).store(items)
    result = one.recall(items)
    np.testing.assert_array_equal(result.states, items)
    assert result.converged.all() and (one.overlaps(items).diagonal() == 10).all()
    # every segment holds exactly s synapses, all on its pattern's active bits
    assert (np.bitwise_count(one.segments_).sum(axis=1) == 10).all()
    assert (np.bitwise_count(one.segments_ & pack_bits(items)).sum(axis=1) == 10).all()
    pairs = DendriticSegments(n=512, a=16, s=8, theta=8, patterns_per_segment=2, backend=backend,
                              random_state=3).store(items)
    unions = pairs.recall(items)
    np.testing.assert_array_equal(unions.states, np.repeat(items.reshape(3, 2, 512).max(axis=1), 2, axis=0))
    empty = one.recall(np.zeros((2, 512), np.uint8))
    assert not empty.converged.any() and not empty.states.any()


def test_bad_settings_name_the_field():
    with pytest.raises(ValidationError, match=r"DendritesParams\.s: .*a = 20"):
        DendriticSegments(s=21)
    with pytest.raises(ValidationError, match=r"DendritesParams\.theta"):
        DendriticSegments(s=5, theta=6)


def test_recognition_agrees_with_theory():
    # n = 128, a = 16, s = 8: false matches at theta = 3 are common enough to sample; detection after moving 6 of
    # 16 bits has the exact false-negative rate of th.false_negative.
    p = {"n": 128, "a": 16, "s": 8, "theta": 3, "n_stored": 20, "n_inputs": 2000, "swap": 0.375, "cues": 200}
    ds = amsim.run("dendrites.recognition", p, trials=3, seed=1, backend="cpu")
    pairs = int(ds["pairs"]) * 3
    fm = float(th.false_match(128, 16, 8, 3))
    hits = int(ds["false_matches"].sum())
    # pairs sharing a segment or an input are correlated: the band allows for the 20 segments' spread
    assert abs(hits / pairs - fm) <= 5 * math.sqrt(fm * (1 - fm) / (3 * 20))
    fn = float(th.false_negative(128, 16, 8, 3, 6))
    misses = int((~ds["detected"]).sum())
    assert abs(misses - 600 * fn) <= 5 * math.sqrt(600 * fn * (1 - fn)) + 1


@pytest.mark.parametrize(("n", "a", "s", "theta"), [(2048, 40, 20, 10), (2048, 40, 24, 12), (128, 16, 8, 3)])
def test_importance_sampling_reaches_the_far_tail(n, a, s, theta):
    from amsim.families.dendrites.estimate import false_match_importance

    est = false_match_importance(n, a, s, theta, 20_000, np.random.default_rng(n + s), backend="cpu")
    exact = float(th.false_match(n, a, s, theta))
    assert est.mismatches == 0 and est.relative_error < 0.05
    assert abs(est.value - exact) <= 5 * est.relative_error * est.value


def test_bench_workload_computes_the_same_overlaps_three_ways():
    """The `amsim bench` line times three ways to the same counts: Numba, the reference twin, the NumPy baseline."""
    from amsim.families.dendrites.bench import workloads

    (work,) = workloads(quick=True)
    inputs = work.setup()
    expected = work.reference(inputs)
    assert expected.max() > 0
    np.testing.assert_array_equal(work.amsim(inputs), expected)
    np.testing.assert_array_equal(work.baseline[1](inputs), expected)
