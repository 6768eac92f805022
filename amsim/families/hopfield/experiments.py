"""Registered experiments of the classical Hopfield family."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.families.hopfield.model import HopfieldNetwork, corrupt, random_patterns
from amsim.families.hopfield.params import HopfieldParams
from amsim.io import label
from amsim.registry import register_experiment


def retrieval_memory(p: HopfieldParams, trials: int) -> int:
    """Peak bytes of one :func:`retrieval` run: int32 weights, patterns, a chunk of visit orders and uniforms
    (at most 64 sweeps of int32 + float64 per cue), overlaps, and a fixed allowance for the interpreter."""
    n, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    return 4 * n * n + n * n_pat + c * 64 * n * 12 + c * n_pat * 8 + (64 << 20)


@register_experiment("hopfield.retrieval", memory=retrieval_memory)
def retrieval(p: HopfieldParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store P random patterns, cue with noisy copies, run the dynamics, measure the final overlap.

    Each trial is an independent network (fresh patterns); cue k of a trial starts from stored pattern k mod P
    with ``round(noise * N)`` bits flipped.

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue). Variables: ``overlap`` with the cued pattern after the dynamics, ``success``
        (overlap >= success_overlap), ``steps``, ``converged``, ``energy`` per neuron of the final state, and
        the scalar ``n_patterns``.
    """
    n, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    overlap = np.empty((trials, c))
    energy = np.empty((trials, c))
    steps = np.empty((trials, c), dtype=np.int32)
    converged = np.empty((trials, c), dtype=bool)
    targets = np.arange(c) % n_pat
    net = HopfieldNetwork(n, backend=backend)
    for t in range(trials):
        patterns = random_patterns(n_pat, n, rng)
        net.store(patterns)
        result = net.retrieve(corrupt(patterns[targets], p.noise, rng), update=p.update,
                              temperature=p.temperature, max_sweeps=p.max_sweeps, rng=rng)
        overlap[t] = net.overlaps(result.states)[np.arange(c), targets]
        energy[t] = net.energy(result.states)
        steps[t], converged[t] = result.steps, result.converged
    dims = ("trial", "cue")
    unit = "steps" if p.update == "sync" else "sweeps"
    return xr.Dataset(
        {
            "overlap": label(xr.DataArray(overlap, dims=dims), "overlap with the cued pattern"),
            "success": label(xr.DataArray(overlap >= p.success_overlap, dims=dims),
                             f"retrieval success (overlap >= {p.success_overlap:g})"),
            "steps": label(xr.DataArray(steps, dims=dims), "updates that changed the state", unit),
            "converged": label(xr.DataArray(converged, dims=dims), "reached a fixed point"),
            "energy": label(xr.DataArray(energy, dims=dims), "energy per neuron of the final state"),
            "n_patterns": label(xr.DataArray(n_pat), "stored patterns P", "patterns"),
        },
        coords={
            "trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent network)"),
            "cue": label(xr.DataArray(np.arange(c), dims="cue"), "cue index"),
        },
    )
