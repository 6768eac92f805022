"""Dense-family benchmark workloads for ``amsim bench``: asynchronous retrieval in a p = 3 dense associative memory
against a NumPy loop over neurons, modern Hopfield attention against one NumPy/BLAS ``softmax(beta Q K^T) V`` in
float32, and a million patterns in the exponential memory against the measured memory bandwidth."""

from __future__ import annotations

import numpy as np

from amsim.bench import Workload
from amsim.families.dense.model import DenseAssociativeMemory, ModernHopfield
from amsim.patterns import corrupt, random_patterns


def numpy_neuron_loop(patterns: np.ndarray, cues: np.ndarray, degree: int, rng: np.random.Generator,
                      max_steps: int = 100) -> np.ndarray:
    """Asynchronous retrieval of the polynomial dense associative memory as a user would write it in NumPy: the
    overlaps ``m = Xi s`` kept as a vector, and for each cue, sweep after sweep, each neuron in a fresh random order
    takes the sign of ``xi_i . ((a + 1)^p - (a - 1)^p)`` with ``a = m - xi_i s_i`` (vectorised over the patterns),
    until a sweep flips nothing.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
    cues : ndarray, (B, N) int8
    degree : int
        p.
    rng : numpy.random.Generator
        Draws the visiting orders.

    Returns
    -------
    ndarray, (B, N) int64
        Final states.
    """
    rows = np.ascontiguousarray(patterns.T, dtype=np.int64)  # row i: neuron i of every pattern
    states = cues.astype(np.int64)
    for s in states:
        m = patterns.astype(np.int64) @ s
        for _ in range(max_steps):
            flips = 0
            for i in rng.permutation(len(s)):
                x = rows[i]
                a = m - x * s[i]
                if x @ ((a + 1) ** degree - (a - 1) ** degree) * s[i] < 0:
                    s[i] = -s[i]
                    m += 2 * s[i] * x
                    flips += 1
            if flips == 0:
                break
    return states


def numpy_attention(queries: np.ndarray, keys: np.ndarray, values: np.ndarray, beta: float) -> np.ndarray:
    """``softmax(beta Q K^T) V`` in one NumPy/BLAS expression chain, in the inputs' dtype: the (B, P) score matrix
    is held whole (B P itemsize bytes, 400 MB at B = 1000, P = 100,000 in float32)."""
    scores = (queries @ keys.T) * queries.dtype.type(beta)
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores @ values


def _cued(n: int, n_patterns: int, n_cues: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    patterns = random_patterns(n_patterns, n, rng)
    return {"patterns": patterns, "cues": corrupt(patterns[np.arange(n_cues) % n_patterns], 0.1, rng)}


def _retrieval(backend: str, **settings):
    def run(inputs: dict) -> np.ndarray:
        n = inputs["patterns"].shape[1]
        memory = DenseAssociativeMemory(n_neurons=n, backend=backend, random_state=1, **settings)
        return memory.store(inputs["patterns"]).recall(inputs["cues"]).states
    return run


def _attention_inputs(d: int, n_patterns: int, n_queries: int) -> dict:
    rng = np.random.default_rng(d)
    keys = rng.standard_normal((n_patterns, d), dtype=np.float32)
    return {"queries": keys[:n_queries] + 0.5 * rng.standard_normal((n_queries, d), dtype=np.float32),
            "keys": keys, "values": rng.standard_normal((n_patterns, d), dtype=np.float32),
            "beta": 1.0 / np.sqrt(d)}


def _attend(backend: str):
    def run(inputs: dict) -> np.ndarray:
        net = ModernHopfield(n_neurons=inputs["keys"].shape[1], beta=inputs["beta"], backend=backend)
        return net.attend(inputs["queries"], inputs["keys"], inputs["values"])
    return run


def _packed_scans(inputs: dict) -> float:
    """Bytes of one pass over the packed patterns per cue (N P / 8 each): what a retrieval that scans the memory
    for every cue must read."""
    n_patterns, n = inputs["patterns"].shape
    return len(inputs["cues"]) * n_patterns * -(-n // 64) * 8.0


def workloads(quick: bool = False) -> list[Workload]:
    """The three targets of the dense family: p = 3 asynchronous retrieval (N = 1000, P = 2000, 100 cues with 10%
    noise, to a fixed point) against a NumPy loop over neurons; modern Hopfield attention (d = 512, P = 100,000
    keys and values, 1000 float32 queries) against NumPy/BLAS; the exponential memory storing 10^6 patterns of
    N = 256 and retrieving 1000 cues with 10% noise, against the bandwidth of scanning the packed patterns once per
    cue. ``quick``: small sizes, a smoke test in seconds."""
    n, n_patterns, n_cues = (200, 400, 10) if quick else (1000, 2000, 100)
    d, keys, queries = (64, 5000, 100) if quick else (512, 100_000, 1000)
    big, cues = (20_000, 50) if quick else (1_000_000, 1000)
    return [
        Workload(
            name=f"dense p=3 store+async retrieval N={n} P={n_patterns} B={n_cues}",
            setup=lambda: _cued(n, n_patterns, n_cues, n), amsim=_retrieval("cpu", degree=3),
            baseline=("NumPy loop over neurons, overlaps vectorised",
                      lambda i: numpy_neuron_loop(i["patterns"], i["cues"], 3, np.random.default_rng(1))),
        ),
        Workload(
            name=f"modern Hopfield attention d={d} P={keys} B={queries} float32",
            setup=lambda: _attention_inputs(d, keys, queries), amsim=_attend("cpu"),
            baseline=("NumPy/BLAS softmax(beta Q K^T) V, float32",
                      lambda i: numpy_attention(i["queries"], i["keys"], i["values"], i["beta"])),
        ),
        Workload(
            name=f"dense exponential store+async N=256 P={big} B={cues}",
            setup=lambda: _cued(256, big, cues, 256), amsim=_retrieval("cpu", energy="exponential"),
            limit="bandwidth", work=_packed_scans,
        ),
    ]
