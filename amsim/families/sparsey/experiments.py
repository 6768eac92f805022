"""Registered experiments of the Sparsey family."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.families.sparsey.model import Sparsey
from amsim.families.sparsey.params import SparseyParams
from amsim.family import no_protocol_check
from amsim.io import label
from amsim.patterns import flip_bits, hamming_distances, random_sdrs, sdr_bits
from amsim.registry import register_experiment

DIMS = ("trial", "cue")
_ALLOWANCE = 64 << 20  # the interpreter, xarray and the results
_EXAMPLE = {"input_bits": 64, "modules": 8, "units": 4, "activity": 0.125, "n_stored": 10, "noise": 0.05, "cues": 4}


def recall_memory(p: SparseyParams, trials: int) -> int:
    """Peak bytes of one :func:`recall` run: the weights, the items with their CSR lists and sigmoid table, the
    soft-max draws and codes, the cues' read-out temporaries (N B Q bytes and N B int64), and an allowance."""
    n, q, t, c = p.input_bits, p.modules, p.n_stored, p.cues
    items = t * (2 * n + 8 * (p.n_active + 1) + 8 * (p.n_active + 2) + 12 * q + 8)
    cues = c * (4 * n + 2 * n * q + 8 * n + 16 * q) + 8 * p.field_units * 2
    return Sparsey(p).nbytes() + items + cues + _ALLOWANCE


@register_experiment("sparsey.recall", memory=recall_memory, check=no_protocol_check, ignores=("max_steps",),
                     example=_EXAMPLE)
def recall(p: SparseyParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store random sparse inputs with the CSA, cue with noisy copies, and measure the codes and inputs retrieved.

    Each trial is a fresh coding field storing ``n_stored`` random inputs of ``n_active`` active bits; cue k is
    stored item k mod the number stored with ``round(noise * N)`` bits flipped. The cue's code is retrieved
    (best-supported unit per CM) and read back out through the weights.

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue): ``code_overlap`` (fraction of CMs whose retrieved winner is the stored code's),
        ``familiarity`` (G of the cue), ``recognised`` (G >= recognition), ``overlap`` (``1 - 2 distance / N`` of
        the read-out with the stored item), ``distance``, ``success`` (overlap >= success_overlap), ``converged``
        (the read-out retrieves the same code); scalar ``cue_distance``.
    """
    c, n = p.cues, p.input_bits
    shape = (trials, c)
    code_overlap, familiarity, distance = np.empty(shape), np.empty(shape), np.empty(shape, np.int64)
    converged = np.empty(shape, bool)
    for t in range(trials):
        model = Sparsey(p, backend=backend, random_state=rng)
        items = sdr_bits(random_sdrs(p.n_stored, n, p.n_active, rng), n)
        stored = model.learn(items)
        targets = np.arange(c) % p.n_stored
        cues = flip_bits(items[targets], p.noise, rng)
        codes, familiarity[t] = model.encode(cues)
        code_overlap[t] = (codes == stored[targets]).mean(axis=1)
        result = model.recall(cues)
        distance[t], converged[t] = hamming_distances(result.states, items[targets]), result.converged
    overlap = 1.0 - 2.0 * distance / n
    return xr.Dataset(
        {
            "code_overlap": label(xr.DataArray(code_overlap, dims=DIMS),
                                  "fraction of CMs whose retrieved winner is the stored code's"),
            "familiarity": label(xr.DataArray(familiarity, dims=DIMS), "familiarity G of the cue"),
            "recognised": label(xr.DataArray(familiarity >= p.recognition, dims=DIMS),
                                f"recognised (G >= {p.recognition:g})"),
            "overlap": label(xr.DataArray(overlap, dims=DIMS), "overlap of the read-out with the stored item"),
            "distance": label(xr.DataArray(distance, dims=DIMS), "distance of the read-out from the stored item",
                              "bits"),
            "success": label(xr.DataArray(overlap >= p.success_overlap, dims=DIMS),
                             f"recall success (overlap >= {p.success_overlap:g})"),
            "converged": label(xr.DataArray(converged, dims=DIMS), "the read-out retrieves the same code"),
            "cue_distance": label(xr.DataArray(round(p.noise * n)), "cue distance from the stored item", "bits"),
        },
        coords={"trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent coding field)"),
                "cue": label(xr.DataArray(np.arange(c), dims="cue"), "cue index")},
    )
