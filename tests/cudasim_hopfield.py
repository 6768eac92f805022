"""Hopfield CUDA kernels against the NumPy reference, under the CUDA simulator.

Not collected by pytest: ``tests/test_hopfield_kernels.py`` runs it in a subprocess with
``NUMBA_ENABLE_CUDASIM=1`` (Numba reads the variable at import time; the rest of the suite runs without it).
Threads per block are patched small (``amsim.backends.CUDA_THREADS_PER_BLOCK``) and N is not a multiple of
them, so partial blocks, strided slices and grid striding are exercised. Exits non-zero on the first mismatch.
Symbols: N neurons, P patterns, B states, S sweeps.
"""

from __future__ import annotations

import os
import sys
import time

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    sys.exit("cudasim_hopfield.py must run with NUMBA_ENABLE_CUDASIM=1")

import numpy as np  # noqa: E402

from amsim import backends  # noqa: E402
from amsim.families.hopfield import _cuda, reference  # noqa: E402


def _pm1(rng, shape):
    return (rng.integers(0, 2, size=shape) * 2 - 1).astype(np.int8)


def _orders(rng, b, s, n):
    return rng.permuted(np.broadcast_to(np.arange(n, dtype=np.int32), (b, s, n)), axis=2)


def _same(name, got, want):
    if not np.array_equal(got, want):
        raise AssertionError(f"{name}: cuda differs from reference\ncuda:\n{got}\nreference:\n{want}")


def check_problem(tpb, n, p, b, sweeps, seed):
    """Every kernel on one random problem with ``tpb`` threads per block; returns the sync converged flags."""
    backends.CUDA_THREADS_PER_BLOCK = tpb
    rng = np.random.default_rng(seed)
    patterns = _pm1(rng, (p, n))
    w_ref = np.empty((n, n), np.int32)
    w_gpu = np.full((n, n), 7, np.int32)
    reference.hebbian_weights(patterns, w_ref)
    _cuda.hebbian_weights(patterns, w_gpu)
    _same("hebbian_weights", w_gpu, w_ref)

    cues = _pm1(rng, (b, n))
    cues[0] = patterns[0]  # a stored pattern among random cues
    results = {}
    for name, mod in (("ref", reference), ("gpu", _cuda)):
        st = cues.copy()
        steps = np.full(b, -1, np.int32)
        conv = np.zeros(b, np.bool_)
        mod.sync_retrieve(w_ref, st, 6, steps, conv)
        results[name] = (st, steps, conv)
    for k, what in enumerate(("sync states", "sync steps", "sync converged")):
        _same(what, results["gpu"][k], results["ref"][k])
    sync_converged = results["ref"][2]

    orders = _orders(rng, b, sweeps, n)
    for name, mod in (("ref", reference), ("gpu", _cuda)):
        st = cues.copy()
        steps = np.full(b, -1, np.int32)
        conv = np.zeros(b, np.bool_)
        mod.async_retrieve(w_ref, st, orders, steps, conv)
        results[name] = (st, steps, conv)
    for k, what in enumerate(("async states", "async steps", "async converged")):
        _same(what, results["gpu"][k], results["ref"][k])

    uniforms = rng.random((b, sweeps, n))
    for beta in (0.5, 2.0):
        st_ref, st_gpu = cues.copy(), cues.copy()
        reference.glauber_sweeps(w_ref, st_ref, orders, uniforms, beta)
        _cuda.glauber_sweeps(w_ref, st_gpu, orders, uniforms, beta)
        _same(f"glauber states (beta={beta})", st_gpu, st_ref)

    e_ref, e_gpu = np.empty(b), np.empty(b)
    reference.energy(w_ref, cues, e_ref)
    _cuda.energy(w_ref, cues, e_gpu)
    _same("energy", e_gpu, e_ref)
    m_ref, m_gpu = np.empty((b, p)), np.empty((b, p))
    reference.overlaps(patterns, cues, m_ref)
    _cuda.overlaps(patterns, cues, m_gpu)
    _same("overlaps", m_gpu, m_ref)
    return sync_converged


def check_two_cycle_and_tie():
    """Patterns (1, 1, 1), (1, 1, -1): neuron 2 always has a zero field (kept); (1, -1, -1) 2-cycles."""
    backends.CUDA_THREADS_PER_BLOCK = 8
    patterns = np.array([[1, 1, 1], [1, 1, -1]], np.int8)
    w = np.empty((3, 3), np.int32)
    _cuda.hebbian_weights(patterns, w)
    st = np.array([[1, -1, -1], [1, 1, -1]], np.int8)
    steps = np.zeros(2, np.int32)
    conv = np.zeros(2, np.bool_)
    _cuda.sync_retrieve(w, st, 5, steps, conv)
    _same("2-cycle states", st, np.array([[-1, 1, -1], [1, 1, -1]], np.int8))
    _same("2-cycle steps", steps, np.array([5, 0], np.int32))
    _same("2-cycle converged", conv, np.array([False, True]))


def check_stored_patterns_fixed():
    """At low load (N = 200, P = 5) stored patterns are fixed points of every dynamics (two of them: speed)."""
    backends.CUDA_THREADS_PER_BLOCK = 64
    rng = np.random.default_rng(23)
    n, p, sweeps = 200, 5, 1
    patterns = _pm1(rng, (p, n))
    w = np.empty((n, n), np.int32)
    reference.hebbian_weights(patterns, w)  # the simulator is slow at N^2 threads; checked on small N above
    patterns = patterns[:2]
    p = len(patterns)
    steps = np.full(p, -1, np.int32)
    conv = np.zeros(p, np.bool_)
    st = patterns.copy()
    _cuda.sync_retrieve(w, st, 10, steps, conv)
    _same("stored patterns, sync", st, patterns)
    assert conv.all() and not steps.any()
    orders = _orders(rng, p, sweeps, n)
    _cuda.async_retrieve(w, st, orders, steps, conv)
    _same("stored patterns, async", st, patterns)
    assert conv.all() and not steps.any()
    _cuda.glauber_sweeps(w, st, orders, rng.random((p, sweeps, n)), 50.0)
    _same("stored patterns, glauber at T = 0.02", st, patterns)


def main():
    t0 = time.perf_counter()
    check_two_cycle_and_tie()
    check_stored_patterns_fixed()
    not_converged = 0
    for tpb, n, p, b, sweeps, seed in ((8, 37, 6, 4, 4, 1), (16, 5, 2, 3, 3, 2), (32, 37, 20, 3, 3, 3)):
        not_converged += int((~check_problem(tpb, n, p, b, sweeps, seed)).sum())
    if not_converged == 0:
        raise AssertionError("no random problem hit the sync step limit: the 2-cycle path went untested")
    print(f"cudasim hopfield: all kernels match the reference ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
