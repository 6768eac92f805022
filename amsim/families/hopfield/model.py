"""The user-facing Hopfield network: store ±1 patterns, retrieve from cues, measure energy and overlaps.

>>> import numpy as np
>>> from amsim.families.hopfield import HopfieldNetwork, random_patterns
>>> rng = np.random.default_rng(0)
>>> xi = random_patterns(20, 500, rng)
>>> net = HopfieldNetwork(500, backend="cpu").store(xi)
>>> result = net.retrieve(corrupt(xi[:5], 0.1, rng), update="async", rng=rng)
>>> net.overlaps(result.states).diagonal().round(2)   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from amsim import backends
from amsim.resources import require_memory

_PACKAGE = "amsim.families.hopfield"


def random_patterns(n_patterns: int, n_neurons: int, rng: np.random.Generator) -> np.ndarray:
    """Unbiased random ±1 patterns, shape (n_patterns, n_neurons), dtype int8."""
    return (rng.integers(0, 2, size=(n_patterns, n_neurons), dtype=np.int8) * 2 - 1).astype(np.int8)


def corrupt(states: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Copies of ``states`` (B, N) int8 with exactly ``round(noise * N)`` bits flipped in each row.

    The flipped positions are a uniformly random subset per row, so the cue overlap is exactly ``1 - 2 k / N``.
    """
    b, n = states.shape
    k = round(noise * n)
    cues = states.copy()
    if k:
        flip = np.argsort(rng.random((b, n)), axis=1)[:, :k]
        np.negative.at(cues, (np.arange(b)[:, None], flip))
    return cues


@dataclass(frozen=True)
class Retrieval:
    """Outcome of :meth:`HopfieldNetwork.retrieve` for B cues.

    Attributes
    ----------
    states : ndarray, (B, N) int8
        Final ±1 states.
    steps : ndarray, (B,) int32
        Synchronous steps, or sweeps, that changed the state (Glauber: the sweeps run).
    converged : ndarray, (B,) bool
        Reached a fixed point within the limit (always False for Glauber dynamics, which has none).
    """

    states: np.ndarray
    steps: np.ndarray
    converged: np.ndarray


class HopfieldNetwork:
    """Hopfield network of ``n_neurons`` ±1 neurons with Hebbian couplings ``J = W / N``.

    The constructor does no work; :meth:`store` builds the integer weight counts ``weights_`` (N, N) int32.

    Parameters
    ----------
    n_neurons : int
        Number of neurons N.
    backend : {"auto", "numpy", "cpu", "cuda"}
        Compute backend; resolved at :meth:`store`.

    References
    ----------
    J. J. Hopfield, PNAS 79, 2554 (1982), doi:10.1073/pnas.79.8.2554, eqs. (1)-(2).
    """

    def __init__(self, n_neurons: int, *, backend: str = "auto") -> None:
        self.n_neurons = n_neurons
        self.backend = backend

    @property
    def kernels_(self) -> ModuleType:
        """Kernel module of the resolved backend."""
        return backends.kernels(_PACKAGE, self.backend_)

    def store(self, patterns: np.ndarray) -> HopfieldNetwork:
        """Store ±1 patterns (P, N) int8 with the Hebb rule; returns ``self``."""
        n = self.n_neurons
        require_memory(4 * n * n, f"HopfieldNetwork.n_neurons: the {n} x {n} int32 weight matrix",
                       "use fewer neurons")
        self.backend_ = backends.resolve(self.backend)
        self.patterns_ = np.ascontiguousarray(patterns, dtype=np.int8)
        self.weights_ = np.empty((n, n), dtype=np.int32)
        self.kernels_.hebbian_weights(self.patterns_, self.weights_)
        return self

    def retrieve(self, cues: np.ndarray, *, update: str = "async", temperature: float = 0.0,
                 max_sweeps: int = 100, rng: np.random.Generator | None = None) -> Retrieval:
        """Run the dynamics from each cue (B, N) int8 and return the final states.

        ``async`` and ``glauber`` visit neurons in a fresh random order each sweep, drawn from ``rng`` on the
        host (as are Glauber's uniforms), so all backends give the same states for the same generator.
        ``temperature`` (> 0) applies to ``glauber`` only; ``max_sweeps`` bounds the sweeps (or sync steps).
        """
        rng = np.random.default_rng() if rng is None else rng
        states = np.array(cues, dtype=np.int8, order="C")
        b, n = states.shape
        steps = np.zeros(b, dtype=np.int32)
        converged = np.zeros(b, dtype=np.bool_)
        k = self.kernels_
        if update == "sync":
            k.sync_retrieve(self.weights_, states, max_sweeps, steps, converged)
            return Retrieval(states, steps, converged)
        # Random orders (and Glauber's uniforms) are drawn in growing chunks of sweeps, only for states still
        # moving: most cues settle in a few sweeps, and the draws, not the kernel, would otherwise dominate.
        active = np.arange(b)
        done, chunk = 0, 4
        while active.size and done < max_sweeps:
            s = min(chunk, max_sweeps - done)
            sub = states[active]
            orders = rng.permuted(np.broadcast_to(np.arange(n, dtype=np.int32), (active.size, s, n)), axis=2)
            if update == "async":
                sub_steps = np.zeros(active.size, dtype=np.int32)
                sub_converged = np.zeros(active.size, dtype=np.bool_)
                k.async_retrieve(self.weights_, sub, orders, sub_steps, sub_converged)
                steps[active] += sub_steps
                converged[active] = sub_converged
            else:
                k.glauber_sweeps(self.weights_, sub, orders, rng.random((active.size, s, n)), 1.0 / temperature)
                steps[active] += s
                sub_converged = np.zeros(active.size, dtype=np.bool_)
            states[active] = sub
            active = active[~sub_converged]
            done, chunk = done + s, min(2 * chunk, 64)
        return Retrieval(states, steps, converged)

    def energy(self, states: np.ndarray) -> np.ndarray:
        """Energy per neuron ``-(s W s) / (2 N^2)`` of each state (B, N) int8; returns (B,) float64."""
        out = np.empty(len(states), dtype=np.float64)
        self.kernels_.energy(self.weights_, np.ascontiguousarray(states, dtype=np.int8), out)
        return out

    def overlaps(self, states: np.ndarray) -> np.ndarray:
        """Overlaps ``m = s . xi / N`` of each state (B, N) with each stored pattern; returns (B, P) float64."""
        out = np.empty((len(states), len(self.patterns_)), dtype=np.float64)
        self.kernels_.overlaps(self.patterns_, np.ascontiguousarray(states, dtype=np.int8), out)
        return out
