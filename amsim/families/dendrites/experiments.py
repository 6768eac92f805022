"""Registered experiments of the active-dendrites family."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.bits import pack_bits
from amsim.families.dendrites.model import DendriticSegments
from amsim.families.dendrites.params import DendritesParams
from amsim.family import no_protocol_check
from amsim.io import label
from amsim.patterns import random_sdrs, sdr_bits, swap_active
from amsim.registry import register_experiment

_ALLOWANCE = 64 << 20  # the interpreter, xarray and the results
_DRAW = 40 << 20  # the index-set tools draw 2^22 float64 keys at once (32 MiB), with their bitmaps
_EXAMPLE = {"n": 256, "a": 12, "s": 8, "theta": 3, "n_stored": 8, "n_inputs": 500, "swap": 0.25, "cues": 8}


def recognition_memory(p: DendritesParams, trials: int) -> int:
    """Peak bytes of one :func:`recognition` run: the stored items and their synapse bitmaps, the random inputs
    as index sets, bitmaps and packed words, the (inputs, segments) counts, the key draws and an allowance."""
    words = -(-p.n // 64)
    segments = -(-p.n_stored // p.patterns_per_segment)
    stored = p.n_stored * (4 * p.n + 8 * words + 4 * p.a) + segments * 8 * words
    inputs = p.n_inputs * (4 * p.a + p.n + 8 * words + 4 * segments + segments)
    cues = p.cues * (4 * p.a + 2 * p.n + 8 * words + 4 * segments)
    return stored + 2 * inputs + cues + 2 * _DRAW + _ALLOWANCE


@register_experiment("dendrites.recognition", memory=recognition_memory, check=no_protocol_check,
                     ignores=("noise", "max_steps", "success_overlap"), example=_EXAMPLE)
def recognition(p: DendritesParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store random SDRs on segments, count false matches of random SDRs and detections of noisy stored ones.

    Each trial draws ``n_stored`` random SDRs (a of n bits) and stores them, ``patterns_per_segment`` to a segment;
    then ``n_inputs`` fresh random SDRs are compared with every segment (a false match: >= theta active
    synapses), and cue k, stored pattern k mod n_stored with ``round(swap a)`` active bits moved, is detected when
    its own segment fires.

    Returns
    -------
    xr.Dataset
        ``false_matches`` (trial): (input, segment) pairs that fired; ``pairs`` (scalar): pairs tested per trial;
        ``false_match`` (trial): their fraction; ``detected`` (trial, cue): the cue's own segment fired;
        ``overlap_own`` (trial, cue): its active synapses; scalars ``moved`` and ``segments``.
    """
    segments = -(-p.n_stored // p.patterns_per_segment)
    false_matches = np.empty(trials, np.int64)
    detected = np.empty((trials, p.cues), bool)
    own = np.empty((trials, p.cues), np.int32)
    targets = np.arange(p.cues) % p.n_stored
    for t in range(trials):
        stored = random_sdrs(p.n_stored, p.n, p.a, rng)
        model = DendriticSegments(p, backend=backend, random_state=rng).store(sdr_bits(stored, p.n))
        counts = model.overlaps(pack_bits(sdr_bits(random_sdrs(p.n_inputs, p.n, p.a, rng), p.n)))
        false_matches[t] = int((counts >= p.theta).sum())
        cue_counts = model.overlaps(sdr_bits(swap_active(stored[targets], p.n, p.moved, rng), p.n))
        own[t] = cue_counts[np.arange(p.cues), targets // p.patterns_per_segment]
        detected[t] = own[t] >= p.theta
    pairs = p.n_inputs * segments
    trial = label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent segments and inputs)")
    cue = label(xr.DataArray(np.arange(p.cues), dims="cue"), "cue index")
    dims = ("trial", "cue")
    return xr.Dataset(
        {
            "false_matches": label(xr.DataArray(false_matches, dims="trial"),
                                   "(random input, segment) pairs reaching theta", "pairs"),
            "pairs": label(xr.DataArray(pairs), "(random input, segment) pairs tested per trial", "pairs"),
            "false_match": label(xr.DataArray(false_matches / pairs, dims="trial"),
                                 "fraction of (random input, segment) pairs reaching theta"),
            "detected": label(xr.DataArray(detected, dims=dims), "the noisy cue's own segment reaches theta"),
            "overlap_own": label(xr.DataArray(own, dims=dims), "active synapses of the cue's own segment",
                                 "synapses"),
            "moved": label(xr.DataArray(p.moved), "active bits moved in each cue", "bits"),
            "segments": label(xr.DataArray(segments), "segments", "segments"),
        },
        coords={"trial": trial, "cue": cue},
    )
