"""numba.cuda kernels of the dense family, twins of :mod:`amsim.families.dense.reference`.

The public functions are host functions with the reference's names and arguments: they copy NumPy arrays to the
GPU, launch the private ``@cuda.jit`` kernels below and copy the results back into the caller's arrays. Nothing is
validated. Every kernel is listed with the signatures it is launched with in :data:`PTX_KERNELS`.

Symbols
-------
N  neurons (dense associative memory), or the dimension d of real patterns (modern Hopfield)
P  stored patterns (P' >= P, a multiple of 32, columns of the transposed patterns)
B  states
S  sweeps, or the synchronous step limit
K  uint64 words per packed pattern, ``ceil(N / 64)``
m  overlap counts ``xi^mu . s``; M their maximum
U, D  the polynomial tables, indexed by ``m + N`` (see the reference)
u  a state's vector ``U(m_mu)`` (P',)
H  the exponential gap histogram (at most :data:`_MAX_GAPS` even gaps)
T  threads per block

Parallelism. The dense associative memory's kernels run one warp (32 threads, a block) per state: lane l owns the
patterns mu = l, l + 32, ... (their counts and field terms, in global memory rows of that state), sums its share
of a field in ascending mu, and lane 0 adds the 32 partial sums in lane order, then decides and shares the
decision through shared memory: exactly the order of the CPU kernels, so float sums match bit for bit and integer
ones trivially. Sequential dynamics stay sequential inside a state. The modern Hopfield kernels run one block per
query (or score row) with T threads over the keys.

Exactness: the ±1 zero-temperature dynamics are exact integer (or lane-ordered float, or exact-product) sums, the
same states as the CPU. Glauber decisions compare with libdevice ``exp``, which can differ from libm's in the last
bit (statistical agreement, as in the Hopfield family). Modern Hopfield results agree with the reference within
relative 1e-9 (float64; different summation orders and libdevice exp), 1e-5 (float32).
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda, float64, int32, int64, types, uint64

from amsim.families.dense.energies import LANES, TWO_SINH_1
from amsim.kernels import Convergence, Schedule
from amsim.kernels._cuda import _REDUCE, _a, _dev, _tpb, _visit_order

#: Largest number of even gaps of the exponential histogram (K_gap / 2 + 1 <= 64 holds for P < 2**80).
_MAX_GAPS = 64


# --------------------------------------------------------------------------------------------------------------
# Device functions, inlined into the kernels
# --------------------------------------------------------------------------------------------------------------


@cuda.jit(device=True, inline="always")
def _p_up(h, beta, scale):
    """``1 / (1 + exp(-beta h / scale))`` (libdevice exp)."""
    return 1.0 / (1.0 + math.exp(-beta * h / scale))


@cuda.jit(device=True, inline="always")
def _lane_total(partial):
    """Lane 0's sum of the 32 partial sums in lane order (the caller synchronises)."""
    total = partial[0]
    for j in range(1, LANES):
        total += partial[j]
    return total


@cuda.jit(device=True, inline="always")
def _counts(patterns_t, s, m, n_patterns, lane):
    """This lane's overlap counts ``m_mu = sum_i xi_i^mu s_i`` (exact integers)."""
    for mu in range(lane, n_patterns, LANES):
        acc = int32(0)
        for i in range(s.shape[0]):
            acc += int32(patterns_t[i, mu]) * int32(s[i])
        m[mu] = acc


@cuda.jit(device=True, inline="always")
def _refresh(sums, diffs, m, u, n_patterns, n, lane, partial):
    """This lane's ``u_mu = U(m_mu)`` and its partial sum of ``D(m_mu)`` into ``partial[lane]``."""
    acc = diffs[0] - diffs[0]
    for mu in range(lane, n_patterns, LANES):
        k = m[mu] + n
        u[mu] = sums[k]
        acc += diffs[k]
    partial[lane] = acc


@cuda.jit(device=True, inline="always")
def _lane_dot(x, u, lane, partial):
    """This lane's share of ``sum_mu x_mu u_mu`` into ``partial[lane]``."""
    acc = u[0] - u[0]
    for mu in range(lane, u.shape[0], LANES):
        acc += x[mu] * u[mu]
    partial[lane] = acc


@cuda.jit(device=True, inline="always")
def _pack_state(s, packed, lane):
    """Pack the spins into ``packed`` (K,) uint64, lane l packing words l, l + 32, ..."""
    n = s.shape[0]
    for w in range(lane, packed.shape[0], LANES):
        word = uint64(0)
        for k in range(min(64, n - 64 * w)):
            if s[64 * w + k] > 0:
                word |= uint64(1) << uint64(k)
        packed[w] = word


@cuda.jit(device=True, inline="always")
def _bit_counts(bits_t, packed, n, m, lane):
    """This lane's counts ``m_mu = N - 2 popcount(xi^mu XOR s)`` from the transposed packed patterns (K, P)."""
    for mu in range(lane, bits_t.shape[1], LANES):
        c = int32(0)
        for w in range(bits_t.shape[0]):
            c += int32(cuda.popc(bits_t[w, mu] ^ packed[w]))
        m[mu] = n - 2 * c


@cuda.jit(device=True, inline="always")
def _lane_max(m, lane, partial_max):
    """This lane's largest count into ``partial_max[lane]``."""
    top = int32(-2147483647)
    for mu in range(lane, m.shape[0], LANES):
        top = max(top, m[mu])
    partial_max[lane] = top


@cuda.jit(device=True, inline="always")
def _gap_histogram(bits_t, m, big, i, si, cutoff, hist, lane):
    """This lane's row of the gap histogram of neuron i: ``hist[lane, g / 2] += c`` over its patterns."""
    for j in range(_MAX_GAPS):
        hist[lane, j] = 0
    word = i >> 6
    bit = uint64(i & 63)
    for mu in range(lane, m.shape[0], LANES):
        if big - m[mu] <= cutoff:  # only these reach a kept gap
            c = (2 * int32((bits_t[word, mu] >> bit) & uint64(1)) - 1) * si
            g = big + 1 - m[mu] + c
            if g <= cutoff:
                hist[lane, g >> 1] += c


@cuda.jit(device=True, inline="always")
def _gap_value(hist, weights):
    """Lane 0: ``V = sum_j (sum_lanes hist[lane, j]) w_j`` from the largest gap down (exact integer counts and
    exact products, so the same V as the CPU)."""
    v = 0.0
    for j in range(weights.shape[0] - 1, -1, -1):
        h = int64(0)
        for lane in range(LANES):
            h += hist[lane, j]
        v += float64(h) * weights[j]
    return v


# --------------------------------------------------------------------------------------------------------------
# Dense associative memory kernels: one warp (block of 32) per state
# --------------------------------------------------------------------------------------------------------------


@cuda.jit
def _polynomial_sweeps_kernel(patterns_t, n_patterns, sums, diffs, scale, states, order_bits, uniform_bits, betas,
                              mode, shuffled, steps, converged, orders, counts, us, partials):
    """Sequential sweeps of the polynomial memory; block b owns state b (and rows b of orders, counts, us and
    partials, the lanes' partial sums in the tables' dtype)."""
    shared = cuda.shared.array(2, int64)  # the decision, flips of the sweep
    lane = cuda.threadIdx.x
    n = states.shape[1]
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        s, m, u, order, partial = states[b], counts[b], us[b], orders[b], partials[b]
        _counts(patterns_t, s, m, n_patterns, lane)
        cuda.syncthreads()
        _refresh(sums, diffs, m, u, n_patterns, n, lane, partial)
        cuda.syncthreads()
        d = _lane_total(partial)
        cuda.syncthreads()
        moved = int32(0)
        done = False
        for t in range(betas.shape[0]):
            if lane == 0:
                _visit_order(order, order_bits, b, t, shuffled)
                shared[1] = 0
            cuda.syncthreads()
            for k in range(n):
                i = order[k]
                x = patterns_t[i]
                _lane_dot(x, u, lane, partial)
                cuda.syncthreads()
                if lane == 0:
                    si = int64(s[i])
                    hh = d + si * _lane_total(partial)
                    if mode == 0:
                        new = -si if hh < 0 else si
                    else:
                        h = float64(si * hh) / 2.0
                        new = int64(1) if float64(uniform_bits[b, t, k]) * 2.3283064365386963e-10 < \
                            _p_up(h, betas[t], scale) else int64(-1)
                    shared[0] = new
                cuda.syncthreads()
                new = shared[0]
                if new != s[i]:
                    two = int32(2 * new)
                    for mu in range(lane, n_patterns, LANES):
                        m[mu] += two * int32(x[mu])
                    _refresh(sums, diffs, m, u, n_patterns, n, lane, partial)
                    cuda.syncthreads()
                    if lane == 0:
                        s[i] = new
                        shared[1] += 1
                    d = _lane_total(partial)  # every lane reads the same partial sums, in the same order
                cuda.syncthreads()
            flips = shared[1]
            cuda.syncthreads()  # read before lane 0 resets it
            if mode == 0 and flips == 0:
                done = True
                break
            moved += 1
        if lane == 0:
            steps[b] = moved
            converged[b] = done
        cuda.syncthreads()


@cuda.jit
def _polynomial_sync_kernel(patterns_t, n_patterns, sums, diffs, states, max_steps, steps, converged, counts, us,
                            partials, doubled, before):
    """Synchronous steps of the polynomial memory; block b owns state b; 2-cycles stop at once (as the CPU)."""
    shared = cuda.shared.array(2, int32)  # moved, cycle
    lane = cuda.threadIdx.x
    n = states.shape[1]
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        s, m, u, partial, hh, prev = states[b], counts[b], us[b], partials[b], doubled[b], before[b]
        for i in range(lane, n, LANES):
            prev[i] = s[i]
        taken = int32(0)
        done = False
        for t in range(max_steps):
            cuda.syncthreads()
            _counts(patterns_t, s, m, n_patterns, lane)
            cuda.syncthreads()
            _refresh(sums, diffs, m, u, n_patterns, n, lane, partial)
            cuda.syncthreads()
            d = _lane_total(partial)
            cuda.syncthreads()
            for i in range(n):
                _lane_dot(patterns_t[i], u, lane, partial)
                cuda.syncthreads()
                if lane == 0:
                    hh[i] = d + int64(s[i]) * _lane_total(partial)
                cuda.syncthreads()
            if lane == 0:
                shared[0] = 0
                shared[1] = 1 if t > 0 else 0
                for i in range(n):
                    new = -s[i] if hh[i] < 0 else s[i]
                    if new != s[i]:
                        shared[0] = 1
                    if new != prev[i]:
                        shared[1] = 0
                    prev[i] = s[i]
                    s[i] = new
            cuda.syncthreads()
            if shared[0] == 0:
                done = True
                break
            taken += 1
            if shared[1] == 1:  # s equals the state two steps back: it alternates to the limit
                taken = max_steps
                if lane == 0 and (max_steps - t - 1) % 2:
                    for i in range(n):
                        s[i] = prev[i]
                break
        if lane == 0:
            steps[b] = taken
            converged[b] = done
        cuda.syncthreads()


@cuda.jit
def _exponential_sweeps_kernel(bits_t, weights, states, order_bits, uniform_bits, betas, mode, shuffled, steps,
                               converged, orders, counts, packed):
    """Sequential sweeps of the exponential memory; block b owns state b."""
    hist = cuda.shared.array((LANES, _MAX_GAPS), int64)
    partial_max = cuda.shared.array(LANES, int32)
    shared = cuda.shared.array(3, int64)  # the decision, flips of the sweep, the largest count
    lane = cuda.threadIdx.x
    n = states.shape[1]
    cutoff = 2 * (weights.shape[0] - 1)
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        s, m, order = states[b], counts[b], orders[b]
        _pack_state(s, packed[b], lane)
        cuda.syncthreads()
        _bit_counts(bits_t, packed[b], n, m, lane)
        _lane_max(m, lane, partial_max)
        cuda.syncthreads()
        if lane == 0:
            top = partial_max[0]
            for j in range(1, LANES):
                top = max(top, partial_max[j])
            shared[2] = top
        moved = int32(0)
        done = False
        for t in range(betas.shape[0]):
            if lane == 0:
                _visit_order(order, order_bits, b, t, shuffled)
                shared[1] = 0
            cuda.syncthreads()
            for k in range(n):
                i = order[k]
                big = int32(shared[2])
                _gap_histogram(bits_t, m, big, i, int32(s[i]), cutoff, hist, lane)
                cuda.syncthreads()
                if lane == 0:
                    si = int64(s[i])
                    v = _gap_value(hist, weights)
                    if mode == 0:
                        new = -si if v < 0 else si
                    else:
                        scale = math.exp(float64(n - big - 1)) / TWO_SINH_1
                        new = int64(1) if float64(uniform_bits[b, t, k]) * 2.3283064365386963e-10 < \
                            _p_up(float64(si) * v, betas[t], scale) else int64(-1)
                    shared[0] = new
                cuda.syncthreads()
                new = shared[0]
                if new != s[i]:
                    two = int32(2 * new)
                    word = i >> 6
                    bit = uint64(i & 63)
                    for mu in range(lane, m.shape[0], LANES):
                        m[mu] += two * (2 * int32((bits_t[word, mu] >> bit) & uint64(1)) - 1)
                    _lane_max(m, lane, partial_max)
                    cuda.syncthreads()
                    if lane == 0:
                        s[i] = new
                        shared[1] += 1
                        top = partial_max[0]
                        for j in range(1, LANES):
                            top = max(top, partial_max[j])
                        shared[2] = top
                cuda.syncthreads()
            flips = shared[1]
            cuda.syncthreads()  # read before lane 0 resets it
            if mode == 0 and flips == 0:
                done = True
                break
            moved += 1
        if lane == 0:
            steps[b] = moved
            converged[b] = done
        cuda.syncthreads()


@cuda.jit
def _exponential_sync_kernel(bits_t, weights, states, max_steps, steps, converged, counts, packed, values, before):
    """Synchronous steps of the exponential memory; block b owns state b; 2-cycles stop at once."""
    hist = cuda.shared.array((LANES, _MAX_GAPS), int64)
    partial_max = cuda.shared.array(LANES, int32)
    shared = cuda.shared.array(3, int32)  # moved, cycle, the largest count
    lane = cuda.threadIdx.x
    n = states.shape[1]
    cutoff = 2 * (weights.shape[0] - 1)
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        s, m, v, prev = states[b], counts[b], values[b], before[b]
        for i in range(lane, n, LANES):
            prev[i] = s[i]
        taken = int32(0)
        done = False
        for t in range(max_steps):
            cuda.syncthreads()
            _pack_state(s, packed[b], lane)
            cuda.syncthreads()
            _bit_counts(bits_t, packed[b], n, m, lane)
            _lane_max(m, lane, partial_max)
            cuda.syncthreads()
            if lane == 0:
                top = partial_max[0]
                for j in range(1, LANES):
                    top = max(top, partial_max[j])
                shared[2] = top
            cuda.syncthreads()
            big = shared[2]
            for i in range(n):
                _gap_histogram(bits_t, m, big, i, int32(s[i]), cutoff, hist, lane)
                cuda.syncthreads()
                if lane == 0:
                    v[i] = _gap_value(hist, weights)
                cuda.syncthreads()
            if lane == 0:
                shared[0] = 0
                shared[1] = 1 if t > 0 else 0
                for i in range(n):
                    new = -s[i] if v[i] < 0 else s[i]
                    if new != s[i]:
                        shared[0] = 1
                    if new != prev[i]:
                        shared[1] = 0
                    prev[i] = s[i]
                    s[i] = new
            cuda.syncthreads()
            if shared[0] == 0:
                done = True
                break
            taken += 1
            if shared[1] == 1:
                taken = max_steps
                if lane == 0 and (max_steps - t - 1) % 2:
                    for i in range(n):
                        s[i] = prev[i]
                break
        if lane == 0:
            steps[b] = taken
            converged[b] = done
        cuda.syncthreads()


# --------------------------------------------------------------------------------------------------------------
# Modern Hopfield kernels
# --------------------------------------------------------------------------------------------------------------


@cuda.jit(device=True, inline="always")
def _block_reduce(partial, value, take_max):
    """The block's sum (or maximum) of ``value`` (float64), returned to every thread (two barriers)."""
    tid = cuda.threadIdx.x
    partial[tid] = value
    cuda.syncthreads()
    total = partial[0]
    for j in range(1, cuda.blockDim.x):
        total = max(total, partial[j]) if take_max else total + partial[j]
    cuda.syncthreads()
    return total


@cuda.jit
def _softmax_rows_kernel(scores, offset, out):
    """Block r: softmax (offset 0) or softmax_1 (offset 1) of row r of the scores."""
    partial = cuda.shared.array(_REDUCE, float64)
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for r in range(cuda.blockIdx.x, scores.shape[0], cuda.gridDim.x):
        z = scores[r]
        top = -math.inf
        for j in range(tid, z.shape[0], nt):
            top = max(top, z[j])
        top = _block_reduce(partial, top, True)
        if offset:
            top = max(top, 0.0)
        acc = 0.0
        for j in range(tid, z.shape[0], nt):
            e = math.exp(z[j] - top)
            out[r, j] = e
            acc += e
        total = _block_reduce(partial, acc, False) + (math.exp(-top) if offset else 0.0)
        for j in range(tid, z.shape[0], nt):
            out[r, j] /= total


@cuda.jit
def _sparse_rows_kernel(scores, kind, alpha, out):
    """Thread r: sparsemax (kind 2, or alpha = 2: Michelot's exact iteration, the sort-free equivalent of the
    reference's sorted cumulative sums) or alpha-entmax (bisection as the reference) of row r."""
    r = cuda.grid(1)
    if r >= scores.shape[0]:
        return
    z = scores[r]
    row = out[r]
    n = z.shape[0]
    if kind == 2 or alpha == 2.0:
        tau = -math.inf
        size = -1
        while True:  # tau = (sum of the support - 1) / |support|, the support the scores above tau: exact
            total = 0.0
            count = 0
            for j in range(n):
                if z[j] > tau:
                    total += z[j]
                    count += 1
            if count == size:
                break
            size = count
            tau = (total - 1.0) / count
        for j in range(n):
            row[j] = max(z[j] - tau, 0.0)
        return
    power = 1.0 / (alpha - 1.0)
    top = -math.inf
    for j in range(n):
        top = max(top, z[j])
    top *= alpha - 1.0
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
        row[j] = max((alpha - 1.0) * z[j] - lo, 0.0) ** power
        total += row[j]
    for j in range(n):
        row[j] /= total


@cuda.jit
def _scores_kernel(queries, keys_t, beta, scores):
    """Thread (r, j): ``scores[r, j] = beta queries[r] . keys[j]`` in float64 (coalesced over j)."""
    j = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for r in range(cuda.blockIdx.y, queries.shape[0], cuda.gridDim.y):
        if j < keys_t.shape[1]:
            acc = 0.0
            for k in range(keys_t.shape[0]):
                acc += float64(queries[r, k]) * float64(keys_t[k, j])
            scores[r, j] = beta * acc


@cuda.jit
def _weighted_kernel(weights, values, out):
    """Thread (r, c): ``out[r, c] = sum_j weights[r, j] values[j, c]`` (coalesced over c)."""
    c = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for r in range(cuda.blockIdx.y, weights.shape[0], cuda.gridDim.y):
        if c < values.shape[1]:
            acc = 0.0
            for j in range(weights.shape[1]):
                acc += weights[r, j] * float64(values[j, c])
            out[r, c] = acc


@cuda.jit
def _online_attend_kernel(queries, keys_t, values, beta, offset, out, accumulators):
    """Block r: softmax or softmax_1 attention of query r over key chunks of T keys with an online softmax: thread
    t scores key c0 + t (keys transposed, coalesced), the block rescales its running maximum, sum and accumulator
    (row r of ``accumulators``, float64), and every thread adds its output columns' weighted values."""
    partial = cuda.shared.array(_REDUCE, float64)
    weight = cuda.shared.array(_REDUCE, float64)
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    n_keys = keys_t.shape[1]
    for r in range(cuda.blockIdx.x, queries.shape[0], cuda.gridDim.x):
        acc = accumulators[r]
        for c in range(tid, acc.shape[0], nt):
            acc[c] = 0.0
        top = -math.inf
        total = 0.0
        for c0 in range(0, n_keys, nt):
            j = c0 + tid
            score = -math.inf
            if j < n_keys:
                dot = 0.0
                for k in range(keys_t.shape[0]):
                    dot += float64(queries[r, k]) * float64(keys_t[k, j])
                score = beta * dot
            new = max(top, _block_reduce(partial, score, True))
            factor = math.exp(top - new)
            weight[tid] = math.exp(score - new) if j < n_keys else 0.0
            total = total * factor + _block_reduce(partial, weight[tid], False)
            top = new
            cuda.syncthreads()
            for c in range(tid, acc.shape[0], nt):
                a = acc[c] * factor
                for q in range(min(nt, n_keys - c0)):
                    a += weight[q] * float64(values[c0 + q, c])
                acc[c] = a
            cuda.syncthreads()
        if offset:
            total += math.exp(-top)
        for c in range(tid, acc.shape[0], nt):
            out[r, c] = acc[c] / total
        cuda.syncthreads()


_I8_1, _I8_2 = _a(types.int8, 1), _a(types.int8, 2)
_I32_1, _I32_2 = _a(types.int32, 1), _a(types.int32, 2)
_I64_1, _I64_2 = _a(types.int64, 1), _a(types.int64, 2)
_U32_3, _U64_2 = _a(types.uint32, 3), _a(types.uint64, 2)
_F32_2, _F64_1, _F64_2 = _a(types.float32, 2), _a(types.float64, 1), _a(types.float64, 2)
_B_1 = _a(types.boolean, 1)
_I64, _F64, _B = types.int64, types.float64, types.boolean
_TABLES = [(_I64_1, _I64_2), (_F64_1, _F64_2)]  # (tables, field terms) of the exact and the float path

#: Every ``@cuda.jit`` kernel of this module with each signature the host functions launch it with.
PTX_KERNELS = [
    *[(_polynomial_sweeps_kernel, (_I8_2, _I64, t, t, _F64, _I8_2, _U32_3, _U32_3, _F64_1, _I64, _B, _I32_1, _B_1,
                                   _I32_2, _I32_2, f, f)) for t, f in _TABLES],
    *[(_polynomial_sync_kernel, (_I8_2, _I64, t, t, _I8_2, _I64, _I32_1, _B_1, _I32_2, f, f, f, _I8_2))
      for t, f in _TABLES],
    (_exponential_sweeps_kernel, (_U64_2, _F64_1, _I8_2, _U32_3, _U32_3, _F64_1, _I64, _B, _I32_1, _B_1, _I32_2,
                                  _I32_2, _U64_2)),
    (_exponential_sync_kernel, (_U64_2, _F64_1, _I8_2, _I64, _I32_1, _B_1, _I32_2, _U64_2, _F64_2, _I8_2)),
    (_softmax_rows_kernel, (_F64_2, _I64, _F64_2)),
    (_sparse_rows_kernel, (_F64_2, _I64, _F64, _F64_2)),
    *[(_scores_kernel, (q, q, _F64, _F64_2)) for q in (_F32_2, _F64_2)],
    *[(_weighted_kernel, (_F64_2, q, _F64_2)) for q in (_F32_2, _F64_2)],
    *[(_online_attend_kernel, (q, q, q, _F64, _I64, q, _F64_2)) for q in (_F32_2, _F64_2)],
]


# --------------------------------------------------------------------------------------------------------------
# Host functions
# --------------------------------------------------------------------------------------------------------------


def _schedule_on_device(schedule: Schedule):
    order_bits, uniform_bits, betas, mode = schedule
    return (_dev(order_bits, np.uint32), _dev(uniform_bits, np.uint32), _dev(betas, np.float64), int(mode),
            bool(order_bits.shape[1]))


def _finish(d_states, d_steps, d_converged, states, convergence: Convergence) -> None:
    states[...] = d_states.copy_to_host()
    convergence.steps[...] = d_steps.copy_to_host()
    convergence.converged[...] = d_converged.copy_to_host()


def polynomial_sweeps(patterns_t: np.ndarray, bits_n: np.ndarray, sums: np.ndarray, diffs: np.ndarray, scale: float,
                      states: np.ndarray, schedule: Schedule, convergence: Convergence) -> None:
    """Sequential dynamics of the polynomial (or rectified) dense associative memory (see the reference).

    Parameters
    ----------
    patterns_t : ndarray, (N, P') int8
    bits_n : ndarray, (P, K) uint64
        Only its length P is used here (the counts come from the int8 patterns).
    sums, diffs : ndarray, (2 N + 1,) int64 or float64
    scale : float
    states : ndarray, (B, N) int8, in/out
    schedule : amsim.kernels.Schedule
    convergence : amsim.kernels.Convergence, out
    """
    b, n = states.shape
    if b == 0:
        return
    order_bits, uniform_bits, betas, mode, shuffled = _schedule_on_device(schedule)
    width = patterns_t.shape[1]
    d_s = _dev(states, np.int8)
    d_steps, d_conv = cuda.device_array(b, np.int32), cuda.device_array(b, np.bool_)
    _polynomial_sweeps_kernel[b, LANES](_dev(patterns_t, np.int8), len(bits_n), _dev(sums), _dev(diffs), float(scale),
                                        d_s, order_bits, uniform_bits, betas, mode, shuffled, d_steps, d_conv,
                                        cuda.device_array((b, n), np.int32), cuda.device_array((b, width), np.int32),
                                        cuda.to_device(np.zeros((b, width), sums.dtype)),
                                        cuda.device_array((b, LANES), sums.dtype))
    _finish(d_s, d_steps, d_conv, states, convergence)


def polynomial_sync(patterns_t: np.ndarray, bits_n: np.ndarray, sums: np.ndarray, diffs: np.ndarray,
                    states: np.ndarray, max_steps: int, convergence: Convergence) -> None:
    """Synchronous zero-temperature dynamics of the polynomial (or rectified) memory (see the reference).

    Parameters
    ----------
    patterns_t, bits_n, sums, diffs
        As in :func:`polynomial_sweeps`.
    states : ndarray, (B, N) int8, in/out
    max_steps : int
    convergence : amsim.kernels.Convergence, out
    """
    b, n = states.shape
    if b == 0:
        return
    width = patterns_t.shape[1]
    d_s = _dev(states, np.int8)
    d_steps, d_conv = cuda.device_array(b, np.int32), cuda.device_array(b, np.bool_)
    _polynomial_sync_kernel[b, LANES](_dev(patterns_t, np.int8), len(bits_n), _dev(sums), _dev(diffs), d_s,
                                      int(max_steps), d_steps, d_conv, cuda.device_array((b, width), np.int32),
                                      cuda.to_device(np.zeros((b, width), sums.dtype)),
                                      cuda.device_array((b, LANES), sums.dtype), cuda.device_array((b, n), sums.dtype),
                                      cuda.device_array((b, n), np.int8))
    _finish(d_s, d_steps, d_conv, states, convergence)


def exponential_sweeps(bits_t: np.ndarray, weights: np.ndarray, states: np.ndarray, schedule: Schedule,
                       convergence: Convergence) -> None:
    """Sequential dynamics of the exponential dense associative memory (see the reference).

    Parameters
    ----------
    bits_t : ndarray, (K, P) uint64
    weights : ndarray, (K_gap / 2 + 1,) float64
    states : ndarray, (B, N) int8, in/out
    schedule : amsim.kernels.Schedule
    convergence : amsim.kernels.Convergence, out
    """
    b, n = states.shape
    if b == 0:
        return
    order_bits, uniform_bits, betas, mode, shuffled = _schedule_on_device(schedule)
    d_s = _dev(states, np.int8)
    d_steps, d_conv = cuda.device_array(b, np.int32), cuda.device_array(b, np.bool_)
    _exponential_sweeps_kernel[b, LANES](_dev(bits_t, np.uint64), _dev(weights, np.float64), d_s, order_bits,
                                         uniform_bits, betas, mode, shuffled, d_steps, d_conv,
                                         cuda.device_array((b, n), np.int32),
                                         cuda.device_array((b, bits_t.shape[1]), np.int32),
                                         cuda.device_array((b, bits_t.shape[0]), np.uint64))
    _finish(d_s, d_steps, d_conv, states, convergence)


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
    b, n = states.shape
    if b == 0:
        return
    d_s = _dev(states, np.int8)
    d_steps, d_conv = cuda.device_array(b, np.int32), cuda.device_array(b, np.bool_)
    _exponential_sync_kernel[b, LANES](_dev(bits_t, np.uint64), _dev(weights, np.float64), d_s, int(max_steps),
                                       d_steps, d_conv, cuda.device_array((b, bits_t.shape[1]), np.int32),
                                       cuda.device_array((b, bits_t.shape[0]), np.uint64),
                                       cuda.device_array((b, n), np.float64), cuda.device_array((b, n), np.int8))
    _finish(d_s, d_steps, d_conv, states, convergence)


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
    rows = scores.shape[0]
    if rows == 0:
        return
    d_out = cuda.device_array(scores.shape, np.float64)
    _rows(_dev(scores, np.float64), int(kind), float(alpha), d_out)
    out[...] = d_out.copy_to_host()


def _rows(d_scores, kind: int, alpha: float, d_out) -> None:
    tpb = _tpb()
    rows = d_scores.shape[0]
    if kind <= 1:
        _softmax_rows_kernel[min(rows, 1 << 16), tpb](d_scores, kind, d_out)
    else:
        _sparse_rows_kernel[(rows + tpb - 1) // tpb, tpb](d_scores, kind, alpha, d_out)


def attend(queries: np.ndarray, keys: np.ndarray, values: np.ndarray, beta: float, kind: int, alpha: float,
           out: np.ndarray) -> None:
    """Attention ``sep(beta Q K^T) V`` (see the reference): softmax and softmax_1 by the online kernel (no score
    matrix), sparsemax and entmax from (B, P) float64 scores.

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
    tpb = _tpb()
    rows = queries.shape[0]
    if rows == 0:
        return
    dtype = queries.dtype
    d_q, d_kt, d_v = _dev(queries, dtype), _dev(keys.T, dtype), _dev(values, dtype)
    if kind <= 1:
        d_out = cuda.device_array(out.shape, dtype)
        _online_attend_kernel[min(rows, 1 << 16), tpb](d_q, d_kt, d_v, float(beta), int(kind), d_out,
                                                       cuda.device_array(out.shape, np.float64))
        out[...] = d_out.copy_to_host()
        return
    d_scores = cuda.device_array((rows, keys.shape[0]), np.float64)
    _scores_kernel[(max(1, (keys.shape[0] + tpb - 1) // tpb), min(rows, 65535)), tpb](d_q, d_kt, float(beta),
                                                                                       d_scores)
    d_weights = cuda.device_array(d_scores.shape, np.float64)
    _rows(d_scores, int(kind), float(alpha), d_weights)
    d_out = cuda.device_array(out.shape, np.float64)
    _weighted_kernel[(max(1, (out.shape[1] + tpb - 1) // tpb), min(rows, 65535)), tpb](d_weights, d_v, d_out)
    out[...] = d_out.copy_to_host()
