"""Registered active-dendrite theory curves (Ahmad & Hawkins 2016) as labelled Datasets.

``dendrites-false-match`` (a random SDR activating one segment), ``dendrites-detection`` (a segment recognising
its own pattern after noise, and the best threshold), ``dendrites-union`` (a segment holding synapses for several
patterns). Exact formulas: :mod:`amsim.theory.dendrites`; each array-valued input becomes a dimension, in the order
of the curve's ``inputs``. Probabilities are given as floats and as exact ``log10`` (below float64's range too).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.io import label
from amsim.registry import register_theory
from amsim.theory import dendrites as th

REFERENCES = ["arXiv:1601.00720"]

_UNITS = {"n": ("SDR size", "bits"), "a": ("active bits per SDR", "bits"),
          "s": ("synapses per segment and pattern", "synapses"), "theta": ("segment threshold", "synapses"),
          "swap": ("fraction of the active bits moved", "1"), "n_patterns": ("patterns per segment", "patterns")}


def _whole(theory: str, name: str, value: Any) -> int:
    """An integer input given as an int or an integer-valued float."""
    v = float(value)
    if not np.isfinite(v) or v != int(v):
        raise ValidationError(f"theory {theory}: {name} must be an integer (got {value!r})")
    return int(v)


def _grid(theory: str, inputs: dict[str, Any], fns: dict[str, tuple[Callable[..., Fraction | int], str]],
          ) -> xr.Dataset:
    """Evaluate each ``fns`` entry (name -> (function of the point's inputs, long name)) on the grid of the
    array-valued ``inputs``; a Fraction gives the float and ``log10_`` variables, an int one variable."""
    axes = {k: np.atleast_1d(v) for k, v in inputs.items() if np.ndim(v)}
    fixed = {k: np.asarray(v).item() for k, v in inputs.items() if not np.ndim(v)}
    shape = tuple(v.size for v in axes.values())
    out: dict[str, np.ndarray] = {}
    for index in itertools.product(*(range(n) for n in shape)):
        point = {**fixed, **{k: grid[i].item() for (k, grid), i in zip(axes.items(), index, strict=True)}}
        point = {k: float(v) if k == "swap" else _whole(theory, k, v) for k, v in point.items()}
        for name, (fn, _) in fns.items():
            value = fn(**point)
            if isinstance(value, Fraction):
                out.setdefault(name, np.empty(shape))[index] = float(value)
                out.setdefault(f"log10_{name}", np.empty(shape))[index] = th.log10(value)
            else:
                out.setdefault(name, np.empty(shape, np.int64))[index] = value
    coords = {k: label(xr.DataArray(v, dims=k), *_UNITS[k]) for k, v in axes.items()}
    data = {}
    for name, values in out.items():
        base = name.removeprefix("log10_")
        long_name = fns[base][1] if base == name else f"log10 of the {fns[base][1]}"
        data[name] = label(xr.DataArray(values, dims=tuple(axes), coords=coords), long_name,
                           "synapses" if values.dtype.kind == "i" else "1")
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(theory=theory, references=REFERENCES, **{k: v for k, v in fixed.items()})
    return ds


@register_theory("dendrites-false-match", inputs=("n", "a", "s", "theta"))
def dendrites_false_match(n: Any = 2048, a: Any = 40, s: Any = 20, theta: Any = 10) -> xr.Dataset:
    """Exact probability that a uniformly random ``a``-bit SDR of ``n`` bits activates a segment of ``s``
    synapses with threshold ``theta`` (Ahmad & Hawkins 2016, eq. 3).

    Returns
    -------
    xr.Dataset
        ``false_match_theory`` and ``log10_false_match_theory`` on the array-valued inputs.
    """
    return _grid("dendrites-false-match", {"n": n, "a": a, "s": s, "theta": theta},
                 {"false_match_theory": (lambda n, a, s, theta: th.false_match(n, a, s, theta),
                                         "probability that a random SDR activates the segment")})


@register_theory("dendrites-detection", inputs=("n", "a", "s", "theta", "swap"))
def dendrites_detection(n: Any = 2048, a: Any = 40, s: Any = 20, theta: Any = 10, swap: Any = 0.0) -> xr.Dataset:
    """A segment recognising its own pattern after ``round(swap a)`` active bits are moved, and the best theta.

    Returns
    -------
    xr.Dataset
        ``detected_theory`` (the segment fires on its noisy pattern), ``false_negative_theory`` (it misses),
        ``false_match_theory`` (a random SDR fires it), ``total_error_theory`` (misses plus false matches), each
        probability with its ``log10_``; ``best_theta_theory`` (the threshold minimising the total error at that
        n, a, s and swap; it ignores the theta input).
    """
    def miss(n: int, a: int, s: int, theta: int, swap: float) -> Fraction:
        return th.false_negative(n, a, s, theta, th.noise_bits(a, swap))

    return _grid("dendrites-detection", {"n": n, "a": a, "s": s, "theta": theta, "swap": swap}, {
        "detected_theory": (lambda **q: 1 - miss(**q), "probability that the segment fires on its noisy pattern"),
        "false_negative_theory": (miss, "probability that the segment misses its noisy pattern"),
        "false_match_theory": (lambda n, a, s, theta, swap: th.false_match(n, a, s, theta),
                               "probability that a random SDR activates the segment"),
        "total_error_theory": (lambda **q: th.false_match(q["n"], q["a"], q["s"], q["theta"]) + miss(**q),
                               "false negative plus false match"),
        "best_theta_theory": (lambda n, a, s, theta, swap: th.best_theta(n, a, s, th.noise_bits(a, swap))[0],
                              "threshold minimising false match plus false negative"),
    })


@register_theory("dendrites-union", inputs=("n", "a", "s", "theta", "n_patterns"))
def dendrites_union(n: Any = 2048, a: Any = 40, s: Any = 20, theta: Any = 10, n_patterns: Any = 1) -> xr.Dataset:
    """False-match probability of a segment holding ``s`` synapses for each of ``n_patterns`` random patterns
    (the union property), exact over the distribution of the union's size.

    Returns
    -------
    xr.Dataset
        ``union_false_match_theory`` and its ``log10_``.
    """
    return _grid("dendrites-union", {"n": n, "a": a, "s": s, "theta": theta, "n_patterns": n_patterns},
                 {"union_false_match_theory": (
                     lambda n, a, s, theta, n_patterns: th.union_false_match(n, a, s, theta, n_patterns),
                     "probability that a random SDR activates the union segment")})
