"""Shared kernels (:mod:`amsim.kernels`): each twin against brute-force oracles (NumPy reference and Numba CPU),
the CUDA twins against the reference under the CUDA simulator (in a subprocess, see ``cudasim_kernels.py``), and
the host-side pattern layout (the twins' names and signatures are checked in tests/test_families.py).

Symbols: N bits (neurons) per row, P patterns, B states, A and B rows of the packed operands, K words per row.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import run_under_cudasim
from scipy.stats import chisquare

from amsim import backends
from amsim.bits import pack_bits
from amsim.kernels import _cpu, reference
from amsim.kernels.layout import transposed

try:
    import naive
except ImportError:  # tests/ imported as a package
    from tests import naive

TWINS = [reference, _cpu]
IDS = ["numpy", "cpu"]
SIZES = [(1, 1, 1), (3, 63, 2), (5, 64, 4), (2, 65, 3), (4, 130, 5)]  # (P, N, B): N around whole words


def pm1(rng, shape):
    """Random ±1 array of int8."""
    return (rng.integers(0, 2, size=shape) * 2 - 1).astype(np.int8)


@pytest.mark.parametrize("mod", TWINS, ids=IDS)
@pytest.mark.parametrize(("p", "n", "b"), SIZES)
def test_overlaps_match_naive(mod, p, n, b):
    rng = np.random.default_rng(100 * p + n)
    patterns, states = pm1(rng, (p, n)), pm1(rng, (b, n))
    states[0] = -patterns[0]  # overlap -1 is reached exactly
    out = np.full((b, p), np.nan)
    mod.overlaps(patterns, states, out)
    np.testing.assert_array_equal(out, [[naive.overlap_naive(x, s) for x in patterns] for s in states])
    assert out[0, 0] == -1.0


@pytest.mark.parametrize("mod", TWINS, ids=IDS)
@pytest.mark.parametrize(("p", "n", "b"), SIZES)
@pytest.mark.parametrize("dtype", [np.int16, np.int32])
def test_overlap_counts_match_naive(mod, p, n, b, dtype):
    rng = np.random.default_rng(200 * p + n)
    patterns, states = pm1(rng, (p, n)), pm1(rng, (b, n))
    counts = np.full((b, p), -9999, dtype)
    mod.overlap_counts(pack_bits(patterns), states, counts)
    np.testing.assert_array_equal(counts, [[naive.overlap_count_naive(x, s) for x in patterns] for s in states])


@pytest.mark.parametrize("mod", TWINS, ids=IDS)
@pytest.mark.parametrize(("a_rows", "n", "b_rows"), [(1, 1, 1), (3, 63, 4), (4, 64, 2), (2, 65, 5), (5, 200, 3),
                                                     (0, 70, 3), (3, 70, 0)])
def test_packed_distances_match_naive(mod, a_rows, n, b_rows):
    rng = np.random.default_rng(300 * a_rows + n + b_rows)
    a_bits, b_bits = rng.integers(0, 2, size=(a_rows, n)), rng.integers(0, 2, size=(b_rows, n))
    corners = min(a_rows, b_rows) >= 2
    if corners:
        b_bits[0] = a_bits[0]  # distance 0
        a_bits[-1], b_bits[-1] = 1, 0  # distance N
    out = np.full((a_rows, b_rows), -1, np.int32)
    mod.packed_distances(pack_bits(a_bits), pack_bits(b_bits), out)
    np.testing.assert_array_equal(out, np.array(naive.packed_distances_naive(a_bits, b_bits)).reshape(out.shape))
    if corners:
        assert out[0, 0] == 0 and out[-1, -1] == n


@pytest.mark.parametrize("mod", TWINS, ids=IDS)
def test_packed_distances_of_spins_are_half_the_overlap_gap(mod):
    # ±1 spins packed with +1 as a set bit: Hamming distance d = (N - m) / 2 with m the overlap count.
    rng = np.random.default_rng(5)
    x, y = pm1(rng, (6, 150)), pm1(rng, (4, 150))
    out = np.empty((6, 4), np.int32)
    mod.packed_distances(pack_bits(x), pack_bits(y), out)
    np.testing.assert_array_equal(out, (150 - x.astype(np.int64) @ y.T.astype(np.int64)) // 2)


@pytest.mark.parametrize("mod", TWINS, ids=IDS)
def test_shuffle_matches_naive_and_is_uniform(mod):
    """The visiting orders of sequential dynamics (every family draws them from the same words)."""
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 17, 64):
        for _ in range(5):
            bits = rng.integers(0, 2**32, size=n, dtype=np.uint32)
            order = np.full(n, -1, np.int32)
            mod._shuffle(order, bits)
            assert order.tolist() == naive.shuffle_naive(bits)
            assert sorted(order.tolist()) == list(range(n))
    # all 24 orders of 4 neurons equally likely: 12000 draws, chi-square p-value far from 0 (fixed seed)
    seen = {perm: 0 for perm in itertools.permutations(range(4))}
    order = np.empty(4, np.int32)
    for bits in rng.integers(0, 2**32, size=(12000, 4), dtype=np.uint32):
        mod._shuffle(order, bits)
        seen[tuple(order.tolist())] += 1
    assert chisquare(list(seen.values())).pvalue > 1e-3


def test_cpu_matches_reference_at_moderate_sizes():
    rng = np.random.default_rng(11)
    n, p, b = 1000, 37, 29
    patterns, states = pm1(rng, (p, n)), pm1(rng, (b, n))
    for name, shape, dtype, args in (("overlaps", (b, p), np.float64, (patterns, states)),
                                     ("overlap_counts", (b, p), np.int16, (pack_bits(patterns), states)),
                                     ("packed_distances", (p, b), np.int32, (pack_bits(patterns), pack_bits(states)))):
        want, got = np.empty(shape, dtype), np.empty(shape, dtype)
        getattr(reference, name)(*args, want)
        getattr(_cpu, name)(*args, got)
        np.testing.assert_array_equal(got, want, err_msg=name)


def test_kernels_load_by_backend_like_a_family():
    assert backends.kernels("amsim.kernels", "numpy") is reference
    assert backends.kernels("amsim.kernels", "cpu") is _cpu
    from amsim.families.hopfield import _cpu as hopfield_cpu
    from amsim.families.hopfield import reference as hopfield_reference

    assert backends.kernels_like("amsim.kernels", hopfield_cpu) is _cpu
    assert backends.kernels_like("amsim.kernels", hopfield_reference) is reference


@pytest.mark.parametrize(("n_patterns", "n"), [(1, 1), (37, 101), (300, 260), (5, 700)])
def test_engine_preparation_packs_and_transposes_like_brute_force(n_patterns, n):
    rng = np.random.default_rng(n)
    xi = (rng.integers(0, 2, size=(n_patterns, n), dtype=np.int8) * 2 - 1).astype(np.int8)
    wide = transposed(xi, n_patterns + 7, np.int16)
    assert wide.dtype == np.int16 and wide.shape == (n, n_patterns + 7)
    for i, mu in itertools.product(range(n), range(n_patterns + 7)):
        assert wide[i, mu] == (xi[mu, i] if mu < n_patterns else 0)
    words = pack_bits(xi)
    assert words.shape == (n_patterns, -(-n // 64)) and words.dtype == np.uint64
    for mu, i in itertools.product(range(n_patterns), range(-(-n // 64) * 64)):
        bit = (int(words[mu, i // 64]) >> (i % 64)) & 1
        assert bit == (i < n and xi[mu, i] > 0)


def test_cuda_kernels_match_reference_under_simulator():
    run_under_cudasim("cudasim_kernels.py")
