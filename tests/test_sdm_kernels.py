"""SDM kernels: reference against brute-force oracles, Numba CPU against the reference (exact), and the CUDA
kernels against the reference under the CUDA simulator (in a subprocess, see ``cudasim_sdm.py``).

Symbols: N address bits, M locations, D data bits, B addresses per batch, r radius, k specified bits.
"""

from __future__ import annotations

import naive
import numpy as np
import pytest
from conftest import run_under_cudasim

from amsim.bits import pack_bits
from amsim.families.sdm import _cpu, reference

INT16 = (-(2**15), 2**15 - 1)
INT32 = (-(2**31), 2**31 - 1)


def bits(rng, shape):
    return rng.integers(0, 2, size=shape, dtype=np.uint8)


def rows_of(active, m):
    """Active location indices of each row of a packed activation array."""
    return [np.flatnonzero(np.unpackbits(row.astype("<u8").view(np.uint8), bitorder="little")[:m]).tolist()
            for row in active]


def activation(mod, addresses, cues, radius, m):
    active = np.full((len(cues), (m + 63) // 64), 0xDEADBEEF, np.uint64)  # garbage: every word must be written
    mod.activate(pack_bits(addresses), pack_bits(cues), radius, active)
    return active


def selected_tables(rng, m, n, k, hyperplane=False):
    """Masks with k distinct coordinates per location and values (random, or all 1 for the hyperplane design)."""
    masks = np.zeros((m, n), np.uint8)
    for row in masks:
        row[rng.choice(n, k, replace=False)] = 1
    values = masks.copy() if hyperplane else masks * bits(rng, (m, n))
    return masks, values


# ------------------------------------------------------------------------------------------------------------
# reference against the naive oracles
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("m", "n", "b"), [(1, 1, 1), (63, 7, 3), (64, 64, 2), (65, 65, 4), (130, 129, 3)])
def test_reference_activation_matches_naive(m, n, b):
    rng = np.random.default_rng(m * 1000 + n)
    addresses, cues = bits(rng, (m, n)), bits(rng, (b, n))
    cues[0] = addresses[0]  # distance 0 occurs
    for radius in sorted({-1, 0, n // 4, n // 2 - 1, n // 2, n}):
        active = activation(reference, addresses, cues, radius, m)
        assert rows_of(active, m) == [naive.active_naive(addresses, c, radius) for c in cues]
        padding = np.unpackbits(active.astype("<u8").view(np.uint8).reshape(b, -1), axis=1, bitorder="little")[:, m:]
        assert not padding.any()  # bits past M stay zero


@pytest.mark.parametrize("hyperplane", [False, True])
@pytest.mark.parametrize(("m", "n", "k"), [(40, 9, 2), (70, 70, 3), (129, 130, 1)])
def test_reference_selected_activation_matches_naive(m, n, k, hyperplane):
    rng = np.random.default_rng(m + n + k)
    masks, values = selected_tables(rng, m, n, k, hyperplane)
    cues = bits(rng, (6, n))
    active = np.full((6, (m + 63) // 64), 7, np.uint64)
    reference.activate_selected(pack_bits(masks), pack_bits(values), pack_bits(cues), active)
    want = [naive.active_selected_naive(masks, values, c) for c in cues]
    assert rows_of(active, m) == want
    assert sum(map(len, want)) > 0


@pytest.mark.parametrize(("dtype", "limits"), [(np.int16, INT16), (np.int32, INT32)])
def test_reference_write_and_read_match_naive_with_saturation(dtype, limits):
    rng = np.random.default_rng(3)
    m, n, d, b = 70, 12, 5, 9
    addresses, cues, data = bits(rng, (m, n)), bits(rng, (b, n)), bits(rng, (b, d))
    cues[1] = cues[0]  # two writes to the same locations: order and saturation matter
    lo, hi = limits
    weights = np.array([hi, hi, 1, -hi, lo + 1, 3, 0, -2, hi // 2], np.int32)
    counters = rng.integers(-5, 5, size=(m, d)).astype(dtype)
    active = activation(reference, addresses, cues, 5, m)
    lists = rows_of(active, m)
    want = naive.write_naive(counters, lists, data, weights, lo, hi)
    signs = (2 * data.astype(np.int8) - 1).astype(np.int8)
    reference.write(counters, active, signs, weights, lo, hi)
    assert counters.tolist() == want
    assert (counters == hi).any() and (counters == lo).any()  # both limits reached, nothing wrapped
    sums = np.full((b, d), 99, np.int64)
    reference.read(counters, active, sums)
    assert sums.tolist() == [naive.read_naive(counters, rows) for rows in lists]


# ------------------------------------------------------------------------------------------------------------
# Numba CPU against the reference: exact
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("m", "n", "d", "b"), [(1, 1, 1, 1), (64, 64, 3, 2), (200, 100, 37, 5), (1000, 256, 20, 70)])
def test_cpu_matches_reference(m, n, d, b):
    rng = np.random.default_rng(m + n + d + b)
    addresses, cues = bits(rng, (m, n)), bits(rng, (b, n))
    cues[-1] = addresses[-1]
    packed_a, packed_c = pack_bits(addresses), pack_bits(cues)
    for radius in (-1, 0, n // 2 - 3, n // 2, n):
        want = activation(reference, addresses, cues, radius, m)
        np.testing.assert_array_equal(activation(_cpu, addresses, cues, radius, m), want)
    for hyperplane in (False, True):
        masks, values = selected_tables(rng, m, n, min(n, 2), hyperplane)
        got, want = (np.full((b, (m + 63) // 64), 5, np.uint64) for _ in range(2))
        _cpu.activate_selected(pack_bits(masks), pack_bits(values), packed_c, got)
        reference.activate_selected(pack_bits(masks), pack_bits(values), packed_c, want)
        np.testing.assert_array_equal(got, want)

    active = np.empty((b, (m + 63) // 64), np.uint64)
    reference.activate(packed_a, packed_c, n // 2, active)
    data = bits(rng, (b, d))
    signs = (2 * data.astype(np.int8) - 1).astype(np.int8)
    for dtype, (lo, hi) in ((np.int16, INT16), (np.int32, INT32)):
        weights = rng.integers(-3, 4, size=b).astype(np.int32)
        weights[0] = hi  # saturates
        start = rng.integers(-100, 100, size=(m, d)).astype(dtype)
        got, want = start.copy(), start.copy()
        _cpu.write(got, active, signs, weights, lo, hi)
        reference.write(want, active, signs, weights, lo, hi)
        np.testing.assert_array_equal(got, want)
        s_got, s_want = np.full((b, d), 7, np.int64), np.full((b, d), 8, np.int64)
        _cpu.read(got, active, s_got)
        reference.read(want, active, s_want)
        np.testing.assert_array_equal(s_got, s_want)


def test_cpu_int16_lanes_saturate_like_the_reference():
    # Counters near both limits and weights on both sides of the int16 fast path's bound |w| <= 32767.
    rng = np.random.default_rng(11)
    m, d, b = 130, 40, 25
    active = rng.integers(0, 2**63, size=(b, (m + 63) // 64), dtype=np.uint64)
    active[:, -1] &= np.uint64(2**(m % 64) - 1)
    signs = (2 * rng.integers(0, 2, size=(b, d)) - 1).astype(np.int8)
    weights = rng.choice([1, -1, 7, 32767, -32767, 32768, -32768, 40000, -(2**31) + 1], size=b).astype(np.int32)
    start = rng.choice([-32768, -32760, -5, 0, 5, 32760, 32767], size=(m, d)).astype(np.int16)
    got, want = start.copy(), start.copy()
    _cpu.write(got, active, signs, weights, *INT16)
    reference.write(want, active, signs, weights, *INT16)
    np.testing.assert_array_equal(got, want)
    narrow = start.astype(np.int32)  # int32 counters clipped to the int16 range take the 64-bit path
    _cpu.write(narrow, active, signs, weights, *INT16)
    np.testing.assert_array_equal(narrow, want)


@pytest.mark.parametrize("mod", [reference, _cpu], ids=["numpy", "cpu"])
def test_saturation_never_wraps(mod):
    # Two writes of weight 2**31 - 1 drive locations 0 and 2 to the limits; a third (+5) is absorbed there; a
    # fourth (-7) comes back from them by exactly 7. Wrap-around would leave the sign flipped instead.
    active = np.array([[0b101]] * 4, np.uint64)
    signs = np.array([[1, -1, 1, -1]] * 4, np.int8)
    weights = np.array([2**31 - 1, 2**31 - 1, 5, -7], np.int32)
    for dtype, (lo, hi) in ((np.int16, INT16), (np.int32, INT32)):
        counters = np.zeros((3, 4), dtype)
        mod.write(counters, active[:3], signs[:3], weights[:3], lo, hi)
        np.testing.assert_array_equal(counters[[0, 2]], [[hi, lo, hi, lo]] * 2)
        mod.write(counters, active[3:], signs[3:], weights[3:], lo, hi)
        np.testing.assert_array_equal(counters, [[hi - 7, lo + 7, hi - 7, lo + 7], [0] * 4,
                                                 [hi - 7, lo + 7, hi - 7, lo + 7]])


# ------------------------------------------------------------------------------------------------------------
# CUDA kernels under the simulator (subprocess: NUMBA_ENABLE_CUDASIM must be set before numba is imported)
# ------------------------------------------------------------------------------------------------------------


def test_cuda_kernels_match_reference_under_simulator():
    run_under_cudasim("cudasim_sdm.py")
