"""Readable NumPy kernels of the classical Hopfield network: the reference the Numba and CUDA twins must match.

Every function writes into caller-allocated outputs and validates nothing (validation happens upstream).
Three engines hold the couplings in different forms and give the same integer fields for Hebbian storage:

* dense: the weights ``W`` (N, N), integer counts (int8/int16/int32) or float64 on a dyadic grid (see
  :mod:`amsim.families.hopfield.rules`), so every field is an exact sum in any order and the ±1 dynamics give
  identical states on every backend;
* patterns: the transposed patterns ``Xi^T`` (N, P) int16 (or int8) and the overlap counts ``m = Xi s``;
  ``h = Xi^T m + o s`` with ``o = W_ii - P`` (-P, or 0 with self-coupling);
* bits: the patterns packed 64 to a uint64 word along the neurons (for ``m`` by XOR and popcount) and along
  the patterns (for ``h = Xi^T m``).

Overlaps and overlap counts of states with the patterns are shared kernels (:mod:`amsim.kernels`).

Symbols
-------
N  number of neurons
P  number of stored patterns
B  batch of independent states (cues)
S  number of sweeps (length of ``betas``; second axis of ``order_bits``, ``uniform_bits`` and the traces)
K  words per packed neuron row, ``ceil(N / 64)``; Q words per packed pattern row, ``ceil(P / 64)``
W  weights in the *outgoing* layout: ``weights[j, i] = W_ij``, so row j is what a flip of spin j adds to every
   field (for the symmetric rules this is W itself); couplings ``J = W / N``
b  bias (N,): a constant added to every field (the covariance rule's threshold), in the fields' dtype
h  local field ``h_i = sum_j W_ij s_j + b_i``: int32 for integer weights, float64 for float weights
m  overlap counts ``m_mu = sum_i xi_i^mu s_i`` (exact integers; the overlap is m / N)
o  the self-coupling offset ``W_ii - P`` of a Hebbian network held as patterns (-P, or 0 with
   self-coupling): ``h = Xi^T m + o s``

Dynamics (``mode``): 0 zero temperature, ``s_i <- sign(h_i)`` and ``s_i`` kept where ``h_i == 0``;
1 Glauber (heat bath), ``s_i <- +1`` when ``u < 1 / (1 + exp(-2 beta h_i / N))``, else -1;
2 Metropolis, ``s_i <- -s_i`` when ``u < exp(-2 beta s_i h_i / N)`` (the energy change of the flip when W is
symmetric with zero diagonal). The uniform ``u = r * 2**-32`` comes from a host-drawn uint32 ``r``.

The dynamics kernels take their arguments in the groups of :mod:`amsim.kernels`: ``schedule``
(:class:`~amsim.kernels.Schedule`: random words of the visiting orders and acceptance tests, ``betas``, ``mode``),
``convergence`` (:class:`~amsim.kernels.Convergence`: ``steps``, ``converged``) and ``trace``
(:class:`~amsim.kernels.Trace`: ``readout``, ``energy``, ``overlap``).

Visiting orders: for sweep t of state b the order is the inside-out Fisher-Yates shuffle of ``0 .. N-1`` driven by
``schedule.order_bits[b, t]`` (see :func:`_shuffle`), or ``0 .. N-1`` itself when ``order_bits`` has no sweeps
(fixed order).

Traces (optional, ``trace.energy.shape[1] == S``, else ``(B, 0)``): after sweep or step t, ``trace.energy[b, t]``
is the energy per neuron ``-(s W s / 2 + b . s) / N^2`` and ``trace.overlap[b, t] = sum_i readout[b, i] s_i``; a
state that has stopped keeps its last values.
"""

from __future__ import annotations

import numpy as np

from amsim.kernels import Convergence, Schedule, Trace
from amsim.kernels.reference import _exact_product, _exp, _unpack, _visit_order


def _decide(h: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Zero-temperature update: sign of the field ``h``, keeping the current spin ``s`` where ``h == 0``."""
    return np.where(h > 0, 1, np.where(h < 0, -1, s)).astype(np.int8)


def _uniform(r: int) -> float:
    """The uniform number ``r * 2**-32`` in [0, 1) of a uint32 ``r`` (exact in float64)."""
    return float(r) * 2.0**-32


def _new_spin(mode: int, s: int, h: float, beta: float, r: int, n: float) -> int:
    """The spin after a visit in dynamics ``mode`` (see the module docstring), from its field and random word."""
    if mode == 0:
        return -s if s * h < 0 else s
    if mode == 1:
        return 1 if _uniform(r) < 1.0 / (1.0 + _exp(-2.0 * beta * float(h) / n)) else -1
    return -s if _uniform(r) < _exp(-2.0 * beta * float(s * h) / n) else s


# --------------------------------------------------------------------------------------------------------------
# Dense engine
# --------------------------------------------------------------------------------------------------------------


def hebbian_weights(patterns: np.ndarray, weights: np.ndarray) -> None:
    """Hebbian weight counts of stored ±1 patterns.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        Stored patterns, entries ±1.
    weights : ndarray, (N, N) int8, int16 or int32, out
        ``W_ij = sum_mu xi_i^mu xi_j^mu`` for ``i != j`` and ``W_ii = 0`` (the dtype must hold P).
    """
    w = _exact_product(patterns.T, patterns)
    np.fill_diagonal(w, 0)
    weights[...] = w


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
    fields[...] = _exact_product(states, weights) + bias


def _trace(trace, b, t, s, h, bias):
    """Record the energy per neuron and the readout overlap of state ``s`` with fields ``h`` at sweep t onwards."""
    if trace.energy.shape[1]:
        n = len(s)
        quad = float(np.dot(s.astype(np.float64), h.astype(np.float64)) + np.dot(s.astype(np.float64), bias))
        trace.energy[b, t:] = -quad / (2.0 * n * n)
        trace.overlap[b, t:] = np.dot(trace.readout[b], s.astype(np.float64))


def sync_retrieve(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray, max_steps: int,
                  convergence: Convergence, trace: Trace) -> None:
    """Synchronous zero-temperature dynamics: all neurons update at once from the same fields.

    Each state repeats, at most ``max_steps`` times: ``s' = decide(h(s), s)``; if ``s' == s`` it has converged
    and stops, else ``s = s'`` and its step count grows by one. Synchronous dynamics can end in a 2-cycle,
    in which case the limit is reached with ``converged`` False.

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
        neuron and readout overlap after each step (see the module docstring).
    """
    steps, converged = convergence
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s, h = states[b].copy(), fields[b].copy()
        _trace(trace, b, 0, s, h, bias)
        for t in range(max_steps):
            new = _decide(h, s)
            if (new == s).all():
                converged[b] = True
                break
            s = new
            h = _exact_product(s, weights) + bias
            steps[b] += 1
            _trace(trace, b, t, s, h, bias)
        states[b], fields[b] = s, h


def sweeps(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray, schedule: Schedule,
           convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics: neurons update one at a time, each seeing the spins already updated.

    Sweep t of state b visits the neurons in the order drawn by ``schedule.order_bits[b, t]``; the visit at
    position k uses the random word ``schedule.uniform_bits[b, t, k]`` and the inverse temperature
    ``schedule.betas[t]`` (see the module docstring for the three modes). A flip of spin i adds ``2 s_i W[i]`` to
    the fields. At zero temperature a sweep without a flip is a fixed point: ``converged`` is set and the state
    stops; the stochastic modes run all S sweeps.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout, ``weights[j, i] = W_ij``.
    bias : ndarray, (N,)
        Added to every field (used by the energy trace; already part of ``fields``).
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states; overwritten with the final states.
    fields : ndarray, (B, N) int32 or float64, in/out
        ``W s + b`` of the initial states; kept consistent with the states.
    schedule : Schedule
        ``order_bits``, ``uniform_bits`` (B, S, N) uint32, ``betas`` (S,) float64 and ``mode`` of the S sweeps.
    convergence : Convergence, out
        ``steps``: at zero temperature the sweeps that flipped at least one spin, otherwise S; ``converged``: at
        zero temperature some sweep flipped no spin, otherwise False.
    trace : Trace
        As in :func:`sync_retrieve`, with one trace entry per sweep.
    """
    order_bits, uniform_bits, betas, mode = schedule
    steps, converged = convergence
    n = states.shape[1]
    nf = float(n)
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s, h = states[b], fields[b]  # views: updated in place
        _trace(trace, b, 0, s, h, bias)
        for t in range(len(betas)):
            order = _visit_order(order_bits, b, t, n)
            flips = 0
            for k, i in enumerate(order):
                r = uniform_bits[b, t, k] if mode else 0
                new = _new_spin(mode, int(s[i]), h[i], betas[t], r, nf)
                if new != s[i]:
                    s[i] = new
                    h += (2 * new) * weights[i].astype(h.dtype)  # the field change caused by spin i
                    flips += 1
            if mode == 0 and flips == 0:
                converged[b] = True
                break
            steps[b] += 1
            _trace(trace, b, t, s, h, bias)


def energy(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, out: np.ndarray) -> None:
    """Energy per neuron ``E = -(s W s / 2 + b . s) / N^2``: ``-(1/N) (1/2 sum_ij J_ij s_i s_j + sum_i b_i s_i / N)``.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout.
    bias : ndarray, (N,)
    states : ndarray, (B, N) int8
        ±1 states.
    out : ndarray, (B,) float64, out
        ``s . h + b . s`` (with ``h = W s + b``) is summed exactly before the one division by ``2 N^2``.
    """
    n = states.shape[1]
    h = _exact_product(states, weights) + bias
    quad = (h * states).sum(axis=1) + states @ bias.astype(np.float64)
    out[...] = -quad / (2.0 * n * n)


# --------------------------------------------------------------------------------------------------------------
# Pattern engine
# --------------------------------------------------------------------------------------------------------------


def _pattern_energy(m: np.ndarray, offset: int, n: int) -> float:
    """``-(sum_mu m_mu^2 + o N) / (2 N^2)``, the energy per neuron of a state with overlap counts m."""
    quad = int((m.astype(np.int64) ** 2).sum()) + offset * n
    return -quad / (2.0 * n * n)


def _pattern_trace(trace, b, t, s, m, offset):
    """Record the energy per neuron and the readout overlap of state ``s`` with counts ``m`` at sweep t onwards."""
    if trace.energy.shape[1]:
        trace.energy[b, t:] = _pattern_energy(m, offset, len(s))
        trace.overlap[b, t:] = np.dot(trace.readout[b], s.astype(np.float64))


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
    steps, converged = convergence
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s, m = states[b].copy(), counts[b].astype(np.int64)
        _pattern_trace(trace, b, 0, s, m, offset)
        for t in range(max_steps):
            h = _exact_product(m, patterns_t.T) + offset * s.astype(np.int64)
            new = _decide(h, s)
            if (new == s).all():
                converged[b] = True
                break
            s = new
            m = _exact_product(s, patterns_t).astype(np.int64)
            steps[b] += 1
            _pattern_trace(trace, b, t, s, m, offset)
        states[b], counts[b] = s, m


def pattern_sweeps(patterns_t: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, schedule: Schedule,
                   convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics of the pattern engine (see :func:`sweeps`): a visit computes ``h_i = xi_i . m + o s_i``
    from the overlap counts, and a flip of spin i adds ``2 s_i xi_i`` to them (P operations each).

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
    order_bits, uniform_bits, betas, mode = schedule
    steps, converged = convergence
    n = patterns_t.shape[0]
    nf = float(n)
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s, m = states[b], counts[b].astype(np.int64)
        _pattern_trace(trace, b, 0, s, m, offset)
        for t in range(len(betas)):
            order = _visit_order(order_bits, b, t, n)
            flips = 0
            for k, i in enumerate(order):
                h = int(np.dot(patterns_t[i].astype(np.int64), m)) + offset * int(s[i])
                r = uniform_bits[b, t, k] if mode else 0
                new = _new_spin(mode, int(s[i]), h, betas[t], r, nf)
                if new != s[i]:
                    s[i] = new
                    m += 2 * new * patterns_t[i].astype(np.int64)
                    flips += 1
            if mode == 0 and flips == 0:
                converged[b] = True
                break
            steps[b] += 1
            _pattern_trace(trace, b, t, s, m, offset)
        counts[b] = m


def hebbian_stability(patterns: np.ndarray, diagonal: int, stable: np.ndarray) -> None:
    """Which stored patterns are fixed points of the zero-temperature dynamics of their Hebbian network.

    Pattern mu is a fixed point when no neuron's field opposes it: ``xi_i^mu h_i^mu >= 0`` for every i, with
    ``h^mu = W xi^mu = sum_nu C_{mu nu} xi^nu + (d - P) xi^mu`` and ``C = Xi Xi^T`` (a zero field keeps the spin).

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        Stored ±1 patterns.
    diagonal : int
        ``W_ii``: 0 or P.
    stable : ndarray, (P,) bool, out
    """
    n_patterns = patterns.shape[0]
    c = _exact_product(patterns, patterns.T)
    h = _exact_product(c, patterns) + (diagonal - n_patterns) * patterns.astype(np.int64)
    stable[...] = (h * patterns >= 0).all(axis=1)


# --------------------------------------------------------------------------------------------------------------
# Bit engine: the same computations on bit-packed patterns (a set bit is +1)
# --------------------------------------------------------------------------------------------------------------


def bit_sync(bits_n: np.ndarray, bits_p: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray,
             max_steps: int, convergence: Convergence, trace: Trace) -> None:
    """Synchronous dynamics of the bit engine: :func:`pattern_sync` on the unpacked patterns.

    Parameters
    ----------
    bits_n : ndarray, (P, K) uint64
    bits_p : ndarray, (N, Q) uint64
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P) int32, in/out
    max_steps, convergence, trace
        As in :func:`sync_retrieve`.
    """
    pattern_sync(_unpack(bits_p, counts.shape[1]), offset, states, counts, max_steps, convergence, trace)


def bit_sweeps(bits_p: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, schedule: Schedule,
               convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics of the bit engine: :func:`pattern_sweeps` on the unpacked patterns.

    Parameters
    ----------
    bits_p : ndarray, (N, Q) uint64
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P) int32, in/out
    schedule, convergence, trace
        As in :func:`sweeps`.
    """
    pattern_sweeps(_unpack(bits_p, counts.shape[1]), offset, states, counts, schedule, convergence, trace)
