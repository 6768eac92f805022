"""Registered Sparse Distributed Memory theory curves as labelled Datasets on simulation coordinates.

``sdm-recall`` predicts what ``sdm.recall`` measures (one read or mean-field iterated reading); ``sdm-intersection``
tabulates the circle intersection and its exponential (attention) fit. Formulas: :mod:`amsim.theory.sdm`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import xarray as xr
from scipy.special import bdtr

from amsim.cards import shorten
from amsim.exceptions import ValidationError
from amsim.families.sdm.params import SDMParams
from amsim.io import label
from amsim.registry import register_theory
from amsim.theory.sdm import (
    ActivationRule,
    activation_rule,
    bit_error_probability,
    critical_distance,
    fit_attention_beta,
    next_distance,
)

REFERENCES = ["Kanerva, Sparse Distributed Memory, MIT Press (1988)", "arXiv:2111.05498"]

#: Largest address width the curves take: the exact circle intersection costs O(N^2) (about 1 s at N = 4096).
MAX_ADDRESS_BITS = 4096
#: Most mean-field reads iterated per point (each costs microseconds; a fixed point ends the iteration earlier).
MAX_READS = 100_000

RECALL_INPUTS = ("address_bits", "n_locations", "design", "radius", "strict", "specified_bits",
                 "activation_probability", "data_bits", "association", "n_stored", "noise", "max_steps",
                 "success_overlap")


def _check_width(theory: str, address_bits: int) -> None:
    """Refuse an address width whose exact intersection would take minutes or more (:data:`MAX_ADDRESS_BITS`)."""
    if address_bits > MAX_ADDRESS_BITS:
        raise ValidationError(f"theory {theory}: address_bits must be <= {MAX_ADDRESS_BITS} (got {address_bits}; the "
                              "exact circle intersection takes O(N^2) time)")


def _scalar(name: str, value: Any) -> Any:
    """A single value given as a scalar or a one-element array (the ``amsim theory`` command passes arrays)."""
    a = np.asarray(value)
    if a.size != 1:
        raise ValidationError(f"theory sdm-intersection: {name} must be one value (got {a.size} values)")
    return a.item()


def _whole(name: str, value: Any) -> int:
    """An integer input given as an int or an integer-valued float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) \
            or value != int(value):
        raise ValidationError(f"theory sdm-intersection: {name} must be an integer (got {value!r})")
    return int(value)


@register_theory("sdm-recall", inputs=RECALL_INPUTS)
def sdm_recall(**inputs: Any) -> xr.Dataset:
    """Read-out overlap of the SDM after one read or mean-field iterated reading, and the critical distance.

    Parameters
    ----------
    **inputs
        Any fields named in ``RECALL_INPUTS`` (others take the :class:`SDMParams` defaults); an array-valued input
        becomes a dimension of the result, in the order of ``RECALL_INPUTS``.

    Returns
    -------
    xr.Dataset
        ``overlap_theory`` (``1 - 2 eps`` after the reads, eps the bit error of the last read), ``distance_theory``
        (``D eps``, bits), ``success_theory`` (probability that the word read has overlap >= success_overlap,
        bit errors taken independent), ``bit_error_theory`` and ``critical_distance_theory`` (bits; the cue
        distance beyond which iterated reading diverges, mean-field).

    References
    ----------
    Kanerva (1988), signal-to-noise and convergence analysis; :mod:`amsim.theory.sdm` for the formulas used.
    """
    cls = SDMParams
    cls.check_names(inputs, "theory sdm-recall")
    axes = {name: np.atleast_1d(inputs[name]) for name in RECALL_INPUTS if name in inputs and np.ndim(inputs[name])}
    fixed = {name: value for name, value in inputs.items() if name not in axes}
    shape = tuple(v.size for v in axes.values())
    names = ("overlap", "distance", "success", "bit_error", "critical_distance")
    out = {name: np.empty(shape) for name in names}
    for index in itertools.product(*(range(s) for s in shape)):
        point = {**fixed, **{name: values[i].item() for (name, values), i in zip(axes.items(), index, strict=True)}}
        try:
            p = cls.from_dict(point, where="theory sdm-recall")
        except ValidationError as exc:
            raise ValidationError(f"theory sdm-recall: {exc}") from None
        _check_width("sdm-recall", p.address_bits)
        if p.max_steps > MAX_READS:
            raise ValidationError(f"theory sdm-recall: max_steps must be <= {MAX_READS} (got {p.max_steps})")
        rule = activation_rule(p)
        n, d, m, t = p.address_bits, p.word_bits, p.n_locations, p.n_stored
        distance = float(round(p.noise * n))
        for _ in range(p.max_steps - 1):  # autoassociative only (SDMParams.check)
            distance, previous = float(next_distance(rule, m, t, distance)), distance
            if distance == previous:  # a fixed point of the map: further reads change nothing
                break
        if p.association == "auto":
            eps = float(next_distance(rule, m, t, distance)) / n
        else:
            eps = float(bit_error_probability(rule, m, t, distance)[0])
        out["bit_error"][index] = eps
        out["overlap"][index] = 1.0 - 2.0 * eps
        out["distance"][index] = d * eps
        out["success"][index] = bdtr(np.floor(d * (1.0 - p.success_overlap) / 2.0 + 1e-9), d, eps)
        out["critical_distance"][index] = critical_distance(rule, m, t)
    dims = tuple(axes)
    long_names = {"overlap": ("overlap with the stored data word, theory", "1"),
                  "distance": ("distance from the stored data word, theory", "bits"),
                  "success": ("recall success probability, theory", "1"),
                  "bit_error": ("bit error probability of the last read, theory", "1"),
                  "critical_distance": ("critical cue distance of iterated reading, mean-field theory", "bits")}
    ds = xr.Dataset(
        {f"{name}_theory": label(xr.DataArray(out[name], dims=dims), *long_names[name]) for name in names},
        coords={name: label(xr.DataArray(values, dims=name), cls.constraints()[name][1].doc,
                            cls.constraints()[name][1].units) for name, values in axes.items()},
    )
    ds.attrs.update(theory="sdm-recall", references=REFERENCES)
    return ds


@register_theory("sdm-intersection", inputs=("distance", "address_bits", "radius", "n_locations"))
def sdm_intersection(distance: Any = None, address_bits: Any = 1000, radius: Any = 451,
                     n_locations: Any = 1_000_000) -> xr.Dataset:
    """The intersection of two access circles against the distance of their centres, and its exponential fit.

    Parameters
    ----------
    distance : ndarray of int, shape (L,), optional
        Distances between the centres (bits); default 0, 10, ..., N/2.
    address_bits, radius, n_locations
        N, the inclusive radius r and M (single values); Kanerva's 1000, 451 and 1,000,000 by default.

    Returns
    -------
    xr.Dataset
        On ``distance``: ``intersection_fraction`` (exact q(d)), ``shared_locations`` (``M q(d)``) and
        ``attention_fit`` (the fitted ``exp(log_scale + beta (1 - 2 d / N))``); attributes ``beta`` (softmax
        inverse temperature on the cosine similarity), ``decay_per_bit`` and ``fit_max_distance``.

    References
    ----------
    Kanerva (1988), the intersection of access circles; Bricken & Pehlevan (2021), arXiv:2111.05498, the fit.
    """
    n, r, m = (_whole(name, _scalar(name, value)) for name, value in
               (("address_bits", address_bits), ("radius", radius), ("n_locations", n_locations)))
    if n < 1 or m < 1 or not -1 <= r <= n:
        raise ValidationError(f"theory sdm-intersection: needs address_bits >= 1, n_locations >= 1 and radius in "
                              f"-1 .. address_bits (got {n}, {m}, {r})")
    _check_width("sdm-intersection", n)
    d = np.arange(0, n // 2 + 1, 10) if distance is None else np.atleast_1d(np.asarray(distance, dtype=np.float64))
    if d.ndim != 1 or d.size == 0 or not np.all(np.isfinite(d) & (d >= 0) & (d <= n) & (d == np.floor(d))):
        raise ValidationError(f"theory sdm-intersection: distance must be integers in 0 .. {n} (got "
                              f"{shorten(d.tolist())})")
    d = d.astype(np.int64)
    rule = ActivationRule(n, "hamming", radius=r)
    fit = fit_attention_beta(rule)
    q = rule.intersection(d)[0]
    coord = label(xr.DataArray(d, dims="distance"), "distance between the centres of the access circles", "bits")
    ds = xr.Dataset(
        {"intersection_fraction": label(xr.DataArray(q, dims="distance"), "fraction of the space in both circles"),
         "shared_locations": label(xr.DataArray(m * q, dims="distance"), "expected locations in both circles",
                                   "locations"),
         "attention_fit": label(xr.DataArray(fit.weights(d), dims="distance"),
                                "exponential fit exp(log_scale + beta cos) of the fraction")},
        coords={"distance": coord},
    )
    ds.attrs.update(theory="sdm-intersection", references=REFERENCES, beta=fit.beta,
                    decay_per_bit=fit.decay_per_bit, fit_max_distance=fit.max_distance, address_bits=n, radius=r,
                    n_locations=m)
    return ds
