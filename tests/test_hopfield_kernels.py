"""Hopfield kernels: reference against brute-force oracles, Numba CPU against the reference (exact), and the
CUDA kernels against the reference under the CUDA simulator (in a subprocess, see ``cudasim_hopfield.py``).
The overlaps and overlap counts the Hopfield network uses are the shared kernels of :mod:`amsim.kernels` (tested
on their own in ``test_shared_kernels.py``), checked here on Hopfield states.

Symbols: N neurons, P patterns, B states, S sweeps. Kernels take the weights in the outgoing layout
``weights[j, i] = W_ij``; the oracles take ``w[i][j] = W_ij``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import run_under_cudasim

from amsim import backends
from amsim.bits import pack_bits
from amsim.families.hopfield import _cpu, reference, rules
from amsim.kernels import Convergence, Schedule, Trace

try:
    import naive
except ImportError:  # tests/ imported as a package
    from tests import naive

MODES = (0, 1, 2)  # zero temperature, Glauber, Metropolis


def pm1(rng, shape):
    """Random ±1 array of int8."""
    return (rng.integers(0, 2, size=shape) * 2 - 1).astype(np.int8)


def words(rng, shape):
    """Random uint32 words."""
    return rng.integers(0, 2**32, size=shape, dtype=np.uint32)


def noisy(patterns, b, noise, rng):
    """B cues: pattern k mod P with round(noise * N) spins flipped."""
    p, n = patterns.shape
    cues = patterns[np.arange(b) % p].copy()
    for row in cues:
        row[rng.choice(n, round(noise * n), replace=False)] *= -1
    return cues


def weights_of(patterns):
    n = patterns.shape[1]
    w = np.empty((n, n), rules.count_dtype(len(patterns)))
    reference.hebbian_weights(patterns, w)
    return w


def network(kind, rng, n, p):
    """(weights in the outgoing layout, bias, patterns) of a test network.

    hebb: integer counts; float: a symmetric float64 matrix with a bias, on the exactness grid; asym: Hebbian
    counts with independently removed synapses (W_ij != W_ji).
    """
    patterns = pm1(rng, (p, n))
    if kind == "hebb":
        return weights_of(patterns), np.zeros(n, np.int32), patterns
    if kind == "float":
        a = rng.normal(size=(n, n))
        w = np.triu(a, 1) + np.triu(a, 1).T + 0.3 * (patterns.T @ patterns)
        bias = rng.normal(size=n)
        rules.on_grid(w, bias)
        return w, bias, patterns
    w = weights_of(patterns)
    rules.dilute(w, 0.4, False, rng)
    assert (w != w.T).any()
    return np.ascontiguousarray(w.T), np.zeros(n, np.int32), patterns


def math_w(weights):
    """``w[i][j] = W_ij`` from the outgoing layout."""
    return weights.T


def shared(mod):
    """The shared kernels (:mod:`amsim.kernels`) of the backend of the Hopfield kernel module ``mod``."""
    return backends.kernels_like("amsim.kernels", mod)


def fields_of(weights, bias, states):
    f = np.empty(states.shape, bias.dtype)
    reference.local_fields(weights, bias, states, f)
    return f


def no_trace(b):
    return np.zeros((b, 0)), np.zeros((b, 0)), np.zeros((b, 0))


def traces(b, width, n, rng):
    return pm1(rng, (b, n)).astype(np.float64), np.full((b, width), np.nan), np.full((b, width), np.nan)


def run_sync(mod, weights, bias, cues, max_steps, trace=None):
    st, f = cues.copy(), fields_of(weights, bias, cues)
    steps = np.full(len(cues), -1, np.int32)
    conv = np.zeros(len(cues), np.bool_)
    readout, te, to = trace or no_trace(len(cues))
    mod.sync_retrieve(weights, bias, st, f, max_steps, Convergence(steps, conv), Trace(readout, te, to))
    return st, f, steps, conv, te, to


def run_sweeps(mod, weights, bias, cues, order_bits, uniform_bits, betas, mode, trace=None):
    st, f = cues.copy(), fields_of(weights, bias, cues)
    steps = np.full(len(cues), -1, np.int32)
    conv = np.ones(len(cues), np.bool_)
    readout, te, to = trace or no_trace(len(cues))
    mod.sweeps(weights, bias, st, f, Schedule(order_bits, uniform_bits, betas, mode), Convergence(steps, conv),
               Trace(readout, te, to))
    return st, f, steps, conv, te, to


def counts_of(patterns_t, states, dtype):
    return (states.astype(np.int64) @ patterns_t.astype(np.int64)).astype(dtype)


def run_engine(mod, engine, patterns, offset, cues, dtype, dynamics, pad=0, trace=None):
    """Sync (``dynamics = max_steps``) or sweeps (``dynamics = (order_bits, uniform_bits, betas, mode)``) on the
    pattern or bit engine; ``pad`` extra zero columns of the transposed patterns (pattern engine only), int8 as the
    engine holds them."""
    b = len(cues)
    pt = np.zeros((patterns.shape[1], patterns.shape[0] + pad), np.int8)
    pt[:, :patterns.shape[0]] = patterns.T
    st = cues.copy()
    counts = counts_of(pt if engine == "patterns" else patterns.T, cues, dtype)
    steps = np.full(b, -1, np.int32)
    conv = np.ones(b, np.bool_)
    convergence, trace = Convergence(steps, conv), Trace(*(trace or no_trace(b)))
    bits = (pack_bits(patterns), pack_bits(patterns.T))
    if isinstance(dynamics, int):
        if engine == "patterns":
            mod.pattern_sync(pt, offset, st, counts, dynamics, convergence, trace)
        else:
            mod.bit_sync(*bits, offset, st, counts, dynamics, convergence, trace)
    elif engine == "patterns":
        mod.pattern_sweeps(pt, offset, st, counts, Schedule(*dynamics), convergence, trace)
    else:
        mod.bit_sweeps(bits[1], offset, st, counts, Schedule(*dynamics), convergence, trace)
    return st, counts, steps, conv, trace.energy, trace.overlap


def assert_same(got, want):
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def naive_sweeps(w, bias, cues, order_bits, uniform_bits, betas, mode):
    """States, steps, converged and per-sweep states from the oracle."""
    n = cues.shape[1]
    finals, steps, conv, histories = [], [], [], []
    for k, cue in enumerate(cues):
        s, done, moved, history = list(cue), False, 0, []
        for t in range(len(betas)):
            order = naive.shuffle_naive(order_bits[k, t]) if order_bits.shape[1] else list(range(n))
            s, flips = naive.sweep_naive(w, s, order, uniform_bits[k, t] if mode else [0] * n, betas[t], mode, bias)
            if mode == 0 and flips == 0:
                done = True
                break
            moved += 1
            history.append(list(s))
        finals.append(s)
        steps.append(moved)
        conv.append(done)
        histories.append(history)
    return finals, steps, conv, histories


def check_traces(w, bias, readout, history, te, to, cue):
    """Entry t is the energy and readout of the state after sweep or step t; a stopped state keeps its last."""
    states = [list(cue), *history]
    for t in range(len(te)):
        s = states[min(t + 1, len(history))]
        assert te[t] == naive.energy_naive(w, s, bias)
        assert to[t] == float(np.dot(readout, s))


# ------------------------------------------------------------------------------------------------------------
# reference against the naive oracles
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "n"), [(1, 7), (2, 20), (3, 33), (6, 41)])
def test_reference_hebbian_matches_naive(p, n):
    patterns = pm1(np.random.default_rng(p * 100 + n), (p, n))
    w = weights_of(patterns)
    assert w.dtype == np.int8
    np.testing.assert_array_equal(w, np.array(naive.hebbian_weights_naive(patterns)))
    np.testing.assert_array_equal(w, w.T)
    assert not w.diagonal().any()


def test_reference_sync_step_matches_naive_with_ties():
    rng = np.random.default_rng(5)
    n, p, b = 31, 4, 40  # even P, odd N: fields are even and zero fields are common (N = 30 has none)
    w, bias, _ = network("hebb", rng, n, p)
    cues = pm1(rng, (b, n))
    ties = 0
    st, _, steps, conv, _, _ = run_sync(reference, w, bias, cues, 1)
    for k in range(b):
        want = naive.sync_step_naive(w, cues[k])
        ties += sum(naive.field_naive(w, cues[k], i) == 0 for i in range(n))
        np.testing.assert_array_equal(st[k], want)
        moved = want != list(cues[k])
        assert steps[k] == int(moved) and conv[k] == (not moved)
    assert ties > 20  # the tie rule was exercised


@pytest.mark.parametrize("kind", ["hebb", "float", "asym"])
@pytest.mark.parametrize(("n", "p", "max_steps"), [(20, 2, 10), (31, 6, 12), (40, 16, 8)])
def test_reference_sync_and_traces_match_naive(kind, n, p, max_steps):
    rng = np.random.default_rng(n + p)
    w, bias, _ = network(kind, rng, n, p)
    wm = math_w(w)
    cues = pm1(rng, (6, n))
    trace = traces(6, max_steps, n, rng)
    st, f, steps, conv, te, to = run_sync(reference, w, bias, cues, max_steps, trace)
    np.testing.assert_array_equal(f, fields_of(w, bias, st))
    for k in range(len(cues)):
        s, nsteps, done, history = list(cues[k]), 0, False, []
        for _ in range(max_steps):
            new = naive.sync_step_naive(wm, s, bias)
            if new == s:
                done = True
                break
            s, nsteps = new, nsteps + 1
            history.append(s)
        assert list(st[k]) == s and steps[k] == nsteps and conv[k] == done
        check_traces(wm, bias, trace[0][k], history, te[k], to[k], cues[k])


@pytest.mark.parametrize("kind", ["hebb", "float", "asym"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fixed", [False, True], ids=["random-order", "fixed-order"])
def test_reference_sweeps_and_traces_match_naive(kind, mode, fixed):
    rng = np.random.default_rng(7 * mode + fixed + len(kind))
    n, p, b, sweeps = 24, 5, 4, 3
    w, bias, _ = network(kind, rng, n, p)
    wm = math_w(w)
    cues = pm1(rng, (b, n))
    order_bits = words(rng, (b, 0 if fixed else sweeps, n))
    uniform_bits = words(rng, (b, sweeps if mode else 0, n))
    betas = np.array([0.3, 1.0, 4.0]) * (1.0 if kind != "float" else 0.2)
    trace = traces(b, sweeps, n, rng)
    st, f, steps, conv, te, to = run_sweeps(reference, w, bias, cues, order_bits, uniform_bits, betas, mode, trace)
    np.testing.assert_array_equal(f, fields_of(w, bias, st))
    finals, nsteps, done, histories = naive_sweeps(wm, bias, cues, order_bits, uniform_bits, betas, mode)
    assert st.tolist() == finals and steps.tolist() == nsteps and conv.tolist() == done
    for k in range(b):
        check_traces(wm, bias, trace[0][k], histories[k], te[k], to[k], cues[k])


def test_reference_energy_and_overlaps_match_naive():
    rng = np.random.default_rng(13)
    n, p, b = 27, 5, 6
    for kind in ("hebb", "float", "asym"):
        w, bias, patterns = network(kind, rng, n, p)
        states = pm1(rng, (b, n))
        e = np.empty(b)
        reference.energy(w, bias, states, e)
        np.testing.assert_array_equal(e, [naive.energy_naive(math_w(w), s, bias) for s in states])
    m = np.empty((b, p))
    shared(reference).overlaps(patterns, states, m)
    np.testing.assert_array_equal(m, [[naive.overlap_naive(x, s) for x in patterns] for s in states])


@pytest.mark.parametrize("engine", ["patterns", "bits"])
@pytest.mark.parametrize("self_coupling", [False, True])
def test_reference_pattern_engines_match_naive(engine, self_coupling):
    rng = np.random.default_rng(17 + self_coupling)
    n, p, b, sweeps = 30, 6, 5, 3
    patterns = pm1(rng, (p, n))
    w = np.array(naive.hebbian_weights_naive(patterns))
    if self_coupling:
        np.fill_diagonal(w, p)
    offset = (p if self_coupling else 0) - p
    cues = noisy(patterns, b, 0.3, rng)
    counts = np.empty((b, p), np.int32)
    shared(reference).overlap_counts(pack_bits(patterns), cues, counts)
    np.testing.assert_array_equal(counts, [[n * naive.overlap_naive(x, s) for x in patterns] for s in cues])
    trace = traces(b, 8, n, rng)
    st, m, steps, conv, te, to = run_engine(reference, engine, patterns, offset, cues, np.int32, 8, trace=trace)
    np.testing.assert_array_equal(m, counts_of(patterns.T, st, np.int32))
    for k in range(b):
        s, nsteps, done, history = list(cues[k]), 0, False, []
        for _ in range(8):
            new = naive.sync_step_naive(w, s)
            if new == s:
                done = True
                break
            s, nsteps = new, nsteps + 1
            history.append(s)
        assert st[k].tolist() == s and steps[k] == nsteps and conv[k] == done
        check_traces(w, None, trace[0][k], history, te[k], to[k], cues[k])
    for mode in MODES:
        dyn = (words(rng, (b, sweeps, n)), words(rng, (b, sweeps if mode else 0, n)), np.full(sweeps, 0.8), mode)
        st, m, steps, conv, _, _ = run_engine(reference, engine, patterns, offset, cues, np.int32, dyn, pad=3)
        finals, nsteps, done, _ = naive_sweeps(w, None, cues, *dyn)
        assert st.tolist() == finals and steps.tolist() == nsteps and conv.tolist() == done
        np.testing.assert_array_equal(m[:, :p], counts_of(patterns.T, st, np.int32))


@pytest.mark.parametrize("self_coupling", [False, True])
def test_reference_hebbian_stability_matches_naive(self_coupling):
    rng = np.random.default_rng(19)
    for n, p in ((20, 2), (25, 4), (40, 9)):
        patterns = pm1(rng, (p, n))
        w = np.array(naive.hebbian_weights_naive(patterns))
        if self_coupling:
            np.fill_diagonal(w, p)
        stable = np.empty(p, np.bool_)
        reference.hebbian_stability(patterns, p if self_coupling else 0, stable)
        assert stable.tolist() == [naive.fixed_point_naive(w, x) for x in patterns]


@pytest.mark.parametrize("mod", [reference, _cpu], ids=["numpy", "cpu"])
def test_zero_field_keeps_spin_and_sync_two_cycle(mod):
    # Patterns (1, 1, 1) and (1, 1, -1): W_02 = W_12 = 0, so neuron 2 always has a zero field and must keep
    # its spin; neurons 0 and 1 are coupled by W_01 = 2, and (1, -1, -1) flips both at every sync step.
    patterns = np.array([[1, 1, 1], [1, 1, -1]], np.int8)
    w = np.empty((3, 3), np.int8)
    mod.hebbian_weights(patterns, w)
    np.testing.assert_array_equal(w, [[0, 2, 0], [2, 0, 0], [0, 0, 0]])
    bias = np.zeros(3, np.int32)
    cues = np.array([[1, -1, -1], [1, -1, 1], [1, 1, -1], [-1, -1, 1]], np.int8)
    assert all(naive.field_naive(w, c, 2) == 0 for c in cues)
    for max_steps, first in ((5, [-1, 1]), (6, [1, -1])):  # the 2-cycle ends on either state by parity
        st, _, steps, conv, _, _ = run_sync(mod, w, bias, cues, max_steps)
        np.testing.assert_array_equal(st, [[*first, -1], [*first, 1], [1, 1, -1], [-1, -1, 1]])
        np.testing.assert_array_equal(steps, [max_steps, max_steps, 0, 0])
        np.testing.assert_array_equal(conv, [False, False, True, True])
    fixed = np.zeros((len(cues), 0, 3), np.uint32)
    st, _, steps, conv, _, _ = run_sweeps(mod, w, bias, cues, fixed, fixed, np.zeros(3), 0)
    np.testing.assert_array_equal(st[:, 2], cues[:, 2])  # kept through every visit
    np.testing.assert_array_equal(st, [[-1, -1, -1], [-1, -1, 1], [1, 1, -1], [-1, -1, 1]])
    np.testing.assert_array_equal(steps, [1, 1, 0, 0])
    assert conv.all()


# ------------------------------------------------------------------------------------------------------------
# Numba CPU against the reference: exact
# ------------------------------------------------------------------------------------------------------------

# alpha = P / N from 0.05 (retrieval) to 1 (spin glass); P = 130 needs int16 counts
LOADS = [(64, 3), (101, 14), (150, 45), (97, 97), (140, 130)]


@pytest.mark.parametrize(("n", "p"), LOADS)
def test_cpu_dense_matches_reference(n, p):
    rng = np.random.default_rng(1000 + n + p)
    patterns = pm1(rng, (p, n))
    w_ref = weights_of(patterns)
    w_cpu = np.full((n, n), 99, w_ref.dtype)
    _cpu.hebbian_weights(patterns, w_cpu)
    np.testing.assert_array_equal(w_cpu, w_ref)
    networks = [(w_ref, np.zeros(n, np.int32)), (w_ref.astype(np.int32), np.zeros(n, np.int32))]
    if n < 100:
        networks += [network("float", rng, n, p)[:2], network("asym", rng, n, p)[:2]]
    cues = np.concatenate([noisy(patterns, 5, 0.15, rng), pm1(rng, (4, n))])
    b, sweeps = len(cues), 5
    for w, bias in networks:
        f_cpu, f_ref = np.empty((b, n), bias.dtype), fields_of(w, bias, cues)
        _cpu.local_fields(w, bias, cues, f_cpu)
        np.testing.assert_array_equal(f_cpu, f_ref)
        for max_steps in (24, 25):
            trace = traces(b, max_steps, n, rng)
            want = run_sync(reference, w, bias, cues, max_steps, trace)
            assert_same(run_sync(_cpu, w, bias, cues, max_steps, trace), want)
        for mode, fixed in itertools.product(MODES, (False, True)):
            order_bits = words(rng, (b, 0 if fixed else sweeps, n))
            uniform_bits = words(rng, (b, sweeps if mode else 0, n))
            betas = np.array([0.4, 1.5, 30.0, 1e6, 2.0]) / (1.0 if bias.dtype == np.int32 else 5.0)
            trace = traces(b, sweeps, n, rng)
            args = (w, bias, cues, order_bits, uniform_bits, betas, mode, trace)
            assert_same(run_sweeps(_cpu, *args), run_sweeps(reference, *args))
        e_cpu, e_ref = np.empty(b), np.empty(b)
        _cpu.energy(w, bias, cues, e_cpu)
        reference.energy(w, bias, cues, e_ref)
        np.testing.assert_array_equal(e_cpu, e_ref)  # bit-identical: exact sums, one IEEE division
    m_cpu, m_ref = np.empty((b, p)), np.empty((b, p))
    shared(_cpu).overlaps(patterns, cues, m_cpu)
    shared(reference).overlaps(patterns, cues, m_ref)
    np.testing.assert_array_equal(m_cpu, m_ref)


@pytest.mark.parametrize("engine", ["patterns", "bits"])
@pytest.mark.parametrize(("n", "p"), [(64, 3), (101, 14), (150, 45), (97, 97), (140, 130)])
def test_cpu_pattern_engines_match_reference(engine, n, p):
    rng = np.random.default_rng(2000 + n + p)
    patterns = pm1(rng, (p, n))
    cues = np.concatenate([noisy(patterns, 5, 0.15, rng), pm1(rng, (4, n))])
    b, sweeps = len(cues), 4
    for offset, dtype, pad in ((-p, np.int16, 32 - p % 32), (0, np.int32, 0)):
        dtype = dtype if engine == "patterns" else np.int32
        pad = pad if engine == "patterns" else 0
        c_cpu, c_ref = np.empty((b, p), dtype), np.empty((b, p), dtype)
        shared(_cpu).overlap_counts(pack_bits(patterns), cues, c_cpu)
        shared(reference).overlap_counts(pack_bits(patterns), cues, c_ref)
        np.testing.assert_array_equal(c_cpu, c_ref)
        for max_steps in (24, 25):
            trace = traces(b, max_steps, n, rng)
            args = (engine, patterns, offset, cues, dtype, max_steps, pad, trace)
            assert_same(run_engine(_cpu, *args), run_engine(reference, *args))
        for mode in MODES:
            dyn = (words(rng, (b, sweeps, n)), words(rng, (b, sweeps if mode else 0, n)),
                   np.array([0.4, 1.5, 30.0, 2.0]), mode)
            trace = traces(b, sweeps, n, rng)
            args = (engine, patterns, offset, cues, dtype, dyn, pad, trace)
            assert_same(run_engine(_cpu, *args), run_engine(reference, *args))


def test_engines_give_the_dense_states():
    # The three engines are exact reformulations of the same Hebbian fields: identical states and traces.
    rng = np.random.default_rng(29)
    n, p, b, sweeps = 90, 12, 6, 4
    patterns = pm1(rng, (p, n))
    w, bias = weights_of(patterns), np.zeros(n, np.int32)
    cues = noisy(patterns, b, 0.3, rng)
    dyn = (words(rng, (b, sweeps, n)), words(rng, (b, sweeps, n)), np.full(sweeps, 1.2), 1)
    dense = run_sweeps(_cpu, w, bias, cues, *dyn)
    for engine in ("patterns", "bits"):
        got = run_engine(_cpu, engine, patterns, -p, cues, np.int32, dyn)
        for g, d in zip(got[:1] + got[2:4], dense[:1] + dense[2:4], strict=True):
            np.testing.assert_array_equal(g, d)
    dense = run_sync(_cpu, w, bias, cues, 20)
    for engine in ("patterns", "bits"):
        got = run_engine(_cpu, engine, patterns, -p, cues, np.int32, 20)
        for g, d in zip(got[:1] + got[2:4], dense[:1] + dense[2:4], strict=True):
            np.testing.assert_array_equal(g, d)


@pytest.mark.parametrize(("n", "p"), [(300, 30), (200, 25), (2000, 130)])
def test_cpu_hebbian_stability_matches_reference(n, p):
    rng = np.random.default_rng(n + p)
    patterns = pm1(rng, (p, n))
    for diagonal in (p, 0):
        want, got = np.empty(p, np.bool_), np.empty(p, np.bool_)
        reference.hebbian_stability(patterns, diagonal, want)
        _cpu.hebbian_stability(patterns, diagonal, got)
        np.testing.assert_array_equal(got, want)
    assert 0 < want.sum() < p  # without self-coupling, stable and unstable patterns both occur


def test_cpu_sync_two_cycles_and_chunking():
    # High load: synchronous dynamics often ends in 2-cycles, which must hit max_steps unconverged.
    rng = np.random.default_rng(3)
    n, p, b, max_steps = 80, 60, 13, 15
    patterns = pm1(rng, (p, n))
    w, bias = weights_of(patterns), np.zeros(n, np.int32)
    cues = pm1(rng, (b, n))
    trace = traces(b, max_steps, n, rng)
    want = run_sync(reference, w, bias, cues, max_steps, trace)
    assert (~want[3]).sum() >= 2 and (want[2][~want[3]] == max_steps).all()
    assert want[3].sum() >= 2
    counts = counts_of(patterns.T, cues, np.int16)
    for n_chunks in (1, 2, 3, 5, b, b + 4):  # any split of the batch into lockstep chunks gives the same result
        st, f = cues.copy(), fields_of(w, bias, cues)
        steps = np.full(b, -1, np.int32)
        conv = np.zeros(b, np.bool_)
        te, to = np.empty((b, max_steps)), np.empty((b, max_steps))
        _cpu._sync_retrieve(w, bias, st, f, max_steps, steps, conv, trace[0], te, to, n_chunks)
        assert_same((st, f, steps, conv, te, to), want)
        st, c = cues.copy(), counts.copy()
        patterns_t = np.ascontiguousarray(patterns.T, dtype=np.int16)
        _cpu._pattern_sync(patterns_t, -p, st, c, max_steps, steps, conv, trace[0], te, to, n_chunks)
        assert_same((st, steps, conv, te, to), want[:1] + want[2:])
    got = run_sync(_cpu, w, bias, cues, 0)
    assert_same(got[:4], (cues, fields_of(w, bias, cues), np.zeros(b), np.zeros(b, bool)))  # max_steps = 0


@pytest.mark.parametrize("b", [1, 2, 3, 7, 8, 9, 17])
@pytest.mark.parametrize("n", [1, 2, 5, 33])
def test_cpu_local_fields_all_block_remainders(b, n):
    # States go in blocks of 8; the weights need not be symmetric here.
    rng = np.random.default_rng(b * 100 + n)
    w = rng.integers(-50, 50, size=(n, n)).astype(np.int32)
    bias = rng.integers(-9, 9, size=n).astype(np.int32)
    states = pm1(rng, (b, n))
    fields = np.full((b, n), 12345, np.int32)
    _cpu.local_fields(w, bias, states, fields)
    np.testing.assert_array_equal(fields, states.astype(np.int64) @ w.astype(np.int64) + bias)


def test_cpu_exact_for_large_weights():
    # Absolute row sums above 2**24, where float32 arithmetic would round (symmetric, zero diagonal).
    rng = np.random.default_rng(17)
    n, b = 45, 7
    a = rng.integers(-(2**20), 2**20, size=(n, n))
    w = np.triu(a, 1)
    w = (w + w.T).astype(np.int32)
    bias = np.zeros(n, np.int32)
    assert np.abs(w).sum(axis=1).max() >= 2**24
    cues = pm1(rng, (b, n))
    e_cpu, e_ref = np.empty(b), np.empty(b)
    _cpu.energy(w, bias, cues, e_cpu)
    reference.energy(w, bias, cues, e_ref)
    np.testing.assert_array_equal(e_cpu, e_ref)
    assert_same(run_sync(_cpu, w, bias, cues, 10), run_sync(reference, w, bias, cues, 10))


@pytest.mark.parametrize("mod", [reference, _cpu], ids=["numpy", "cpu"])
def test_stored_patterns_are_fixed_points(mod):
    rng = np.random.default_rng(23)
    n, p, sweeps = 200, 5, 3
    patterns = pm1(rng, (p, n))
    w = np.empty((n, n), np.int8)
    mod.hebbian_weights(patterns, w)
    bias = np.zeros(n, np.int32)
    st, _, steps, conv, _, _ = run_sync(mod, w, bias, patterns, 10)
    np.testing.assert_array_equal(st, patterns)
    assert conv.all() and not steps.any()
    order_bits = words(rng, (p, sweeps, n))
    st, _, steps, conv, _, _ = run_sweeps(mod, w, bias, patterns, order_bits, order_bits[:, :0], np.zeros(sweeps), 0)
    np.testing.assert_array_equal(st, patterns)
    assert conv.all() and not steps.any()
    # T = 0.02: exp(-2 beta h / N) underflows against 1, so p_up is exactly 1 (or 0) and nothing flips.
    for mode in (1, 2):
        st = run_sweeps(mod, w, bias, patterns, order_bits, words(rng, (p, sweeps, n)), np.full(sweeps, 50.0),
                        mode)[0]
        np.testing.assert_array_equal(st, patterns)
    stable = np.empty(p, np.bool_)
    mod.hebbian_stability(patterns, 0, stable)
    assert stable.all()
    m = np.empty((p, p))
    shared(mod).overlaps(patterns, patterns, m)
    np.testing.assert_array_equal(m.diagonal(), 1.0)
    e = np.empty(p)
    mod.energy(w, bias, patterns, e)
    assert (e < -0.4).all()  # about -1/2 per neuron at low load


# ------------------------------------------------------------------------------------------------------------
# CUDA kernels under the simulator (subprocess: NUMBA_ENABLE_CUDASIM must be set before numba is imported)
# ------------------------------------------------------------------------------------------------------------


def test_cuda_kernels_match_reference_under_simulator():
    run_under_cudasim("cudasim_hopfield.py")
