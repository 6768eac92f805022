"""numba.cuda kernels of the classical Hopfield network, twins of :mod:`amsim.families.hopfield.reference`.

The public functions are host functions with the reference's names and arguments: they take NumPy arrays,
copy them to the GPU, launch the private ``@cuda.jit`` kernels below and copy the results back into the
caller's arrays. Nothing is validated. The number of threads per block is read from
``amsim.backends.CUDA_THREADS_PER_BLOCK`` at call time (at most 1024, the CUDA limit and the size of the
shared reduction buffers). Every kernel is listed with the signatures it is launched with in :data:`PTX_KERNELS`.
The dynamics functions take the argument groups of :mod:`amsim.kernels` (``Schedule``, ``Convergence``,
``Trace``) and pass their arrays to the kernels flat. Overlaps and overlap counts of states are shared kernels
(:mod:`amsim.kernels._cuda`), whose host helpers (device copies, grids, the popcount counts) this module reuses.

Symbols
-------
N  number of neurons
P  number of stored patterns (P' >= P columns of the zero-padded transposed patterns)
B  batch of independent states (cues)
S  number of sweeps
K  uint64 words per packed neuron row, ``ceil(N / 64)``; Q words per packed pattern row, ``ceil(P / 64)``
W  weights in the outgoing layout ``weights[j, i] = W_ij``; couplings ``J = W / N``
b  bias (N,) added to every field
h  local field ``h_i = sum_j W_ij s_j + b_i``: int32 for integer weights, float64 for float weights
m  overlap counts ``m_mu = sum_i xi_i^mu s_i``
o  the self-coupling offset ``W_ii - P`` of a Hebbian network held as patterns: ``h = Xi^T m + o s``

Parallelism: over the batch axis B (grid rows or blocks), and within one state over the neurons i (or patterns
mu) whose fields (or counts) are independent. Sequential dynamics stay sequential inside a state: one block per
state visits the neurons in order, every thread takes the same decision from the same values (or reads it from
shared memory), and the threads then update disjoint strided slices of the fields or counts. Synchronous steps
run on the host, one launch per phase, and run to ``max_steps`` in a 2-cycle as the reference does.

Exactness: integer fields are exact, float64 weights lie on the grid of :func:`~amsim.families.hopfield.rules.
on_grid` (every sum exact in any order), and the energy and trace sums are exact in float64 for the same reason.
Kernels are compiled without fast-math: division is IEEE and ``exp`` is libdevice's, which can differ from the
CPU's libm ``exp`` in the last bit, so on a real GPU a Glauber or Metropolis spin may (with probability ~1e-16 per
visit) differ from the reference; the zero-temperature dynamics, energies and overlaps are exact.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda, float64, int32, int64, types, uint64

from amsim.bits import pack_bits
from amsim.kernels import Convergence, Schedule, Trace
from amsim.kernels._cuda import _REDUCE, _a, _dev, _device_counts, _grid_rows, _ones, _tpb, _visit_order

# --------------------------------------------------------------------------------------------------------------
# Device functions: inlined into the kernels (``inline="always"``), so each kernel compiles to PTX on its own,
# without a driver (a separately compiled device function asks the current GPU for its compute capability).
# --------------------------------------------------------------------------------------------------------------


@cuda.jit(device=True, inline="always")
def _new_spin(mode, s, h, beta, r, nf):
    """The spin after a visit: mode 0 zero temperature, 1 Glauber, 2 Metropolis (``u = r 2**-32``)."""
    if mode == 0:
        return -s if s * h < 0 else s
    u = float64(r) * 2.3283064365386963e-10
    if mode == 1:
        return int32(1) if u < 1.0 / (1.0 + math.exp(-2.0 * beta * float64(h) / nf)) else int32(-1)
    return -s if u < math.exp(-2.0 * beta * (float64(s) * float64(h)) / nf) else s


@cuda.jit(device=True, inline="always")
def _block_sum(partial, value):
    """Sum ``value`` (float64) over the block: every thread gets the total (two barriers)."""
    tid = cuda.threadIdx.x
    partial[tid] = value
    cuda.syncthreads()
    total = 0.0
    for k in range(cuda.blockDim.x):
        total += partial[k]
    cuda.syncthreads()  # partial is reused
    return total


@cuda.jit(device=True, inline="always")
def _write_trace(trace_energy, trace_overlap, b, t, quad, overlap, nf):
    """Thread 0 writes the energy ``-quad / (2 N^2)`` and ``overlap`` into sweeps t .. S-1 of state b."""
    if cuda.threadIdx.x == 0:
        e = -quad / (2.0 * nf * nf)
        for u in range(t, trace_energy.shape[1]):
            trace_energy[b, u] = e
            trace_overlap[b, u] = overlap


@cuda.jit(device=True, inline="always")
def _readout_sum(readout, states, b):
    """This thread's share of ``sum_i readout[b, i] s_bi``."""
    acc = 0.0
    for i in range(cuda.threadIdx.x, states.shape[1], cuda.blockDim.x):
        acc += readout[b, i] * float64(states[b, i])
    return acc


@cuda.jit(device=True, inline="always")
def _dense_trace(partial, states, fields, bias, readout, trace_energy, trace_overlap, b, t, nf):
    """Trace entry of a dense-engine state (every thread of its block calls it)."""
    quad = 0.0
    for i in range(cuda.threadIdx.x, states.shape[1], cuda.blockDim.x):
        quad += float64(states[b, i]) * (float64(fields[b, i]) + float64(bias[i]))
    quad = _block_sum(partial, quad)
    overlap = _block_sum(partial, _readout_sum(readout, states, b))
    _write_trace(trace_energy, trace_overlap, b, t, quad, overlap, nf)


@cuda.jit(device=True, inline="always")
def _counts_trace(partial, states, counts, offset, readout, trace_energy, trace_overlap, b, t, nf):
    """Trace entry of a pattern- or bit-engine state: ``quad = sum_mu m_mu^2 + o N``."""
    quad = 0.0
    for mu in range(cuda.threadIdx.x, counts.shape[1], cuda.blockDim.x):
        quad += float64(counts[b, mu]) * float64(counts[b, mu])
    quad = _block_sum(partial, quad) + float64(offset) * nf
    overlap = _block_sum(partial, _readout_sum(readout, states, b))
    _write_trace(trace_energy, trace_overlap, b, t, quad, overlap, nf)


# --------------------------------------------------------------------------------------------------------------
# Kernels shared by the engines
# --------------------------------------------------------------------------------------------------------------


@cuda.jit
def _hebbian_kernel(patterns, weights):
    """Thread (i, j) writes ``W[i, j] = sum_mu xi^mu_i xi^mu_j`` (0 on the diagonal); grid (ceil(N / T), rows)."""
    n_patterns = patterns.shape[0]
    n = patterns.shape[1]
    j = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for i in range(cuda.blockIdx.y, n, cuda.gridDim.y):  # each (i, j) is written by exactly one thread
        if j < n:
            acc = int32(0)
            if i != j:
                for mu in range(n_patterns):
                    acc += int32(patterns[mu, i]) * int32(patterns[mu, j])  # xi^mu_j coalesced over j
            weights[i, j] = acc


@cuda.jit
def _fields_kernel(weights, bias, states, active, fields):
    """Thread (b, i) of an active state writes ``fields[b, i] = b_i + sum_j W[j, i] s_bj`` (coalesced over i)."""
    n = states.shape[1]
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, states.shape[0], cuda.gridDim.y):  # each (b, i) written by one thread
        if i < n and active[b] != 0:
            h = bias[i]
            for j in range(n):
                h += weights[j, i] * states[b, j]
            fields[b, i] = h


@cuda.jit
def _decide_kernel(fields, current, following, active, changed):
    """One synchronous update of the active states: ``following = decide(fields, current)``.

    Thread (b, i) reads only row b of ``fields`` and ``current`` and writes only ``following[b, i]``.
    ``changed[b]`` is set to 1 by every thread whose spin changes; they all store the same value (benign).
    """
    n = current.shape[1]
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, current.shape[0], cuda.gridDim.y):
        if i < n and active[b] != 0:
            s = current[b, i]
            new = s
            if fields[b, i] * s < 0:  # the field opposes the spin (a zero field keeps it)
                new = -s
                changed[b] = 1
            following[b, i] = new


@cuda.jit
def _finish_kernel(active, changed, steps, converged, moved, moving):
    """Thread b books the step of state b: count it if it changed (``moved``), else mark it converged.

    ``moving[0]`` is set to 1 by every state still changing (same value: benign).
    """
    b = cuda.grid(1)
    if b < active.shape[0]:
        moved[b] = 0
        if active[b] != 0:
            if changed[b] != 0:
                steps[b] += 1
                moved[b] = 1
                moving[0] = 1
            else:
                converged[b] = True
                active[b] = 0
        changed[b] = 0


@cuda.jit
def _dense_trace_kernel(states, fields, bias, readout, moved, t, trace_energy, trace_overlap):
    """Block b records the trace entry of state b at step t when it moved."""
    partial = cuda.shared.array(_REDUCE, float64)
    nf = float64(states.shape[1])
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        if moved[b] != 0:  # the same in every thread: all reach the barriers
            _dense_trace(partial, states, fields, bias, readout, trace_energy, trace_overlap, b, t, nf)


@cuda.jit
def _sweeps_kernel(weights, bias, states, fields, order_bits, uniform_bits, betas, mode, shuffled, steps,
                   converged, readout, trace_energy, trace_overlap, tracing, orders):
    """Sequential sweeps, one block per state (striding over the batch).

    Thread 0 draws the sweep's order into ``orders[b]``. For each visited neuron every thread computes the same
    decision from the same values. On a flip: a barrier (all reads done), thread 0 writes the spin while each
    thread adds ``2 s_i W[i, j]`` to its own strided slice ``j = tid, tid + T, ...`` of the fields, and a second
    barrier before the next read. The decisions, hence the barriers, are the same in every thread.
    """
    partial = cuda.shared.array(_REDUCE, float64)
    n = states.shape[1]
    nf = float64(n)
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):  # one block owns state b
        order = orders[b]
        moved = int32(0)
        done = False
        if tracing:
            _dense_trace(partial, states, fields, bias, readout, trace_energy, trace_overlap, b, 0, nf)
        for t in range(betas.shape[0]):
            cuda.syncthreads()  # every thread is done with the previous order
            if tid == 0:
                _visit_order(order, order_bits, b, t, shuffled)
            cuda.syncthreads()
            flips = int32(0)
            for k in range(n):
                i = order[k]
                s = int32(states[b, i])
                r = uniform_bits[b, t, k] if mode != 0 else uint64(0)
                new = _new_spin(mode, s, fields[b, i], betas[t], r, nf)
                if new != s:
                    cuda.syncthreads()
                    if tid == 0:
                        states[b, i] = new
                    d = int32(2 * new)
                    for j in range(tid, n, nt):
                        fields[b, j] += d * weights[i, j]
                    cuda.syncthreads()
                    flips += 1
            if mode == 0 and flips == 0:
                done = True
                break
            moved += 1
            if tracing:
                _dense_trace(partial, states, fields, bias, readout, trace_energy, trace_overlap, b, t, nf)
        if tid == 0:
            steps[b] = moved
            converged[b] = done
        cuda.syncthreads()  # the next state of this block starts from a clean slate


@cuda.jit
def _energy_kernel(states, fields, bias, out):
    """Block b sums ``s_b . (h_b + b)`` (exact in float64), then thread 0 writes the energy per neuron."""
    partial = cuda.shared.array(_REDUCE, float64)
    nf = float64(states.shape[1])
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        quad = 0.0
        for i in range(cuda.threadIdx.x, states.shape[1], cuda.blockDim.x):
            quad += float64(states[b, i]) * (float64(fields[b, i]) + float64(bias[i]))
        quad = _block_sum(partial, quad)
        if cuda.threadIdx.x == 0:
            out[b] = -quad / (2.0 * nf * nf)


# --------------------------------------------------------------------------------------------------------------
# Pattern and bit engines
# --------------------------------------------------------------------------------------------------------------


@cuda.jit
def _pattern_fields_kernel(patterns_t, offset, states, counts, active, fields):
    """Thread (b, i) of an active state writes ``fields[b, i] = xi_i . m_b + o s_bi``."""
    n = states.shape[1]
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, states.shape[0], cuda.gridDim.y):
        if i < n and active[b] != 0:
            h = int64(offset) * int64(states[b, i])
            for mu in range(patterns_t.shape[1]):
                h += int64(patterns_t[i, mu]) * int64(counts[b, mu])
            fields[b, i] = h


@cuda.jit
def _pattern_counts_kernel(patterns_t, states, active, counts):
    """Thread (b, mu) of an active state writes ``counts[b, mu] = sum_i xi_i^mu s_bi`` (coalesced over mu)."""
    mu = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, states.shape[0], cuda.gridDim.y):
        if mu < counts.shape[1] and active[b] != 0:
            m = int64(0)
            for i in range(states.shape[1]):
                m += int64(patterns_t[i, mu]) * int64(states[b, i])
            counts[b, mu] = m


@cuda.jit
def _bit_fields_kernel(bits_p, offset, states, counts, active, fields):
    """Thread (b, i) of an active state writes ``fields[b, i] = sum_mu xi_i^mu m_mu + o s_bi`` from the bits."""
    n = states.shape[1]
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, states.shape[0], cuda.gridDim.y):
        if i < n and active[b] != 0:
            h = int64(offset) * int64(states[b, i])
            for mu in range(counts.shape[1]):
                m = int64(counts[b, mu])
                h += m if (bits_p[i, mu >> 6] >> uint64(mu & 63)) & uint64(1) else -m
            fields[b, i] = h


@cuda.jit
def _counts_trace_kernel(states, counts, offset, readout, moved, t, trace_energy, trace_overlap):
    """Block b records the trace entry of state b at step t when it moved."""
    partial = cuda.shared.array(_REDUCE, float64)
    nf = float64(states.shape[1])
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        if moved[b] != 0:
            _counts_trace(partial, states, counts, offset, readout, trace_energy, trace_overlap, b, t, nf)


@cuda.jit
def _count_sweeps_kernel(patterns_t, bits_p, use_bits, offset, states, counts, order_bits, uniform_bits, betas,
                         mode, shuffled, steps, converged, readout, trace_energy, trace_overlap, tracing, orders):
    """Sequential sweeps of the pattern (``use_bits == 0``, ``patterns_t``) or bit engine (``bits_p``), one block
    per state: the threads sum the field over strided slices of the patterns, thread 0 decides and shares the
    decision, and on a flip each thread updates its slice of the counts."""
    partial = cuda.shared.array(_REDUCE, float64)
    decision = cuda.shared.array(1, int32)
    n = states.shape[1]
    nf = float64(n)
    n_counts = counts.shape[1]
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        order = orders[b]
        moved = int32(0)
        done = False
        if tracing:
            _counts_trace(partial, states, counts, offset, readout, trace_energy, trace_overlap, b, 0, nf)
        for t in range(betas.shape[0]):
            if tid == 0:
                _visit_order(order, order_bits, b, t, shuffled)
            cuda.syncthreads()
            flips = int32(0)
            for k in range(n):
                i = order[k]
                acc = int64(0)
                for mu in range(tid, n_counts, nt):
                    m = int64(counts[b, mu])
                    if use_bits:
                        acc += m if (bits_p[i, mu >> 6] >> uint64(mu & 63)) & uint64(1) else -m
                    else:
                        acc += int64(patterns_t[i, mu]) * m
                h = int64(_block_sum(partial, float64(acc)))  # exact: |h| < 2**31
                s = int32(states[b, i])
                if tid == 0:
                    r = uniform_bits[b, t, k] if mode != 0 else uint64(0)
                    decision[0] = _new_spin(mode, s, h + int64(offset) * s, betas[t], r, nf)
                cuda.syncthreads()
                new = decision[0]
                if new != s:
                    d = int64(2 * new)
                    for mu in range(tid, n_counts, nt):
                        if use_bits:
                            x = int64(1) if (bits_p[i, mu >> 6] >> uint64(mu & 63)) & uint64(1) else int64(-1)
                        else:
                            x = int64(patterns_t[i, mu])
                        counts[b, mu] += d * x
                    if tid == 0:
                        states[b, i] = new
                    flips += 1
                cuda.syncthreads()
            if mode == 0 and flips == 0:
                done = True
                break
            moved += 1
            if tracing:
                _counts_trace(partial, states, counts, offset, readout, trace_energy, trace_overlap, b, t, nf)
        if tid == 0:
            steps[b] = moved
            converged[b] = done
        cuda.syncthreads()


@cuda.jit
def _stability_kernel(patterns, c, off, stable):
    """Block mu checks stored pattern mu: unstable when some ``xi_i^mu sum_nu C[mu, nu] xi_i^nu + off < 0``."""
    flag = cuda.shared.array(1, int32)
    n_patterns = patterns.shape[0]
    for mu in range(cuda.blockIdx.x, n_patterns, cuda.gridDim.x):
        if cuda.threadIdx.x == 0:
            flag[0] = 0
        cuda.syncthreads()
        for i in range(cuda.threadIdx.x, patterns.shape[1], cuda.blockDim.x):
            h = int64(0)
            for nu in range(n_patterns):
                h += int64(c[nu, mu]) * int64(patterns[nu, i])
            if int64(patterns[mu, i]) * h + off < 0:
                flag[0] = 1  # every writer stores the same value (benign)
        cuda.syncthreads()
        if cuda.threadIdx.x == 0:
            stable[mu] = flag[0] == 0
        cuda.syncthreads()


_I8_1, _I8_2 = _a(types.int8, 1), _a(types.int8, 2)
_I16_2, _I32_1, _I32_2, _I32_3 = _a(types.int16, 2), _a(types.int32, 1), _a(types.int32, 2), _a(types.int32, 3)
_U32_3, _U64_2 = _a(types.uint32, 3), _a(types.uint64, 2)
_F64_1, _F64_2 = _a(types.float64, 1), _a(types.float64, 2)
_B_1 = _a(types.boolean, 1)
_WEIGHTS = [(_a(types.int8, 2), _I32_1, _I32_2), (_a(types.int16, 2), _I32_1, _I32_2),
            (_I32_2, _I32_1, _I32_2), (_F64_2, _F64_1, _F64_2)]  # (weights, bias, fields) dtypes of the engines
_COUNTS = [_I16_2, _I32_2]
_I64, _F64, _B = types.int64, types.float64, types.boolean

#: Every ``@cuda.jit`` kernel of this module with each signature the host functions launch it with.
PTX_KERNELS = [
    *[(_hebbian_kernel, (_I8_2, w)) for w, _, _ in _WEIGHTS[:3]],
    *[(_fields_kernel, (w, bias, _I8_2, _I32_1, f)) for w, bias, f in _WEIGHTS],
    *[(_decide_kernel, (f, _I8_2, _I8_2, _I32_1, _I32_1)) for f in (_I32_2, _F64_2)],
    (_finish_kernel, (_I32_1, _I32_1, _I32_1, _B_1, _I32_1, _I32_1)),
    *[(_dense_trace_kernel, (_I8_2, f, bias, _F64_2, _I32_1, _I64, _F64_2, _F64_2)) for _, bias, f in _WEIGHTS[2:]],
    *[(_sweeps_kernel, (w, bias, _I8_2, f, _U32_3, _U32_3, _F64_1, _I64, _B, _I32_1, _B_1, _F64_2, _F64_2, _F64_2,
                        _B, _I32_2)) for w, bias, f in _WEIGHTS],
    *[(_energy_kernel, (_I8_2, f, bias, _F64_1)) for _, bias, f in _WEIGHTS[2:]],
    *[(_pattern_fields_kernel, (_I8_2, _I64, _I8_2, c, _I32_1, _I32_2)) for c in _COUNTS],
    *[(_pattern_counts_kernel, (_I8_2, _I8_2, _I32_1, c)) for c in _COUNTS],
    (_bit_fields_kernel, (_U64_2, _I64, _I8_2, _I32_2, _I32_1, _I32_2)),
    *[(_counts_trace_kernel, (_I8_2, c, _I64, _F64_2, _I32_1, _I64, _F64_2, _F64_2)) for c in _COUNTS],
    *[(_count_sweeps_kernel, (_I8_2, _U64_2, _B, _I64, _I8_2, c, _U32_3, _U32_3, _F64_1, _I64, _B, _I32_1, _B_1,
                              _F64_2, _F64_2, _F64_2, _B, _I32_2)) for c in _COUNTS],
    (_stability_kernel, (_I8_2, _I32_2, _I64, _B_1)),
]


# --------------------------------------------------------------------------------------------------------------
# Host functions
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
    tpb = _tpb()
    n = patterns.shape[1]
    d_w = cuda.device_array((n, n), dtype=weights.dtype)
    _hebbian_kernel[_grid_rows(n, n, tpb), tpb](_dev(patterns, np.int8), d_w)
    weights[...] = d_w.copy_to_host()


def _device_fields(d_weights, d_bias, d_states, d_active, d_fields, tpb: int) -> None:
    n_states, n = d_states.shape
    _fields_kernel[_grid_rows(n, n_states, tpb), tpb](d_weights, d_bias, d_states, d_active, d_fields)


def local_fields(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray) -> None:
    """Local fields ``h = W s + b`` of each state.

    Parameters
    ----------
    weights : ndarray, (N, N) int8, int16, int32 or float64
        Outgoing layout, ``weights[j, i] = W_ij``.
    bias : ndarray, (N,) int32 or float64
        Constant added to every field (the dtype of ``fields``).
    states : ndarray, (B, N) int8
    fields : ndarray, (B, N) int32 (integer weights) or float64, out
    """
    if states.shape[0] == 0:
        return
    d_fields = cuda.device_array(fields.shape, dtype=fields.dtype)
    _device_fields(_dev(weights), _dev(bias), _dev(states, np.int8), _ones(len(states)), d_fields, _tpb())
    fields[...] = d_fields.copy_to_host()


class _Record:
    """Device copies of a run's convergence (zeroed) and trace, and their copy back into the caller's arrays."""

    def __init__(self, n_states: int, trace: Trace) -> None:
        self.steps = cuda.to_device(np.zeros(n_states, np.int32))
        self.converged = cuda.to_device(np.zeros(n_states, np.bool_))
        self.tracing = trace.energy.shape[1] > 0
        self.readout = _dev(trace.readout, np.float64)
        self.te, self.to = _dev(trace.energy, np.float64), _dev(trace.overlap, np.float64)

    def finish(self, convergence: Convergence, trace: Trace) -> None:
        """Copy the convergence and the trace back into the caller's arrays."""
        convergence.steps[...] = self.steps.copy_to_host()
        convergence.converged[...] = self.converged.copy_to_host()
        if self.tracing:
            trace.energy[...] = self.te.copy_to_host()
            trace.overlap[...] = self.to.copy_to_host()


class _Steps(_Record):
    """Device state of a synchronous run: two state buffers, activity and the per-step flags, beside the record."""

    def __init__(self, states: np.ndarray, trace: Trace) -> None:
        super().__init__(len(states), trace)
        b = len(states)
        self.cur, self.nxt = _dev(states, np.int8), _dev(states, np.int8)
        self.active, self.moved = _ones(b), _ones(b)
        self.changed = cuda.to_device(np.zeros(b, np.int32))
        self.moving = cuda.to_device(np.zeros(1, np.int32))

    def step(self, d_fields, tpb: int) -> bool:
        """Decide and book one step; True while some state moved (then ``cur`` holds the new states)."""
        b, n = self.cur.shape
        _decide_kernel[_grid_rows(n, b, tpb), tpb](d_fields, self.cur, self.nxt, self.active, self.changed)
        self.moving.copy_to_device(np.zeros(1, np.int32))
        _finish_kernel[(b + tpb - 1) // tpb, tpb](self.active, self.changed, self.steps, self.converged,
                                                  self.moved, self.moving)
        self.cur, self.nxt = self.nxt, self.cur  # a converged state's buffers are equal and no longer written
        return bool(self.moving.copy_to_host()[0])

    def finish_states(self, states: np.ndarray, convergence: Convergence, trace: Trace) -> None:
        """Copy the final states, the convergence and the trace back into the caller's arrays."""
        states[...] = self.cur.copy_to_host()
        self.finish(convergence, trace)


def sync_retrieve(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray, max_steps: int,
                  convergence: Convergence, trace: Trace) -> None:
    """Synchronous zero-temperature dynamics: all neurons update at once from the same fields.

    Each state repeats, at most ``max_steps`` times: ``s' = decide(h(s), s)``; if ``s' == s`` it has converged
    and stops, else ``s = s'`` and its step count grows by one (2-cycles end at the limit, not converged).
    Each step decides the active states, then recomputes the fields of those that moved.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout, ``weights[j, i] = W_ij``.
    bias : ndarray, (N,)
    states : ndarray, (B, N) int8, in/out
    fields : ndarray, (B, N) int32 or float64, in/out
        ``W s + b`` of the initial states; overwritten with those of the final states.
    max_steps : int
    convergence : Convergence, out
        ``steps`` (B,) int32 and ``converged`` (B,) bool.
    trace : Trace
        ``readout`` (B, N) or (B, 0) float64; ``energy`` and ``overlap`` (B, max_steps) or (B, 0) float64, out.
    """
    tpb = _tpb()
    b = len(states)
    if b == 0:
        return
    run = _Steps(states, trace)
    d_w, d_bias, d_fields = _dev(weights), _dev(bias), _dev(fields)
    if run.tracing:
        _dense_trace_kernel[b, tpb](run.cur, d_fields, d_bias, run.readout, run.moved, 0, run.te, run.to)
    for t in range(int(max_steps)):
        if not run.step(d_fields, tpb):
            break
        _device_fields(d_w, d_bias, run.cur, run.moved, d_fields, tpb)
        if run.tracing:
            _dense_trace_kernel[b, tpb](run.cur, d_fields, d_bias, run.readout, run.moved, t, run.te, run.to)
    run.finish_states(states, convergence, trace)
    fields[...] = d_fields.copy_to_host()


def _schedule_inputs(schedule: Schedule):
    """The schedule's device random words (placeholders when unused), whether the orders are shuffled, device betas
    and the mode, in the order the sweep kernels take them."""
    return (_dev(schedule.order_bits, np.uint32), _dev(schedule.uniform_bits, np.uint32),
            _dev(schedule.betas, np.float64), int(schedule.mode), bool(schedule.order_bits.shape[1]))


def sweeps(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, fields: np.ndarray, schedule: Schedule,
           convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics (see the reference's ``sweeps``): one block per state.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout, ``weights[j, i] = W_ij``.
    bias : ndarray, (N,)
    states : ndarray, (B, N) int8, in/out
    fields : ndarray, (B, N) int32 or float64, in/out
    schedule : Schedule
        ``order_bits``, ``uniform_bits`` (B, S, N) uint32, ``betas`` (S,) float64 and ``mode`` of the S sweeps.
    convergence : Convergence, out
    trace : Trace
        As in :func:`sync_retrieve`, one trace entry per sweep.
    """
    tpb = _tpb()
    b, n = states.shape
    if b == 0:
        return
    d_s, d_fields = _dev(states, np.int8), _dev(fields)
    rec = _Record(b, trace)
    _sweeps_kernel[b, tpb](_dev(weights), _dev(bias), d_s, d_fields, *_schedule_inputs(schedule), rec.steps,
                           rec.converged, rec.readout, rec.te, rec.to, rec.tracing,
                           cuda.device_array((b, n), np.int32))
    states[...] = d_s.copy_to_host()
    fields[...] = d_fields.copy_to_host()
    rec.finish(convergence, trace)


def energy(weights: np.ndarray, bias: np.ndarray, states: np.ndarray, out: np.ndarray) -> None:
    """Energy per neuron ``E = -(s W s / 2 + b . s) / N^2``.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Outgoing layout.
    bias : ndarray, (N,) int32 or float64
    states : ndarray, (B, N) int8
    out : ndarray, (B,) float64, out
    """
    tpb = _tpb()
    b = states.shape[0]
    if b == 0:
        return
    d_s, d_bias = _dev(states, np.int8), _dev(bias)
    d_fields = cuda.device_array(states.shape, dtype=bias.dtype)
    _device_fields(_dev(weights), d_bias, d_s, _ones(b), d_fields, tpb)
    d_out = cuda.device_array(b, dtype=np.float64)
    _energy_kernel[b, tpb](d_s, d_fields, d_bias, d_out)
    out[...] = d_out.copy_to_host()


def _count_sync(patterns_t, bits_n, bits_p, offset, states, counts, max_steps, convergence, trace) -> None:
    """Synchronous steps of the pattern engine (``patterns_t``) or the bit engine (``bits_n``, ``bits_p``)."""
    tpb = _tpb()
    b, n = states.shape
    if b == 0:
        return
    run = _Steps(states, trace)
    d_counts = _dev(counts)
    d_fields = cuda.device_array((b, n), np.int32)
    if patterns_t is not None:
        d_pt = _dev(patterns_t)
    else:
        d_bn, d_bp = _dev(bits_n, np.uint64), _dev(bits_p, np.uint64)
        d_packed = cuda.device_array((b, bits_n.shape[1]), dtype=np.uint64)
    grid_i, grid_mu = _grid_rows(n, b, tpb), _grid_rows(counts.shape[1], b, tpb)
    if run.tracing:
        _counts_trace_kernel[b, tpb](run.cur, d_counts, offset, run.readout, run.moved, 0, run.te, run.to)
    for t in range(int(max_steps)):
        if patterns_t is not None:
            _pattern_fields_kernel[grid_i, tpb](d_pt, offset, run.cur, d_counts, run.active, d_fields)
        else:
            _bit_fields_kernel[grid_i, tpb](d_bp, offset, run.cur, d_counts, run.active, d_fields)
        if not run.step(d_fields, tpb):
            break
        if patterns_t is not None:
            _pattern_counts_kernel[grid_mu, tpb](d_pt, run.cur, run.moved, d_counts)
        else:
            _device_counts(d_bn, run.cur, run.moved, d_packed, d_counts, tpb)
        if run.tracing:
            _counts_trace_kernel[b, tpb](run.cur, d_counts, offset, run.readout, run.moved, t, run.te, run.to)
    run.finish_states(states, convergence, trace)
    counts[...] = d_counts.copy_to_host()


def pattern_sync(patterns_t: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, max_steps: int,
                 convergence: Convergence, trace: Trace) -> None:
    """Synchronous zero-temperature dynamics of the pattern engine (see :func:`sync_retrieve`).

    Parameters
    ----------
    patterns_t : ndarray, (N, P') int8
        Transposed ±1 patterns, possibly with extra zero columns.
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P') int16 or int32, in/out
    max_steps, convergence, trace
        As in :func:`sync_retrieve`.
    """
    _count_sync(patterns_t, None, None, int(offset), states, counts, max_steps, convergence, trace)


def bit_sync(bits_n: np.ndarray, bits_p: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray,
             max_steps: int, convergence: Convergence, trace: Trace) -> None:
    """Synchronous zero-temperature dynamics of the bit engine (see :func:`sync_retrieve`).

    Parameters
    ----------
    bits_n : ndarray, (P, K) uint64
    bits_p : ndarray, (N, Q) uint64
    offset : int
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P) int32, in/out
    max_steps, convergence, trace
        As in :func:`sync_retrieve`.
    """
    _count_sync(None, bits_n, bits_p, int(offset), states, counts, max_steps, convergence, trace)


def _count_sweeps(patterns_t, bits_p, offset, states, counts, schedule, convergence, trace) -> None:
    """Sequential sweeps of the pattern engine (``patterns_t``) or the bit engine (``bits_p``)."""
    tpb = _tpb()
    b, n = states.shape
    if b == 0:
        return
    use_bits = patterns_t is None
    d_pt = _dev(np.zeros((1, 1), np.int8) if use_bits else patterns_t)
    d_bp = _dev(bits_p if use_bits else np.zeros((1, 1), np.uint64), np.uint64)
    d_s, d_counts = _dev(states, np.int8), _dev(counts)
    rec = _Record(b, trace)
    _count_sweeps_kernel[b, tpb](d_pt, d_bp, use_bits, int(offset), d_s, d_counts, *_schedule_inputs(schedule),
                                 rec.steps, rec.converged, rec.readout, rec.te, rec.to, rec.tracing,
                                 cuda.device_array((b, n), np.int32))
    states[...] = d_s.copy_to_host()
    counts[...] = d_counts.copy_to_host()
    rec.finish(convergence, trace)


def pattern_sweeps(patterns_t: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, schedule: Schedule,
                   convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics of the pattern engine (see :func:`sweeps`).

    Parameters
    ----------
    patterns_t : ndarray, (N, P') int8
    offset : int
        ``W_ii - P``: -P, or 0 with self-coupling.
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P') int16 or int32, in/out
    schedule, convergence, trace
        As in :func:`sweeps`.
    """
    _count_sweeps(patterns_t, None, offset, states, counts, schedule, convergence, trace)


def bit_sweeps(bits_p: np.ndarray, offset: int, states: np.ndarray, counts: np.ndarray, schedule: Schedule,
               convergence: Convergence, trace: Trace) -> None:
    """Sequential dynamics of the bit engine (see :func:`sweeps`).

    Parameters
    ----------
    bits_p : ndarray, (N, Q) uint64
    offset : int
    states : ndarray, (B, N) int8, in/out
    counts : ndarray, (B, P) int32, in/out
    schedule, convergence, trace
        As in :func:`sweeps`.
    """
    _count_sweeps(None, bits_p, offset, states, counts, schedule, convergence, trace)


def hebbian_stability(patterns: np.ndarray, diagonal: int, stable: np.ndarray) -> None:
    """Which stored patterns are fixed points of the zero-temperature dynamics of their Hebbian network.

    ``C = Xi Xi^T`` comes from the popcount kernel (the patterns as states), then one block per pattern checks
    ``xi_i^mu sum_nu C_{mu nu} xi_i^nu + d - P >= 0`` for every neuron.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
    diagonal : int
        ``W_ii``: 0 or P.
    stable : ndarray, (P,) bool, out
    """
    tpb = _tpb()
    n_patterns = patterns.shape[0]
    if n_patterns == 0:
        return
    d_x = _dev(patterns, np.int8)
    d_c = cuda.device_array((n_patterns, n_patterns), np.int32)
    d_packed = cuda.device_array((n_patterns, -(-patterns.shape[1] // 64)), np.uint64)
    _device_counts(_dev(pack_bits(patterns)), d_x, _ones(n_patterns), d_packed, d_c, tpb)
    d_stable = cuda.device_array(n_patterns, np.bool_)
    _stability_kernel[min(n_patterns, 1 << 20), tpb](d_x, d_c, int(diagonal) - n_patterns, d_stable)
    stable[...] = d_stable.copy_to_host()
