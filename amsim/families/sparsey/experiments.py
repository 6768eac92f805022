"""Registered experiments of the Sparsey family."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.families.sparsey.model import Sparsey
from amsim.families.sparsey.params import SparseyParams
from amsim.family import no_protocol_check
from amsim.io import label
from amsim.patterns import flip_bits, hamming_distances, random_sdrs, sdr_bits, swap_active
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
        (the read-out retrieves the same code), ``novel_familiarity`` (G of a new random input: crosstalk);
        ``saturation`` (trial: the fraction of weights set) and the scalar ``cue_distance``.
    """
    c, n = p.cues, p.input_bits
    shape = (trials, c)
    code_overlap, familiarity, distance = np.empty(shape), np.empty(shape), np.empty(shape, np.int64)
    converged, novel, saturation = np.empty(shape, bool), np.empty(shape), np.empty(trials)
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
        novel[t] = model.encode(sdr_bits(random_sdrs(c, n, p.n_active, rng), n))[1]
        saturation[t] = model.weights_.mean()
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
            "novel_familiarity": label(xr.DataArray(novel, dims=DIMS),
                                       "familiarity G of a new random input (crosstalk)"),
            "saturation": label(xr.DataArray(saturation, dims="trial"), "fraction of the weights set to 1"),
            "cue_distance": label(xr.DataArray(round(p.noise * n)), "cue distance from the stored item", "bits"),
        },
        coords={"trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent coding field)"),
                "cue": label(xr.DataArray(np.arange(c), dims="cue"), "cue index")},
    )


def similarity_memory(p: SparseyParams, trials: int) -> int:
    """Peak bytes of one :func:`similarity` run: :func:`recall_memory` with the variants as a second set of items."""
    return recall_memory(p, trials) + p.n_stored * (2 * p.input_bits + 8 * p.n_active + 16 * p.modules)


def similarity_check(p: SparseyParams) -> None:
    """sparsey.similarity moves active bits to inactive positions: there must be enough of them."""
    if round(p.swap * p.n_active) > p.input_bits - p.n_active:
        p.fail("swap", f"must move at most input_bits - n_active = {p.input_bits - p.n_active} bits for "
               "sparsey.similarity")


@register_experiment("sparsey.similarity", memory=similarity_memory, check=similarity_check,
                     ignores=("noise", "cues", "max_steps", "success_overlap", "readout", "recognition"),
                     example={"input_bits": 64, "modules": 8, "units": 4, "activity": 0.125, "n_stored": 10,
                              "swap": 0.25})
def similarity(p: SparseyParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Similarity preservation: the code learned for a variant of a stored input against the stored code.

    Each trial is a fresh coding field that learns ``n_stored`` random inputs, then learns a variant of each (the
    same input with ``round(swap * n_active)`` active bits moved elsewhere): the CSA gives a familiar variant
    (high G) mostly its original's winners and a novel one a random code (Rinkus 2014, Fig. 4).

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue), one cue per stored input: ``input_overlap`` (fraction of active bits shared with
        the original), ``code_intersection`` (fraction of CMs whose winner is the original's), ``familiarity``
        (the variant's G when it was learned).
    """
    n, moved = p.input_bits, round(p.swap * p.n_active)
    shape = (trials, p.n_stored)
    input_overlap, intersection, familiarity = np.empty(shape), np.empty(shape), np.empty(shape)
    for t in range(trials):
        model = Sparsey(p, backend=backend, random_state=rng)
        base = random_sdrs(p.n_stored, n, p.n_active, rng)
        stored = model.learn(sdr_bits(base, n))
        variants = sdr_bits(swap_active(base, n, moved, rng), n)
        codes = model.learn(variants)
        input_overlap[t] = (variants * sdr_bits(base, n)).sum(axis=1) / p.n_active
        intersection[t] = (codes == stored).mean(axis=1)
        familiarity[t] = model.familiarity_[p.n_stored:]
    dims = DIMS
    return xr.Dataset(
        {
            "input_overlap": label(xr.DataArray(input_overlap, dims=dims),
                                   "fraction of active bits the variant shares with its original"),
            "code_intersection": label(xr.DataArray(intersection, dims=dims),
                                       "fraction of CMs whose winner for the variant is the original's"),
            "familiarity": label(xr.DataArray(familiarity, dims=dims), "familiarity G of the variant when learned"),
        },
        coords={"trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent coding field)"),
                "cue": label(xr.DataArray(np.arange(p.n_stored), dims="cue"), "stored input (cued by its variant)")},
    )


_DIGITS = 1797  # images in scikit-learn's digits


def digits_memory(p: SparseyParams, trials: int) -> int:
    """Peak bytes of one :func:`digits` run: :func:`recall_memory` with the 1,797 images (as int8, float64 and
    0/1), the class votes of the field (M x 10 int64) and the baseline's (test, train) distances."""
    return recall_memory(p, trials) + _DIGITS * 64 * 11 + p.field_units * 80 + 8 * p.cues * p.n_stored * 3


def digits_check(p: SparseyParams) -> None:
    """sparsey.digits reads 8 x 8 binarised images: 64 input bits, and train plus test images within the 1,797."""
    if p.input_bits != 64:
        p.fail("input_bits", "must be 64 for sparsey.digits (8 x 8 images)")
    if p.n_stored + p.cues > _DIGITS:
        p.fail("n_stored", f"plus cues must be <= {_DIGITS} for sparsey.digits (the images available)")


@register_experiment("sparsey.digits", memory=digits_memory, check=digits_check,
                     ignores=("noise", "max_steps", "success_overlap", "readout", "recognition", "activity", "swap"),
                     example={"input_bits": 64, "modules": 8, "units": 4, "n_stored": 40, "cues": 10})
def digits(p: SparseyParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Classify scikit-learn's handwritten digits (8 x 8, binarised at grey level 8) by their Sparsey codes, against
    a nearest-neighbour baseline on the same split.

    Each trial shuffles the 1,797 images, learns the first ``n_stored`` (one trial each, labels unseen by the
    CSA) and counts, for every field unit, the training labels of the codes it belongs to. A test image (the next
    ``cues``) is classified by retrieving its code and summing its Q units' label counts, each class's sum divided
    by its training frequency; ties go to the smaller label. The baseline labels it with its nearest training
    image in Hamming distance on the same bits (ties: the first).

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue): ``correct`` (Sparsey), ``correct_nearest`` (baseline), ``familiarity`` (G of the
        test image), ``label`` (the true digit).
    """
    from amsim.datasets import sklearn_digits  # scikit-learn loads only here

    data = sklearn_digits()
    bits = ((data.patterns + 1) // 2).astype(np.uint8)
    labels = np.array([int(name) for name in data.names])
    shape = (trials, p.cues)
    correct, nearest, familiarity, truth = (np.empty(shape, bool), np.empty(shape, bool), np.empty(shape),
                                            np.empty(shape, np.int64))
    for t in range(trials):
        order = rng.permutation(_DIGITS)
        train, test = order[:p.n_stored], order[p.n_stored:p.n_stored + p.cues]
        model = Sparsey(p, backend=backend, random_state=rng)
        codes = model.learn(bits[train])
        units = np.arange(p.modules) * p.units + codes  # (T, Q) field units of each training code
        votes = np.zeros((p.field_units, 10), np.int64)
        np.add.at(votes, (units, labels[train][:, None]), 1)
        frequency = np.maximum(np.bincount(labels[train], minlength=10), 1)
        test_codes, familiarity[t] = model.encode(bits[test])
        scores = votes[np.arange(p.modules) * p.units + test_codes].sum(axis=1) / frequency
        correct[t] = scores.argmax(axis=1) == labels[test]
        distances = bits[test].astype(np.int64) @ (1 - 2 * bits[train].astype(np.int64)).T + \
            bits[train].sum(axis=1)  # Hamming distance, (test, train)
        nearest[t] = labels[train][distances.argmin(axis=1)] == labels[test]
        truth[t] = labels[test]
    return xr.Dataset(
        {
            "correct": label(xr.DataArray(correct, dims=DIMS), "Sparsey label right"),
            "correct_nearest": label(xr.DataArray(nearest, dims=DIMS),
                                     "nearest-neighbour (Hamming) label right"),
            "familiarity": label(xr.DataArray(familiarity, dims=DIMS), "familiarity G of the test image"),
            "label": label(xr.DataArray(truth, dims=DIMS), "true digit"),
        },
        coords={"trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent split and field)"),
                "cue": label(xr.DataArray(np.arange(p.cues), dims="cue"), "test image")},
    )
