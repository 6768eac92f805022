"""Registered dense-family theory curves as labelled Datasets on simulation coordinates.

``dense-capacity``              one-step bit error and overlap of the polynomial (rectified) dense associative memory
                                on (n_neurons, n_patterns, degree, noise), and its capacity at an overlap level
``dense-exponential-capacity``  the exponential memory's success probability, capacity and rates on (n_neurons,
                                n_patterns, noise)
``modern-hopfield-error``       the modern Hopfield network's retrieval error bound, typical separation and
                                annealed off-target weight on (beta, n_patterns, n_neurons, noise, pattern_norm)

Formulas and their assumptions: :mod:`amsim.theory.dense`. Array-valued inputs become dimensions (in the order of
each curve's inputs); single values are scalar coordinates; the other inputs take the :class:`DenseParams`
defaults.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr
from scipy.special import ndtri

from amsim.exceptions import ValidationError
from amsim.families.dense.params import DenseParams
from amsim.io import label, param_coordinate
from amsim.registry import register_theory
from amsim.theory import dense as th

SNR_REFERENCES = ["arXiv:1606.01164", "doi:10.1109/TIT.1987.1057328"]
EXPONENTIAL_REFERENCES = ["doi:10.1007/s10955-017-1806-y"]
MODERN_REFERENCES = ["arXiv:2008.02217"]


def _grid(theory: str, names: tuple[str, ...], inputs: dict[str, Any], fn: Callable[[DenseParams], float],
          long_name: str, units: str = "1") -> xr.DataArray:
    """``fn`` of the validated parameters at every point of the grid of the array-valued ``names`` of ``inputs``
    (grids of the other inputs are left out: ``fn`` does not depend on them)."""
    axes = {name: np.atleast_1d(inputs[name]) for name in names if name in inputs and np.ndim(inputs[name])}
    fixed = {name: np.asarray(value).item() for name, value in inputs.items()
             if name not in axes and np.size(value) == 1}
    values = np.empty(tuple(v.size for v in axes.values()))
    for index in itertools.product(*(range(v.size) for v in axes.values())):
        point = {**fixed, **{name: grid[i].item() for (name, grid), i in zip(axes.items(), index, strict=True)}}
        values[index] = fn(DenseParams.from_dict(point, where=f"theory {theory}"))
    coords = {name: param_coordinate(DenseParams, name, grid) for name, grid in axes.items()}
    return label(xr.DataArray(values, dims=tuple(axes), coords=coords), long_name, units)


def _check(theory: str, inputs: dict[str, Any], energies: tuple[str, ...]) -> None:
    DenseParams.check_names(inputs, f"theory {theory}")
    energy = np.asarray(inputs.get("energy", "polynomial")).item()
    if energy not in energies:
        raise ValidationError(f"theory {theory}: energy must be one of {', '.join(energies)} (got {energy!r})")


@register_theory("dense-capacity", inputs=("n_neurons", "n_patterns", "degree", "energy", "noise", "success_overlap"))
def dense_capacity(**inputs: Any) -> xr.Dataset:
    """One-step bit error of the polynomial dense associative memory (signal-to-noise), and its capacity.

    Parameters
    ----------
    **inputs
        n_neurons, n_patterns, degree, noise: numbers or grids; energy: polynomial or rectified; success_overlap:
        the overlap level defining the capacity (default 0.95, a 2.5% bit error).

    Returns
    -------
    xr.Dataset
        ``bit_error_theory`` and ``overlap_theory`` (``1 - 2 eps``) after one synchronous step from a cue at the
        given noise (eq. 1 of :mod:`amsim.theory.dense`); ``capacity_theory``, the P at which that overlap falls
        to success_overlap (no n_patterns dimension); ``asymptotic_capacity_theory``, the leading order
        ``(N (1 - 2 rho)^2)^(p-1) / ((2p - 3)!! z^2)``; ``no_error_capacity_theory``, Krotov & Hopfield's
        ``N^(p-1) / (2 (2p - 3)!! ln N)``.

    References
    ----------
    Krotov & Hopfield 2016 (arXiv:1606.01164), capacity section; McEliece et al. 1987 (p = 2).
    """
    _check("dense-capacity", inputs, ("polynomial", "rectified"))
    names = ("n_neurons", "n_patterns", "degree", "noise")
    per_pattern = ("n_neurons", "degree", "noise")

    def error(p: DenseParams) -> float:
        return th.bit_error(p.n_neurons, p.n_patterns, p.degree, p.noise, p.energy)

    def capacity(p: DenseParams) -> float:
        return th.capacity(p.n_neurons, p.degree, (1 - p.success_overlap) / 2, p.noise, p.energy)

    def asymptotic(p: DenseParams) -> float:
        z = -float(ndtri((1 - p.success_overlap) / 2))
        reach = (p.n_neurons * (1 - 2 * p.noise) ** 2) ** (p.degree - 1)
        return reach / (th.double_factorial(2 * p.degree - 3) * z * z)

    bit_error = _grid("dense-capacity", names, inputs, error, "one-step bit error probability, theory")
    ds = xr.Dataset({
        "bit_error_theory": bit_error,
        "overlap_theory": label(1.0 - 2.0 * bit_error, "overlap after one synchronous step, theory"),
        "capacity_theory": _grid("dense-capacity", per_pattern, inputs, capacity,
                                 "patterns at which the one-step overlap falls to success_overlap, theory",
                                 "patterns"),
        "asymptotic_capacity_theory": _grid("dense-capacity", per_pattern, inputs, asymptotic,
                                            "leading-order capacity (N (1 - 2 rho)^2)^(p-1) / ((2p-3)!! z^2)",
                                            "patterns"),
        "no_error_capacity_theory": _grid("dense-capacity", ("n_neurons", "degree"), inputs,
                                          lambda p: th.krotov_hopfield_capacity(p.n_neurons, p.degree),
                                          "no-error capacity N^(p-1) / (2 (2p-3)!! ln N) (Krotov & Hopfield)",
                                          "patterns"),
    })
    ds.attrs.update(theory="dense-capacity", references=SNR_REFERENCES)
    return ds


@register_theory("dense-exponential-capacity", inputs=("n_neurons", "n_patterns", "noise"))
def dense_exponential_capacity(**inputs: Any) -> xr.Dataset:
    """Capacity of the exponential dense associative memory: Demircigil et al.'s rate and the finite-N estimate.

    Parameters
    ----------
    **inputs
        n_neurons, noise (rho) and, optionally, n_patterns: numbers or grids.

    Returns
    -------
    xr.Dataset
        ``success_theory`` (with n_patterns): ``(1 - q)^(P - 1)``, the probability that no other pattern is at
        least as close to the cue as its target; ``capacity_theory``: the P where that falls to 1/2;
        ``rate_theory``: ``I(1 - 2 rho) / 2`` (Demircigil et al., Theorem 3: all patterns from all cues);
        ``typical_rate_theory``: ``I(1 - 2 rho)``, the typical cue's; ``demircigil_capacity_theory``:
        ``exp(N I(1 - 2 rho) / 2)``.

    References
    ----------
    Demircigil et al., J. Stat. Phys. 168, 288 (2017), doi:10.1007/s10955-017-1806-y, Theorem 3.
    """
    _check("dense-exponential-capacity", inputs, ("polynomial", "rectified", "exponential"))
    grid_inputs = {**inputs, "energy": "exponential"}
    ds = xr.Dataset({
        "capacity_theory": _grid("dense-exponential-capacity", ("n_neurons", "noise"), grid_inputs,
                                 lambda p: th.exponential_typical_capacity(p.n_neurons, p.noise),
                                 "patterns at which a typical cue succeeds with probability 1/2, theory",
                                 "patterns"),
        "rate_theory": _grid("dense-exponential-capacity", ("noise",), grid_inputs,
                             lambda p: th.exponential_rate(p.noise),
                             "capacity rate I(1 - 2 rho) / 2 (Demircigil et al.)", "1/neuron"),
        "typical_rate_theory": _grid("dense-exponential-capacity", ("noise",), grid_inputs,
                                     lambda p: th.entropy_rate(1 - 2 * p.noise),
                                     "capacity rate of a typical cue, I(1 - 2 rho)", "1/neuron"),
        "demircigil_capacity_theory": _grid("dense-exponential-capacity", ("n_neurons", "noise"), grid_inputs,
                                            lambda p: math.exp(p.n_neurons * th.exponential_rate(p.noise)),
                                            "exp(N I(1 - 2 rho) / 2) (Demircigil et al.)", "patterns"),
    })
    if "n_patterns" in inputs:
        def success(p: DenseParams) -> float:
            return math.exp((p.n_patterns - 1) * math.log1p(-th.competitor_probability(p.n_neurons, p.noise)))

        ds["success_theory"] = _grid("dense-exponential-capacity", ("n_neurons", "n_patterns", "noise"),
                                     grid_inputs, success,
                                     "probability that no other pattern is as close to the cue as its target")
    ds.attrs.update(theory="dense-exponential-capacity", references=EXPONENTIAL_REFERENCES)
    return ds


@register_theory("modern-hopfield-error", inputs=("beta", "n_patterns", "n_neurons", "noise", "pattern_norm"))
def modern_hopfield_error(**inputs: Any) -> xr.Dataset:
    """One-step retrieval of the modern Hopfield network from a cue at ``round(rho d)`` flipped signs of a random
    ±1 pattern scaled to norm M: Ramsauer et al.'s error bound at the typical separation, and the annealed
    off-target weight.

    Parameters
    ----------
    **inputs
        beta, n_patterns, n_neurons (d), noise (rho), pattern_norm (M): numbers or grids.

    Returns
    -------
    xr.Dataset
        ``error_bound_theory``: ``2 (P - 1) exp(-beta (Delta - 2 M r)) `` (relative to M) with the median
        separation Delta (:func:`amsim.theory.dense.typical_separation`) and ``r = 2 M sqrt(k / d)``;
        ``delta_theory``: that separation / M^2; ``off_target_theory``: the annealed ``1 - p_i``
        (:func:`amsim.theory.dense.annealed_off_target`).

    References
    ----------
    Ramsauer et al., arXiv:2008.02217, Theorem 5 (the one-step form derived in :mod:`amsim.theory.dense`).
    """
    _check("modern-hopfield-error", inputs, ("polynomial", "rectified", "exponential"))
    names = ("beta", "n_patterns", "n_neurons", "noise", "pattern_norm")
    shape_names = ("n_patterns", "n_neurons")

    def bound(p: DenseParams) -> float:
        m = p.pattern_norm
        delta = th.typical_separation(p.n_neurons, p.n_patterns, m)
        distance = 2 * m * math.sqrt(round(p.noise * p.n_neurons) / p.n_neurons)
        return float(th.retrieval_error_bound(p.beta, delta, p.n_patterns, m, distance)) / m

    ds = xr.Dataset({
        "error_bound_theory": _grid("modern-hopfield-error", names, inputs, bound,
                                    "Ramsauer et al.'s one-step error bound / M at the median separation"),
        "delta_theory": _grid("modern-hopfield-error", shape_names, inputs,
                              lambda p: th.typical_separation(p.n_neurons, p.n_patterns),
                              "median separation Delta / M^2 of random ±1 patterns"),
        "off_target_theory": _grid("modern-hopfield-error", names, inputs,
                                   lambda p: float(th.annealed_off_target(p.beta, p.n_neurons, p.n_patterns,
                                                                          p.pattern_norm, p.noise)),
                                   "off-target weight 1 - p_i, annealed theory"),
    })
    ds.attrs.update(theory="modern-hopfield-error", references=MODERN_REFERENCES)
    return ds
