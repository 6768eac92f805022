"""Dense-family kernels: the reference against brute-force oracles (the update rule from its definition, the
separation functions from theirs), the Numba CPU twin against the reference (exact for the ±1 dynamics), and the
CUDA twin against the reference under the CUDA simulator (a subprocess, ``cudasim_dense.py``).

Symbols: N neurons, P patterns, B states, S sweeps.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_under_cudasim

from amsim.bits import pack_bits
from amsim.families.dense import _cpu, energies, reference
from amsim.kernels import Convergence, Schedule
from amsim.kernels.layout import transposed

try:
    import naive
except ImportError:  # tests/ imported as a package
    from tests import naive


def pm1(rng, shape):
    """Random ±1 array of int8."""
    return (rng.integers(0, 2, size=shape) * 2 - 1).astype(np.int8)


def schedule(rng, b, sweeps, n, mode, fixed=False, betas=(0.5, 2.0, 6.0, 20.0)):
    """A Schedule of ``sweeps`` sweeps: random orders (or the fixed order), words for Glauber (mode 1)."""
    return Schedule(rng.integers(0, 2**32, (b, 0 if fixed else sweeps, n), dtype=np.uint32),
                    rng.integers(0, 2**32, (b, sweeps if mode else 0, n), dtype=np.uint32),
                    np.array(betas[:sweeps]) * mode, mode)


class Problem:
    """A stored memory in the kernels' layouts, and runners taking the kernel module as an argument."""

    def __init__(self, energy, degree, n, n_patterns, rng, patterns=None):
        self.energy, self.n = energy, n
        self.patterns = pm1(rng, (n_patterns, n)) if patterns is None else patterns
        n_patterns = len(self.patterns)
        self.bits = pack_bits(self.patterns)
        if energy == "exponential":
            self.bits_t = np.ascontiguousarray(self.bits.T)
            self.weights = energies.exponential_weights(n_patterns)
        else:
            self.patterns_t = transposed(self.patterns, -(-n_patterns // 32) * 32)
            self.sums, self.diffs = energies.polynomial_tables(energy, degree, n, n_patterns)
            self.scale = energies.energy_scale(degree, n)

    def cues(self, b, noise, rng):
        """B cues: pattern k mod P with round(noise N) spins flipped."""
        cues = self.patterns[np.arange(b) % len(self.patterns)].copy()
        for row in cues:
            row[rng.choice(self.n, round(noise * self.n), replace=False)] *= -1
        return cues

    def sweeps(self, module, cues, sched):
        states = cues.copy()
        conv = Convergence(np.full(len(cues), 7, np.int32), np.ones(len(cues), np.bool_))
        if self.energy == "exponential":
            module.exponential_sweeps(self.bits_t, self.weights, states, sched, conv)
        else:
            module.polynomial_sweeps(self.patterns_t, self.bits, self.sums, self.diffs, self.scale, states, sched,
                                     conv)
        return states, conv.steps, conv.converged

    def sync(self, module, cues, max_steps):
        states = cues.copy()
        conv = Convergence(np.full(len(cues), 7, np.int32), np.ones(len(cues), np.bool_))
        if self.energy == "exponential":
            module.exponential_sync(self.bits_t, self.weights, states, max_steps, conv)
        else:
            module.polynomial_sync(self.patterns_t, self.bits, self.sums, self.diffs, states, max_steps, conv)
        return states, conv.steps, conv.converged


def _same(got, want):
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


ENERGIES = [("polynomial", 2), ("polynomial", 3), ("polynomial", 5), ("rectified", 3), ("rectified", 8),
            ("exponential", 3)]


@pytest.mark.parametrize(("energy", "degree"), ENERGIES)
def test_reference_follows_the_update_rule_by_its_definition(energy, degree):
    """One fixed-order sweep and one synchronous step against the brute-force difference of F (exact integers;
    floats summed exactly for the exponential), on random small memories and cues."""
    rng = np.random.default_rng(degree + len(energy))
    for _ in range(6):
        n, n_patterns = int(rng.integers(4, 13)), int(rng.integers(1, 9))
        problem = Problem(energy, degree, n, n_patterns, rng)
        cue = pm1(rng, (1, n))
        want, _ = naive.dense_sweep_naive(problem.patterns, cue[0], range(n), energy, degree)
        np.testing.assert_array_equal(problem.sweeps(reference, cue, schedule(rng, 1, 1, n, 0, fixed=True))[0][0],
                                      want)
        want = naive.dense_sync_step_naive(problem.patterns, cue[0], energy, degree)
        np.testing.assert_array_equal(problem.sync(reference, cue, 1)[0][0], want)


def test_a_zero_field_keeps_the_spin():
    """Two opposite patterns cancel every field when G is even (odd p): nothing moves, on every backend."""
    patterns = np.array([[1, -1, 1, 1], [-1, 1, -1, -1]], np.int8)
    cue = np.array([[1, 1, 1, -1]], np.int8)
    for degree in (3, 5):
        problem = Problem("polynomial", degree, 4, 2, None, patterns=patterns)
        for module in (reference, _cpu):
            states, steps, converged = problem.sweeps(module, cue, schedule(np.random.default_rng(0), 1, 3, 4, 0))
            assert (states == cue).all() and steps[0] == 0 and converged[0]
            states, steps, converged = problem.sync(module, cue, 3)
            assert (states == cue).all() and steps[0] == 0 and converged[0]


def test_the_int64_bound_switches_to_float_sums_where_it_must():
    # p = 8, N = 100: max |U| = G(99) + G(101) = 102^8 - 98^8 and max |D| = G(101) - G(99) at m = N
    top = (102**8 - 98**8) + (102**8 - 2 * 100**8 + 98**8)
    limit = (2**63 - 1) // top
    assert limit == 2686
    assert energies.exact_int64("polynomial", 8, 100, limit)
    assert not energies.exact_int64("polynomial", 8, 100, limit + 1)
    assert energies.polynomial_tables("polynomial", 8, 100, limit + 1)[0].dtype == np.float64
    assert energies.exact_int64("polynomial", 3, 1000, 10**11)  # the benchmark's p = 3 is far inside


def test_exponential_weights_make_every_product_exact():
    for n_patterns in (1, 1000, 10**6, 2**31 - 1):
        w = energies.exponential_weights(n_patterns)
        keep = 53 - n_patterns.bit_length()
        assert len(w) == energies.exponential_cutoff(n_patterns) // 2 + 1
        assert n_patterns * np.exp(-2.0 * len(w)) <= 2.0**-53  # the dropped gaps are below one ulp of the top term
        for j, value in enumerate(w):
            mantissa = np.frexp(value)[0] * 2.0**keep
            assert mantissa == np.round(mantissa)  # at most 53 - bits(P) significant bits
            assert value == pytest.approx(np.exp(-2.0 * j), rel=2.0**-keep)


def _random_problems(rng, count):
    for trial in range(count):
        energy = ("polynomial", "rectified", "exponential")[trial % 3]
        degree = (2, 3, 4, 6)[trial % 4]
        n, n_patterns = int(rng.integers(8, 60)), int(rng.integers(1, 70))
        yield Problem(energy, degree if energy != "exponential" else 3, n, n_patterns, rng), trial % 2


def test_cpu_matches_the_reference_exactly():
    """Random memories, cues at every noise level, zero temperature and Glauber, random and fixed orders; the
    synchronous dynamics to a limit that some runs reach in a 2-cycle."""
    rng = np.random.default_rng(11)
    cycles = 0
    for problem, mode in _random_problems(rng, 24):
        cues = problem.cues(3, rng.uniform(0, 0.5), rng)
        sched = schedule(rng, 3, 3, problem.n, mode, fixed=rng.random() < 0.3)
        _same(problem.sweeps(_cpu, cues, sched), problem.sweeps(reference, cues, sched))
        want = problem.sync(reference, cues, 9)
        _same(problem.sync(_cpu, cues, 9), want)
        cycles += int((want[1] == 9).sum())
    assert cycles, "no synchronous run reached the limit: the 2-cycle shortcut went untested"


def test_cpu_matches_the_reference_on_float_sums():
    """Memories beyond the int64 bound sum float64 terms in the reference's lane order: the same path on float64
    tables of a small memory (p = 5, large enough P for several lanes and rounding)."""
    rng = np.random.default_rng(12)
    problem = Problem("rectified", 5, 45, 300, rng)
    problem.sums, problem.diffs = problem.sums.astype(np.float64) * 1.1, problem.diffs.astype(np.float64) * 1.1
    cues = problem.cues(3, 0.3, rng)
    for mode in (0, 1):
        sched = schedule(rng, 3, 2, 45, mode)
        _same(problem.sweeps(_cpu, cues, sched), problem.sweeps(reference, cues, sched))
    _same(problem.sync(_cpu, cues, 4), problem.sync(reference, cues, 4))


@pytest.mark.parametrize(("n", "n_patterns", "noise"), [(256, 3000, 0.1), (64, 4000, 0.5), (130, 500, 0.45)])
def test_cpu_exponential_candidates_match_the_full_reference(n, n_patterns, noise):
    """The CPU keeps only candidate patterns (and counts them again when one outside might matter); the reference
    looks at every pattern at every visit. Good cues (few candidates) and random ones (many, recounted)."""
    rng = np.random.default_rng(n)
    problem = Problem("exponential", 3, n, n_patterns, rng)
    cues = problem.cues(2, noise, rng)
    for mode in (0, 1):
        sched = schedule(rng, 2, 2, n, mode)
        _same(problem.sweeps(_cpu, cues, sched), problem.sweeps(reference, cues, sched))
    _same(problem.sync(_cpu, cues, 3), problem.sync(reference, cues, 3))


def test_sync_two_cycle_runs_to_the_limit():
    problem = Problem("polynomial", 2, 3, 2, None, patterns=np.array([[1, 1, 1], [1, 1, -1]], np.int8))
    cues = np.array([[1, -1, -1], [1, 1, -1]], np.int8)
    for limit, end in ((5, [-1, 1, -1]), (6, [1, -1, -1])):
        for module in (reference, _cpu):
            states, steps, converged = problem.sync(module, cues, limit)
            assert states[0].tolist() == end and steps.tolist() == [limit, 0] and converged.tolist() == [False, True]


# ------------------------------------------------------------------------------------------------------------
# Modern Hopfield kernels
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "alpha", "offset"), [(0, 1.5, 0.0), (1, 1.5, 1.0), (2, 1.5, None), (3, 2.0, None),
                                                       (3, 1.5, None), (3, 1.2, None)])
def test_separation_follows_its_definition(kind, alpha, offset):
    rng = np.random.default_rng(kind)
    scores = rng.normal(size=(4, 30)) * 3
    for module in (reference, _cpu):
        out = np.empty_like(scores)
        module.separation(scores, kind, alpha, out)
        for z, row in zip(scores, out, strict=True):
            want = naive.softmax_naive(z, offset) if offset is not None else \
                naive.simplex_projection_naive(z, 2.0 if kind == 2 else alpha)
            np.testing.assert_allclose(row, want, rtol=1e-9, atol=1e-12)
    if offset == 1.0:  # softmax_1's weights sum to less than 1, towards 0 when every score is very negative
        out = np.empty((1, 30))
        reference.separation(-50.0 + scores[:1], 1, alpha, out)
        assert out.sum() < 1e-19


def test_entmax_limits_are_sparsemax_and_softmax():
    z = np.random.default_rng(1).normal(size=(3, 50)) * 2
    sparse, near_two, soft, near_one = (np.empty_like(z) for _ in range(4))
    reference.separation(z, 2, 1.5, sparse)
    reference.separation(z, 3, 2.0 - 1e-9, near_two)
    reference.separation(z, 0, 1.5, soft)
    reference.separation(z, 3, 1.0 + 1e-4, near_one)
    np.testing.assert_allclose(near_two, sparse, atol=1e-8)
    np.testing.assert_allclose(near_one, soft, atol=1e-3)
    assert (sparse == 0).any() and (soft > 0).all()


@pytest.mark.parametrize("kind", [0, 1, 2, 3])
def test_cpu_attention_matches_the_reference_over_many_key_chunks(kind, monkeypatch):
    monkeypatch.setattr(_cpu, "_SCORE_BYTES", 4096)  # 256-key chunks: 4 of them and a partial one
    rng = np.random.default_rng(kind)
    q, k, v = rng.normal(size=(9, 16)), rng.normal(size=(1100, 16)), rng.normal(size=(1100, 7))
    want, got = np.empty((9, 7)), np.empty((9, 7))
    reference.attend(q, k, v, 0.9, kind, 1.4, want)
    _cpu.attend(q, k, v, 0.9, kind, 1.4, got)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    got32 = np.empty((9, 7), np.float32)
    _cpu.attend(q.astype(np.float32), k.astype(np.float32), v.astype(np.float32), 0.9, kind, 1.4, got32)
    np.testing.assert_allclose(got32, want, rtol=1e-5, atol=1e-6)


def test_cuda_kernels_match_the_reference_under_the_simulator():
    """One problem per kernel and path (the simulator runs every CUDA thread as a Python thread)."""
    run_under_cudasim("cudasim_dense.py")


@pytest.mark.slow
def test_cuda_kernels_match_the_reference_under_the_simulator_on_every_problem(monkeypatch):
    monkeypatch.setenv("AMSIM_CUDASIM_FULL", "1")
    run_under_cudasim("cudasim_dense.py")
