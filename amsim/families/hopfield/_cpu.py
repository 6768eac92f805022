"""Numba CPU kernels of the classical Hopfield network, twins of :mod:`amsim.families.hopfield.reference`.

Same names, arguments and results as the reference (bit-identical states for the ±1 dynamics). Outputs are
preallocated by the caller, nothing is validated, and all randomness (visit orders, uniforms) comes in as
arrays. Threads split only the independent batch axis B (Hebbian weights: the independent rows of W).

Symbols
-------
N  number of neurons
P  number of stored patterns
B  batch of independent states (cues)
S  number of sweeps (second axis of ``orders`` and ``uniforms``)
W  Hebbian weight counts (N, N) int32, symmetric with zero diagonal; couplings ``J = W / N``
h  integer local field ``h_i = sum_j W_ij s_j``, kept in int32

Preconditions (guaranteed upstream for Hebbian weights): ``W`` is symmetric, so the column ``W[:, j]`` that a
flip of spin j adds to every field is read as the contiguous row ``W[j]``; ``sum_j |W_ij| < 2**31`` so fields
fit int32 (for Hebbian counts ``sum_j |W_ij| <= (N - 1) P``); patterns and states hold only ±1.

Speed notes
-----------
* Initial fields ``H = S W`` come from a register-tiled int32 matrix product (as fast as float32 BLAS here, and
  no BLAS thread pool to fight Numba's threads, which made small calls up to 100x slower).
* After that, fields are updated incrementally: a flip of spin j changes every field by ``2 s_j W[j]``, so a
  step costs O(N * flips) instead of O(N^2).
* ``hebbian_weights`` uses ``W_ij = P - 2 popcount(bits_i XOR bits_j)`` on patterns packed 64 to a word.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from amsim.backends import FASTMATH
from amsim.bits import popcount

_FM = set(FASTMATH)  # Numba accepts a set of flags, not a frozenset


@njit(cache=True, fastmath=False)
def _divide(a, b):
    """``a / b`` correctly rounded, as NumPy divides: compiled without fast-math, so ``arcp`` cannot turn it
    into a multiplication by a hoisted reciprocal (which differs in the last bit for some N)."""
    return a / b


@njit(cache=True, fastmath=False)
def _p_up(h, beta, nf):
    """Heat-bath probability of spin up, ``1.0 / (1.0 + exp(-2.0 * beta * h / nf))`` in exactly this order.

    Compiled without fast-math (callees otherwise inherit the caller's flags), so ``reassoc``/``arcp`` cannot
    reorder it and the result is bit-identical to the reference's (both call libm ``exp``).
    """
    return 1.0 / (1.0 + math.exp(-2.0 * beta * h / nf))


@njit(cache=True, fastmath=_FM)
def _field_tile(weights, x, fields, n_states, b0, r0, n_rows):
    """Fields of the 4 states ``x[b0:b0 + 4]`` at neurons ``r0 .. r0 + n_rows - 1`` (``n_rows`` = 4, or 1 for the
    last neurons): ``fields[b, r] = sum_j W[r, j] x[b, j]``, stored for ``b < n_states`` only.

    A 4 x 4 register tile: each loaded element of W serves 4 states and each state element 4 neurons. The
    int32 sums wrap modulo 2**32, so they are exact whenever the final field fits int32.
    """
    n = weights.shape[1]
    x0, x1, x2, x3 = x[b0], x[b0 + 1], x[b0 + 2], x[b0 + 3]
    if n_rows == 4:
        w0, w1, w2, w3 = weights[r0], weights[r0 + 1], weights[r0 + 2], weights[r0 + 3]
        a00 = a01 = a02 = a03 = a10 = a11 = a12 = a13 = np.int32(0)
        a20 = a21 = a22 = a23 = a30 = a31 = a32 = a33 = np.int32(0)
        for j in range(n):
            y0, y1, y2, y3 = x0[j], x1[j], x2[j], x3[j]
            v = w0[j]
            a00 = np.int32(a00 + v * y0)
            a01 = np.int32(a01 + v * y1)
            a02 = np.int32(a02 + v * y2)
            a03 = np.int32(a03 + v * y3)
            v = w1[j]
            a10 = np.int32(a10 + v * y0)
            a11 = np.int32(a11 + v * y1)
            a12 = np.int32(a12 + v * y2)
            a13 = np.int32(a13 + v * y3)
            v = w2[j]
            a20 = np.int32(a20 + v * y0)
            a21 = np.int32(a21 + v * y1)
            a22 = np.int32(a22 + v * y2)
            a23 = np.int32(a23 + v * y3)
            v = w3[j]
            a30 = np.int32(a30 + v * y0)
            a31 = np.int32(a31 + v * y1)
            a32 = np.int32(a32 + v * y2)
            a33 = np.int32(a33 + v * y3)
        rows = ((a00, a01, a02, a03), (a10, a11, a12, a13), (a20, a21, a22, a23), (a30, a31, a32, a33))
    else:
        w0 = weights[r0]
        a00 = a01 = a02 = a03 = np.int32(0)
        for j in range(n):
            v = w0[j]
            a00 = np.int32(a00 + v * x0[j])
            a01 = np.int32(a01 + v * x1[j])
            a02 = np.int32(a02 + v * x2[j])
            a03 = np.int32(a03 + v * x3[j])
        zero = np.int32(0)
        rows = ((a00, a01, a02, a03), (zero, zero, zero, zero), (zero, zero, zero, zero), (zero, zero, zero, zero))
    for k in range(n_rows):
        for c in range(4):
            if b0 + c < n_states:
                fields[b0 + c, r0 + k] = rows[k][c]


@njit(parallel=True, cache=True, fastmath=_FM)
def _exact_fields(weights, states, fields):
    """Write ``fields[b, i] = sum_j W[i, j] s[b, j]`` (int32) for all states: a blocked integer matrix product.

    States go in groups of 4 (the last group padded with zero states) and neurons in blocks of 32 rows of W
    (512 KB at N = 4000, reused from L2 by every group). At N = 4000, B = 100: 38 ms on one thread, as fast
    as float32 BLAS (39 ms plus a float copy of W) without its thread pool competing with Numba's.
    """
    n_states, n = states.shape
    n_groups = (n_states + 3) // 4
    x = np.zeros((4 * n_groups, n), np.int32)
    x[:n_states] = states
    n4 = n - n % 4
    for r0 in range(0, n4, 32):
        r1 = min(n4, r0 + 32)
        for g in prange(n_groups):  # group g writes only the rows 4g .. 4g + 3 of fields: race-free
            for r in range(r0, r1, 4):
                _field_tile(weights, x, fields, n_states, 4 * g, r, 4)
    for g in prange(n_groups):
        for r in range(n4, n):
            _field_tile(weights, x, fields, n_states, 4 * g, r, 1)


@njit(parallel=True, cache=True, fastmath=_FM)
def hebbian_weights(patterns, weights):
    """Hebbian weight counts of stored ±1 patterns.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        Stored patterns, entries ±1.
    weights : ndarray, (N, N) int32, out
        ``W_ij = sum_mu xi_i^mu xi_j^mu`` for ``i != j`` and ``W_ii = 0``.

    Notes
    -----
    Neuron i's pattern bits (1 for +1) are packed into ``ceil(P / 64)`` words; ``xi_i xi_j = 1 - 2 (b_i XOR b_j)``
    gives ``W_ij = P - 2 popcount(bits_i XOR bits_j)`` (zero padding bits cancel in the XOR). Measured at
    N = 4000, P = 400 on one thread: 21-25 ms, against 158 ms for a float32 BLAS product and 197 ms for an
    int16 dot-product loop.
    """
    n_patterns, n = patterns.shape
    n_words = (n_patterns + 63) // 64
    bits = np.zeros((n_words, n), np.uint64)  # bits[w, i]: patterns 64 w .. 64 w + 63 of neuron i
    for i in prange(n):  # iteration i writes only column i of bits: race-free
        for mu in range(n_patterns):
            if patterns[mu, i] > 0:
                bits[mu // 64, i] |= np.uint64(1) << np.uint64(mu % 64)
    for i in prange(n):  # iteration i writes only row i of weights: race-free
        row = weights[i]
        row[:] = 0
        for w in range(n_words):
            a = bits[w, i]
            bw = bits[w]
            for j in range(n):
                row[j] += np.int32(popcount(a ^ bw[j]))
        for j in range(n):
            row[j] = n_patterns - 2 * row[j]
        row[i] = 0


@njit(cache=True, fastmath=_FM)
def _sync_chunk(weights, states, fields, max_steps, steps, converged):
    """Synchronous dynamics of a chunk of states in lockstep, with incremental fields (one thread).

    Each step first decides every active state from its current fields, flipping the spins whose field
    opposes them (a zero field keeps the spin), then applies the field changes neuron-major: the row
    ``W[j]`` is read once per step and added to every state of the chunk that flipped spin j, so W streams
    from memory once per step instead of once per flip.
    """
    n_states, n = states.shape
    flipped = np.zeros((n, n_states), np.int8)  # flipped[j, b]: new spin j of state b if it flipped this step
    marked = np.zeros(n, np.bool_)  # some state of the chunk flipped spin j this step
    active = np.ones(n_states, np.bool_)
    steps[:] = 0
    converged[:] = False
    for _ in range(max_steps):
        moving = False
        for b in range(n_states):
            if not active[b]:
                continue
            s = states[b]
            h = fields[b]
            changed = False
            for i in range(n):
                if h[i] * s[i] < 0:  # the field opposes the spin: it flips (h == 0 keeps it)
                    s[i] = -s[i]
                    flipped[i, b] = s[i]
                    marked[i] = True
                    changed = True
            if changed:
                steps[b] += 1
                moving = True
            else:
                converged[b] = True
                active[b] = False
        if not moving:
            break
        for j in range(n):
            if not marked[j]:
                continue
            marked[j] = False
            wj = weights[j]  # column j of the symmetric W
            for b in range(n_states):
                if flipped[j, b] != 0:
                    d = np.int32(2 * flipped[j, b])
                    flipped[j, b] = 0
                    h = fields[b]
                    for i in range(n):
                        h[i] += d * wj[i]


@njit(parallel=True, cache=True, fastmath=_FM)
def _sync_retrieve(weights, states, max_steps, steps, converged, n_chunks):
    n_states, n = states.shape
    fields = np.empty((n_states, n), np.int32)
    _exact_fields(weights, states, fields)
    n_chunks = max(1, min(n_chunks, n_states))
    for c in prange(n_chunks):
        # Chunk c owns the states lo..hi-1 and their rows of fields, steps and converged; W is only read.
        # No other chunk touches these, so the chunks are race-free.
        lo = c * n_states // n_chunks
        hi = (c + 1) * n_states // n_chunks
        _sync_chunk(weights, states[lo:hi], fields[lo:hi], max_steps, steps[lo:hi], converged[lo:hi])


def sync_retrieve(weights, states, max_steps, steps, converged):
    """Synchronous zero-temperature dynamics: all neurons update at once from the same fields.

    Each state repeats, at most ``max_steps`` times: ``s' = decide(W s, s)``; if ``s' == s`` it has converged
    and stops, else ``s = s'`` and its step count grows by one (2-cycles end at the limit, not converged).

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Symmetric weight counts ``W``.
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states (cues); overwritten with the final states.
    max_steps : int
        Largest number of synchronous updates per state.
    steps : ndarray, (B,) int32, out
        Number of updates that changed the state.
    converged : ndarray, (B,) bool, out
        The state reached a fixed point within ``max_steps``.

    Notes
    -----
    A thin host wrapper: the batch is split into one chunk per Numba thread, and the thread count is read
    here, at call time (``numba.get_num_threads`` inside a jitted function would prevent on-disk caching).
    """
    _sync_retrieve(weights, states, max_steps, steps, converged, numba.get_num_threads())


@njit(parallel=True, cache=True, fastmath=_FM)
def async_retrieve(weights, states, orders, steps, converged):
    """Asynchronous zero-temperature dynamics: neurons update one at a time in the given random orders.

    Sweep ``t`` of state ``b`` visits the neurons in the order ``orders[b, t]``; a sweep without a flip means
    a fixed point (``converged``) and ends that state.

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Symmetric weight counts ``W``.
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states (cues); overwritten with the final states.
    orders : ndarray, (B, S, N) int32
        ``orders[b, t]`` is a permutation of ``range(N)``.
    steps : ndarray, (B,) int32, out
        Number of sweeps that flipped at least one spin (S when not converged).
    converged : ndarray, (B,) bool, out
        Some sweep flipped no spin.
    """
    n_states, n = states.shape
    n_sweeps = orders.shape[1]
    fields = np.empty((n_states, n), np.int32)
    _exact_fields(weights, states, fields)
    for b in prange(n_states):
        # Iteration b reads W and orders[b] and writes only row b of states, fields, steps, converged: race-free.
        # Inside one state the updates are sequential, as asynchronous dynamics requires.
        s = states[b]
        h = fields[b]
        steps[b] = 0
        converged[b] = False
        for t in range(n_sweeps):
            order = orders[b, t]
            flips = 0
            for k in range(n):
                i = order[k]
                if h[i] * s[i] < 0:  # the field opposes the spin: it flips (h == 0 keeps it)
                    s[i] = -s[i]
                    flips += 1
                    d = np.int32(2 * s[i])
                    wi = weights[i]  # column i of the symmetric W
                    for j in range(n):
                        h[j] += d * wi[j]
            if flips == 0:
                converged[b] = True
                break
            steps[b] += 1


@njit(parallel=True, cache=True, fastmath=_FM)
def glauber_sweeps(weights, states, orders, uniforms, beta):
    """Glauber (heat-bath) dynamics at temperature ``T = 1 / beta`` with couplings ``J = W / N``.

    Sweep ``t`` of state ``b`` visits neuron ``i = orders[b, t, k]`` at position ``k`` and sets it to +1 when
    ``uniforms[b, t, k] < p_up = 1.0 / (1.0 + exp(-2.0 * beta * h_i / n))`` (``n = float(N)``), else to -1.
    Exactly S sweeps run.

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Symmetric weight counts ``W``.
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states; overwritten with the states after S sweeps.
    orders : ndarray, (B, S, N) int32
        ``orders[b, t]`` is a permutation of ``range(N)``.
    uniforms : ndarray, (B, S, N) float64
        Uniform random numbers in [0, 1), one per visit.
    beta : float
        Inverse temperature, > 0.

    Notes
    -----
    ``p_up`` is computed without fast-math by libm ``exp``, as in the reference, so the states are identical.
    """
    n_states, n = states.shape
    n_sweeps = orders.shape[1]
    nf = np.float64(n)
    fields = np.empty((n_states, n), np.int32)
    _exact_fields(weights, states, fields)
    for b in prange(n_states):
        # Iteration b reads W, orders[b] and uniforms[b] and writes only row b of states and fields: race-free.
        s = states[b]
        h = fields[b]
        for t in range(n_sweeps):
            order = orders[b, t]
            u = uniforms[b, t]
            for k in range(n):
                i = order[k]
                p_up = _p_up(np.float64(h[i]), beta, nf)
                new = 1 if u[k] < p_up else -1
                if new != s[i]:
                    s[i] = new
                    d = np.int32(2 * new)
                    wi = weights[i]  # column i of the symmetric W
                    for j in range(n):
                        h[j] += d * wi[j]


@njit(parallel=True, cache=True, fastmath=_FM)
def energy(weights, states, out):
    """Energy per neuron ``E = -(s^T W s) / (2 N^2)`` (couplings ``J = W / N``).

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Weight counts ``W``.
    states : ndarray, (B, N) int8
        ±1 states.
    out : ndarray, (B,) float64, out
        Energy per neuron; ``s^T W s`` is summed exactly in int64 before the division.
    """
    n_states, n = states.shape
    nf = np.float64(n)
    fields = np.empty((n_states, n), np.int32)
    _exact_fields(weights, states, fields)
    for b in prange(n_states):  # iteration b writes only out[b]: race-free
        quad = np.int64(0)
        for i in range(n):
            quad += np.int64(fields[b, i]) * np.int64(states[b, i])
        out[b] = _divide(-np.float64(quad), 2.0 * nf * nf)


@njit(parallel=True, cache=True, fastmath=_FM)
def overlaps(patterns, states, out):
    """Overlaps ``m_b^mu = (1/N) sum_i s_bi xi_i^mu`` of each state with each stored pattern.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        Stored ±1 patterns.
    states : ndarray, (B, N) int8
        ±1 states.
    out : ndarray, (B, P) float64, out
        Overlaps in [-1, 1]; the integer dot products are exact before the division by N.
    """
    n_patterns, n = patterns.shape
    nf = np.float64(n)
    for b in prange(states.shape[0]):  # iteration b writes only row b of out: race-free
        s = states[b]
        for mu in range(n_patterns):
            x = patterns[mu]
            dot = np.int32(0)
            for i in range(n):
                dot += np.int32(s[i]) * np.int32(x[i])
            out[b, mu] = _divide(np.float64(dot), nf)
