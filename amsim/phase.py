"""Phase boundaries measured in simulations: crossings with bootstrap intervals, finite-size extrapolation.

A boundary is where the trial mean of an order parameter (the retrieval overlap, the success fraction) falls
through a level along one swept axis (temperature, load), with a bootstrap interval over trials, i.e. over
independent networks (`amsim.measures.capacity` does the crossing and its bootstrap). A T = 0 boundary measured
at several sizes N is extrapolated to N -> infinity with a stated finite-size ansatz, its interval again from a
bootstrap over trials.

>>> from amsim.io import load_dataset
>>> from amsim.phase import retrieval_boundary
>>> ds = load_dataset("results/hopfield-phase-diagram.nc")                       # doctest: +SKIP
>>> boundary = retrieval_boundary(ds, level=0.3)                                  # doctest: +SKIP

Figures: `amsim.plotting.plot_finite_size`, and the Hopfield phase diagram in `amsim.families.hopfield.figures`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.io import label
from amsim.measures import SAMPLE_DIMS, capacity

__all__ = ["finite_size_extrapolation", "retrieval_boundary"]


def retrieval_boundary(ds: xr.Dataset, *, along: str = "temperature", var: str = "overlap", level: float = 0.3,
                       n_boot: int = 500, confidence: float = 0.95, seed: int = 0) -> xr.Dataset:
    """Where the mean of ``var`` falls through ``level`` along ``along``, at every point of the other axes.

    Parameters
    ----------
    ds : xr.Dataset
        Sweep result with dimensions (``along``, other axes..., trial[, cue]), e.g. the ``hopfield.retrieval``
        experiment swept over (load, temperature).
    along : str
        The swept coordinate to cross, increasing (default ``temperature``).
    var : str
        Order parameter, expected to fall with ``along`` (default ``overlap``, the overlap with the cued pattern).
    level : float
        Level that defines the boundary. For the retrieval boundary anything between the small overlap left
        after the retrieval state melts (~N^-1/2) and the overlap at the edge of the retrieval state (0.58 at
        alpha = 0.01, more at larger loads; `amsim.theory.hopfield_replica.rs_finite_temperature`) converges to T_M as
        N -> infinity; 0.3 is midway.
    n_boot, confidence, seed
        Bootstrap resamples over trials, interval coverage and bootstrap seed.

    Returns
    -------
    xr.Dataset
        Float64 ``boundary``, ``boundary_low``, ``boundary_high`` over the other axes (e.g. ``load``), in the units
        of ``along``; NaN where the mean never falls below ``level``, the first grid value where it starts
        below it. Attributes ``level``, ``along``, ``var``.

    Raises
    ------
    ValidationError
        If ``ds`` lacks the ``along`` axis, ``var`` or its trials.
    """
    est = capacity(ds, along=along, var=var, level=level, n_boot=n_boot, confidence=confidence, seed=seed)
    out = est.rename(capacity="boundary", capacity_low="boundary_low", capacity_high="boundary_high")
    out.attrs.update(level=level, along=along, var=var, n_boot=n_boot, confidence=confidence)
    return out


def _resampled(da: xr.DataArray, rng: np.random.Generator) -> xr.DataArray:
    """``da`` with its trials redrawn with replacement, independently at every grid point (cues stay with their
    trial: they share one network)."""
    grid = [d for d in da.dims if d not in SAMPLE_DIMS]
    order = [*grid, "trial", *[d for d in da.dims if d == "cue"]]
    values = da.transpose(*order).values
    picks = rng.integers(0, da.sizes["trial"], size=values.shape[:len(grid) + 1])
    picks = picks.reshape(picks.shape + (1,) * (values.ndim - picks.ndim))
    return da.transpose(*order).copy(data=np.take_along_axis(values, picks, axis=len(grid)))


def _line(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Weighted least-squares intercept and slope of ``y = b + a x``."""
    root = np.sqrt(weight)
    (intercept, slope), *_ = np.linalg.lstsq(np.column_stack([root, root * x]), root * y, rcond=None)
    return float(intercept), float(slope)


def finite_size_extrapolation(ds: xr.Dataset, *, size: str = "n_neurons", along: str = "load", var: str = "success",
                              level: float = 0.5, exponent: float = 0.5, n_boot: int = 1000,
                              confidence: float = 0.95, seed: int = 0) -> xr.Dataset:
    """Boundary at each size, extrapolated to infinite size with the ansatz ``x(N) = x_inf + a N^-exponent``.

    Parameters
    ----------
    ds : xr.Dataset
        Sweep result with dimensions (``along``, ``size``, trial[, cue]) and no other swept axis, e.g. the
        ``hopfield.retrieval`` experiment at T = 0 swept over (load, n_neurons).
    size : str
        The size coordinate N (default ``n_neurons``).
    along, var, level
        As in `retrieval_boundary`; the defaults give the capacity: the load where half the retrievals fail.
    exponent : float
        Finite-size exponent of the ansatz, > 0.
    n_boot, confidence, seed
        Bootstrap resamples, interval coverage and seed.

    Returns
    -------
    xr.Dataset
        On ``size``: ``boundary`` with ``boundary_low``/``boundary_high`` (percentile bootstrap over trials), and
        ``boundary_fit`` (the fitted ansatz). Scalars: ``extrapolated`` (``x_inf``) and ``slope`` (``a``), each with
        ``_low``/``_high`` bounds. Attributes ``ansatz``, ``exponent``, ``chi2`` (weighted squared residuals; about
        the number of sizes minus 2 when the ansatz fits within the errors), ``n_boot``, ``confidence``.

    Raises
    ------
    ValidationError
        On a missing axis or variable, another swept axis, fewer than three sizes, or ``exponent <= 0``.

    Notes
    -----
    Each bootstrap replicate redraws the trials (networks) with replacement at every grid point, finds every
    size's crossing, and fits the ansatz by least squares weighted by the inverse bootstrap variance of each
    size's crossing; the intervals are percentiles of the replicate fits. The point estimates fit the crossings
    of the full data with the same weights.
    """
    if size not in ds.dims or var not in ds.data_vars:
        raise ValidationError(f"finite-size extrapolation: needs a '{size}' axis and a '{var}' variable (got dims "
                              f"{tuple(ds.dims)}; variables {list(ds.data_vars)})")
    others = [d for d in ds[var].dims if d not in (*SAMPLE_DIMS, size, along)]
    if others:
        raise ValidationError(f"finite-size extrapolation: other swept axes {others} (got dims {ds[var].dims}; "
                              "allowed: select one value of each first)")
    if ds.sizes[size] < 3 or not exponent > 0:
        raise ValidationError(f"finite-size extrapolation: needs >= 3 sizes and exponent > 0 (got "
                              f"{ds.sizes[size]} sizes, exponent {exponent!r})")
    est = capacity(ds, along=along, var=var, level=level, n_boot=n_boot, confidence=confidence, seed=seed)
    est = est.transpose(size)
    x = ds[size].values.astype(float) ** -exponent
    rng = np.random.default_rng(seed + 1)
    da = ds[var]
    replicates = np.array([capacity(_resampled(da, rng).to_dataset(), along=along, var=var, level=level,
                                    n_boot=1)["capacity"].transpose(size).values for _ in range(n_boot)])
    replicates = replicates[np.isfinite(replicates).all(axis=1)]
    weight = 1.0 / np.var(replicates, axis=0, ddof=1)
    observed = est["capacity"].values
    intercept, slope = _line(x, observed, weight)
    fits = np.array([_line(x, r, weight) for r in replicates])
    tail = (1 - confidence) / 2
    (i_low, s_low), (i_high, s_high) = np.quantile(fits, [tail, 1 - tail], axis=0)
    units = ds[along].attrs.get("units", "1")
    name = ds[along].attrs.get("long_name", along)

    def on_size(values: np.ndarray, text: str) -> xr.DataArray:
        return label(xr.DataArray(values, dims=size, coords={size: ds[size]}), text, units)

    def scalar(value: float, text: str, unit: str = units) -> xr.DataArray:
        return label(xr.DataArray(value), text, unit)

    ansatz = f"{along}(N) = {along}_inf + a N^-{exponent:g}"
    slope_units = f"{units} neurons^{exponent:g}" if units != "1" else f"neurons^{exponent:g}"
    out = xr.Dataset({
        "boundary": on_size(observed, f"{name} where mean {var} falls through {level:g}"),
        "boundary_low": on_size(est["capacity_low"].values, f"lower {confidence:.0%} bootstrap bound"),
        "boundary_high": on_size(est["capacity_high"].values, f"upper {confidence:.0%} bootstrap bound"),
        "boundary_fit": on_size(intercept + slope * x, f"fit {ansatz}"),
        "extrapolated": scalar(intercept, f"{along}_inf: extrapolation to N -> infinity"),
        "extrapolated_low": scalar(i_low, f"lower {confidence:.0%} bootstrap bound"),
        "extrapolated_high": scalar(i_high, f"upper {confidence:.0%} bootstrap bound"),
        "slope": scalar(slope, f"a: finite-size amplitude of N^-{exponent:g}", slope_units),
        "slope_low": scalar(s_low, f"lower {confidence:.0%} bootstrap bound", slope_units),
        "slope_high": scalar(s_high, f"upper {confidence:.0%} bootstrap bound", slope_units),
    })
    chi2 = float(np.sum(weight * (observed - intercept - slope * x) ** 2))
    out.attrs.update(ansatz=ansatz, exponent=exponent, chi2=chi2, level=level, var=var, n_boot=len(replicates),
                     confidence=confidence)
    return out


_MOVED = {"plot_phase_diagram": "amsim.families.hopfield.figures", "plot_finite_size": "amsim.plotting"}


def __getattr__(name: str) -> Any:
    """Figures that moved out of this module, still importable from here with a deprecation warning."""
    if name in _MOVED:
        import importlib
        import warnings

        warnings.warn(f"amsim.phase.{name} is deprecated; import it from {_MOVED[name]}", DeprecationWarning,
                      stacklevel=2)
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'amsim.phase' has no attribute {name!r}")
