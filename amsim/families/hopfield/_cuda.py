"""numba.cuda kernels of the classical Hopfield network, twins of :mod:`amsim.families.hopfield.reference`.

The public functions are host functions with the reference's names and arguments: they take NumPy arrays,
copy them to the GPU, launch the private ``@cuda.jit`` kernels below and copy the results back into the
caller's arrays. Nothing is validated. The number of threads per block is read from
``amsim.backends.CUDA_THREADS_PER_BLOCK`` at call time (at most 1024, the CUDA limit and the size of the
shared reduction buffers). Every kernel is listed with its signature in :data:`PTX_KERNELS`.

Symbols
-------
N  number of neurons
P  number of stored patterns
B  batch of independent states (cues)
S  number of sweeps (second axis of ``orders`` and ``uniforms``)
W  Hebbian weight counts (N, N) int32, symmetric with zero diagonal; couplings ``J = W / N``
h  integer local field ``h_i = sum_j W_ij s_j``

Parallelism: over the batch axis B (grid rows or blocks), and within one state over the neurons i whose
fields are independent (synchronous fields, field updates after a flip). Asynchronous and Glauber dynamics
stay sequential inside a state: one block per state visits the neurons in order, every thread takes the
same decision from the same values, and the threads then update disjoint strided slices of the fields.

``W`` must be symmetric (Hebbian counts are): fields are read as ``sum_j W[j, i] s_j`` so that consecutive
threads (consecutive i) read consecutive addresses, and a flip of spin i adds the row ``W[i]``.

Kernels are compiled without fast-math: division is IEEE and ``exp`` is libdevice's ``exp``, which can differ
from the CPU's libm ``exp`` in the last bit, so on a real GPU a Glauber spin may (with probability ~1e-16 per
visit) differ from the reference; the ±1 dynamics, energies and overlaps are exact integer computations.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda, int32, int64, types

from amsim import backends

_MAX_GRID_Y = 65535  # CUDA's largest grid y dimension; kernels stride over the rest


def _tpb() -> int:
    """Threads per block, read at call time so tests can patch ``amsim.backends``."""
    return int(backends.CUDA_THREADS_PER_BLOCK)


# --------------------------------------------------------------------------------------------------------------
# Kernels
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
def _fields_kernel(weights, states, fields):
    """Thread (b, i) writes ``fields[b, i] = sum_j W[j, i] s_bj``; grid (ceil(N / T), rows of states)."""
    n_states = states.shape[0]
    n = states.shape[1]
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, n_states, cuda.gridDim.y):  # each (b, i) is written by exactly one thread
        if i < n:
            h = int64(0)
            for j in range(n):
                h += int64(weights[j, i]) * int64(states[b, j])  # W[j, i] == W[i, j], coalesced over i
            fields[b, i] = int32(h)


@cuda.jit
def _sync_step_kernel(weights, current, following, active, changed):
    """One synchronous update of the active states: ``following = decide(W current, current)``.

    Thread (b, i) reads only ``current`` and writes only ``following[b, i]``, so all neurons see the fields of
    the same old state. ``changed[b]`` is set to 1 by every thread whose spin changes; they all store the
    same value, so the concurrent writes are benign.
    """
    n_states = current.shape[0]
    n = current.shape[1]
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    for b in range(cuda.blockIdx.y, n_states, cuda.gridDim.y):
        if active[b] != 0 and i < n:
            h = int64(0)
            for j in range(n):
                h += int64(weights[j, i]) * int64(current[b, j])
            s = current[b, i]
            new = s  # a zero field keeps the spin
            if h > 0:
                new = 1
            elif h < 0:
                new = -1
            following[b, i] = new
            if new != s:
                changed[b] = 1


@cuda.jit
def _sync_finish_kernel(active, changed, steps, converged, moving):
    """Thread b books the step of state b: count it if it changed, else mark it converged and inactive.

    ``moving[0]`` is set to 1 by every state still changing (same value: benign).
    """
    b = cuda.grid(1)
    if b < active.shape[0] and active[b] != 0:
        if changed[b] != 0:
            steps[b] += 1
            moving[0] = 1
        else:
            converged[b] = True
            active[b] = 0
        changed[b] = 0


@cuda.jit
def _async_kernel(weights, states, fields, orders, steps, converged):
    """Asynchronous sweeps, one block per state (striding over the batch).

    For each visited neuron i every thread reads ``h_i`` and ``s_i`` and takes the same decision. On a flip:
    a barrier (all reads done), thread 0 writes ``s_i`` while each thread adds ``2 s_i W[i, j]`` to its own
    strided slice ``j = tid, tid + T, ...`` of the fields, and a second barrier before the next read.
    Visits without a flip write nothing and need no barrier; the decisions, hence the barriers, are the same
    in every thread, so every thread reaches every barrier.
    """
    n = states.shape[1]
    n_sweeps = orders.shape[1]
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):  # one block owns state b
        moved = int32(0)
        done = False
        for t in range(n_sweeps):
            flips = int32(0)
            for k in range(n):
                i = orders[b, t, k]
                s = int32(states[b, i])
                if int64(fields[b, i]) * s < 0:  # the field opposes the spin: it flips (h == 0 keeps it)
                    cuda.syncthreads()
                    if tid == 0:
                        states[b, i] = -s
                    d = int32(-2 * s)
                    for j in range(tid, n, nt):
                        fields[b, j] += d * weights[i, j]  # row i == column i of the symmetric W
                    cuda.syncthreads()
                    flips += 1
            if flips == 0:
                done = True
                break
            moved += 1
        if tid == 0:
            steps[b] = moved
            converged[b] = done
        cuda.syncthreads()  # the next state of this block starts from a clean slate


@cuda.jit
def _glauber_kernel(weights, states, fields, orders, uniforms, beta):
    """Glauber sweeps, one block per state, with the same barrier scheme as :func:`_async_kernel`.

    Every thread computes the same ``p_up = 1.0 / (1.0 + exp(-2.0 * beta * h_i / n))`` from the same values.
    """
    n = states.shape[1]
    nf = float(n)
    n_sweeps = orders.shape[1]
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        for t in range(n_sweeps):
            for k in range(n):
                i = orders[b, t, k]
                s = int32(states[b, i])
                p_up = 1.0 / (1.0 + math.exp(-2.0 * beta * float(fields[b, i]) / nf))
                new = int32(1) if uniforms[b, t, k] < p_up else int32(-1)
                if new != s:
                    cuda.syncthreads()
                    if tid == 0:
                        states[b, i] = new
                    d = int32(2 * new)
                    for j in range(tid, n, nt):
                        fields[b, j] += d * weights[i, j]
                    cuda.syncthreads()
        cuda.syncthreads()


@cuda.jit
def _energy_kernel(states, fields, out):
    """Block b sums ``s_b . h_b`` exactly in int64 (per-thread partial sums, then thread 0 adds them up)."""
    partial = cuda.shared.array(1024, int64)  # 1024: the largest CUDA block
    n = states.shape[1]
    nf = float(n)
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for b in range(cuda.blockIdx.x, states.shape[0], cuda.gridDim.x):
        acc = int64(0)
        for i in range(tid, n, nt):
            acc += int64(fields[b, i]) * int64(states[b, i])
        partial[tid] = acc
        cuda.syncthreads()
        if tid == 0:
            quad = int64(0)
            for k in range(nt):
                quad += partial[k]
            out[b] = -float(quad) / (2.0 * nf * nf)
        cuda.syncthreads()  # partial is reused for the next state


@cuda.jit
def _overlaps_kernel(patterns, states, out):
    """Block (b, mu) sums ``s_b . xi^mu`` exactly (coalesced over i), then thread 0 divides by N."""
    partial = cuda.shared.array(1024, int64)  # 1024: the largest CUDA block
    n_patterns = patterns.shape[0]
    n = states.shape[1]
    nf = float(n)
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    for pair in range(cuda.blockIdx.x, states.shape[0] * n_patterns, cuda.gridDim.x):
        b = pair // n_patterns
        mu = pair - b * n_patterns
        acc = int64(0)
        for i in range(tid, n, nt):
            acc += int64(states[b, i]) * int64(patterns[mu, i])
        partial[tid] = acc
        cuda.syncthreads()
        if tid == 0:
            dot = int64(0)
            for k in range(nt):
                dot += partial[k]
            out[b, mu] = float(dot) / nf
        cuda.syncthreads()


_I8_2 = types.Array(types.int8, 2, "C")
_I32_1 = types.Array(types.int32, 1, "C")
_I32_2 = types.Array(types.int32, 2, "C")
_I32_3 = types.Array(types.int32, 3, "C")
_F64_1 = types.Array(types.float64, 1, "C")
_F64_2 = types.Array(types.float64, 2, "C")
_F64_3 = types.Array(types.float64, 3, "C")
_B_1 = types.Array(types.boolean, 1, "C")

#: Every ``@cuda.jit`` kernel of this module with the signature the host functions launch it with.
PTX_KERNELS = [
    (_hebbian_kernel, (_I8_2, _I32_2)),
    (_fields_kernel, (_I32_2, _I8_2, _I32_2)),
    (_sync_step_kernel, (_I32_2, _I8_2, _I8_2, _I32_1, _I32_1)),
    (_sync_finish_kernel, (_I32_1, _I32_1, _I32_1, _B_1, _I32_1)),
    (_async_kernel, (_I32_2, _I8_2, _I32_2, _I32_3, _I32_1, _B_1)),
    (_glauber_kernel, (_I32_2, _I8_2, _I32_2, _I32_3, _F64_3, types.float64)),
    (_energy_kernel, (_I8_2, _I32_2, _F64_1)),
    (_overlaps_kernel, (_I8_2, _I8_2, _F64_2)),
]


# --------------------------------------------------------------------------------------------------------------
# Host functions
# --------------------------------------------------------------------------------------------------------------


def _grid_rows(n: int, rows: int, tpb: int) -> tuple[int, int]:
    """Grid for (row, i) kernels: i across threads and blocks in x, rows (capped) in y."""
    return (n + tpb - 1) // tpb, min(rows, _MAX_GRID_Y)


def _device_fields(d_weights, d_states, tpb: int):
    """Exact integer fields (B, N) int32 of the states on the device."""
    n_states, n = d_states.shape
    d_fields = cuda.device_array((n_states, n), dtype=np.int32)
    _fields_kernel[_grid_rows(n, n_states, tpb), tpb](d_weights, d_states, d_fields)
    return d_fields


def _c(a: np.ndarray, dtype) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=dtype)


def hebbian_weights(patterns: np.ndarray, weights: np.ndarray) -> None:
    """Hebbian weight counts of stored ±1 patterns.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
        Stored patterns, entries ±1.
    weights : ndarray, (N, N) int32, out
        ``W_ij = sum_mu xi_i^mu xi_j^mu`` for ``i != j`` and ``W_ii = 0``.
    """
    tpb = _tpb()
    n = patterns.shape[1]
    d_w = cuda.device_array((n, n), dtype=np.int32)
    _hebbian_kernel[_grid_rows(n, n, tpb), tpb](cuda.to_device(_c(patterns, np.int8)), d_w)
    weights[...] = d_w.copy_to_host()


def sync_retrieve(weights: np.ndarray, states: np.ndarray, max_steps: int, steps: np.ndarray,
                  converged: np.ndarray) -> None:
    """Synchronous zero-temperature dynamics: all neurons update at once from the same fields.

    Each state repeats, at most ``max_steps`` times: ``s' = decide(W s, s)``; if ``s' == s`` it has converged
    and stops, else ``s = s'`` and its step count grows by one (2-cycles end at the limit, not converged).
    The step loop runs on the host with two state buffers swapped after every step; a converged state's
    buffers are equal and are no longer written.

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
    """
    tpb = _tpb()
    n_states, n = states.shape
    steps[...] = 0
    converged[...] = False
    if n_states == 0:
        return
    d_w = cuda.to_device(_c(weights, np.int32))
    d_cur = cuda.to_device(_c(states, np.int8))
    d_next = cuda.to_device(_c(states, np.int8))
    d_active = cuda.to_device(np.ones(n_states, np.int32))
    d_changed = cuda.to_device(np.zeros(n_states, np.int32))
    d_steps = cuda.to_device(np.zeros(n_states, np.int32))
    d_conv = cuda.to_device(np.zeros(n_states, np.bool_))
    d_moving = cuda.to_device(np.zeros(1, np.int32))
    zero = np.zeros(1, np.int32)
    grid = _grid_rows(n, n_states, tpb)
    grid_b = (n_states + tpb - 1) // tpb
    for _ in range(int(max_steps)):
        _sync_step_kernel[grid, tpb](d_w, d_cur, d_next, d_active, d_changed)
        d_moving.copy_to_device(zero)
        _sync_finish_kernel[grid_b, tpb](d_active, d_changed, d_steps, d_conv, d_moving)
        d_cur, d_next = d_next, d_cur
        if d_moving.copy_to_host()[0] == 0:
            break
    states[...] = d_cur.copy_to_host()
    steps[...] = d_steps.copy_to_host()
    converged[...] = d_conv.copy_to_host()


def async_retrieve(weights: np.ndarray, states: np.ndarray, orders: np.ndarray, steps: np.ndarray,
                   converged: np.ndarray) -> None:
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
    tpb = _tpb()
    n_states = states.shape[0]
    if n_states == 0:
        return
    d_w = cuda.to_device(_c(weights, np.int32))
    d_s = cuda.to_device(_c(states, np.int8))
    d_fields = _device_fields(d_w, d_s, tpb)
    d_steps = cuda.device_array(n_states, dtype=np.int32)
    d_conv = cuda.device_array(n_states, dtype=np.bool_)
    _async_kernel[n_states, tpb](d_w, d_s, d_fields, cuda.to_device(_c(orders, np.int32)), d_steps, d_conv)
    states[...] = d_s.copy_to_host()
    steps[...] = d_steps.copy_to_host()
    converged[...] = d_conv.copy_to_host()


def glauber_sweeps(weights: np.ndarray, states: np.ndarray, orders: np.ndarray, uniforms: np.ndarray,
                   beta: float) -> None:
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
    """
    tpb = _tpb()
    n_states = states.shape[0]
    if n_states == 0:
        return
    d_w = cuda.to_device(_c(weights, np.int32))
    d_s = cuda.to_device(_c(states, np.int8))
    d_fields = _device_fields(d_w, d_s, tpb)
    _glauber_kernel[n_states, tpb](d_w, d_s, d_fields, cuda.to_device(_c(orders, np.int32)),
                                   cuda.to_device(_c(uniforms, np.float64)), float(beta))
    states[...] = d_s.copy_to_host()


def energy(weights: np.ndarray, states: np.ndarray, out: np.ndarray) -> None:
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
    tpb = _tpb()
    n_states = states.shape[0]
    if n_states == 0:
        return
    d_s = cuda.to_device(_c(states, np.int8))
    d_fields = _device_fields(cuda.to_device(_c(weights, np.int32)), d_s, tpb)
    d_out = cuda.device_array(n_states, dtype=np.float64)
    _energy_kernel[n_states, tpb](d_s, d_fields, d_out)
    out[...] = d_out.copy_to_host()


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
    tpb = _tpb()
    n_states = states.shape[0]
    n_patterns = patterns.shape[0]
    if n_states == 0 or n_patterns == 0:
        return
    d_out = cuda.device_array((n_states, n_patterns), dtype=np.float64)
    blocks = min(n_states * n_patterns, 1 << 20)
    _overlaps_kernel[blocks, tpb](cuda.to_device(_c(patterns, np.int8)), cuda.to_device(_c(states, np.int8)), d_out)
    out[...] = d_out.copy_to_host()
