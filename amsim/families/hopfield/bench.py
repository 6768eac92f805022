"""Hopfield benchmark workloads for ``amsim bench``: synchronous and asynchronous retrieval, the capacity curve by
the stability of the stored patterns, Glauber throughput against the memory bandwidth, and (without ``--quick``)
a scale check at N = 100,000 that no N x N matrix could hold."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np

from amsim.bench import Workload
from amsim.families.hopfield.model import HopfieldNetwork
from amsim.patterns import corrupt, random_patterns


def numpy_blas_sync(patterns: np.ndarray, cues: np.ndarray, max_steps: int = 100) -> np.ndarray:
    """The plain NumPy way a user would write it: float64 weights, ``sign(W @ S)`` with BLAS, until every cue is
    at a fixed point or the batch repeats its state of two steps before (2-cycles end it too, as they end amsim).

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
    cues : ndarray, (B, N) int8

    Returns
    -------
    ndarray, (N, B) float64
        Final states as columns.
    """
    x = patterns.astype(np.float64)
    w = x.T @ x
    np.fill_diagonal(w, 0.0)
    s = cues.T.astype(np.float64)
    before = None
    for _ in range(max_steps):
        h = w @ s
        new = np.where(h == 0, s, np.sign(h))
        if np.array_equal(new, s) or (before is not None and np.array_equal(new, before)):
            break
        before, s = s, new
    return s


def numpy_neuron_loop(patterns: np.ndarray, cues: np.ndarray, rng: np.random.Generator,
                      max_steps: int = 100) -> np.ndarray:
    """Asynchronous retrieval as a user would write it in NumPy: float64 weights, and for each cue, sweep after
    sweep, each neuron in a fresh random order takes the sign of ``W[i] @ s`` (vectorised field), until a sweep
    flips nothing.

    Parameters
    ----------
    patterns : ndarray, (P, N) int8
    cues : ndarray, (B, N) int8
    rng : numpy.random.Generator
        Draws the visiting orders.

    Returns
    -------
    ndarray, (B, N) float64
        Final states.
    """
    x = patterns.astype(np.float64)
    w = x.T @ x
    np.fill_diagonal(w, 0.0)
    states = cues.astype(np.float64)
    for s in states:
        for _ in range(max_steps):
            flips = 0
            for i in rng.permutation(len(s)):
                h = w[i] @ s
                if h * s[i] < 0:
                    s[i] = -s[i]
                    flips += 1
            if flips == 0:
                break
    return states


def numpy_stability(patterns: np.ndarray) -> float:
    """Fraction of stored patterns that are fixed points, in plain NumPy: float64 Hebbian W by BLAS, the fields
    ``Xi W`` of every pattern, and a sign check (a zero field keeps the spin)."""
    x = patterns.astype(np.float64)
    w = x.T @ x
    np.fill_diagonal(w, 0.0)
    return float((x * (x @ w) >= 0).all(axis=1).mean())


def _retrieval(backend: str, update: str) -> Callable[[dict[str, Any]], np.ndarray]:
    def store_and_retrieve(inputs: dict[str, Any]) -> np.ndarray:
        net = HopfieldNetwork(n_neurons=inputs["patterns"].shape[1], backend=backend, random_state=1)
        return net.store(inputs["patterns"]).recall(inputs["cues"], update=update, max_steps=100).states

    return store_and_retrieve


def _hopfieldnetwork_peer() -> dict[str, Callable[[dict[str, np.ndarray]], Any]]:
    """The ``hopfieldnetwork`` package (PyPI, 1.0.1), where installed: Hebbian training, then synchronous updates
    of each cue to a fixed point (or a 2-cycle), as its ``update_neurons(mode="sync", run_max=True)`` does."""
    if importlib.util.find_spec("hopfieldnetwork") is None:
        return {}
    from hopfieldnetwork import HopfieldNetwork as Peer

    def peer(inputs: dict[str, np.ndarray]) -> Any:
        n = inputs["patterns"].shape[1]
        net = Peer(N=n)
        net.train_pattern(inputs["patterns"].T)
        for cue in inputs["cues"]:
            net.set_initial_neurons_state(cue.copy())
            net.update_neurons(iterations=1, mode="sync", run_max=True)
        return net.S

    return {"hopfieldnetwork": peer}


def _cued(n: int, n_patterns: int, n_cues: int, seed: int) -> dict[str, np.ndarray]:
    """P random patterns and cues from the first ones with 10% of their bits flipped."""
    rng = np.random.default_rng(seed)
    patterns = random_patterns(n_patterns, n, rng)
    return {"patterns": patterns, "cues": corrupt(patterns[np.arange(n_cues) % n_patterns], 0.1, rng)}


def _stability_curve(n: int, loads: np.ndarray, trials: int) -> Workload:
    def setup() -> list[np.ndarray]:
        rng = np.random.default_rng(n)
        return [random_patterns(max(1, round(a * n)), n, rng) for a in loads for _ in range(trials)]

    def fixed_points(backend: str) -> Callable[[list[np.ndarray]], list[float]]:
        net = HopfieldNetwork(n_neurons=n, backend=backend)
        return lambda sets: [float(net.store(x).stable().mean()) for x in sets]

    return Workload(
        name=f"hopfield stability curve N={n} {len(loads)} loads x {trials}",
        setup=setup, amsim=fixed_points("cpu"), reference=fixed_points("numpy"),
        baseline=("NumPy float64 BLAS Xi W sign check", lambda sets: [numpy_stability(x) for x in sets]),
    )


def _glauber(n: int, load: float, temperature: float, n_states: int, n_sweeps: int, engine: str) -> Workload:
    """Glauber sweeps on pre-drawn random words (the kernel alone): the dense engine streams one row of W per
    flip from memory, so its least traffic is the W rows of the flips plus the two random words per visit."""

    def setup() -> dict[str, Any]:
        rng = np.random.default_rng(n)
        patterns = random_patterns(max(1, round(load * n)), n, rng)
        net = HopfieldNetwork(n_neurons=n, backend="cpu", engine=engine).store(patterns)
        states = patterns[np.arange(n_states) % len(patterns)].copy()
        words = [rng.integers(0, 2**32, size=(n_states, n_sweeps, n), dtype=np.uint32) for _ in range(2)]
        return {"engine": net.engine_, "states": states, "aux": net.engine_.start(states), "words": words,
                "betas": np.full(n_sweeps, 1.0 / temperature)}

    def sweep(inputs: dict[str, Any], t0: int = 0, t1: int = n_sweeps) -> np.ndarray:
        states, aux = inputs["states"].copy(), inputs["aux"].copy()
        b = len(states)
        inputs["engine"].sweeps(states, aux, inputs["words"][0][:, t0:t1], inputs["words"][1][:, t0:t1],
                                inputs["betas"][t0:t1], 1, np.zeros(b, np.int32), np.zeros(b, np.bool_),
                                np.zeros((b, 0)), np.zeros((b, 0)), np.zeros((b, 0)))
        return states

    def traffic(inputs: dict[str, Any]) -> float:
        """Bytes of the W rows of every flip (each spin is visited once per sweep, so a sweep's flips are its
        changed spins) plus 8 bytes of random words per visit."""
        row = n * inputs["engine"].weights.itemsize
        flips, before = 0, inputs["states"]
        for t in range(n_sweeps):
            after = sweep({**inputs, "states": before, "aux": inputs["engine"].start(before)}, t, t + 1)
            flips += int((after != before).sum())
            before = after
        return flips * row + 8.0 * n_states * n_sweeps * n

    updates = n_states * n_sweeps * n
    dense = engine == "dense"
    return Workload(
        name=f"hopfield glauber {engine} N={n} a={load:g} T={temperature:g} {updates / 1e6:.2g}M upd",
        setup=setup, amsim=sweep, limit="bandwidth" if dense else None, work=traffic if dense else None,
    )


def _scale_check(n: int, n_patterns: int, n_cues: int) -> Workload:
    """Synchronous retrieval where dense int16 weights (2 N^2 bytes) cannot be held: the pattern engine."""
    return Workload(
        name=f"hopfield scale check sync N={n} P={n_patterns} B={n_cues}",
        setup=lambda: _cued(n, n_patterns, n_cues, 7), amsim=_retrieval("cpu", "sync"),
    )


def workloads(quick: bool = False) -> list[Workload]:
    """Synchronous retrieval of 100 cues with 10% noise at P = 0.1 N, N = 1000 and 4000; the capacity curve at
    N = 500 (20 loads from 0.05 to 0.20, 10 trials); asynchronous retrieval at N = 4000; Glauber throughput at
    N = 4000, alpha = 0.05 on the dense (memory-bound) and automatic engines; and, without ``quick``, the scale
    check N = 100,000, P = 5,000, 16 cues. ``quick``: small sizes, a smoke test in seconds."""
    out = []
    for n in [200] if quick else [1000, 4000]:
        out.append(Workload(
            name=f"hopfield store+sync retrieval N={n} P={n // 10} B=100",
            setup=lambda n=n: _cued(n, n // 10, 100, n), amsim=_retrieval("cpu", "sync"),
            reference=_retrieval("numpy", "sync"),
            baseline=("NumPy float64 BLAS sign(W @ S) loop", lambda i: numpy_blas_sync(i["patterns"], i["cues"])),
            peers=_hopfieldnetwork_peer(),
        ))
    out.append(_stability_curve(200 if quick else 500, np.linspace(0.05, 0.20, 4 if quick else 20),
                                3 if quick else 10))
    n, b = (200, 10) if quick else (4000, 100)
    out.append(Workload(
        name=f"hopfield store+async retrieval N={n} P={n // 10} B={b}",
        setup=lambda: _cued(n, n // 10, b, n + 1), amsim=_retrieval("cpu", "async"),
        baseline=("NumPy loop over neurons, field W[i] @ s",
                  lambda i: numpy_neuron_loop(i["patterns"], i["cues"], np.random.default_rng(1))),
    ))
    n, sweeps = (400, 4) if quick else (4000, 10)
    out.append(_glauber(n, 0.05, 2.0, 8, sweeps, "dense"))
    out.append(_glauber(n, 0.05, 0.5, 8, sweeps, "patterns"))
    if not quick:
        out.append(_scale_check(100_000, 5_000, 16))
    return out
