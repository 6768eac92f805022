"""Numba CPU kernels of the dense family, twins of :mod:`amsim.families.dense.reference`.

Same names, arguments and results as the reference: identical ±1 states for every dynamics (integer fields, or
float sums in the reference's lane order; Glauber's probabilities computed without fast-math in the reference's
operation order), and modern Hopfield results within the reference's rounding (relative 1e-12 in float64, 1e-5 in
float32). Outputs are preallocated by the caller, nothing is validated, all randomness comes in as host-drawn
uint32 words. Threads split only independent states (each writes only its own rows) or rows of scores.

Symbols
-------
N  neurons (dense associative memory), or the dimension d of real patterns (modern Hopfield)
P  stored patterns (P' >= P, a multiple of 32, columns of the transposed patterns)
B  states
S  sweeps, or the synchronous step limit
K  uint64 words per packed pattern, ``ceil(N / 64)``
m  overlap counts ``xi^mu . s``; M their maximum
U, D  the polynomial tables, indexed by ``m + N`` (see the reference)
u  a state's vector ``U(m_mu)`` (P',), kept with the counts after every flip
w  the exponential weights ``e^(-2j)``; K_gap the largest gap kept

Speed notes (N = 1000, P = 2000, p = 3, one thread)
---------------------------------------------------
* A polynomial visit is one dot product of an int8 pattern row with the int64 vector u (0.16 us at P = 2000,
  vectorised; the float64 fallback keeps the reference's 32 lanes and takes about 3 us); a flip adds
  ``2 s_i xi_i`` to the counts and refreshes u and ``sum D`` from the tables in one pass, also O(P).
* The exponential kernels keep only the candidate patterns that can reach a gap <= K_gap: those whose count at the
  last full count was within ``K_gap + 2 R`` of the largest (full counts by XOR + popcount over the transposed
  packed patterns, vectorised over the patterns, eight states per pass); after f flips every other pattern
  still has a gap above K_gap while ``M >= theta + 2 f + K_gap``, and the candidates are counted again when that
  fails. Retrieval from a good cue then touches a handful of patterns per visit instead of P.
"""

from __future__ import annotations

import itertools
import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import njit, prange, types
from numba.extending import overload
from threadpoolctl import threadpool_limits

from amsim.backends import FASTMATH
from amsim.bits import popcount
from amsim.families.dense.energies import LANES, TWO_SINH_1
from amsim.kernels import Convergence, Schedule
from amsim.kernels._cpu import _pack, _popcount_counts, _visit_order

_FM = set(FASTMATH)
#: Extra margin of the exponential candidate list, in count units: 2 R allows R flips towards no pattern.
_REACH = 32
#: States of the exponential memory counted together in one pass over the packed patterns, and the patterns per
#: chunk of that pass (8 words of 2048 patterns: 128 KiB, in L2).
_BLOCK = 8
_CHUNK = 2048
#: Bytes of one block of scores of the chunked attention (queries x keys).
_SCORE_BYTES = 16 << 20


@njit(cache=True, fastmath=False)
def _p_up(h, beta, scale):
    """Heat-bath probability of spin up, ``1.0 / (1.0 + exp(-beta * h / scale))`` in exactly this order, without
    fast-math (as the reference; at p = 2 it equals the Hopfield network's)."""
    return 1.0 / (1.0 + math.exp(-beta * h / scale))


@njit(cache=True, fastmath=_FM)
def _glauber(s, hh, beta, r, scale):
    """Glauber's new spin from ``hh = 2 s h`` and the random word r (``u = r 2**-32``)."""
    h = np.float64(s * hh) / 2.0
    return 1 if np.float64(r) * 2.3283064365386963e-10 < _p_up(h, beta, scale) else -1


# --------------------------------------------------------------------------------------------------------------
# Polynomial and rectified energies
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False)
def _lane_dot(x, u, lanes):
    """``sum_mu x_mu u_mu`` over a multiple of 32 float terms in the lane order of the reference (``lanes`` (32,)
    is scratch); without fast-math, so nothing reassociates the float sums."""
    lanes[:] = 0
    for c in range(0, x.shape[0], LANES):
        for j in range(LANES):
            lanes[j] += x[c + j] * u[c + j]
    total = lanes[0]
    for j in range(1, LANES):
        total += lanes[j]
    return total


@njit(cache=True, fastmath=_FM)
def _int_dot(x, u):
    """``sum_mu x_mu u_mu`` in int64: exact in any order, so LLVM vectorises it freely (25 times the lane loop)."""
    acc = np.int64(0)
    for k in range(x.shape[0]):
        acc += np.int64(x[k]) * u[k]
    return acc


def _dot(x, u, lanes):
    """The field dot product: exact int64 sums for integer tables, the lane order for float ones. Resolved by the
    tables' type at compile time."""


@overload(_dot, jit_options={"fastmath": _FM})
def _dot_impl(x, u, lanes):
    if isinstance(u.dtype, types.Integer):
        return lambda x, u, lanes: _int_dot(x, u)
    return lambda x, u, lanes: _lane_dot(x, u, lanes)


@njit(cache=True, fastmath=False)
def _refresh(sums, diffs, m, u, n_patterns, n, lanes):
    """``u_mu = U(m_mu)`` for mu < P, and ``sum_mu D(m_mu)`` in lane order (returned)."""
    lanes[:] = 0
    for mu in range(n_patterns):
        k = m[mu] + n
        u[mu] = sums[k]
        lanes[mu % LANES] += diffs[k]
    total = lanes[0]
    for j in range(1, LANES):
        total += lanes[j]
    return total


@njit(cache=True, fastmath=_FM)
def _flip_counts(x, m, two, n_patterns):
    """Add ``two * xi_i`` (``two = 2 s_i``) to the counts after spin i flipped."""
    for mu in range(n_patterns):
        m[mu] += two * x[mu]


@njit(parallel=True, cache=True, fastmath=_FM)
def _polynomial_sweeps(patterns_t, bits_n, sums, diffs, scale, states, order_bits, uniform_bits, betas, mode, steps,
                       converged):
    n_states, n = states.shape
    n_patterns = bits_n.shape[0]
    width = patterns_t.shape[1]
    for b in prange(n_states):
        # Iteration b reads the patterns and row b of the random words, and writes only row b of states, steps and
        # converged: race-free. Inside one state the visits are sequential, as they must be.
        s = states[b]
        m = np.zeros(width, np.int32)
        _popcount_counts(bits_n, s, np.empty(bits_n.shape[1], np.uint64), m)
        u = np.zeros(width, sums.dtype)
        lanes = np.zeros(LANES, sums.dtype)
        d = _refresh(sums, diffs, m, u, n_patterns, n, lanes)
        order = np.empty(n, np.int32)
        steps[b] = 0
        converged[b] = False
        for t in range(betas.shape[0]):
            _visit_order(order, order_bits, b, t)
            flips = 0
            for k in range(n):
                i = order[k]
                x = patterns_t[i]
                hh = d + s[i] * _dot(x, u, lanes)
                if mode == 0:
                    new = -s[i] if hh < 0 else s[i]
                else:
                    new = _glauber(s[i], hh, betas[t], uniform_bits[b, t, k], scale)
                if new != s[i]:
                    s[i] = new
                    flips += 1
                    _flip_counts(x, m, np.int32(2 * new), n_patterns)
                    d = _refresh(sums, diffs, m, u, n_patterns, n, lanes)
            if mode == 0 and flips == 0:
                converged[b] = True
                break
            steps[b] += 1


def polynomial_sweeps(patterns_t: np.ndarray, bits_n: np.ndarray, sums: np.ndarray, diffs: np.ndarray, scale: float,
                      states: np.ndarray, schedule: Schedule, convergence: Convergence) -> None:
    """Sequential dynamics of the polynomial (or rectified) dense associative memory (see the reference).

    Parameters
    ----------
    patterns_t : ndarray, (N, P') int8
    bits_n : ndarray, (P, K) uint64
    sums, diffs : ndarray, (2 N + 1,) int64 or float64
    scale : float
        Z = p N^(p-1).
    states : ndarray, (B, N) int8, in/out
    schedule : amsim.kernels.Schedule
    convergence : amsim.kernels.Convergence, out
    """
    order_bits, uniform_bits, betas, mode = schedule
    _polynomial_sweeps(patterns_t, bits_n, sums, diffs, float(scale), states, order_bits, uniform_bits,
                       np.ascontiguousarray(betas, np.float64), int(mode), *convergence)


@njit(cache=True, fastmath=_FM)
def _cycle_end(s, previous, t, max_steps):
    """In a 2-cycle found at step t (0-based; ``s`` the state after it equals the state before the last step) the
    state alternates up to the limit: flip back to ``previous`` when an odd number of steps is left."""
    if (max_steps - t - 1) % 2:
        s[:] = previous


@njit(parallel=True, cache=True, fastmath=_FM)
def _polynomial_sync(patterns_t, bits_n, sums, diffs, states, max_steps, steps, converged):
    n_states, n = states.shape
    n_patterns = bits_n.shape[0]
    width = patterns_t.shape[1]
    for b in prange(n_states):  # iteration b writes only row b of states, steps, converged: race-free
        s = states[b]
        m = np.zeros(width, np.int32)
        u = np.zeros(width, sums.dtype)
        lanes = np.zeros(LANES, sums.dtype)
        packed = np.empty(bits_n.shape[1], np.uint64)
        hh = np.empty(n, sums.dtype)
        before = s.copy()  # the state before the latest step
        steps[b] = 0
        converged[b] = False
        for t in range(max_steps):
            _popcount_counts(bits_n, s, packed, m)
            d = _refresh(sums, diffs, m, u, n_patterns, n, lanes)
            for i in range(n):
                hh[i] = d + s[i] * _dot(patterns_t[i], u, lanes)
            moved = False
            for i in range(n):
                moved |= hh[i] < 0
            if not moved:
                converged[b] = True
                break
            steps[b] += 1
            cycle = t > 0
            for i in range(n):
                new = -s[i] if hh[i] < 0 else s[i]
                cycle &= new == before[i]
                before[i] = s[i]
                s[i] = new
            if cycle:  # s equals the state two steps back: it alternates to the limit
                steps[b] = max_steps
                _cycle_end(s, before, t, max_steps)
                break


def polynomial_sync(patterns_t: np.ndarray, bits_n: np.ndarray, sums: np.ndarray, diffs: np.ndarray,
                    states: np.ndarray, max_steps: int, convergence: Convergence) -> None:
    """Synchronous zero-temperature dynamics of the polynomial (or rectified) memory (see the reference); a
    2-cycle stops at once with the state and step count that running to the limit gives.

    Parameters
    ----------
    patterns_t, bits_n, sums, diffs
        As in :func:`polynomial_sweeps`.
    states : ndarray, (B, N) int8, in/out
    max_steps : int
    convergence : amsim.kernels.Convergence, out
    """
    _polynomial_sync(patterns_t, bits_n, sums, diffs, states, int(max_steps), *convergence)


# --------------------------------------------------------------------------------------------------------------
# Exponential energy
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=_FM)
def _gap_value(histogram, weights):
    """``V = sum_j H_j w_j`` from the largest gap down (every product exact: see the reference)."""
    v = 0.0
    for j in range(weights.shape[0] - 1, -1, -1):
        v += np.float64(histogram[j]) * weights[j]
    return v


@njit(cache=True, fastmath=_FM)
def _block_counts(bits_t, packed, n, counts, tops):
    """Overlap counts (G, P) of G packed states (G, K) with every pattern, and each state's largest count (G,):
    chunk by chunk of the transposed packed patterns (K, P), each chunk (in L2) serving the G states, the loop over
    patterns vectorised (VPOPCNTQ)."""
    n_words, n_patterns = bits_t.shape
    tops[:] = -n
    for c0 in range(0, n_patterns, _CHUNK):
        c1 = min(c0 + _CHUNK, n_patterns)
        for g in range(packed.shape[0]):
            out = counts[g, c0:c1]
            out[:] = 0
            for w in range(n_words):
                column = bits_t[w, c0:c1]
                x = packed[g, w]
                for j in range(c1 - c0):
                    out[j] += np.int32(popcount(column[j] ^ x))
            top = tops[g]
            for j in range(c1 - c0):
                out[j] = n - 2 * out[j]
                top = max(top, out[j])
            tops[g] = top


@njit(cache=True, fastmath=_FM)
def _candidates(counts, big, cand, cm, cutoff):
    """List the patterns within ``cutoff + 2 R`` of the largest count ``big``. Returns (number of candidates, their
    threshold theta, the largest count M)."""
    theta = big - cutoff - 2 * _REACH
    found = 0
    for mu in range(counts.shape[0]):
        if counts[mu] >= theta:
            cand[found] = mu
            cm[found] = counts[mu]
            found += 1
    return found, theta, big


@njit(cache=True, fastmath=_FM)
def _exponential_value(bits_t, cand, cm, found, i, si, big, cutoff, histogram, weights):
    """V of neuron i from the candidates' counts (the others have gaps above K_gap)."""
    word, bit = i >> 6, np.uint64(i & 63)
    histogram[:] = 0
    for j in range(found):
        c = (2 * np.int64((bits_t[word, cand[j]] >> bit) & np.uint64(1)) - 1) * si
        g = big + 1 - cm[j] + c
        if g <= cutoff:
            histogram[g >> 1] += c
    return _gap_value(histogram, weights)


@njit(parallel=True, cache=True, fastmath=_FM)
def _exponential_sweeps(bits_t, weights, states, order_bits, uniform_bits, betas, mode, steps, converged, block):
    n_states, n = states.shape
    n_words, n_patterns = bits_t.shape
    cutoff = 2 * (weights.shape[0] - 1)
    for k0 in prange((n_states + block - 1) // block):
        # Block k0 owns states lo .. hi-1 and writes only their rows of states, steps and converged: race-free.
        lo = k0 * block
        hi = min(lo + block, n_states)
        packed = np.empty((hi - lo, n_words), np.uint64)
        for g in range(hi - lo):
            _pack(states[lo + g], packed[g])
        counts = np.empty((hi - lo, n_patterns), np.int32)
        tops = np.empty(hi - lo, np.int32)
        _block_counts(bits_t, packed, n, counts, tops)
        cand = np.empty(n_patterns, np.int32)
        cm = np.empty(n_patterns, np.int32)
        histogram = np.zeros(weights.shape[0], np.int64)
        order = np.empty(n, np.int32)
        for b in range(lo, hi):
            s = states[b]
            found, theta, big = _candidates(counts[b - lo], tops[b - lo], cand, cm, cutoff)
            since = 0  # flips since the candidates were counted
            steps[b] = 0
            converged[b] = False
            for t in range(betas.shape[0]):
                _visit_order(order, order_bits, b, t)
                flips = 0
                for k in range(n):
                    i = order[k]
                    if big < theta + 2 * since + cutoff:  # a pattern outside the list might reach a kept gap
                        _pack(s, packed[0])
                        _block_counts(bits_t, packed[:1], n, counts[:1], tops[:1])
                        found, theta, big = _candidates(counts[0], tops[0], cand, cm, cutoff)
                        since = 0
                    si = np.int64(s[i])
                    v = _exponential_value(bits_t, cand, cm, found, i, si, big, cutoff, histogram, weights)
                    if mode == 0:
                        new = -s[i] if v < 0 else s[i]
                    else:
                        scale = math.exp(np.float64(n - big - 1)) / TWO_SINH_1
                        new = _glauber(s[i], 2.0 * v, betas[t], uniform_bits[b, t, k], scale)
                    if new != s[i]:
                        s[i] = new
                        flips += 1
                        since += 1
                        word, bit, two = i >> 6, np.uint64(i & 63), 2 * np.int32(new)
                        big = -n - 1
                        for j in range(found):
                            cm[j] += two * (2 * np.int32((bits_t[word, cand[j]] >> bit) & np.uint64(1)) - 1)
                            big = max(big, cm[j])
                if mode == 0 and flips == 0:
                    converged[b] = True
                    break
                steps[b] += 1


def exponential_sweeps(bits_t: np.ndarray, weights: np.ndarray, states: np.ndarray, schedule: Schedule,
                       convergence: Convergence) -> None:
    """Sequential dynamics of the exponential dense associative memory (see the reference and the speed notes).

    Parameters
    ----------
    bits_t : ndarray, (K, P) uint64
    weights : ndarray, (K_gap / 2 + 1,) float64
    states : ndarray, (B, N) int8, in/out
    schedule : amsim.kernels.Schedule
    convergence : amsim.kernels.Convergence, out
    """
    order_bits, uniform_bits, betas, mode = schedule
    _exponential_sweeps(bits_t, weights, states, order_bits, uniform_bits, np.ascontiguousarray(betas, np.float64),
                        int(mode), *convergence, _block(states.shape[0], bits_t.shape[1]))


def _block(n_states: int, n_patterns: int) -> int:
    """States whose first counts share one pass over the patterns: up to 8 (P int32 counts each), fewer when that
    would leave a thread without work."""
    threads = numba.get_num_threads()
    return max(1, min(_BLOCK, -(-n_states // threads), (64 << 20) // max(4 * n_patterns, 1)))


@njit(parallel=True, cache=True, fastmath=_FM)
def _exponential_sync(bits_t, weights, states, max_steps, steps, converged):
    n_states, n = states.shape
    n_words, n_patterns = bits_t.shape
    cutoff = 2 * (weights.shape[0] - 1)
    for b in prange(n_states):  # iteration b writes only row b of states, steps, converged: race-free
        s = states[b]
        packed = np.empty((1, n_words), np.uint64)
        counts = np.empty((1, n_patterns), np.int32)
        tops = np.empty(1, np.int32)
        cand = np.empty(n_patterns, np.int32)
        cm = np.empty(n_patterns, np.int32)
        histogram = np.zeros(weights.shape[0], np.int64)
        v = np.empty(n)
        before = s.copy()
        steps[b] = 0
        converged[b] = False
        for t in range(max_steps):
            _pack(s, packed[0])
            _block_counts(bits_t, packed, n, counts, tops)
            big = tops[0]
            found = 0
            for mu in range(n_patterns):  # only these have a gap <= K_gap for some neuron
                if big - counts[0, mu] <= cutoff:
                    cand[found] = mu
                    cm[found] = counts[0, mu]
                    found += 1
            moved = False
            for i in range(n):
                v[i] = _exponential_value(bits_t, cand, cm, found, i, np.int64(s[i]), big, cutoff, histogram,
                                          weights)
                moved |= v[i] < 0
            if not moved:
                converged[b] = True
                break
            steps[b] += 1
            cycle = t > 0
            for i in range(n):
                new = -s[i] if v[i] < 0 else s[i]
                cycle &= new == before[i]
                before[i] = s[i]
                s[i] = new
            if cycle:
                steps[b] = max_steps
                _cycle_end(s, before, t, max_steps)
                break


def exponential_sync(bits_t: np.ndarray, weights: np.ndarray, states: np.ndarray, max_steps: int,
                     convergence: Convergence) -> None:
    """Synchronous zero-temperature dynamics of the exponential memory (see the reference).

    Parameters
    ----------
    bits_t, weights
        As in :func:`exponential_sweeps`.
    states : ndarray, (B, N) int8, in/out
    max_steps : int
    convergence : amsim.kernels.Convergence, out
    """
    _exponential_sync(bits_t, weights, states, int(max_steps), *convergence)


# --------------------------------------------------------------------------------------------------------------
# Modern Hopfield network
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=_FM)
def _sparsemax_row(z, out):
    ranked = np.sort(z)[::-1]
    cumulative = 0.0
    tau = 0.0
    for k in range(ranked.shape[0]):
        cumulative += ranked[k]
        if 1.0 + (k + 1) * ranked[k] > cumulative:
            tau = (cumulative - 1.0) / (k + 1)
    for j in range(z.shape[0]):
        out[j] = max(z[j] - tau, 0.0)


@njit(cache=True, fastmath=_FM)
def _entmax_row(z, alpha, out):
    n = z.shape[0]
    power = 1.0 / (alpha - 1.0)
    top = (alpha - 1.0) * z.max()
    hi = top - n ** (1.0 - alpha)
    lo = top - 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid == lo or mid == hi:
            break
        total = 0.0
        for j in range(n):
            total += max((alpha - 1.0) * z[j] - mid, 0.0) ** power
        if total >= 1.0:
            lo = mid
        else:
            hi = mid
    total = 0.0
    for j in range(n):
        out[j] = max((alpha - 1.0) * z[j] - lo, 0.0) ** power
        total += out[j]
    for j in range(n):
        out[j] /= total


@njit(parallel=True, cache=True, fastmath=_FM)
def _separation(scores, kind, alpha, out):
    for b in prange(scores.shape[0]):  # iteration b writes only row b of out: race-free
        z = scores[b]
        row = out[b]
        if kind <= 1:
            top = z.max()
            if kind == 1:
                top = max(top, 0.0)
            total = 0.0
            for j in range(z.shape[0]):
                row[j] = math.exp(z[j] - top)
                total += row[j]
            if kind == 1:
                total += math.exp(-top)
            for j in range(z.shape[0]):
                row[j] /= total
        elif kind == 2 or alpha == 2.0:
            _sparsemax_row(z, row)
        else:
            _entmax_row(z, alpha, row)


def separation(scores: np.ndarray, kind: int, alpha: float, out: np.ndarray) -> None:
    """Row-wise separation function of the modern Hopfield update (see the reference).

    Parameters
    ----------
    scores : ndarray, (B, P) float64
    kind : int
        0 softmax, 1 softmax_1, 2 sparsemax, 3 alpha-entmax.
    alpha : float
    out : ndarray, (B, P) float64, out
    """
    _separation(np.ascontiguousarray(scores, np.float64), int(kind), float(alpha), out)


@njit(cache=True, nogil=True, fastmath=_FM)
def _rescale(scores, top, total, acc):
    """Online softmax, before a chunk: raise each row's running maximum to the chunk's, scale its running sum and
    accumulator by ``exp(old - new)``, and shift the chunk's scores by the new maximum (so their exp is <= 1)."""
    for r in range(scores.shape[0]):
        row = scores[r]
        new = top[r]
        for j in range(row.shape[0]):
            new = max(new, np.float64(row[j]))
        factor = math.exp(top[r] - new)
        top[r] = new
        total[r] *= factor
        a = acc[r]
        for j in range(a.shape[0]):
            a[j] *= factor
        for j in range(row.shape[0]):
            row[j] -= new


@njit(cache=True, nogil=True, fastmath=_FM)
def _add_rows(weights, total):
    """``total[r] += sum_j weights[r, j]`` (float64 sums)."""
    for r in range(weights.shape[0]):
        acc = 0.0
        row = weights[r]
        for j in range(row.shape[0]):
            acc += np.float64(row[j])
        total[r] += acc


def _softmax_block(queries, keys, values, beta, offset, chunk, out):
    """softmax (offset 0) or softmax_1 (offset 1) attention of a block of queries over chunks of keys with an online
    softmax: each chunk's scores and weighted values are BLAS products in the queries' dtype, the exponentials
    NumPy's vectorised exp; one (rows, chunk) block of scores is held."""
    n_rows, dtype = len(queries), queries.dtype
    scaled = queries * dtype.type(beta)
    top = np.full(n_rows, -np.inf)
    total = np.zeros(n_rows)
    acc = np.zeros((n_rows, values.shape[1]), dtype)
    part = np.empty_like(acc)
    block = np.empty((n_rows, chunk), dtype)
    for c0 in range(0, len(keys), chunk):
        k, v = keys[c0:c0 + chunk], values[c0:c0 + chunk]
        scores = block if len(k) == chunk else np.empty((n_rows, len(k)), dtype)
        np.dot(scaled, k.T, out=scores)
        _rescale(scores, top, total, acc)
        np.exp(scores, out=scores)
        _add_rows(scores, total)
        np.dot(scores, v, out=part)
        acc += part
    if offset:
        total += np.exp(-top)  # softmax_1: 1 + sum_j e^(z_j) = e^top (e^-top + sum_j e^(z_j - top))
    out[...] = acc / total[:, None].astype(dtype)


def _softmax_attend(queries, keys, values, beta, offset, out):
    """:func:`_softmax_block` on one block of queries per Numba thread, each in a Python thread with single-threaded
    BLAS: the BLAS products, NumPy's exp and the ``nogil`` row passes all release the GIL, so the blocks run in
    parallel without BLAS's own threads spinning against the row passes. At most 16 MiB of scores in all."""
    n_queries = len(queries)
    threads = max(1, min(numba.get_num_threads(), n_queries))
    chunk = max(256, min(len(keys), _SCORE_BYTES // (queries.dtype.itemsize * max(n_queries, 1))))
    bounds = [n_queries * t // threads for t in range(threads + 1)]
    jobs = [(queries[a:b], keys, values, beta, offset, chunk, out[a:b]) for a, b in itertools.pairwise(bounds)]
    if threads == 1:
        _softmax_block(*jobs[0])
        return
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(_softmax_block, *job) for job in jobs]:
            done.result()


def attend(queries: np.ndarray, keys: np.ndarray, values: np.ndarray, beta: float, kind: int, alpha: float,
           out: np.ndarray) -> None:
    """Attention ``sep(beta Q K^T) V`` (see the reference).

    softmax and softmax_1 take the keys in chunks with an online softmax, the queries split into one block per
    Numba thread (the extra memory is at most 16 MiB of scores plus two (B, d_v) accumulators in the queries' dtype:
    never the (B, P) score matrix); sparsemax and entmax need each query's whole row of scores and take the queries
    in blocks of at most 16 MiB of scores.

    Parameters
    ----------
    queries : ndarray, (B, d) float32 or float64
    keys : ndarray, (P, d)
    values : ndarray, (P, d_v)
    beta : float
    kind, alpha
        The separation function (:func:`separation`).
    out : ndarray, (B, d_v), out
    """
    if kind <= 1:
        _softmax_attend(queries, keys, values, beta, kind, out)
        return
    rows = max(1, _SCORE_BYTES // (8 * max(len(keys), 1)))
    keys64, values64 = keys.astype(np.float64, copy=False), values.astype(np.float64, copy=False)
    for r0 in range(0, len(queries), rows):
        scores = beta * (queries[r0:r0 + rows].astype(np.float64) @ keys64.T)
        weights = np.empty_like(scores)
        _separation(scores, kind, float(alpha), weights)
        out[r0:r0 + rows] = weights @ values64
