"""Registered experiments of the Sparse Distributed Memory family."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.families.sdm.model import SparseDistributedMemory
from amsim.families.sdm.params import SDMParams
from amsim.family import no_protocol_check
from amsim.io import label
from amsim.patterns import flip_bits, hamming_distances, random_bits
from amsim.registry import register_experiment

DIMS = ("trial", "cue")
_ALLOWANCE = 64 << 20  # the interpreter, xarray and the results
_EXAMPLE = {"address_bits": 64, "n_locations": 2000, "n_stored": 20, "noise": 0.05, "cues": 4}


def recall_memory(p: SDMParams, trials: int) -> int:
    """Peak bytes of one :func:`recall` run: the memory (addresses and counters), the items with their signs and
    packed addresses, the packed activations of one chunk of rows, Jaeckel's coordinate shuffles, the cues with
    their words and counter sums, and a fixed allowance for the interpreter."""
    n, d, t, c = p.address_bits, p.word_bits, p.n_stored, p.cues
    words = -(-n // 64)
    items = t * (2 * n + 2 * d + 8 * words)
    cues = c * (3 * n + 2 * d + 8 * d + 8 * words)
    shuffles = 0 if p.design == "hamming" else 16 << 20
    return SparseDistributedMemory(p).nbytes() + items + cues + (32 << 20) + shuffles + _ALLOWANCE


def attention_memory(p: SDMParams, trials: int) -> int:
    """Peak bytes of one :func:`attention` run: :func:`recall_memory` plus the float64 keys and values of the
    stored items and the (cues, items) distances, logits, weights and intersection weights."""
    t, c = p.n_stored, p.cues
    return recall_memory(p, trials) + 8 * t * (p.address_bits + p.word_bits) + 5 * 8 * c * t


def attention_check(p: SDMParams) -> None:
    """sdm.attention compares one read of each kind: ``max_steps`` must be 1."""
    if p.max_steps != 1:
        p.fail("max_steps", "must be 1 for sdm.attention (one read of each kind)")


def _store(p: SDMParams, rng: np.random.Generator, backend: str) -> tuple[SparseDistributedMemory, np.ndarray,
                                                                           np.ndarray, np.ndarray, np.ndarray]:
    """One trial's memory with T random items written, and its cues: (memory, addresses, data, targets, cues)."""
    sdm = SparseDistributedMemory(p, backend=backend, random_state=rng)
    addresses = random_bits(p.n_stored, p.address_bits, rng)
    data = addresses if p.association == "auto" else random_bits(p.n_stored, p.word_bits, rng)
    sdm.store(addresses, data)
    targets = np.arange(p.cues) % p.n_stored
    return sdm, addresses, data, targets, flip_bits(addresses[targets], p.noise, rng)


def _coords(trials: int, cues: int) -> dict[str, xr.DataArray]:
    return {"trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent memory)"),
            "cue": label(xr.DataArray(np.arange(cues), dims="cue"), "cue index")}


def _common(p: SDMParams) -> dict[str, xr.DataArray]:
    """Scalar variables every SDM dataset carries: the radius in force and the cue distance."""
    return {
        "radius_used": label(xr.DataArray(p.effective_radius), "activation radius in force (-1: Jaeckel design)",
                             "bits"),
        "cue_distance": label(xr.DataArray(round(p.noise * p.address_bits)), "cue distance from the stored address",
                              "bits"),
    }


@register_experiment("sdm.recall", memory=recall_memory, check=no_protocol_check, example=_EXAMPLE)
def recall(p: SDMParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store T random items, cue with noisy addresses, read once or iterate, and measure the words read.

    Each trial is an independent memory (fresh hard locations and items); cue k reads from stored item k mod T
    with ``round(noise * N)`` address bits flipped. With ``max_steps = 1`` the word read once is compared with the
    stored data word; with more, reading iterates (autoassociative) until a fixed point or the limit.

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue). ``overlap`` (``1 - 2 distance / D``), ``distance`` from the stored data word,
        ``success`` (overlap >= success_overlap), ``steps`` (reads that changed the word; 1 for heteroassociative
        reads), ``converged`` (fixed point reached; false for heteroassociative reads), ``active`` (locations the
        cue activates), and the scalars ``radius_used`` and ``cue_distance``.
    """
    c, d = p.cues, p.word_bits
    distance = np.empty((trials, c), np.int64)
    steps = np.empty((trials, c), np.int32)
    converged = np.empty((trials, c), bool)
    active = np.empty((trials, c), np.int64)
    for t in range(trials):
        sdm, _, data, targets, cues = _store(p, rng, backend)
        active[t] = sdm.active_counts(cues)
        if p.association == "auto":
            result = sdm.recall(cues)
            words, steps[t], converged[t] = result.states, result.steps, result.converged
        else:
            words, steps[t], converged[t] = sdm.read(cues), 1, False
        distance[t] = hamming_distances(words, data[targets])
    overlap = 1.0 - 2.0 * distance / d
    return xr.Dataset(
        {
            "overlap": label(xr.DataArray(overlap, dims=DIMS), "overlap with the stored data word"),
            "distance": label(xr.DataArray(distance, dims=DIMS), "distance from the stored data word", "bits"),
            "success": label(xr.DataArray(overlap >= p.success_overlap, dims=DIMS),
                             f"recall success (overlap >= {p.success_overlap:g})"),
            "steps": label(xr.DataArray(steps, dims=DIMS), "reads that changed the word", "reads"),
            "converged": label(xr.DataArray(converged, dims=DIMS), "reached a fixed point"),
            "active": label(xr.DataArray(active, dims=DIMS), "locations activated by the cue", "locations"),
            **_common(p),
        },
        coords=_coords(trials, c),
    )


def _read_out(sums: np.ndarray) -> np.ndarray:
    """Bits of real-valued weighted sums (ties, which need exactly balanced weights, read 1)."""
    return (sums >= 0).astype(np.uint8)


@register_experiment("sdm.attention", memory=attention_memory, check=attention_check,
                     ignores=("success_overlap",), example=_EXAMPLE)
def attention(p: SDMParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """One read of each cue by the SDM and by softmax attention with the fitted beta, on the same stored items.

    Attention (Bricken & Pehlevan 2021) weights stored item mu by ``softmax(beta * cos)``, with
    ``cos = 1 - 2 d_mu / N`` the cosine similarity of the ±1 cue and address at Hamming distance ``d_mu``, and
    ``beta`` the log-linear fit of the circle intersection (:func:`amsim.theory.sdm.fit_attention_beta`); it reads
    the sign of the weighted sum of the ±1 data words. The "intersection" read weights item mu by the exact
    expected intersection ``q(d_mu)`` instead: the SDM with infinitely many locations, which attention
    approximates and the finite SDM samples.

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue): ``overlap`` (SDM), ``overlap_attention``, ``overlap_intersection`` with the
        stored data word, ``agreement`` (fraction of bits where SDM and attention read the same); scalars
        ``beta``, ``radius_used``, ``cue_distance``.
    """
    from amsim.theory.sdm import activation_rule, fit_attention_beta  # theories load on demand (SciPy)

    rule = activation_rule(p)
    fit = fit_attention_beta(rule)
    n, c, d = p.address_bits, p.cues, p.word_bits
    overlaps = {name: np.empty((trials, c)) for name in ("sdm", "attention", "intersection")}
    agreement = np.empty((trials, c))
    for t in range(trials):
        sdm, addresses, data, targets, cues = _store(p, rng, backend)
        words = sdm.read(cues)
        keys = 2.0 * addresses - 1.0
        distances = np.rint((n - (2.0 * cues - 1.0) @ keys.T) / 2.0).astype(np.int64)  # (C, T), exact integers
        logits = fit.beta * (1.0 - 2.0 * distances / n)
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        values = 2.0 * data - 1.0
        attended = _read_out((weights / weights.sum(axis=1, keepdims=True)) @ values)
        intersected = _read_out(rule.intersection(distances.ravel())[0].reshape(distances.shape) @ values)
        for name, out in (("sdm", words), ("attention", attended), ("intersection", intersected)):
            overlaps[name][t] = 1.0 - 2.0 * hamming_distances(out, data[targets]) / d
        agreement[t] = (words == attended).mean(axis=1)
    return xr.Dataset(
        {
            "overlap": label(xr.DataArray(overlaps["sdm"], dims=DIMS), "overlap with the stored data word, SDM read"),
            "overlap_attention": label(xr.DataArray(overlaps["attention"], dims=DIMS),
                                       "overlap with the stored data word, softmax attention read"),
            "overlap_intersection": label(xr.DataArray(overlaps["intersection"], dims=DIMS),
                                          "overlap with the stored data word, circle-intersection read"),
            "agreement": label(xr.DataArray(agreement, dims=DIMS), "fraction of bits SDM and attention read alike"),
            "beta": label(xr.DataArray(fit.beta), "softmax inverse temperature beta fitted to the intersection"),
            **_common(p),
        },
        coords=_coords(trials, c),
    )
