"""Host side of sequential dynamics, shared by the families whose neurons update one at a time.

A sequential sweep visits the N neurons of each state in a random order (or 0 .. N-1) and updates each at zero
temperature, with the heat bath (Glauber) or with the Metropolis rule. All random numbers are uint32 words drawn
here, on the host, from the model's generator and passed to the kernels: one word per visit for the order (a
Fisher-Yates shuffle per sweep) and one per visit for the acceptance test. Drawing them in chunks of sweeps, only
for the states still moving, keeps the draws from dominating (most cues settle in a few sweeps); the chunk
schedule is fixed, so two families that consume the words alike (the dense associative memory at p = 2 and the
Hebbian Hopfield network) give the same states for the same generator.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Dynamics codes of the sequential kernels (``mode``).
MODES = {"async": 0, "glauber": 1, "metropolis": 2}
#: Sweeps of random words drawn per chunk, at most (the first chunk has 4, then they double).
MAX_CHUNK = 64


def temperatures(n_sweeps: int, temperature: float, anneal_from: float = 0.0, schedule: str = "geometric"
                 ) -> np.ndarray:
    """Temperature of each sweep, (n_sweeps,) float64: constant, or annealed from ``anneal_from`` to
    ``temperature`` (reached at the last sweep) geometrically or linearly."""
    if not anneal_from:
        return np.full(n_sweeps, float(temperature))
    x = np.arange(n_sweeps) / max(n_sweeps - 1, 1)
    if schedule == "geometric":
        t = anneal_from * (temperature / anneal_from) ** x
    else:
        t = anneal_from + (temperature - anneal_from) * x
    t[-1] = temperature
    return t


def random_words_bytes(n_states: int, n_neurons: int) -> int:
    """Bytes of the random words of one chunk: two uint32 words per visit, :data:`MAX_CHUNK` sweeps."""
    return 8 * n_states * MAX_CHUNK * n_neurons


def run_sequential(sweeps: Callable[..., None], states: np.ndarray, aux: np.ndarray, mode: int, betas: np.ndarray,
                   order: str, rng: np.random.Generator, steps: np.ndarray, converged: np.ndarray,
                   readout: np.ndarray, trace_energy: np.ndarray, trace_overlap: np.ndarray) -> None:
    """Run ``len(betas)`` sequential sweeps of every state, in chunks, through an engine's ``sweeps``.

    Parameters
    ----------
    sweeps : callable
        ``sweeps(states, aux, order_bits, uniform_bits, betas, mode, steps, converged, readout, trace_energy,
        trace_overlap)``: runs the given sweeps of a batch of states and stops each state at a fixed point.
    states : ndarray, (B, N), in/out
        The states.
    aux : ndarray, (B, ...), in/out
        The engine's auxiliary state per state (fields, overlap counts).
    mode : int
        :data:`MODES` value.
    betas : ndarray, (S,) float64
        Inverse temperature of each sweep (zeros at zero temperature); S is the sweep limit.
    order : {"random", "fixed"}
        A fresh random visiting order each sweep, or 0 .. N-1.
    rng : numpy.random.Generator
        Source of every random word.
    steps, converged : ndarray, (B,) int32 and bool, out
        Sweeps that changed each state; whether it reached a fixed point.
    readout : ndarray, (B, N) or (B, 0)
        Trace readout weights (empty: no trace).
    trace_energy, trace_overlap : ndarray, (B, S) or (B, 0), out
        Per-sweep traces; a state that stopped keeps its last values to the end.
    """
    b, n = states.shape
    n_sweeps = len(betas)
    tracing = trace_energy.shape[1] > 0
    active = np.arange(b)
    done, chunk = 0, 4
    while active.size and done < n_sweeps:
        s = min(chunk, n_sweeps - done)
        a = active.size
        sub, sub_aux = states[active], aux[active]
        order_bits = rng.integers(0, 2**32, size=(a, s if order == "random" else 0, n), dtype=np.uint32)
        uniform_bits = rng.integers(0, 2**32, size=(a, s if mode else 0, n), dtype=np.uint32)
        sub_steps = np.zeros(a, dtype=np.int32)
        sub_converged = np.zeros(a, dtype=np.bool_)
        sub_energy, sub_overlap = np.zeros((a, s if tracing else 0)), np.zeros((a, s if tracing else 0))
        sweeps(sub, sub_aux, order_bits, uniform_bits, betas[done:done + s], mode, sub_steps, sub_converged,
               readout[active], sub_energy, sub_overlap)
        states[active], aux[active] = sub, sub_aux
        steps[active] += sub_steps
        converged[active] = sub_converged
        if tracing:
            pad = ((0, 0), (0, n_sweeps - done - s))
            trace_energy[active, done:] = np.pad(sub_energy, pad, mode="edge")
            trace_overlap[active, done:] = np.pad(sub_overlap, pad, mode="edge")
        active = active[~sub_converged]
        done, chunk = done + s, min(2 * chunk, MAX_CHUNK)
