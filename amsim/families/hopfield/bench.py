"""Hopfield benchmark workloads for ``amsim bench``: Hebbian storage plus synchronous retrieval to a fixed point."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np

from amsim.bench import Workload
from amsim.families.hopfield.model import HopfieldNetwork, corrupt, random_patterns


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


def _engine(backend: str) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    def store_and_retrieve(inputs: dict[str, np.ndarray]) -> np.ndarray:
        net = HopfieldNetwork(inputs["patterns"].shape[1], backend=backend).store(inputs["patterns"])
        return net.retrieve(inputs["cues"], update="sync", max_sweeps=100).states

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


def workloads(quick: bool = False) -> list[Workload]:
    """Store P = 0.1 N patterns and retrieve 100 cues with 10% of bits flipped, at N = 1000 and 4000
    (N = 200 when ``quick``)."""
    out = []
    for n in [200] if quick else [1000, 4000]:
        def setup(n: int = n) -> dict[str, np.ndarray]:
            rng = np.random.default_rng(n)
            patterns = random_patterns(n // 10, n, rng)
            return {"patterns": patterns, "cues": corrupt(patterns[np.arange(100) % len(patterns)], 0.1, rng)}

        out.append(Workload(
            name=f"hopfield store+sync retrieval N={n} P={n // 10} B=100",
            setup=setup,
            amsim=_engine("cpu"),
            reference=_engine("numpy"),
            baseline=("NumPy float64 BLAS sign(W @ S) loop", lambda i: numpy_blas_sync(i["patterns"], i["cues"])),
            peers=_hopfieldnetwork_peer(),
        ))
    return out
