"""Hopfield CUDA kernels against the NumPy reference, under the CUDA simulator.

Not collected by pytest: ``tests/test_hopfield_kernels.py`` runs it in a subprocess with
``NUMBA_ENABLE_CUDASIM=1`` (Numba reads the variable at import time; the rest of the suite runs without it).
Threads per block are patched small (``amsim.backends.CUDA_THREADS_PER_BLOCK``) and N is not a multiple of
them, so partial blocks, strided slices and grid striding are exercised. The runners and test networks are
those of ``test_hopfield_kernels.py``, which take the kernel module as an argument. Exits non-zero on the first
mismatch. Symbols: N neurons, P patterns, B states, S sweeps.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    sys.exit("cudasim_hopfield.py must run with NUMBA_ENABLE_CUDASIM=1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import test_hopfield_kernels as kt  # noqa: E402

from amsim import backends  # noqa: E402
from amsim.families.hopfield import _cuda, reference  # noqa: E402


def _same(name, got, want):
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        if not np.array_equal(g, w):
            raise AssertionError(f"{name} (output {k}): cuda differs from reference\ncuda:\n{g}\nreference:\n{w}")


def check_dense(tpb, kind, n, p, b, seed, combos, max_steps=7, sweeps=2):
    """Fields, sync (with traces), sweeps in the given (mode, fixed order) combinations (traced with the fixed
    order) and energy of one test network (its overlaps are shared kernels, see ``cudasim_kernels.py``)."""
    backends.CUDA_THREADS_PER_BLOCK = tpb
    rng = np.random.default_rng(seed)
    w, bias, patterns = kt.network("hebb" if kind in ("int8", "int16", "int32") else kind, rng, n, p)
    if kind == "int32":
        w = w.astype(np.int32)
    if kind in ("int8", "int16"):
        w_gpu = np.full((n, n), 7, w.dtype)
        _cuda.hebbian_weights(patterns, w_gpu)
        _same(f"hebbian_weights {kind}", (w_gpu,), (w,))
    cues = kt.pm1(rng, (b, n))
    cues[0] = patterns[0]  # a stored pattern among random cues
    f_gpu = np.empty((b, n), bias.dtype)
    _cuda.local_fields(w, bias, cues, f_gpu)
    _same(f"local_fields {kind}", (f_gpu,), (kt.fields_of(w, bias, cues),))
    trace = kt.traces(b, max_steps, n, rng)
    want = kt.run_sync(reference, w, bias, cues, max_steps, trace)
    _same(f"sync {kind}", kt.run_sync(_cuda, w, bias, cues, max_steps, trace), want)
    for mode, fixed in combos:
        order_bits = kt.words(rng, (b, 0 if fixed else sweeps, n))
        uniform_bits = kt.words(rng, (b, sweeps if mode else 0, n))
        trace = kt.traces(b, sweeps, n, rng) if fixed else None
        betas = np.array([0.5, 2.0]) / (5.0 if kind == "float" else 1.0)
        args = (w, bias, cues, order_bits, uniform_bits, betas, mode, trace)
        _same(f"sweeps {kind} mode {mode} fixed {fixed}", kt.run_sweeps(_cuda, *args), kt.run_sweeps(reference, *args))
    e_ref, e_gpu = np.empty(b), np.empty(b)
    reference.energy(w, bias, cues, e_ref)
    _cuda.energy(w, bias, cues, e_gpu)
    _same(f"energy {kind}", (e_gpu,), (e_ref,))
    return want[3]


def check_engines(tpb, n, p, b, seed, variants, max_steps=7, sweeps=2):
    """The pattern and bit engines' sync and sweeps (``variants``: engine, offset, counts dtype, padding columns,
    the modes to sweep; the Glauber sweeps traced), and the stability of the stored patterns (the overlap counts
    are shared kernels, see ``cudasim_kernels.py``)."""
    backends.CUDA_THREADS_PER_BLOCK = tpb
    rng = np.random.default_rng(seed)
    patterns = kt.pm1(rng, (p, n))
    cues = kt.noisy(patterns, b, 0.3, rng)
    for engine, offset, dtype, pad, modes in variants:
        trace = kt.traces(b, max_steps, n, rng)
        args = (engine, patterns, offset, cues, dtype, max_steps, pad, trace)
        _same(f"{engine} sync", kt.run_engine(_cuda, *args), kt.run_engine(reference, *args))
        for mode in modes:
            dyn = (kt.words(rng, (b, sweeps, n)), kt.words(rng, (b, sweeps if mode else 0, n)),
                   np.array([0.7, 3.0])[:sweeps], mode)
            trace = kt.traces(b, sweeps, n, rng) if mode == 1 else None
            args = (engine, patterns, offset, cues, dtype, dyn, pad, trace)
            _same(f"{engine} sweeps mode {mode}", kt.run_engine(_cuda, *args), kt.run_engine(reference, *args))
    for diagonal in (0, p):
        want, got = np.empty(p, np.bool_), np.empty(p, np.bool_)
        reference.hebbian_stability(patterns, diagonal, want)
        _cuda.hebbian_stability(patterns, diagonal, got)
        _same(f"hebbian_stability diagonal {diagonal}", (got,), (want,))


def check_two_cycle_and_tie():
    """Patterns (1, 1, 1), (1, 1, -1): neuron 2 always has a zero field (kept); (1, -1, -1) 2-cycles."""
    backends.CUDA_THREADS_PER_BLOCK = 8
    patterns = np.array([[1, 1, 1], [1, 1, -1]], np.int8)
    w = np.empty((3, 3), np.int8)
    _cuda.hebbian_weights(patterns, w)
    st, _, steps, conv, _, _ = kt.run_sync(_cuda, w, np.zeros(3, np.int32), np.array([[1, -1, -1], [1, 1, -1]],
                                                                                      np.int8), 5)
    _same("2-cycle", (st, steps, conv), (np.array([[-1, 1, -1], [1, 1, -1]], np.int8), np.array([5, 0]),
                                         np.array([False, True])))


def main():
    t0 = time.perf_counter()
    check_two_cycle_and_tie()
    not_converged = 0
    problems = ((8, "int8", 21, 6, 3, 1, [(0, False), (1, True), (2, False)]),
                (16, "int16", 9, 130, 1, 2, [(1, False)]),
                (8, "int32", 19, 4, 3, 3, [(0, True), (2, False)]),
                (8, "float", 17, 5, 2, 4, [(1, False), (2, True)]),
                (8, "asym", 19, 5, 2, 5, [(0, False), (1, True)]),
                (32, "int8", 37, 20, 3, 6, []))
    for tpb, kind, n, p, b, seed, combos in problems:
        not_converged += int((~check_dense(tpb, kind, n, p, b, seed, combos)).sum())
    if not_converged == 0:
        raise AssertionError("no random problem hit the sync step limit: the 2-cycle path went untested")
    check_engines(8, 19, 5, 2, 7, [("patterns", -5, np.int16, 3, kt.MODES), ("patterns", 0, np.int32, 0, [1]),
                                   ("bits", -5, np.int32, 0, [0, 2])])
    check_engines(16, 21, 18, 2, 8, [("bits", 0, np.int32, 0, [1])], sweeps=1)
    print(f"cudasim hopfield: all kernels match the reference ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
