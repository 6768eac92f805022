"""Hopfield kernels: reference against brute-force oracles, Numba CPU against the reference (exact), and the
CUDA kernels against the reference under the CUDA simulator (in a subprocess, see ``cudasim_hopfield.py``).

Symbols: N neurons, P patterns, B states, S sweeps.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from amsim.families.hopfield import _cpu, reference

try:
    import naive
except ImportError:  # tests/ imported as a package
    from tests import naive

ROOT = Path(__file__).resolve().parents[1]


def pm1(rng, shape):
    """Random ±1 array of int8."""
    return (rng.integers(0, 2, size=shape) * 2 - 1).astype(np.int8)


def noisy(patterns, b, noise, rng):
    """B cues: pattern k mod P with round(noise * N) spins flipped."""
    p, n = patterns.shape
    cues = patterns[np.arange(b) % p].copy()
    for row in cues:
        row[rng.choice(n, round(noise * n), replace=False)] *= -1
    return cues


def orders_for(rng, b, s, n):
    return rng.permuted(np.broadcast_to(np.arange(n, dtype=np.int32), (b, s, n)), axis=2)


def weights_of(patterns):
    n = patterns.shape[1]
    w = np.empty((n, n), np.int32)
    reference.hebbian_weights(patterns, w)
    return w


def run_sync(mod, w, cues, max_steps):
    st = cues.copy()
    steps = np.full(len(cues), -1, np.int32)
    conv = np.zeros(len(cues), np.bool_)
    mod.sync_retrieve(w, st, max_steps, steps, conv)
    return st, steps, conv


def run_async(mod, w, cues, orders):
    st = cues.copy()
    steps = np.full(len(cues), -1, np.int32)
    conv = np.zeros(len(cues), np.bool_)
    mod.async_retrieve(w, st, orders, steps, conv)
    return st, steps, conv


def run_glauber(mod, w, cues, orders, uniforms, beta):
    st = cues.copy()
    mod.glauber_sweeps(w, st, orders, uniforms, beta)
    return st


# ------------------------------------------------------------------------------------------------------------
# reference against the naive oracles
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "n"), [(1, 7), (2, 20), (3, 33), (6, 41)])
def test_reference_hebbian_matches_naive(p, n):
    patterns = pm1(np.random.default_rng(p * 100 + n), (p, n))
    w = weights_of(patterns)
    assert w.dtype == np.int32
    np.testing.assert_array_equal(w, np.array(naive.hebbian_weights_naive(patterns)))
    np.testing.assert_array_equal(w, w.T)
    assert not w.diagonal().any()


def test_reference_sync_step_matches_naive_with_ties():
    rng = np.random.default_rng(5)
    n, p, b = 31, 4, 40  # even P, odd N: fields are even and zero fields are common (N = 30 has none)
    patterns = pm1(rng, (p, n))
    w = weights_of(patterns)
    cues = pm1(rng, (b, n))
    ties = 0
    st, steps, conv = run_sync(reference, w, cues, 1)
    for k in range(b):
        want = naive.sync_step_naive(w, cues[k])
        ties += sum(naive.field_naive(w, cues[k], i) == 0 for i in range(n))
        np.testing.assert_array_equal(st[k], want)
        moved = want != list(cues[k])
        assert steps[k] == int(moved) and conv[k] == (not moved)
    assert ties > 20  # the tie rule was exercised


@pytest.mark.parametrize(("n", "p", "max_steps"), [(20, 2, 10), (31, 6, 12), (40, 16, 8)])
def test_reference_sync_matches_naive(n, p, max_steps):
    rng = np.random.default_rng(n + p)
    w = weights_of(pm1(rng, (p, n)))
    cues = pm1(rng, (6, n))
    st, steps, conv = run_sync(reference, w, cues, max_steps)
    for k in range(len(cues)):
        s, nsteps, done = list(cues[k]), 0, False
        for _ in range(max_steps):
            new = naive.sync_step_naive(w, s)
            if new == s:
                done = True
                break
            s, nsteps = new, nsteps + 1
        assert list(st[k]) == s and steps[k] == nsteps and conv[k] == done


@pytest.mark.parametrize(("n", "p", "sweeps"), [(20, 2, 6), (31, 6, 6), (40, 16, 3)])
def test_reference_async_matches_naive(n, p, sweeps):
    rng = np.random.default_rng(7 * n + p)
    w = weights_of(pm1(rng, (p, n)))
    cues = pm1(rng, (5, n))
    orders = orders_for(rng, len(cues), sweeps, n)
    st, steps, conv = run_async(reference, w, cues, orders)
    for k in range(len(cues)):
        s, nsteps, done = list(cues[k]), 0, False
        for t in range(sweeps):
            s, flips = naive.async_sweep_naive(w, s, orders[k, t])
            if flips == 0:
                done = True
                break
            nsteps += 1
        assert list(st[k]) == s and steps[k] == nsteps and conv[k] == done


@pytest.mark.parametrize("beta", [0.3, 1.0, 4.0, 1e6])
def test_reference_glauber_matches_naive(beta):
    rng = np.random.default_rng(11)
    n, p, b, sweeps = 24, 4, 4, 3
    w = weights_of(pm1(rng, (p, n)))
    cues = pm1(rng, (b, n))
    orders = orders_for(rng, b, sweeps, n)
    uniforms = rng.random((b, sweeps, n))
    st = run_glauber(reference, w, cues, orders, uniforms, beta)
    for k in range(b):
        s = list(cues[k])
        for t in range(sweeps):
            s = naive.glauber_sweep_naive(w, s, orders[k, t], uniforms[k, t], beta)
        assert list(st[k]) == s


def test_reference_energy_and_overlaps_match_naive():
    rng = np.random.default_rng(13)
    n, p, b = 27, 5, 6
    patterns = pm1(rng, (p, n))
    w = weights_of(patterns)
    states = pm1(rng, (b, n))
    e = np.empty(b)
    reference.energy(w, states, e)
    np.testing.assert_array_equal(e, [naive.energy_naive(w, s) for s in states])
    m = np.empty((b, p))
    reference.overlaps(patterns, states, m)
    np.testing.assert_array_equal(m, [[naive.overlap_naive(x, s) for x in patterns] for s in states])


@pytest.mark.parametrize("mod", [reference, _cpu], ids=["numpy", "cpu"])
def test_zero_field_keeps_spin_and_sync_two_cycle(mod):
    # Patterns (1, 1, 1) and (1, 1, -1): W_02 = W_12 = 0, so neuron 2 always has a zero field and must keep
    # its spin; neurons 0 and 1 are coupled by W_01 = 2, and (1, -1, -1) flips both at every sync step.
    patterns = np.array([[1, 1, 1], [1, 1, -1]], np.int8)
    w = np.empty((3, 3), np.int32)
    mod.hebbian_weights(patterns, w)
    np.testing.assert_array_equal(w, [[0, 2, 0], [2, 0, 0], [0, 0, 0]])
    cues = np.array([[1, -1, -1], [1, -1, 1], [1, 1, -1], [-1, -1, 1]], np.int8)
    assert all(naive.field_naive(w, c, 2) == 0 for c in cues)
    st, steps, conv = run_sync(mod, w, cues, 5)
    np.testing.assert_array_equal(st, [[-1, 1, -1], [-1, 1, 1], [1, 1, -1], [-1, -1, 1]])
    np.testing.assert_array_equal(steps, [5, 5, 0, 0])
    np.testing.assert_array_equal(conv, [False, False, True, True])
    orders = np.array([[[2, 0, 1], [1, 2, 0], [0, 1, 2]]] * len(cues), np.int32)
    st, steps, conv = run_async(mod, w, cues, orders)
    np.testing.assert_array_equal(st[:, 2], cues[:, 2])  # kept through every visit
    np.testing.assert_array_equal(st, [[-1, -1, -1], [-1, -1, 1], [1, 1, -1], [-1, -1, 1]])
    np.testing.assert_array_equal(steps, [1, 1, 0, 0])
    assert conv.all()


# ------------------------------------------------------------------------------------------------------------
# Numba CPU against the reference: exact
# ------------------------------------------------------------------------------------------------------------

LOADS = [(64, 3), (101, 14), (150, 45), (97, 97)]  # alpha = P / N from 0.05 (retrieval) to 1 (spin glass)


@pytest.mark.parametrize(("n", "p"), LOADS)
def test_cpu_matches_reference(n, p):
    rng = np.random.default_rng(1000 + n + p)
    patterns = pm1(rng, (p, n))
    w_ref = weights_of(patterns)
    w_cpu = np.full((n, n), 99, np.int32)
    _cpu.hebbian_weights(patterns, w_cpu)
    np.testing.assert_array_equal(w_cpu, w_ref)

    cues = np.concatenate([noisy(patterns, 5, 0.15, rng), pm1(rng, (4, n))])
    b = len(cues)
    for got, want in zip(run_sync(_cpu, w_ref, cues, 25), run_sync(reference, w_ref, cues, 25), strict=True):
        np.testing.assert_array_equal(got, want)

    sweeps = 6
    orders = orders_for(rng, b, sweeps, n)
    for got, want in zip(run_async(_cpu, w_ref, cues, orders), run_async(reference, w_ref, cues, orders),
                         strict=True):
        np.testing.assert_array_equal(got, want)

    uniforms = rng.random((b, sweeps, n))
    for beta in (0.4, 1.5, 30.0, 1e6):
        np.testing.assert_array_equal(run_glauber(_cpu, w_ref, cues, orders, uniforms, beta),
                                      run_glauber(reference, w_ref, cues, orders, uniforms, beta))

    e_cpu, e_ref = np.empty(b), np.empty(b)
    _cpu.energy(w_ref, cues, e_cpu)
    reference.energy(w_ref, cues, e_ref)
    np.testing.assert_allclose(e_cpu, e_ref, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(e_cpu, e_ref)  # in fact bit-identical: exact integer sum, one IEEE division
    m_cpu, m_ref = np.empty((b, p)), np.empty((b, p))
    _cpu.overlaps(patterns, cues, m_cpu)
    reference.overlaps(patterns, cues, m_ref)
    np.testing.assert_array_equal(m_cpu, m_ref)


def test_cpu_sync_two_cycles_and_chunking():
    # High load: synchronous dynamics often ends in 2-cycles, which must hit max_steps unconverged.
    rng = np.random.default_rng(3)
    n, p, b, max_steps = 80, 60, 13, 15
    w = weights_of(pm1(rng, (p, n)))
    cues = pm1(rng, (b, n))
    want = run_sync(reference, w, cues, max_steps)
    assert (~want[2]).sum() >= 2 and (want[1][~want[2]] == max_steps).all()
    assert want[2].sum() >= 2
    for n_chunks in (1, 2, 3, 5, b, b + 4):  # any split of the batch into lockstep chunks gives the same result
        st = cues.copy()
        steps = np.full(b, -1, np.int32)
        conv = np.zeros(b, np.bool_)
        _cpu._sync_retrieve(w, st, max_steps, steps, conv, n_chunks)
        for got, exp in zip((st, steps, conv), want, strict=True):
            np.testing.assert_array_equal(got, exp)
    for got, exp in zip(run_sync(_cpu, w, cues, 0), (cues, np.zeros(b), np.zeros(b, bool)), strict=True):
        np.testing.assert_array_equal(got, exp)  # max_steps = 0: nothing moves, nothing converged


@pytest.mark.parametrize("b", [1, 2, 3, 4, 5, 8, 9])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 33, 37])
def test_cpu_exact_fields_all_tile_remainders(b, n):
    # The tiled product handles states in groups of 4 and neurons in quads plus a remainder.
    rng = np.random.default_rng(b * 100 + n)
    w = rng.integers(-50, 50, size=(n, n)).astype(np.int32)  # need not be symmetric here
    states = pm1(rng, (b, n))
    fields = np.full((b, n), 12345, np.int32)
    _cpu._exact_fields(w, states, fields)
    np.testing.assert_array_equal(fields, states.astype(np.int64) @ w.T.astype(np.int64))


def test_cpu_exact_for_large_weights():
    # Absolute row sums above 2**24, where float32 arithmetic would round (symmetric, zero diagonal).
    rng = np.random.default_rng(17)
    n, b = 45, 7
    a = rng.integers(-(2**20), 2**20, size=(n, n))
    w = np.triu(a, 1)
    w = (w + w.T).astype(np.int32)
    assert np.abs(w).sum(axis=1).max() >= 2**24
    cues = pm1(rng, (b, n))
    e_cpu, e_ref = np.empty(b), np.empty(b)
    _cpu.energy(w, cues, e_cpu)
    reference.energy(w, cues, e_ref)
    np.testing.assert_array_equal(e_cpu, e_ref)
    for got, want in zip(run_sync(_cpu, w, cues, 10), run_sync(reference, w, cues, 10), strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mod", [reference, _cpu], ids=["numpy", "cpu"])
def test_stored_patterns_are_fixed_points(mod):
    rng = np.random.default_rng(23)
    n, p, sweeps = 200, 5, 3
    patterns = pm1(rng, (p, n))
    w = np.empty((n, n), np.int32)
    mod.hebbian_weights(patterns, w)
    st, steps, conv = run_sync(mod, w, patterns, 10)
    np.testing.assert_array_equal(st, patterns)
    assert conv.all() and not steps.any()
    orders = orders_for(rng, p, sweeps, n)
    st, steps, conv = run_async(mod, w, patterns, orders)
    np.testing.assert_array_equal(st, patterns)
    assert conv.all() and not steps.any()
    # T = 0.02: exp(-2 beta h / N) underflows against 1, so p_up is exactly 1 (or 0) and nothing flips.
    st = run_glauber(mod, w, patterns, orders, rng.random((p, sweeps, n)), 50.0)
    np.testing.assert_array_equal(st, patterns)
    m = np.empty((p, p))
    mod.overlaps(patterns, patterns, m)
    np.testing.assert_array_equal(m.diagonal(), 1.0)
    e = np.empty(p)
    mod.energy(w, patterns, e)
    assert (e < -0.4).all()  # about -1/2 per neuron at low load


# ------------------------------------------------------------------------------------------------------------
# CUDA kernels under the simulator (subprocess: NUMBA_ENABLE_CUDASIM must be set before numba is imported)
# ------------------------------------------------------------------------------------------------------------


def test_cuda_kernels_match_reference_under_simulator():
    pytest.importorskip("numba.cuda")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "cudasim_hopfield.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "all kernels match the reference" in proc.stdout
