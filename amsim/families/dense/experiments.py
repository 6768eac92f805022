"""Registered experiments of the dense family: retrieval in the dense associative memory, and one-step (or
iterated) retrieval in the modern Hopfield network with its separation functions and an optional outlier pattern."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.families.dense.model import DenseAssociativeMemory, ModernHopfield, dense_bytes, recall_bytes
from amsim.families.dense.params import DenseParams
from amsim.family import no_protocol_check
from amsim.io import label
from amsim.patterns import corrupt, random_patterns
from amsim.registry import register_experiment

DIMS = ("trial", "cue")
_ALLOWANCE = 64 << 20  # the interpreter, xarray and the results
_MODERN = ("separation", "alpha", "beta", "tolerance", "pattern_norm", "outlier")
_DAM = ("energy", "degree", "update", "order", "temperature")


def _coords(trials: int, cues: int) -> dict[str, xr.DataArray]:
    return {"trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent memory)"),
            "cue": label(xr.DataArray(np.arange(cues), dims="cue"), "cue index")}


def retrieval_memory(p: DenseParams, trials: int) -> int:
    """Peak bytes of one :func:`retrieval` run: the patterns, the memory (:func:`~amsim.families.dense.model.
    dense_bytes`), one recall (:func:`~amsim.families.dense.model.recall_bytes`), the overlaps, the NumPy
    reference's int64 copies of the patterns (16 N P), and a fixed allowance."""
    n, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    return (n * n_pat + dense_bytes(p.energy, n, n_pat) + recall_bytes(p.energy, n, n_pat, c, p.update != "sync")
            + 8 * c * n_pat + 16 * n * n_pat + _ALLOWANCE)


@register_experiment("dense.retrieval", memory=retrieval_memory, check=no_protocol_check, ignores=_MODERN,
                     example={"n_neurons": 64, "n_patterns": 40, "noise": 0.1, "cues": 4})
def retrieval(p: DenseParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store P random patterns in a dense associative memory, cue with noisy copies, run the dynamics, measure.

    Each trial is an independent memory; cue k starts from stored pattern k mod P with ``round(noise * N)`` bits
    flipped. With ``update="sync"`` and ``max_steps=1`` the final overlap is that of one step, which the
    signal-to-noise theory ``dense-capacity`` predicts.

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue): ``overlap`` with the cued pattern after the dynamics, ``bit_error`` (the fraction
        of bits that differ from it, ``(1 - overlap) / 2``), ``success`` (overlap >= success_overlap), ``steps``,
        ``converged``, ``energy`` per neuron of the final state; scalars ``n_patterns`` and ``exact`` (the fields
        were exact int64 sums).
    """
    n, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    overlap = np.empty((trials, c))
    energy = np.empty((trials, c))
    steps = np.empty((trials, c), np.int32)
    converged = np.empty((trials, c), bool)
    targets = np.arange(c) % n_pat
    net = DenseAssociativeMemory(p, backend=backend, random_state=rng)
    for t in range(trials):
        patterns = random_patterns(n_pat, n, rng)
        net.store(patterns)
        result = net.recall(corrupt(patterns[targets], p.noise, rng))
        overlap[t] = net.overlaps(result.states)[np.arange(c), targets]
        energy[t] = net.energy(result.states)
        steps[t], converged[t] = result.steps, result.converged
    unit = "steps" if p.update == "sync" else "sweeps"
    return xr.Dataset(
        {
            "overlap": label(xr.DataArray(overlap, dims=DIMS), "overlap with the cued pattern"),
            "bit_error": label(xr.DataArray((1.0 - overlap) / 2.0, dims=DIMS),
                               "fraction of bits that differ from the cued pattern"),
            "success": label(xr.DataArray(overlap >= p.success_overlap, dims=DIMS),
                             f"retrieval success (overlap >= {p.success_overlap:g})"),
            "steps": label(xr.DataArray(steps, dims=DIMS), "updates that changed the state", unit),
            "converged": label(xr.DataArray(converged, dims=DIMS), "reached a fixed point"),
            "energy": label(xr.DataArray(energy, dims=DIMS), "energy per neuron of the final state"),
            "n_patterns": label(xr.DataArray(n_pat), "stored patterns P", "patterns"),
            "exact": label(xr.DataArray(np.int8(net.exact_)), "fields are exact int64 sums (1) or not (0)"),
        },
        coords=_coords(trials, c),
    )


def attention_memory(p: DenseParams, trials: int) -> int:
    """Peak bytes of one :func:`attention` run: the float64 patterns and their signs, the (cues, P) scores, weights
    and Gram rows of the cues and the null queries (a few copies each), and the allowance."""
    d, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    return 24 * d * n_pat + 8 * 8 * 2 * c * n_pat + 8 * 8 * c * d + _ALLOWANCE


@register_experiment("dense.attention", memory=attention_memory, check=no_protocol_check, ignores=_DAM,
                     example={"n_neurons": 64, "n_patterns": 50, "beta": 20.0, "noise": 0.1, "cues": 4,
                              "max_steps": 1})
def attention(p: DenseParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store P patterns in a modern Hopfield network, update noisy cues (one step: attention), measure the error.

    Patterns are random ±1 vectors scaled to norm M (``pattern_norm``); the last one is scaled by ``outlier``. Cue k
    is stored pattern k mod P with ``round(noise * d)`` signs flipped; one "null" query per cue is a fresh random
    pattern the memory does not hold. The error of the last update (from the state before it, xi) is computed from
    its weights as ``|sum_{j != i} p_j (x_j - x_i) - p_0 x_i| / M`` (``p_0`` the weight softmax_1 gives to no
    pattern), accurate even when it is exponentially small.

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue): ``error`` (relative to M), ``error_bound`` (Ramsauer et al.'s bound for that update,
        softmax only, else NaN), ``overlap`` of the final state with the target (``x_i . xi / |x_i|^2``),
        ``success``, ``target_weight``, ``off_target`` (``1 - p_i``, the weight not on the target), ``mass`` (the
        sum of the weights: 1 except softmax_1), ``outlier_weight`` (weight on the last pattern), ``delta`` (the
        target's separation, relative to M^2), ``null_mass``, ``null_norm`` (the null query's output norm / M) and
        ``null_outlier_weight``, ``steps``, ``converged``.
    """
    from amsim.theory.dense import pattern_separation, retrieval_error_bound  # theories load on demand (SciPy)

    d, n_pat, c, m = p.n_neurons, p.n_patterns, p.cues, p.pattern_norm
    names = ("error", "error_bound", "overlap", "target_weight", "off_target", "mass", "outlier_weight", "delta",
             "null_mass", "null_norm", "null_outlier_weight")
    out = {name: np.empty((trials, c)) for name in names}
    steps = np.empty((trials, c), np.int32)
    converged = np.empty((trials, c), bool)
    targets = np.arange(c) % n_pat
    rows = np.arange(c)
    unit = m / np.sqrt(d)
    scale = np.full(n_pat, unit)
    scale[-1] *= p.outlier
    net = ModernHopfield(p, backend=backend, random_state=rng)
    for t in range(trials):
        signs = random_patterns(n_pat, d, rng)
        x = signs * scale[:, None]
        cues = corrupt(signs[targets], p.noise, rng) * scale[targets, None]
        null = random_patterns(c, d, rng) * unit
        net.store(x)
        result = net.recall(cues)
        before = net.recall(cues, max_steps=p.max_steps - 1).states if p.max_steps > 1 else cues
        w = net.weights(before)
        noop = _noop_weight(p, before, x)
        others = w.copy()
        others[rows, targets] = 0.0
        error = others @ x - (others.sum(axis=1) + noop)[:, None] * x[targets]
        out["error"][t] = np.sqrt((error**2).sum(axis=1)) / m
        distance = np.sqrt(((before - x[targets]) ** 2).sum(axis=1))
        delta = pattern_separation(x, targets)
        out["error_bound"][t] = retrieval_error_bound(p.beta, delta, n_pat, net.norm_, distance) / m \
            if p.separation == "softmax" else np.nan
        out["overlap"][t] = (result.states * x[targets]).sum(axis=1) / (x[targets] ** 2).sum(axis=1)
        out["target_weight"][t] = w[rows, targets]
        out["off_target"][t] = others.sum(axis=1) + noop
        out["mass"][t] = w.sum(axis=1)
        out["outlier_weight"][t] = w[:, -1]
        out["delta"][t] = delta / m**2
        null_w = net.weights(null)
        out["null_mass"][t] = null_w.sum(axis=1)
        out["null_norm"][t] = np.sqrt(((null_w @ x) ** 2).sum(axis=1)) / m
        out["null_outlier_weight"][t] = null_w[:, -1]
        steps[t], converged[t] = result.steps, result.converged
    texts = {
        "error": "retrieval error |f(xi) - x_i| / M of the last update",
        "error_bound": "Ramsauer et al.'s bound 2 (P - 1) M_max exp(-beta (Delta - 2 M_max |xi - x_i|)) / M",
        "overlap": "overlap x_i . xi / |x_i|^2 of the final state with the target",
        "target_weight": "weight on the target pattern",
        "off_target": "weight not on the target, 1 - p_i",
        "mass": "sum of the weights (1 except softmax_1)",
        "outlier_weight": "weight on the last (outlier) pattern",
        "delta": "separation Delta_i of the target / M^2",
        "null_mass": "sum of the weights of a null query (a pattern not stored)",
        "null_norm": "norm of a null query's output / M",
        "null_outlier_weight": "weight a null query gives the last (outlier) pattern",
    }
    return xr.Dataset(
        {
            **{name: label(xr.DataArray(values, dims=DIMS), texts[name]) for name, values in out.items()},
            "success": label(xr.DataArray(out["overlap"] >= p.success_overlap, dims=DIMS),
                             f"retrieval success (overlap >= {p.success_overlap:g})"),
            "steps": label(xr.DataArray(steps, dims=DIMS), "updates that moved the state", "steps"),
            "converged": label(xr.DataArray(converged, dims=DIMS), "reached a fixed point"),
        },
        coords=_coords(trials, c),
    )


def _noop_weight(p: DenseParams, states: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """The weight softmax_1 leaves on no pattern, ``1 / (1 + sum_j exp(z_j))`` (0 for the other separations),
    computed from the scores without cancellation: ``e^-top / (e^-top + sum_j e^(z_j - top))``, top >= 0."""
    if p.separation != "softmax_1":
        return np.zeros(len(states))
    z = p.beta * (states @ patterns.T)
    top = np.maximum(z.max(axis=1), 0.0)
    rest = np.exp(-top)
    return rest / (rest + np.exp(z - top[:, None]).sum(axis=1))
