"""Numba CPU kernels of the classical Hopfield network, twins of :mod:`amsim.families.hopfield.reference`.

Same names, arguments and results as the reference (bit-identical states for every dynamics: fields are exact
integers, or float64 sums on a dyadic grid, and the acceptance probabilities are computed without fast-math in
the reference's operation order). Outputs are preallocated by the caller, nothing is validated, and all
randomness comes in as host-drawn uint32 words. Threads split only independent axes: the states of the batch
(each with its own rows of every output), the rows of W, or the stored patterns.

The dynamics functions are thin host wrappers: they unpack the argument groups of :mod:`amsim.kernels`
(``Schedule``, ``Convergence``, ``Trace``, whose fields are in the order of the flat arguments) and call one
parallel ``@njit`` kernel with the arrays flat (``_sweeps``, ``_sync_retrieve``, ...), which Numba compiles once
per dtype combination and caches on disk. Overlaps and overlap counts of states are shared kernels
(:mod:`amsim.kernels._cpu`, whose packing helpers the bit engine reuses).

Symbols
-------
N  number of neurons
P  number of stored patterns
B  batch of independent states (cues)
S  number of sweeps
K  uint64 words per packed neuron row, ``ceil(N / 64)``; Q words per packed pattern row, ``ceil(P / 64)``
W  weights in the outgoing layout ``weights[j, i] = W_ij`` (row j is what a flip of spin j adds to the fields)
b  bias (N,) added to every field
h  local field ``h_i = sum_j W_ij s_j + b_i``: int32 for integer weights, float64 for float weights
m  overlap counts ``m_mu = sum_i xi_i^mu s_i``
o  the self-coupling offset ``W_ii - P`` of a Hebbian network held as patterns (-P, or 0 with self-coupling):
   ``h = Xi^T m + o s``

Preconditions (guaranteed upstream): ``N * P < 2**31`` (integer fields and dot products fit int32), integer
weights hold Hebbian counts (``sum_j |W_ij| <= N P``), int16 overlap counts only when ``N <= 32767``, and
patterns and states hold only ±1.

Speed notes (N = 4000, P = 400, B = 100, one thread)
----------------------------------------------------
* Pattern engine: a field ``h_i = xi_i . m`` is a dot product of an int8 pattern row (sign-extended in
  registers) with int16 counts, which LLVM turns into ``vpmaddwd`` (32 multiply-adds per instruction); the
  states of a chunk share each row of ``Xi^T`` while it is in L1, and overlap counts come from XOR + popcount on
  packed bits (B P K popcounts instead of B N P products).
* Bit engine: ``h_i = sum_mu xi_i^mu m_mu`` from bit planes of ``d_mu = (N - m_mu) / 2``:
  ``sum_mu xi_i^mu d_mu = 2 sum_k 2^k popcount(x_i AND D_k) - sum_mu d_mu`` (ceil(log2(N + 1)) planes).
* Dense engine: after the first fields, a flip of spin j adds ``2 s_j W[j]`` to every field, so a step costs
  O(N flips) instead of O(N^2); synchronous steps apply the rows neuron-major, reading each row of W once per
  step for all the states of a chunk.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic, overload

from amsim.backends import FASTMATH
from amsim.bits import popcount
from amsim.kernels import Convergence, Schedule, Trace
from amsim.kernels._cpu import _divide, _pack, _popcount_counts, _visit_order

_FM = set(FASTMATH)  # Numba accepts a set of flags, not a frozenset


# --------------------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False)
def _p_up(h, beta, nf):
    """Heat-bath probability of spin up, ``1.0 / (1.0 + exp(-2.0 * beta * h / nf))`` in exactly this order.

    Compiled without fast-math (callees otherwise inherit the caller's flags), so ``reassoc``/``arcp`` cannot
    reorder it and the result is bit-identical to the reference's (both call libm ``exp``).
    """
    return 1.0 / (1.0 + math.exp(-2.0 * beta * h / nf))


@njit(cache=True, fastmath=False)
def _p_flip(sh, beta, nf):
    """Metropolis acceptance ``exp(-2.0 * beta * sh / nf)`` of flipping spin s with field h (``sh = s h``),
    without fast-math, as :func:`_p_up`."""
    return math.exp(-2.0 * beta * sh / nf)


@njit(cache=True, fastmath=_FM)
def _stochastic_spin(mode, s, h, beta, r, nf):
    """New spin of a Glauber (``mode == 1``) or Metropolis (2) visit with random word ``r``; ``u = r 2**-32``."""
    u = np.float64(r) * 2.3283064365386963e-10  # r * 2**-32: exact in float64
    if mode == 1:
        return 1 if u < _p_up(np.float64(h), beta, nf) else -1
    return -s if u < _p_flip(np.float64(s) * np.float64(h), beta, nf) else s


@njit(cache=True, fastmath=_FM)
def _record(trace_energy, trace_overlap, b, t, quad, s, readout, nf):
    """Write energy ``-quad / (2 N^2)`` and overlap ``readout . s`` into sweeps t .. S-1 of state b's traces.

    The readout sum is exact in any order for the integer or dyadic-grid readouts the model passes.
    """
    e = _divide(-quad, 2.0 * nf * nf)
    overlap = 0.0
    for i in range(s.shape[0]):
        overlap += readout[i] * np.float64(s[i])
    for u in range(t, trace_energy.shape[1]):
        trace_energy[b, u] = e
        trace_overlap[b, u] = overlap


@njit(cache=True, fastmath=_FM)
def _dense_trace(trace_energy, trace_overlap, b, t, s, h, bias, readout, nf):
    """Trace entry of a dense-engine state: ``quad = s . h + b . s`` summed exactly (integers, or grid values)."""
    if trace_energy.shape[1] == 0:
        return
    quad = 0.0
    for i in range(s.shape[0]):
        quad += np.float64(s[i]) * (np.float64(h[i]) + np.float64(bias[i]))
    _record(trace_energy, trace_overlap, b, t, quad, s, readout, nf)


@njit(cache=True, fastmath=_FM)
def _pattern_trace(trace_energy, trace_overlap, b, t, s, m, offset, readout, nf):
    """Trace entry of a pattern- or bit-engine state: ``quad = sum_mu m_mu^2 + o N`` in int64."""
    if trace_energy.shape[1] == 0:
        return
    quad = np.int64(0)
    for mu in range(m.shape[0]):
        quad += np.int64(m[mu]) * np.int64(m[mu])
    quad += np.int64(offset) * np.int64(s.shape[0])
    _record(trace_energy, trace_overlap, b, t, np.float64(quad), s, readout, nf)


@njit(cache=True, fastmath=_FM)
def _cycle_trace(trace_energy, trace_overlap, b, t):
    """A 2-cycle found after step t: the traces alternate between their two last values up to the limit."""
    for j in range(t + 1, trace_energy.shape[1]):
        trace_energy[b, j] = trace_energy[b, j - 2]
        trace_overlap[b, j] = trace_overlap[b, j - 2]


def _chunks(n_states: int) -> int:
    """Lockstep chunks for synchronous dynamics: one per Numba thread, read at call time in this host function
    (``numba.get_num_threads`` inside a jitted function would prevent on-disk caching)."""
    return max(1, min(numba.get_num_threads(), n_states))


# --------------------------------------------------------------------------------------------------------------
# Dense engine
# --------------------------------------------------------------------------------------------------------------


@njit(parallel=True, cache=True, fastmath=_FM)
def hebbian_weights(patterns: np.ndarray, weights: np.ndarray) -> None:
    """Hebbian weight counts of stored ±1 patterns.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        Stored patterns, entries ±1.
    weights : ndarray, (N, N) int8, int16 or int32, out
        ``W_ij = sum_mu xi_i^mu xi_j^mu`` for ``i != j`` and ``W_ii = 0`` (the dtype must hold P).

    Notes
    -----
    Neuron i's pattern bits (1 for +1) are packed into ``ceil(P / 64)`` words; ``xi_i xi_j = 1 - 2 (b_i XOR b_j)``
    gives ``W_ij = P - 2 popcount(bits_i XOR bits_j)`` (zero padding bits cancel in the XOR). The row is counted
    in its own dtype, which holds every partial count (at most P).
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
                row[j] += popcount(a ^ bw[j])
        for j in range(n):
            row[j] = n_patterns - 2 * row[j]
        row[i] = 0


@njit(cache=True, fastmath=_FM)
def _fields_block(weights, bias, states, fields, b0, b1):
    """Fields of states ``b0 .. b1 - 1``: start from the bias and add ``±W[j]`` for every spin j, the block's rows
    of ``fields`` staying in L2 while each row of W is read once for the whole block."""
    n = states.shape[1]
    for b in range(b0, b1):
        h = fields[b]
        for i in range(n):
            h[i] = bias[i]
    for j in range(n):
        w = weights[j]
        for b in range(b0, b1):
            h = fields[b]
            if states[b, j] > 0:
                for i in range(n):
                    h[i] += w[i]
            else:
                for i in range(n):
                    h[i] -= w[i]


@njit(parallel=True, cache=True, fastmath=_FM)
def local_fields(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray) -> None:
    """Local fields ``h = W s + b`` of each state.

    Parameters
    ----------
    weights : ndarray, (N, N) int8, int16, int32 or float64
        Outgoing layout, ``weights[j, i] = W_ij``.
    bias : ndarray, (N,) int32 or float64
        Constant added to every field (the dtype of ``fields``).
    states : ndarray, (B, N) int8
        ±1 states.
    fields : ndarray, (B, N) int32 (integer weights) or float64, out
    """
    n_states = states.shape[0]
    for k in prange((n_states + 7) // 8):  # block k writes only rows 8k .. 8k + 7 of fields: race-free
        _fields_block(weights, bias, states, fields, 8 * k, min(n_states, 8 * k + 8))


@njit(cache=True, fastmath=_FM)
def _add_rows(weights, h, spins, which):
    """Add ``2 spins[j] W[j]`` to the fields ``h`` for every j with ``which[j]`` (with the transposed patterns
    ``Xi^T`` as ``weights``, the same sum updates the pattern overlap counts after flips)."""
    for j in range(spins.shape[0]):
        if which[j]:
            d = np.int32(2 * spins[j])
            wj = weights[j]
            for i in range(h.shape[0]):
                h[i] += d * wj[i]


@njit(cache=True, fastmath=_FM)
def _sync_chunk(weights, bias, states, fields, max_steps, steps, converged, readout, trace_energy, trace_overlap):
    """Synchronous dynamics of a chunk of states in lockstep, with incremental fields (one thread).

    Each step first decides every active state from its current fields, flipping the spins whose field
    opposes them (a zero field keeps the spin), then applies the field changes neuron-major: the row
    ``W[j]`` is read once per step and added to every state of the chunk that flipped spin j.

    A state whose flips repeat those of the step before is in a 2-cycle (``s_{t+1} = s_{t-1}``): its remaining
    steps alternate between two known states, so it stops at once with the state, step count and traces that
    running to ``max_steps`` would give (the reference runs them).
    """
    n_states, n = states.shape
    nf = np.float64(n)
    flipped = np.zeros((n, n_states), np.int8)  # flipped[j, b]: new spin j of state b if it flipped this step
    marked = np.zeros(n, np.bool_)  # some state of the chunk flipped spin j this step
    last = np.zeros((n_states, n), np.bool_)  # last[b, i]: spin i of state b flipped at the latest step
    active = np.ones(n_states, np.bool_)
    moved = np.zeros(n_states, np.bool_)
    cycling = np.zeros(n_states, np.bool_)
    for b in range(n_states):
        steps[b] = 0
        converged[b] = False
        _dense_trace(trace_energy, trace_overlap, b, 0, states[b], fields[b], bias, readout[b], nf)
    for t in range(max_steps):
        moving = False
        for b in range(n_states):
            moved[b] = False
            if not active[b]:
                continue
            s = states[b]
            h = fields[b]
            lb = last[b]
            same = True
            for i in range(n):
                f = h[i] * s[i] < 0  # the field opposes the spin: it flips (h == 0 keeps it)
                same &= f == lb[i]
                lb[i] = f
                if f:
                    s[i] = -s[i]
                    flipped[i, b] = s[i]
                    marked[i] = True
                    moved[b] = True
            if moved[b]:
                steps[b] += 1
                moving = True
                cycling[b] = same
            else:
                converged[b] = True
                active[b] = False
        if not moving:
            break
        for j in range(n):
            if not marked[j]:
                continue
            marked[j] = False
            wj = weights[j]
            for b in range(n_states):
                if flipped[j, b] != 0:
                    d = np.int32(2 * flipped[j, b])
                    flipped[j, b] = 0
                    h = fields[b]
                    for i in range(n):
                        h[i] += d * wj[i]
        for b in range(n_states):
            if moved[b]:
                _dense_trace(trace_energy, trace_overlap, b, t, states[b], fields[b], bias, readout[b], nf)
                if cycling[b]:
                    active[b] = False
                    steps[b] = max_steps
                    if (max_steps - t - 1) % 2:  # an odd number of steps left: it ends one step back
                        s = states[b]
                        for i in range(n):
                            if last[b, i]:
                                s[i] = -s[i]
                        _add_rows(weights, fields[b], s, last[b])
                    _cycle_trace(trace_energy, trace_overlap, b, t)


@njit(parallel=True, cache=True, fastmath=_FM)
def _sync_retrieve(weights, bias, states, fields, max_steps, steps, converged, readout, trace_energy, trace_overlap,
                   n_chunks):
    n_states = states.shape[0]
    for c in prange(n_chunks):
        # Chunk c owns the states lo..hi-1 and their rows of every output; W is only read: race-free.
        lo = c * n_states // n_chunks
        hi = (c + 1) * n_states // n_chunks
        _sync_chunk(weights, bias, states[lo:hi], fields[lo:hi], max_steps, steps[lo:hi], converged[lo:hi],
                    readout[lo:hi], trace_energy[lo:hi], trace_overlap[lo:hi])


def sync_retrieve(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray, max_steps: int,
                  convergence: Convergence, trace: Trace) -> None:
    """Synchronous zero-temperature dynamics: all neurons update at once from the same fields.

    Each state repeats, at most ``max_steps`` times: ``s' = decide(h(s), s)``; if ``s' == s`` it has converged
    and stops, else ``s = s'`` and its step count grows by one (2-cycles end at the limit, not converged).

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout, ``weights[j, i] = W_ij``.
    bias : ndarray, (N,)
        Added to every field.
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states (cues); overwritten with the final states.
    fields : ndarray, (B, N) int32 or float64, in/out
        ``W s + b`` of the initial states; overwritten with those of the final states.
    max_steps : int
        Largest number of synchronous updates per state.
    convergence : Convergence, out
        ``steps`` (B,) int32: updates that changed the state; ``converged`` (B,) bool: the state reached a fixed
        point within ``max_steps``.
    trace : Trace
        ``readout`` (B, N) float64; ``energy`` and ``overlap`` (B, max_steps) or (B, 0) float64, out: energy per
        neuron and readout overlap after each step.

    Notes
    -----
    A thin host wrapper: the batch is split into one lockstep chunk per Numba thread.
    """
    _sync_retrieve(weights, bias, states, fields, max_steps, *convergence, *trace, _chunks(states.shape[0]))


@intrinsic
def _prefetch(typingctx, arr, index):
    """Hint the CPU to fetch the cache line of ``arr[index]`` (LLVM ``llvm.prefetch``: read, keep in all levels)."""
    if not isinstance(arr, types.Array) or not isinstance(index, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, signature.args[0], array, [args[1]])
        byte_pointer = ir.IntType(8).as_pointer()
        hint = ir.FunctionType(ir.VoidType(), [byte_pointer, ir.IntType(32), ir.IntType(32), ir.IntType(32)])
        function = cgutils.get_or_insert_function(builder.module, hint, "llvm.prefetch")
        flags = [ir.Constant(ir.IntType(32), v) for v in (0, 3, 1)]  # read, highest locality, data cache
        builder.call(function, [builder.bitcast(pointer, byte_pointer), *flags])
        return context.get_dummy_value()

    return types.void(arr, index), codegen


_AHEAD = 8  # visits between a prefetch of a pending row's entry and its use (about a memory latency)


@njit(cache=True, fastmath=_FM)
def _add_pending(weights, h, rows, news, count):
    """Add ``2 news[q] W[rows[q]]`` for q < count to the fields: eight rows per pass over ``h`` (eight memory
    streams at once, and one read-modify-write of the fields for all of them), then one at a time."""
    n = h.shape[0]
    q = 0
    if count == 8:
        w0, w1, w2, w3 = weights[rows[0]], weights[rows[1]], weights[rows[2]], weights[rows[3]]
        w4, w5, w6, w7 = weights[rows[4]], weights[rows[5]], weights[rows[6]], weights[rows[7]]
        d0, d1, d2, d3 = np.int32(2 * news[0]), np.int32(2 * news[1]), np.int32(2 * news[2]), np.int32(2 * news[3])
        d4, d5, d6, d7 = np.int32(2 * news[4]), np.int32(2 * news[5]), np.int32(2 * news[6]), np.int32(2 * news[7])
        for j in range(n):
            h[j] += (d0 * w0[j] + d1 * w1[j] + d2 * w2[j] + d3 * w3[j]) + (d4 * w4[j] + d5 * w5[j] + d6 * w6[j]
                                                                          + d7 * w7[j])
        q = 8
    while q < count:
        w0, d0 = weights[rows[q]], np.int32(2 * news[q])
        for j in range(n):
            h[j] += d0 * w0[j]
        q += 1


@njit(parallel=True, cache=True, fastmath=_FM)
def _sweeps(weights, bias, states, fields, order_bits, uniform_bits, betas, mode, steps, converged, readout,
            trace_energy, trace_overlap):
    """:func:`sweeps` with the fields of its argument groups flat, in their order.

    A flip of spin i owes ``2 s_i W[i]`` to every field. When more than one visit in 8 flipped during the previous
    sweep, the owed rows are added 8 at a time, in one pass over the fields (eight rows streaming from memory at
    once, and one read-modify-write of the fields, 4 bytes per neuron, instead of eight); meanwhile a visit adds
    the pending rows' entries to its field, prefetched eight visits ahead (the order is known; a row that becomes
    pending prefetches its entries for the next eight visits at once); integer and grid sums make this exact. At
    N = 4000, int16 W, T = 2 this lifts the W traffic from about 11 to 19-22 GB/s on one thread here: the row
    passes alone stream at about 30 GB/s, and the visits between them (about 9 ms of the 57 for 0.32 M visits)
    and their pending-entry loads (about 8 ms) do not overlap with them.
    """
    n_states, n = states.shape
    nf = np.float64(n)
    for b in prange(n_states):
        # Iteration b reads W and row b of the random words and writes only row b of states, fields, steps,
        # converged and the traces: race-free. Inside one state the visits are sequential, as they must be.
        s = states[b]
        h = fields[b]
        order = np.empty(n, np.int32)
        rows = np.empty(8, np.int32)  # flipped spins whose rows are not yet added to h (at most 8, see the docstring)
        news = np.empty(8, np.int8)
        n_pending = 0
        batch = 1  # rows per pass: 8 while flips are frequent
        steps[b] = 0
        converged[b] = False
        _dense_trace(trace_energy, trace_overlap, b, 0, s, h, bias, readout[b], nf)
        for t in range(betas.shape[0]):
            _visit_order(order, order_bits, b, t)
            beta = betas[t]
            flips = 0
            for k in range(n):
                i = order[k]
                if k + _AHEAD < n:  # the pending rows' entries _AHEAD visits ahead: in cache when needed
                    ahead = order[k + _AHEAD]
                    for q in range(n_pending):
                        _prefetch(weights[rows[q]], ahead)
                hi = h[i]
                for q in range(n_pending):  # the field of i with the pending flips (exact in any order)
                    hi += np.int32(2 * news[q]) * weights[rows[q], i]
                if mode == 0:
                    new = -s[i] if hi * s[i] < 0 else s[i]
                else:
                    new = _stochastic_spin(mode, s[i], hi, beta, uniform_bits[b, t, k], nf)
                if new != s[i]:
                    s[i] = new
                    flips += 1
                    rows[n_pending] = i
                    news[n_pending] = new
                    n_pending += 1
                    if n_pending == batch:
                        _add_pending(weights, h, rows, news, n_pending)
                        n_pending = 0
                    else:  # the new pending row's entries for the next visits (later ones come from the loop above)
                        for a in range(k + 1, min(k + _AHEAD, n)):
                            _prefetch(weights[i], order[a])
            _add_pending(weights, h, rows, news, n_pending)
            n_pending = 0
            batch = 8 if 8 * flips > n else 1
            if mode == 0 and flips == 0:
                converged[b] = True
                break
            steps[b] += 1
            _dense_trace(trace_energy, trace_overlap, b, t, s, h, bias, readout[b], nf)


def sweeps(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray, schedule: Schedule,
           convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics: neurons update one at a time, each seeing the spins already updated.

    Sweep t of state b visits the neurons in the order drawn by ``schedule.order_bits[b, t]``; the visit at
    position k uses ``schedule.uniform_bits[b, t, k]`` and ``schedule.betas[t]``. Mode 0 (zero temperature) stops
    a state after a sweep without flips (``converged``); modes 1 (Glauber) and 2 (Metropolis) run all S sweeps.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout, ``weights[j, i] = W_ij``.
    bias : ndarray, (N,)
        Added to every field (used by the energy trace; already part of ``fields``).
    states : ndarray, (B, N) int8, in/out
    fields : ndarray, (B, N) int32 or float64, in/out
        ``W s + b`` of the initial states; kept consistent with the states.
    schedule : Schedule
        ``order_bits``, ``uniform_bits`` (B, S, N) uint32, ``betas`` (S,) float64 and ``mode`` of the S sweeps.
    convergence : Convergence, out
        ``steps``: at zero temperature the sweeps that flipped at least one spin, otherwise S; ``converged``.
    trace : Trace
        As in :func:`sync_retrieve`, one trace entry per sweep.

    Notes
    -----
    A thin host wrapper around the parallel kernel :func:`_sweeps` (see it for how the flips are applied).
    """
    _sweeps(weights, bias, states, fields, *schedule, *convergence, *trace)


@njit(parallel=True, cache=True, fastmath=_FM)
def energy(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, out: np.ndarray) -> None:
    """Energy per neuron ``E = -(s W s / 2 + b . s) / N^2``.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout.
    bias : ndarray, (N,) int32 or float64
    states : ndarray, (B, N) int8
    out : ndarray, (B,) float64, out
        ``s . h + b . s`` is summed exactly (integers, or values on the weights' grid) before the division.
    """
    n_states, n = states.shape
    nf = np.float64(n)
    fields = np.empty((n_states, n), bias.dtype)
    local_fields(weights, bias, states, fields)
    for b in prange(n_states):  # iteration b writes only out[b]: race-free
        quad = 0.0
        for i in range(n):
            quad += np.float64(states[b, i]) * (np.float64(fields[b, i]) + np.float64(bias[i]))
        out[b] = _divide(-quad, 2.0 * nf * nf)


# --------------------------------------------------------------------------------------------------------------
# Pattern engine
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=_FM)
def _dot(x, m):
    """``sum_mu x[mu] m[mu]`` in int32: int8/int16 operands vectorise to ``vpmaddwd``, provided every product and sum
    is truncated back to int32 (Numba types ``int32 * int32`` as int64, which would widen the whole loop)."""
    acc = np.int32(0)
    for k in range(x.shape[0]):
        acc = np.int32(acc + np.int32(x[k]) * np.int32(m[k]))
    return acc


@njit(cache=True, fastmath=_FM)
def _sync_update(s, h, offset, last):
    """One synchronous update of spins ``s`` from fields ``h + offset s`` (a zero field keeps the spin), without
    branches so that it vectorises; ``last`` holds the flips of the previous step and receives these.

    Returns (some spin flipped, the flips equal those of the previous step).
    """
    flipped = np.uint8(0)
    differ = np.uint8(0)
    for i in range(s.shape[0]):
        si = np.int32(s[i])
        f = np.uint8(np.int32(np.int32(h[i] + offset * si) * si) < 0)
        flipped |= f
        differ |= f ^ np.uint8(last[i])
        last[i] = f
        s[i] = np.int8(si - 2 * si * np.int32(f))
    return flipped != 0, differ == 0


@njit(cache=True, fastmath=_FM)
def _pattern_sync_chunk(patterns_t, offset, states, counts, max_steps, steps, converged, readout, trace_energy,
                        trace_overlap):
    """Synchronous dynamics of a chunk of states in lockstep (one thread).

    Each step computes the fields of all active states neuron-major (row ``xi_i`` of ``Xi^T`` shared by the
    chunk), marks the spins whose field opposes them, then flips them and adds ``2 s_i xi_i`` to the counts.
    2-cycles stop at once, as in :func:`_sync_chunk`.
    """
    n_states, n = states.shape
    nf = np.float64(n)
    last = np.zeros((n_states, n), np.bool_)  # last[b, i]: spin i of state b flipped at the latest step
    active = np.arange(n_states)  # indices of the states still moving, compacted every step
    n_active = n_states
    moving = np.empty_like(counts)  # the counts of the active states, contiguous (indirection slows the dots)
    h = np.empty((n_states, n), np.int32)
    for b in range(n_states):
        steps[b] = 0
        converged[b] = False
        _pattern_trace(trace_energy, trace_overlap, b, 0, states[b], counts[b], offset, readout[b], nf)
    for t in range(max_steps):
        if n_active == 0:
            break
        for a in range(n_active):
            moving[a] = counts[active[a]]
        for i in range(n):
            x = patterns_t[i]
            for a in range(n_active):
                h[a, i] = _dot(x, moving[a])
        kept = 0
        for a in range(n_active):
            b = active[a]
            s = states[b]
            moved, same = _sync_update(s, h[a], offset, last[b])
            if not moved:
                converged[b] = True
                continue
            _add_rows(patterns_t, counts[b], s, last[b])
            steps[b] += 1
            _pattern_trace(trace_energy, trace_overlap, b, t, s, counts[b], offset, readout[b], nf)
            if not same:
                active[kept] = b
                kept += 1
                continue
            steps[b] = max_steps  # a 2-cycle
            if (max_steps - t - 1) % 2:
                for i in range(n):
                    if last[b, i]:
                        s[i] = -s[i]
                _add_rows(patterns_t, counts[b], s, last[b])
            _cycle_trace(trace_energy, trace_overlap, b, t)
        n_active = kept


@njit(parallel=True, cache=True, fastmath=_FM)
def _pattern_sync(patterns_t, offset, states, counts, max_steps, steps, converged, readout, trace_energy,
                  trace_overlap, n_chunks):
    n_states = states.shape[0]
    for c in prange(n_chunks):
        # Chunk c owns the states lo..hi-1 and their rows of every output; the patterns are only read.
        lo = c * n_states // n_chunks
        hi = (c + 1) * n_states // n_chunks
        _pattern_sync_chunk(patterns_t, offset, states[lo:hi], counts[lo:hi], max_steps, steps[lo:hi],
                            converged[lo:hi], readout[lo:hi], trace_energy[lo:hi], trace_overlap[lo:hi])


def pattern_sync(patterns_t: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, max_steps: int,
                 convergence: Convergence, trace: Trace) -> None:
    """Synchronous zero-temperature dynamics of the pattern engine (see :func:`sync_retrieve`).

    Parameters
    ----------
    patterns_t : ndarray, (N, P') int16 or int8
        Transposed ±1 patterns; extra zero columns (P' >= P, e.g. a multiple of 32) change nothing.
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P') int16 or int32, in/out
        ``Xi s`` of the initial states (zero in padding columns); overwritten with those of the final states.
    max_steps, convergence, trace
        As in :func:`sync_retrieve`.
    """
    _pattern_sync(patterns_t, offset, states, counts, max_steps, *convergence, *trace, _chunks(states.shape[0]))


@njit(parallel=True, cache=True, fastmath=_FM)
def _overlap_rows(bits, n, c):
    """``c[mu, nu] = xi^mu . xi^nu = N - 2 popcount(xi^mu XOR xi^nu)`` from patterns packed along the neurons."""
    n_patterns, n_words = bits.shape
    for mu in prange(n_patterns):  # iteration mu writes only row mu of c: race-free
        a = bits[mu]
        for nu in range(n_patterns):
            x = bits[nu]
            pc = np.uint64(0)
            for w in range(n_words):
                pc += popcount(a[w] ^ x[w])
            c[mu, nu] = n - 2 * np.int64(pc)


@njit(parallel=True, cache=True, fastmath=_FM)
def _check_patterns(patterns_t, c, off, stable):
    """Pattern mu is stable unless some ``xi_i^mu (xi_i . C[mu]) + off < 0``; stops at the first such neuron."""
    for mu in prange(stable.shape[0]):  # iteration mu writes only stable[mu]: race-free
        cm = c[mu]
        ok = True
        for i in range(patterns_t.shape[0]):
            x = patterns_t[i]
            if x[mu] * _dot(x, cm) + off < 0:
                ok = False
                break
        stable[mu] = ok


@njit(parallel=True, cache=True, fastmath=_FM)
def hebbian_stability(patterns: np.ndarray, diagonal: int, stable: np.ndarray) -> None:
    """Which stored patterns are fixed points of the zero-temperature dynamics of their Hebbian network.

    Pattern mu is a fixed point when ``xi_i^mu h_i^mu >= 0`` for every i, with ``h^mu = sum_nu C_{mu nu} xi^nu +
    (d - P) xi^mu`` and ``C = Xi Xi^T`` (a zero field keeps the spin).

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
    diagonal : int
        ``W_ii``: 0 or P.
    stable : ndarray, (P,) bool, out

    Notes
    -----
    ``C`` comes from XOR + popcount on packed patterns (P^2 K words); then each pattern is checked neuron by
    neuron, ``xi_i^mu (xi_i . C[mu])`` with int16 rows zero-padded to whole ``vpmaddwd`` vectors (C in int32 when
    N > 32767), stopping at its first unstable neuron, so a high load costs far less than the N P^2 of a full check.
    """
    n_patterns, n = patterns.shape
    width = (n_patterns + 31) // 32 * 32
    bits = np.empty((n_patterns, (n + 63) // 64), np.uint64)
    for mu in prange(n_patterns):  # iteration mu writes only row mu of bits: race-free
        _pack(patterns[mu], bits[mu])
    patterns_t = np.zeros((n, width), np.int16)
    for i in prange(n):  # iteration i writes only row i of patterns_t: race-free
        for mu in range(n_patterns):
            patterns_t[i, mu] = patterns[mu, i]
    if n <= 32767:
        c16 = np.zeros((n_patterns, width), np.int16)
        _overlap_rows(bits, n, c16)
        _check_patterns(patterns_t, c16, diagonal - n_patterns, stable)
    else:
        c32 = np.zeros((n_patterns, width), np.int32)
        _overlap_rows(bits, n, c32)
        _check_patterns(patterns_t, c32, diagonal - n_patterns, stable)


# --------------------------------------------------------------------------------------------------------------
# Bit engine
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=_FM)
def _planes(m, n, planes):
    """Bit planes (Q, L) of ``d_mu = (N - m_mu) / 2``: bit mu % 64 of ``planes[mu // 64, k]`` is bit k of d_mu.

    Returns ``sum_mu d_mu``.
    """
    planes[:, :] = 0
    total = np.int64(0)
    for mu in range(m.shape[0]):
        d = (n - np.int64(m[mu])) >> 1
        total += d
        bit = np.uint64(1) << np.uint64(mu & 63)
        for k in range(planes.shape[1]):
            if (d >> k) & 1:
                planes[mu >> 6, k] |= bit
    return total


@njit(cache=True, fastmath=_FM)
def _sliced_field(x, planes, total, n, n_patterns):
    """``sum_mu xi_i^mu m_mu`` from neuron i's packed bits ``x`` (Q,) and the bit planes of ``d``.

    ``sum_mu xi_i^mu m_mu = N (2 popcount(x) - P) - 2 (2 sum_k 2^k popcount(x AND D_k) - sum_mu d_mu)``.
    """
    ones = np.int64(0)
    acc = np.int64(0)
    for w in range(x.shape[0]):
        xw = x[w]
        ones += np.int64(popcount(xw))
        dw = planes[w]
        for k in range(dw.shape[0]):
            acc += np.int64(popcount(xw & dw[k])) << k
    return n * (2 * ones - n_patterns) - 2 * (2 * acc - total)


def _n_planes(n: int) -> int:
    """Bit planes needed for ``d in 0 .. N``."""
    return max(1, int(n).bit_length())


@njit(cache=True, fastmath=_FM)
def _bit_sync_chunk(bits_n, bits_p, offset, states, counts, max_steps, steps, converged, readout, trace_energy,
                    trace_overlap, n_planes):
    """Synchronous dynamics of a chunk in lockstep: fields neuron-major from the bit planes of the counts, then
    counts by popcount; 2-cycles stop at once, as in :func:`_sync_chunk`."""
    n_states, n = states.shape
    nf = np.float64(n)
    n_patterns = counts.shape[1]
    planes = np.empty((n_states, bits_p.shape[1], n_planes), np.uint64)
    totals = np.empty(n_states, np.int64)
    packed = np.empty(bits_n.shape[1], np.uint64)
    last = np.zeros((n_states, n), np.bool_)
    h = np.empty((n_states, n), np.int32)
    active = np.arange(n_states)
    n_active = n_states
    for b in range(n_states):
        steps[b] = 0
        converged[b] = False
        _pattern_trace(trace_energy, trace_overlap, b, 0, states[b], counts[b], offset, readout[b], nf)
    for t in range(max_steps):
        if n_active == 0:
            break
        for a in range(n_active):
            totals[a] = _planes(counts[active[a]], n, planes[a])
        for i in range(n):
            x = bits_p[i]
            for a in range(n_active):
                h[a, i] = _sliced_field(x, planes[a], totals[a], n, n_patterns)
        kept = 0
        for a in range(n_active):
            b = active[a]
            s = states[b]
            moved, same = _sync_update(s, h[a], offset, last[b])
            if not moved:
                converged[b] = True
                continue
            steps[b] += 1
            if same:  # a 2-cycle
                steps[b] = max_steps
            else:
                active[kept] = b
                kept += 1
            _popcount_counts(bits_n, s, packed, counts[b])
            _pattern_trace(trace_energy, trace_overlap, b, t, s, counts[b], offset, readout[b], nf)
            if same:
                if (max_steps - t - 1) % 2:
                    for i in range(n):
                        if last[b, i]:
                            s[i] = -s[i]
                    _popcount_counts(bits_n, s, packed, counts[b])
                _cycle_trace(trace_energy, trace_overlap, b, t)
        n_active = kept


@njit(parallel=True, cache=True, fastmath=_FM)
def _bit_sync(bits_n, bits_p, offset, states, counts, max_steps, steps, converged, readout, trace_energy,
              trace_overlap, n_planes, n_chunks):
    n_states = states.shape[0]
    for c in prange(n_chunks):
        # Chunk c owns the states lo..hi-1 and their rows of every output; the bits are only read: race-free.
        lo = c * n_states // n_chunks
        hi = (c + 1) * n_states // n_chunks
        _bit_sync_chunk(bits_n, bits_p, offset, states[lo:hi], counts[lo:hi], max_steps, steps[lo:hi],
                        converged[lo:hi], readout[lo:hi], trace_energy[lo:hi], trace_overlap[lo:hi], n_planes)


def bit_sync(bits_n: np.ndarray, bits_p: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray,
             max_steps: int, convergence: Convergence, trace: Trace) -> None:
    """Synchronous zero-temperature dynamics of the bit engine (see :func:`sync_retrieve`).

    Parameters
    ----------
    bits_n : ndarray, (P, K) uint64
    bits_p : ndarray, (N, Q) uint64
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P) int32, in/out
        ``Xi s`` of the initial states; overwritten with those of the final states.
    max_steps, convergence, trace
        As in :func:`sync_retrieve`.
    """
    _bit_sync(bits_n, bits_p, offset, states, counts, max_steps, *convergence, *trace, _n_planes(states.shape[1]),
              _chunks(states.shape[0]))


@njit(cache=True, fastmath=_FM)
def _masked_field(x, m, total):
    """``sum_mu xi_i^mu m_mu = 2 sum_{mu: bit set} m_mu - sum_mu m_mu`` from neuron i's packed bits ``x``."""
    n_patterns = m.shape[0]
    acc = np.int32(0)
    for w in range(x.shape[0]):
        word = x[w]
        base = 64 * w
        for k in range(min(64, n_patterns - base)):
            acc = np.int32(acc + (m[base + k] & -np.int32((word >> np.uint64(k)) & np.uint64(1))))
    return 2 * acc - total


def _row_field(x, m, total):
    """``sum_mu xi_i^mu m_mu`` from neuron i's pattern row ``x``: int16 entries (:func:`_dot`) or packed bits
    (:func:`_masked_field`, which needs ``total = sum_mu m_mu``). Resolved by the row's type at compile time."""


@overload(_row_field, jit_options={"fastmath": _FM})
def _row_field_impl(x, m, total):
    if x.dtype == types.uint64:
        return lambda x, m, total: _masked_field(x, m, total)
    return lambda x, m, total: _dot(x, m)


def _row_flip(x, m, d, total):
    """Add ``d xi_i`` (``d = ±2``) to the counts ``m`` for neuron i's row ``x``; returns ``sum_mu m_mu`` as
    :func:`_row_field` needs it (kept up to date for packed bits only)."""


@overload(_row_flip, jit_options={"fastmath": _FM})
def _row_flip_impl(x, m, d, total):
    if x.dtype == types.uint64:
        def flip_bits(x, m, d, total):
            n_patterns = m.shape[0]
            ones = np.int32(0)
            for w in range(x.shape[0]):
                word = x[w]
                ones += np.int32(popcount(word))
                base = 64 * w
                for q in range(min(64, n_patterns - base)):
                    m[base + q] += d * (2 * np.int32((word >> np.uint64(q)) & np.uint64(1)) - 1)
            return total + d * (2 * ones - n_patterns)  # sum_mu xi_i^mu = 2 popcount(x) - P
        return flip_bits

    def flip_entries(x, m, d, total):
        for mu in range(m.shape[0]):
            m[mu] += d * x[mu]
        return total  # only the packed-bit field reads the sum
    return flip_entries


@njit(parallel=True, cache=True, fastmath=_FM)
def _count_sweeps(rows, offset, states, counts, order_bits, uniform_bits, betas, mode, steps, converged, readout,
                  trace_energy, trace_overlap):
    """Sequential dynamics on overlap counts (see :func:`sweeps`), for pattern rows ``rows[i]`` held as int16
    entries (pattern engine) or packed bits (bit engine): a visit computes ``h_i = xi_i . m + o s_i``, a flip of
    spin i adds ``2 s_i xi_i`` to the counts (P operations each)."""
    n_states, n = states.shape
    nf = np.float64(n)
    for b in prange(n_states):
        # Iteration b writes only row b of states, counts, steps, converged and the traces: race-free.
        s = states[b]
        m = counts[b]
        total = np.int32(0)
        for mu in range(m.shape[0]):
            total += m[mu]
        order = np.empty(n, np.int32)
        steps[b] = 0
        converged[b] = False
        _pattern_trace(trace_energy, trace_overlap, b, 0, s, m, offset, readout[b], nf)
        for t in range(betas.shape[0]):
            _visit_order(order, order_bits, b, t)
            beta = betas[t]
            flips = 0
            for k in range(n):
                i = order[k]
                x = rows[i]
                h = _row_field(x, m, total) + offset * s[i]
                if mode == 0:
                    new = -s[i] if h * s[i] < 0 else s[i]
                else:
                    new = _stochastic_spin(mode, s[i], h, beta, uniform_bits[b, t, k], nf)
                if new != s[i]:
                    s[i] = new
                    flips += 1
                    total = _row_flip(x, m, np.int32(2 * new), total)
            if mode == 0 and flips == 0:
                converged[b] = True
                break
            steps[b] += 1
            _pattern_trace(trace_energy, trace_overlap, b, t, s, m, offset, readout[b], nf)


def pattern_sweeps(patterns_t: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, schedule: Schedule,
                   convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics of the pattern engine (see :func:`sweeps`): a visit computes ``h_i = xi_i . m +
    o s_i``, a flip of spin i adds ``2 s_i xi_i`` to the counts (P operations each).

    Parameters
    ----------
    patterns_t : ndarray, (N, P') int16 or int8
        Transposed ±1 patterns, possibly with extra zero columns.
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P') int16 or int32, in/out
        ``Xi s`` of the initial states; kept consistent with the states.
    schedule, convergence, trace
        As in :func:`sweeps`.
    """
    _count_sweeps(patterns_t, offset, states, counts, *schedule, *convergence, *trace)


def bit_sweeps(bits_p: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, schedule: Schedule,
               convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics of the bit engine (see :func:`sweeps`): a visit sums the counts selected by neuron i's
    pattern bits, a flip adds ``±2`` to every count (P operations each).

    Parameters
    ----------
    bits_p : ndarray, (N, Q) uint64
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P) int32, in/out
        ``Xi s`` of the initial states; kept consistent with the states.
    schedule, convergence, trace
        As in :func:`sweeps`.
    """
    _count_sweeps(bits_p, offset, states, counts, *schedule, *convergence, *trace)
