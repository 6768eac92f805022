"""Readable NumPy kernels of the classical Hopfield network: the reference the Numba and CUDA twins must match.

Every function writes into caller-allocated outputs and validates nothing (validation happens upstream).
The weights are the integer Hebbian counts ``W`` (couplings ``J = W / N``), so local fields are exact
integers and the zero-temperature (±1) dynamics give identical states on every backend.

Symbols
-------
N  number of neurons
P  number of stored patterns
B  batch of independent states (cues)
S  number of sweeps (length of the second axis of ``orders`` and ``uniforms``)
W  Hebbian weight counts, ``W_ij = sum_mu xi_i^mu xi_j^mu`` for ``i != j``, ``W_ii = 0``
h  local field ``h_i = sum_j W_ij s_j`` (an integer)

Update rule shared by all zero-temperature dynamics: ``s_i <- +1 if h_i > 0, -1 if h_i < 0, s_i if h_i == 0``.
"""

from __future__ import annotations

import math

import numpy as np


def _exact_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Integer matrix product ``a @ b`` as int64, computed by float64 BLAS.

    Exact: both factors hold integers and every partial sum is an integer far below 2**53 in magnitude
    (at most N * P for Hopfield fields), so float64 rounds nothing.
    """
    return (a.astype(np.float64, copy=False) @ b.astype(np.float64, copy=False)).astype(np.int64)


def _decide(h: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Zero-temperature update: sign of the field ``h``, keeping the current spin ``s`` where ``h == 0``."""
    return np.where(h > 0, 1, np.where(h < 0, -1, s)).astype(np.int8)


def _exp(x: float) -> float:
    """``math.exp`` that returns ``inf`` on overflow, as IEEE ``exp`` (and the compiled twins) do."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def hebbian_weights(patterns: np.ndarray, weights: np.ndarray) -> None:
    """Hebbian weight counts of stored ±1 patterns.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        Stored patterns, entries ±1.
    weights : ndarray, (N, N) int32, out
        ``W_ij = sum_mu xi_i^mu xi_j^mu`` for ``i != j`` and ``W_ii = 0``.
    """
    w = _exact_product(patterns.T, patterns)
    np.fill_diagonal(w, 0)
    weights[...] = w


def sync_retrieve(weights: np.ndarray, states: np.ndarray, max_steps: int, steps: np.ndarray,
                  converged: np.ndarray) -> None:
    """Synchronous zero-temperature dynamics: all neurons update at once from the same fields.

    Each state repeats, at most ``max_steps`` times: ``s' = decide(W s, s)``; if ``s' == s`` it has converged
    and stops, else ``s = s'`` and its step count grows by one. Synchronous dynamics can end in a 2-cycle,
    in which case the limit is reached with ``converged`` False.

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Weight counts ``W``.
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states (cues); overwritten with the final states.
    max_steps : int
        Largest number of synchronous updates per state.
    steps : ndarray, (B,) int32, out
        Number of updates that changed the state.
    converged : ndarray, (B,) bool, out
        The state reached a fixed point within ``max_steps``.
    """
    w_t = weights.T.astype(np.float64)  # converted once, not at every step
    s = states.copy()
    steps[:] = 0
    converged[:] = False
    active = np.arange(len(s))  # states still moving
    for _ in range(max_steps):
        if active.size == 0:
            break
        h = _exact_product(s[active], w_t)  # row b holds W s_b
        new = _decide(h, s[active])
        fixed = (new == s[active]).all(axis=1)
        converged[active[fixed]] = True
        moved = active[~fixed]
        s[moved] = new[~fixed]
        steps[moved] += 1
        active = moved
    states[...] = s


def async_retrieve(weights: np.ndarray, states: np.ndarray, orders: np.ndarray, steps: np.ndarray,
                   converged: np.ndarray) -> None:
    """Asynchronous zero-temperature dynamics: neurons update one at a time in the given random orders.

    Sweep ``t`` of state ``b`` visits the neurons in the order ``orders[b, t]``, each seeing the spins already
    updated in this sweep. A sweep without a flip means a fixed point: ``converged`` is set and the state stops.

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Weight counts ``W``.
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states (cues); overwritten with the final states.
    orders : ndarray, (B, S, N) int32
        ``orders[b, t]`` is a permutation of ``range(N)``; S is the largest number of sweeps.
    steps : ndarray, (B,) int32, out
        Number of sweeps that flipped at least one spin (S when not converged).
    converged : ndarray, (B,) bool, out
        Some sweep flipped no spin.
    """
    fields = _exact_product(states, weights.T)  # (B, N) int64, row b holds W s_b
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s, h = states[b], fields[b]  # views: updated in place
        for t in range(orders.shape[1]):
            flips = 0
            for i in orders[b, t]:
                new = 1 if h[i] > 0 else -1 if h[i] < 0 else s[i]
                if new != s[i]:
                    s[i] = new
                    h += 2 * new * weights[:, i].astype(np.int64)  # the field change caused by spin i
                    flips += 1
            if flips == 0:
                converged[b] = True
                break
            steps[b] += 1


def glauber_sweeps(weights: np.ndarray, states: np.ndarray, orders: np.ndarray, uniforms: np.ndarray,
                   beta: float) -> None:
    """Glauber (heat-bath) dynamics at temperature ``T = 1 / beta`` with couplings ``J = W / N``.

    Sweep ``t`` of state ``b`` visits neuron ``i = orders[b, t, k]`` at position ``k`` and sets it to +1 with
    probability ``p_up = 1 / (1 + exp(-2 beta h_i / N))``, namely when ``uniforms[b, t, k] < p_up``, else to -1.
    Exactly S sweeps run; there is no convergence test. ``p_up`` is computed with the same operation order
    in every twin, ``1.0 / (1.0 + exp(-2.0 * beta * h / n))`` with ``n = float(N)``.

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Weight counts ``W``.
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states; overwritten with the states after S sweeps.
    orders : ndarray, (B, S, N) int32
        ``orders[b, t]`` is a permutation of ``range(N)``.
    uniforms : ndarray, (B, S, N) float64
        Uniform random numbers in [0, 1), one per visit.
    beta : float
        Inverse temperature, > 0.
    """
    n = float(states.shape[1])
    fields = _exact_product(states, weights.T)
    for b in range(len(states)):
        s, h = states[b], fields[b]
        for t in range(orders.shape[1]):
            for k, i in enumerate(orders[b, t]):
                p_up = 1.0 / (1.0 + _exp(-2.0 * beta * float(h[i]) / n))
                new = 1 if uniforms[b, t, k] < p_up else -1
                if new != s[i]:
                    s[i] = new
                    h += 2 * new * weights[:, i].astype(np.int64)


def energy(weights: np.ndarray, states: np.ndarray, out: np.ndarray) -> None:
    """Energy per neuron ``E = -(s^T W s) / (2 N^2)``, i.e. ``-(1/2N) sum_ij J_ij s_i s_j`` with ``J = W / N``.

    Parameters
    ----------
    weights : ndarray, (N, N) int32
        Weight counts ``W``.
    states : ndarray, (B, N) int8
        ±1 states.
    out : ndarray, (B,) float64, out
        Energy per neuron of each state; ``s^T W s`` is summed exactly in int64 before the division.
    """
    n = states.shape[1]
    quad = (_exact_product(states, weights.T) * states).sum(axis=1)  # int64 s^T W s
    out[...] = -quad / (2.0 * n * n)


def overlaps(patterns: np.ndarray, states: np.ndarray, out: np.ndarray) -> None:
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
    out[...] = _exact_product(states, patterns.T) / states.shape[1]
