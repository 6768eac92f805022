"""The shared pattern tools (amsim.patterns) against brute force: exact-k corruption, SDRs and their noise,
overlaps and Hamming distances (popcount on packed words), unions and k-winners-take-all."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import chisquare

from amsim import patterns
from amsim.exceptions import ValidationError


def test_random_patterns_and_bits_have_the_requested_activity():
    rng = np.random.default_rng(0)
    xi = patterns.random_patterns(50, 400, rng, activity=0.2)
    assert xi.dtype == np.int8 and set(np.unique(xi)) == {-1, 1}
    assert (xi == 1).mean() == pytest.approx(0.2, abs=0.01)  # 20,000 bits: sd 0.003
    bits = patterns.random_bits(50, 400, rng, activity=0.3)
    assert bits.dtype == np.uint8 and set(np.unique(bits)) == {0, 1}
    assert bits.mean() == pytest.approx(0.3, abs=0.01)


def test_corrupt_and_flip_bits_flip_exactly_k_bits_at_the_same_positions():
    rng = np.random.default_rng(1)
    xi = patterns.random_patterns(20, 101, rng)
    for noise in (0.0, 0.1, 0.5, 1.0):
        cues = patterns.corrupt(xi, noise, np.random.default_rng(7))
        np.testing.assert_array_equal((cues != xi).sum(axis=1), round(noise * 101))
        bits = ((xi + 1) // 2).astype(np.uint8)
        flipped = patterns.flip_bits(bits, noise, np.random.default_rng(7))
        np.testing.assert_array_equal(flipped != bits, cues != xi)  # one stream, the same positions
    assert patterns.corrupt(xi, 0.1, rng) is not xi
    with pytest.raises(ValidationError, match=r"noise: must be between 0 and 1 \(got 1.5\)"):
        patterns.corrupt(xi, 1.5, rng)


def test_flipped_positions_are_uniform():
    # 20,000 rows of N = 10 with k = 3: each position is flipped with probability 3/10.
    counts = (patterns.corrupt(np.ones((20_000, 10), np.int8), 0.3, np.random.default_rng(2)) < 0).sum(axis=0)
    assert chisquare(counts).pvalue > 1e-3


def test_random_sdrs_are_uniform_subsets():
    rng = np.random.default_rng(3)
    sdrs = patterns.random_sdrs(30_000, 6, 2, rng)
    assert sdrs.dtype == np.int32 and sdrs.shape == (30_000, 2)
    assert (np.diff(sdrs, axis=1) > 0).all()  # sorted, distinct
    # every one of the C(6, 2) = 15 subsets equally likely
    pairs = {pair: i for i, pair in enumerate(itertools.combinations(range(6), 2))}
    counts = np.bincount([pairs[tuple(row)] for row in sdrs.tolist()], minlength=15)
    assert chisquare(counts).pvalue > 1e-3
    big = patterns.random_sdrs(5, 2048, 40, rng)
    np.testing.assert_array_equal(patterns.sdr_bits(big, 2048).sum(axis=1), 40)
    with pytest.raises(ValidationError, match="random_sdrs: n_active must be between 0 and n_bits = 10"):
        patterns.random_sdrs(1, 10, 11, rng)


def test_sdr_bits_and_indices_are_inverse():
    rng = np.random.default_rng(4)
    sdrs = patterns.random_sdrs(50, 300, 12, rng)
    bits = patterns.sdr_bits(sdrs, 300)
    for row, active in zip(bits, sdrs, strict=True):  # brute force
        assert [i for i in range(300) if row[i]] == list(active)
    np.testing.assert_array_equal(patterns.sdr_indices(bits), sdrs)
    with pytest.raises(ValidationError, match="same number of active bits"):
        patterns.sdr_indices(np.array([[1, 0, 1], [0, 0, 1]]))
    with pytest.raises(ValidationError, match="indices must lie in 0 .. 9"):
        patterns.sdr_bits(np.array([[3, 10]]), 10)


def test_swap_active_keeps_a_bits_and_shares_a_minus_k():
    rng = np.random.default_rng(5)
    sdrs = patterns.random_sdrs(200, 128, 10, rng)
    noisy = patterns.swap_active(sdrs, 128, 3, rng)
    assert noisy.shape == sdrs.shape and (np.diff(noisy, axis=1) > 0).all()
    shared = [len(set(a) & set(b)) for a, b in zip(sdrs.tolist(), noisy.tolist(), strict=True)]
    assert shared == [7] * 200
    # the new positions are uniform over the inactive ones: each of the 118 is chosen with probability 3/118
    added = np.zeros(128)
    many = patterns.swap_active(np.repeat(sdrs[:1], 20_000, axis=0), 128, 3, rng)
    np.add.at(added, many.ravel(), 1)
    outside = np.setdiff1d(np.arange(128), sdrs[0])
    assert chisquare(added[outside]).pvalue > 1e-3
    with pytest.raises(ValidationError, match="swap_active: k must be between 0 and"):
        patterns.swap_active(sdrs, 128, 11, rng)


@pytest.mark.parametrize("backend", ["numpy", "cpu"])
def test_overlaps_and_distances_match_brute_force(backend):
    rng = np.random.default_rng(6)
    a, b = patterns.random_patterns(7, 130, rng), patterns.random_patterns(5, 130, rng)
    m = patterns.overlaps(a, b, backend=backend)
    for i, j in itertools.product(range(7), range(5)):
        assert m[i, j] == sum(int(x) * int(y) for x, y in zip(a[i], b[j], strict=True)) / 130
    d = patterns.packed_distances(patterns.pack_bits(a), patterns.pack_bits(b), backend=backend)
    assert d.dtype == np.int32
    for i, j in itertools.product(range(7), range(5)):
        assert d[i, j] == sum(x != y for x, y in zip(a[i], b[j], strict=True))
    np.testing.assert_array_equal(d, np.rint(130 * (1 - m) / 2))
    np.testing.assert_array_equal(patterns.hamming_distances(a[:5], b), d.diagonal()[:5])
    with pytest.raises(ValidationError, match=r"overlaps: states and patterns must be \(B, N\) and \(P, N\)"):
        patterns.overlaps(a, b[:, :10], backend=backend)


def test_union_and_kwta():
    rng = np.random.default_rng(8)
    bits = patterns.random_bits(4, 70, rng, activity=0.1)
    u = patterns.union(bits)
    np.testing.assert_array_equal(u, [int(any(bits[:, i])) for i in range(70)])
    np.testing.assert_array_equal(patterns.unpack_bits(patterns.union(patterns.pack_bits(bits)), 70), u)
    values = np.array([[0.5, 2.0, 2.0, -1.0, 2.0], [3.0, 1.0, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(patterns.kwta(values, 2), [[0, 1, 1, 0, 0], [1, 1, 0, 0, 0]])  # ties: lower index
    np.testing.assert_array_equal(patterns.kwta(values, 0).sum(), 0)
    x = rng.random((20, 50))
    winners = patterns.kwta(x, 7)
    for row, w in zip(x, winners, strict=True):  # brute force: the 7 largest
        assert set(np.flatnonzero(w)) == set(sorted(range(50), key=lambda i: -row[i])[:7])
    with pytest.raises(ValidationError, match="kwta: k must be between 0 and the row length"):
        patterns.kwta(x, 51)
    with pytest.raises(ValidationError, match="union: items must be 0/1 bits or packed uint64 words"):
        patterns.union(np.ones((2, 3)))
