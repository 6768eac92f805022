"""Readable NumPy kernels of the dense associative memory and the modern Hopfield network: the reference the Numba
and CUDA twins must match (±1 dynamics exactly, float results within the stated tolerances).

Every function writes into caller-allocated outputs and validates nothing.

Symbols
-------
N  neurons (dense associative memory), or the dimension d of real patterns (modern Hopfield)
P  stored patterns (P' >= P columns of the zero-padded transposed patterns, a multiple of 32)
B  states (cues, queries)
S  sweeps (sequential dynamics) or the step limit (synchronous)
K  uint64 words per packed pattern, ``ceil(N / 64)`` (the exponential kernels take them transposed, (K, P))
m  overlap counts ``m_mu = xi^mu . s``, integers in -N .. N
c  ``c_mu = xi_i^mu s_i`` for the neuron i being updated
U, D  the polynomial tables ``U(m) = G(m-1) + G(m+1)``, ``D(m) = G(m-1) - G(m+1)`` indexed by ``m + N``, with
   ``G(a) = F(a+1) - F(a-1)`` (:mod:`amsim.families.dense.energies`); ``2 s_i h_i = sum_mu D(m_mu) + s_i sum_mu
   xi_i^mu U(m_mu)``, exact in int64 (or float64 sums in lane order where int64 cannot hold them)
Z  the polynomial energy scale ``p N^(p-1)``: ``E = -sum_mu F(m_mu) / Z``
w  the exponential weights ``w_j = e^(-2j)``, j = 0 .. K_gap / 2; ``V = sum_g H_g w_g`` over the histogram of the
   even gaps ``g_mu = max(m) + 1 - (m_mu - c_mu) <= K_gap`` (:mod:`amsim.families.dense.energies`)

Dynamics (``mode`` of the schedule): 0 zero temperature, the spin flips when its field opposes it (``s_i h_i < 0``;
a zero field keeps it); 1 Glauber, ``s_i <- +1`` when ``u < 1 / (1 + exp(-beta h_i / Z))`` (the energy change of
the flip is ``h_i / Z``; exponential energy: ``Z = exp(N - M - 1) / (2 sinh 1)`` with M the largest overlap count),
``u = r 2**-32`` from the host-drawn word r. Sequential sweeps visit the neurons in the Fisher-Yates order drawn by
the schedule's ``order_bits`` (or 0 .. N-1); a sweep without a flip is a fixed point at zero temperature.
Synchronous steps decide every neuron from the same state and stop at a fixed point; a 2-cycle runs to the limit.

Float sums of the polynomial kernels (when int64 cannot hold them) are taken in 32 lanes: lane l adds the terms
mu = l, l + 32, l + 64, ... in that order, then the lanes are added in order 0 .. 31 (:func:`_lane_sum`).
"""

from __future__ import annotations

import numpy as np

from amsim.families.dense.energies import LANES, TWO_SINH_1
from amsim.kernels import Convergence, Schedule
from amsim.kernels.reference import _exp, _unpack, _visit_order


def _lane_sum(x: np.ndarray):
    """``sum(x)`` in the lane order of the module docstring (exact for integers, the same rounding everywhere)."""
    padded = np.zeros(-(-len(x) // LANES) * LANES, dtype=x.dtype)
    padded[:len(x)] = x
    lanes = np.zeros(LANES, dtype=x.dtype)
    for row in padded.reshape(-1, LANES):
        lanes += row
    total = x.dtype.type(0)
    for value in lanes:
        total += value
    return total


def _counts(bits_n: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Overlap counts ``m = Xi s`` (P,) int64 of one state."""
    return _unpack(bits_n, len(s)).astype(np.int64) @ s.astype(np.int64)


def _new_spin(mode: int, s: int, hh, beta: float, r: int, scale: float) -> int:
    """The spin after a visit, from ``hh`` (a number of the sign of ``s_i h_i``; ``h_i = s hh / 2`` for the
    polynomial kernels) and the random word r."""
    if mode == 0:
        return -s if hh < 0 else s
    h = s * hh / 2
    return 1 if float(r) * 2.0**-32 < 1.0 / (1.0 + _exp(-beta * float(h) / scale)) else -1


# --------------------------------------------------------------------------------------------------------------
# Polynomial and rectified energies
# --------------------------------------------------------------------------------------------------------------


def _doubled_fields(xi_t: np.ndarray, sums: np.ndarray, diffs: np.ndarray, m: np.ndarray, s: np.ndarray,
                    neurons: np.ndarray) -> np.ndarray:
    """``2 s_i h_i`` of the given neurons from the overlap counts m (P,)."""
    n = len(s)
    u = sums[m + n]
    d = _lane_sum(diffs[m + n])
    return np.array([d + s[i] * _lane_sum(xi_t[i] * u) for i in neurons], dtype=sums.dtype)


def polynomial_sweeps(patterns_t: np.ndarray, bits_n: np.ndarray, sums: np.ndarray, diffs: np.ndarray, scale: float,
                      states: np.ndarray, schedule: Schedule, convergence: Convergence) -> None:
    """Sequential dynamics of the polynomial (or rectified) dense associative memory.

    Parameters
    ----------
    patterns_t : ndarray, (N, P') int8
        Transposed ±1 patterns, zero in columns P .. P' - 1.
    bits_n : ndarray, (P, K) uint64
        The patterns packed along the neurons (their count P is the number of stored patterns).
    sums, diffs : ndarray, (2 N + 1,) int64 or float64
        The tables U and D (:func:`amsim.families.dense.energies.polynomial_tables`).
    scale : float
        Z = p N^(p-1), the energy scale (Glauber).
    states : ndarray, (B, N) int8, in/out
        Initial ±1 states; overwritten with the final states.
    schedule : amsim.kernels.Schedule
        Visiting orders, random words, inverse temperatures (S sweeps) and the mode (0 or 1).
    convergence : amsim.kernels.Convergence, out
        ``steps``: sweeps that flipped a spin (S for Glauber); ``converged``: a sweep flipped nothing.
    """
    order_bits, uniform_bits, betas, mode = schedule
    steps, converged = convergence
    n = states.shape[1]
    n_patterns = bits_n.shape[0]
    xi_t = patterns_t[:, :n_patterns].astype(sums.dtype)
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s = states[b]
        m = _counts(bits_n, s)
        for t in range(len(betas)):
            flips = 0
            for k, i in enumerate(_visit_order(order_bits, b, t, n)):
                hh = _doubled_fields(xi_t, sums, diffs, m, s, [i])[0]
                new = _new_spin(mode, int(s[i]), hh, betas[t], uniform_bits[b, t, k] if mode else 0, scale)
                if new != s[i]:
                    s[i] = new
                    m += 2 * new * patterns_t[i, :n_patterns].astype(np.int64)
                    flips += 1
            if mode == 0 and flips == 0:
                converged[b] = True
                break
            steps[b] += 1


def polynomial_sync(patterns_t: np.ndarray, bits_n: np.ndarray, sums: np.ndarray, diffs: np.ndarray,
                    states: np.ndarray, max_steps: int, convergence: Convergence) -> None:
    """Synchronous zero-temperature dynamics of the polynomial (or rectified) dense associative memory.

    Each state repeats, at most ``max_steps`` times: every neuron decides from the same state; a step that changes
    nothing is a fixed point (``converged``), else the step count grows. A 2-cycle runs to the limit.

    Parameters
    ----------
    patterns_t, bits_n, sums, diffs
        As in :func:`polynomial_sweeps`.
    states : ndarray, (B, N) int8, in/out
    max_steps : int
    convergence : amsim.kernels.Convergence, out
    """
    steps, converged = convergence
    n = states.shape[1]
    n_patterns = bits_n.shape[0]
    xi_t = patterns_t[:, :n_patterns].astype(sums.dtype)
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s = states[b].copy()
        for _ in range(max_steps):
            hh = _doubled_fields(xi_t, sums, diffs, _counts(bits_n, s), s, np.arange(n))
            new = np.where(hh < 0, -s, s).astype(np.int8)
            if (new == s).all():
                converged[b] = True
                break
            s = new
            steps[b] += 1
        states[b] = s


# --------------------------------------------------------------------------------------------------------------
# Exponential energy
# --------------------------------------------------------------------------------------------------------------


def _gap_sum(weights: np.ndarray, m: np.ndarray, c: np.ndarray, big: int) -> float:
    """V = sum over the kept gaps of ``H_g w_g`` (histogram of the c's by gap, then the largest gap first)."""
    gaps = big + 1 - (m - c)
    kept = gaps <= 2 * (len(weights) - 1)
    histogram = np.zeros(len(weights), np.int64)
    np.add.at(histogram, gaps[kept] // 2, c[kept])
    v = 0.0
    for j in range(len(weights) - 1, -1, -1):
        v += float(histogram[j]) * weights[j]
    return v


def exponential_sweeps(bits_t: np.ndarray, weights: np.ndarray, states: np.ndarray, schedule: Schedule,
                       convergence: Convergence) -> None:
    """Sequential dynamics of the exponential dense associative memory (see the module docstring).

    Parameters
    ----------
    bits_t : ndarray, (K, P) uint64
        The patterns packed along the neurons, transposed: word w of pattern mu at ``bits_t[w, mu]``.
    weights : ndarray, (K_gap / 2 + 1,) float64
        ``w_j = e^(-2j)`` (:func:`amsim.families.dense.energies.exponential_weights`).
    states : ndarray, (B, N) int8, in/out
    schedule : amsim.kernels.Schedule
        Mode 0 or 1.
    convergence : amsim.kernels.Convergence, out
    """
    order_bits, uniform_bits, betas, mode = schedule
    steps, converged = convergence
    n = states.shape[1]
    xi = _unpack(np.ascontiguousarray(bits_t.T), n).astype(np.int64)
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s = states[b]
        m = xi @ s.astype(np.int64)
        for t in range(len(betas)):
            flips = 0
            for k, i in enumerate(_visit_order(order_bits, b, t, n)):
                big = int(m.max())
                v = _gap_sum(weights, m, xi[:, i] * s[i], big)
                scale = _exp(n - big - 1.0) / TWO_SINH_1
                new = _new_spin(mode, int(s[i]), 2.0 * v, betas[t], uniform_bits[b, t, k] if mode else 0, scale)
                if new != s[i]:
                    s[i] = new
                    m += 2 * new * xi[:, i]
                    flips += 1
            if mode == 0 and flips == 0:
                converged[b] = True
                break
            steps[b] += 1


def exponential_sync(bits_t: np.ndarray, weights: np.ndarray, states: np.ndarray, max_steps: int,
                     convergence: Convergence) -> None:
    """Synchronous zero-temperature dynamics of the exponential dense associative memory.

    Parameters
    ----------
    bits_t, weights
        As in :func:`exponential_sweeps`.
    states : ndarray, (B, N) int8, in/out
    max_steps : int
    convergence : amsim.kernels.Convergence, out
    """
    steps, converged = convergence
    n = states.shape[1]
    xi = _unpack(np.ascontiguousarray(bits_t.T), n).astype(np.int64)
    steps[:] = 0
    converged[:] = False
    for b in range(len(states)):
        s = states[b].copy()
        for _ in range(max_steps):
            m = xi @ s.astype(np.int64)
            big = int(m.max())
            v = np.array([_gap_sum(weights, m, xi[:, i] * s[i], big) for i in range(n)])
            new = np.where(v < 0, -s, s).astype(np.int8)
            if (new == s).all():
                converged[b] = True
                break
            s = new
            steps[b] += 1
        states[b] = s


# --------------------------------------------------------------------------------------------------------------
# Modern Hopfield network: separation functions and attention
# --------------------------------------------------------------------------------------------------------------


def _entmax_row(z: np.ndarray, alpha: float) -> np.ndarray:
    """alpha-entmax of one row by bisection on the threshold, to the last representable midpoint."""
    x = (alpha - 1.0) * z
    power = 1.0 / (alpha - 1.0)
    hi = x.max() - len(x) ** (1.0 - alpha)  # every p_j <= 1/P there: sum <= 1
    lo = x.max() - 1.0                       # the largest p is 1 there: sum >= 1
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        total = np.cumsum(np.maximum(x - mid, 0.0) ** power)[-1]  # a sequential sum, as the twins add
        if total >= 1.0:
            lo = mid
        else:
            hi = mid
    p = np.maximum(x - lo, 0.0) ** power
    return p / np.cumsum(p)[-1]


def _sparsemax_row(z: np.ndarray) -> np.ndarray:
    """sparsemax of one row: the Euclidean projection onto the simplex, from the sorted values."""
    ranked = np.sort(z)[::-1]
    cumulative = np.cumsum(ranked)
    k = np.arange(1, len(z) + 1)
    support = int(np.flatnonzero(1.0 + k * ranked > cumulative)[-1]) + 1
    tau = (cumulative[support - 1] - 1.0) / support
    return np.maximum(z - tau, 0.0)


def separation(scores: np.ndarray, kind: int, alpha: float, out: np.ndarray) -> None:
    """Row-wise separation function of the modern Hopfield update.

    Parameters
    ----------
    scores : ndarray, (B, P) float64
        Scores ``beta x_mu . xi`` of each state against each pattern.
    kind : int
        0 softmax ``e^(z_i) / sum_j e^(z_j)``; 1 softmax_1 ``e^(z_i) / (1 + sum_j e^(z_j))`` (Hu et al. 2024,
        eq. 3.3 of arXiv:2404.03828: the weights may sum to less than 1, "no-op"); 2 sparsemax
        ``argmin_{p in simplex} |p - z|^2`` (Martins & Astudillo 2016, arXiv:1602.02068, eq. 2, sort-based, exact);
        3 alpha-entmax ``p_i = [(alpha - 1) z_i - tau]_+^(1/(alpha-1))`` with tau such that the weights sum to 1
        (Peters, Niculae & Martins 2019, arXiv:1905.05702, eq. 10; bisection to the last representable tau, then
        normalised; alpha = 2 is sparsemax, alpha -> 1 softmax).
    alpha : float
        alpha of entmax (1 < alpha <= 2; kind 3 only). At alpha = 2 entmax uses the exact sparsemax.
    out : ndarray, (B, P) float64, out
    """
    for b, z in enumerate(scores):
        if kind <= 1:
            top = max(z.max(), 0.0) if kind == 1 else z.max()
            e = np.exp(z - top)
            out[b] = e / (e.sum() + (_exp(-top) if kind == 1 else 0.0))
        elif kind == 2 or alpha == 2.0:
            out[b] = _sparsemax_row(z)
        else:
            out[b] = _entmax_row(z, alpha)


def attend(queries: np.ndarray, keys: np.ndarray, values: np.ndarray, beta: float, kind: int, alpha: float,
           out: np.ndarray) -> None:
    """Attention ``sep(beta Q K^T) V``: each query's weights over the keys, applied to the values.

    Parameters
    ----------
    queries : ndarray, (B, d) float32 or float64
    keys : ndarray, (P, d), the dtype of the queries
    values : ndarray, (P, d_v), the dtype of the queries
    beta : float
        Inverse temperature.
    kind, alpha
        The separation function (:func:`separation`).
    out : ndarray, (B, d_v), the dtype of the queries, out
        Computed in float64 here and rounded once.
    """
    scores = beta * (queries.astype(np.float64) @ keys.astype(np.float64).T)
    weights = np.empty_like(scores)
    separation(scores, kind, alpha, weights)
    out[...] = weights @ values.astype(np.float64)
