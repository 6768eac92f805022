"""Phase boundaries measured in simulations: crossings with bootstrap intervals, finite-size extrapolation, figures.

A boundary is where the trial mean of an order parameter (the retrieval overlap, the success fraction) falls
through a level along one swept axis (temperature, load), with a bootstrap interval over trials, i.e. over
independent networks (`amsim.measures.capacity` does the crossing and its bootstrap). A T = 0 boundary measured
at several sizes N is extrapolated to N -> infinity with a stated finite-size ansatz, its interval again from a
bootstrap over trials.

>>> from amsim.io import load_dataset
>>> from amsim.phase import retrieval_boundary, plot_phase_diagram
>>> ds = load_dataset("results/hopfield-phase-diagram.nc")                       # doctest: +SKIP
>>> boundary = retrieval_boundary(ds, level=0.3)                                  # doctest: +SKIP
>>> plot_phase_diagram(ds, boundary, "analysis/hopfield-phase-diagram/phase-diagram.png")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.io import atomic_write, label
from amsim.measures import SAMPLE_DIMS, capacity

__all__ = ["finite_size_extrapolation", "plot_finite_size", "plot_phase_diagram", "retrieval_boundary"]


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
        alpha = 0.01, more at larger loads; `amsim.theory.replica.rs_finite_temperature`) converges to T_M as
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


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, out: str | os.PathLike[str]) -> Path:
    out = Path(out)
    with atomic_write(out) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    _pyplot().close(fig)
    return out


def plot_phase_diagram(ds: xr.Dataset, boundary: xr.Dataset, out: str | os.PathLike[str], *,
                       var: str = "overlap", freezing: xr.Dataset | None = None) -> Path:
    """The (load, temperature) phase diagram: simulated mean overlap, measured boundaries, and the RS lines.

    Parameters
    ----------
    ds : xr.Dataset
        Hopfield sweep over ``load`` and ``temperature`` (Glauber dynamics from the stored patterns).
    boundary : xr.Dataset
        `retrieval_boundary` of ``ds`` (on ``load``).
    out : path
        PNG to write.
    var : str
        Variable drawn as the background colour (trial and cue mean).
    freezing : xr.Dataset, optional
        A second measured boundary on ``load``, drawn as squares: the freezing temperature from random starts,
        `retrieval_boundary` of a ``hopfield.glass`` sweep with ``var="edwards_anderson"`` (to compare with T_g).

    Returns
    -------
    Path
        The PNG written.

    Notes
    -----
    Theory lines (Amit, Gutfreund & Sompolinsky, Ann. Phys. 173, 30 (1987), doi:10.1016/0003-4916(87)90092-3):
    T_g = 1 + sqrt(alpha); T_M and T_c drawn parametrically in T (`retrieval_load`, `global_minimum_load`), so
    that their re-entrant tips show. Computing T_c takes ~3 s.
    """
    from amsim.plotting import axis_label
    from amsim.theory.replica import global_minimum_load, retrieval_load, spin_glass_temperature

    plt = _pyplot()
    mean = ds[var].mean([d for d in SAMPLE_DIMS if d in ds[var].dims]).transpose("temperature", "load")
    fig, ax = plt.subplots(figsize=(6.4, 6.2))
    mesh = ax.pcolormesh(ds["load"].values, ds["temperature"].values, mean.values, shading="nearest",
                         cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(mesh, ax=ax, label=f"mean {axis_label(ds[var])} (simulation)")
    top = max(float(ds["load"].max()) * 1.08, 0.145)  # show T_M reaching alpha_c = 0.138
    temps = np.linspace(0.0, 0.999, 80)
    loads = np.linspace(0.0, top, 80)
    ax.plot(loads, spin_glass_temperature(loads), "k--", lw=1.2, label="T_g = 1 + sqrt(alpha) (RS theory)")
    ax.plot(retrieval_load(temps), temps, "k-", lw=1.6, label="T_M: retrieval states exist below (RS theory)")
    ax.plot(global_minimum_load(temps[::2]), temps[::2], "k:", lw=1.6,
            label="T_c: retrieval states are global minima below (RS theory)")
    measured = [(boundary, "o", "tab:red", "simulation from a pattern")]
    if freezing is not None:
        measured.append((freezing, "s", "tab:orange", "simulation from random states"))
    for found, marker, colour, text in measured:
        b = found["boundary"]
        ax.errorbar(found["load"].values, b.values,
                    yerr=[(b - found["boundary_low"]).values, (found["boundary_high"] - b).values], fmt=marker,
                    color=colour, ms=4, capsize=2, label=f"{text}: mean {found.attrs.get('var', var)} falls "
                                                         f"through {found.attrs.get('level', float('nan')):g}")
    ax.set_xlim(0, top)
    highest = max(float(f["boundary_high"].fillna(0).max()) for f, *_ in measured)
    ax.set_ylim(0, max(1.25, float(ds["temperature"].max()) + 0.05, highest + 0.1))
    ax.set_xlabel(axis_label(ds["load"]))
    ax.set_ylabel(axis_label(ds["temperature"]))
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13))  # below: the boundaries fill the axes
    ax.set_title(textwrap.fill(str(ds.attrs.get("title", "")), 70), fontsize=9)
    fig.tight_layout()
    return _save(fig, out)


def plot_finite_size(result: xr.Dataset, out: str | os.PathLike[str], *, reference: float | None = None,
                     reference_label: str = "") -> Path:
    """Boundary against ``N^-exponent`` with its fit and extrapolation (`finite_size_extrapolation`).

    Parameters
    ----------
    result : xr.Dataset
        Output of `finite_size_extrapolation`.
    out : path
        PNG to write.
    reference, reference_label
        Optional value to draw as a horizontal line (e.g. the replica-symmetric alpha_c) and its legend text.

    Returns
    -------
    Path
        The PNG written.
    """
    plt = _pyplot()
    size = result["boundary"].dims[0]
    exponent = float(result.attrs["exponent"])
    x = result[size].values.astype(float) ** -exponent
    b = result["boundary"]
    fig, ax = plt.subplots(figsize=(6.0, 4.4))
    ax.errorbar(x, b.values, yerr=[(b - result["boundary_low"]).values, (result["boundary_high"] - b).values],
                fmt="o", ms=4, capsize=2, label="simulation (95% bootstrap interval)")
    for xi, yi, n in zip(x, b.values, result[size].values, strict=True):
        ax.annotate(f"N={int(n)}", (xi, yi), textcoords="offset points", xytext=(4, -10), fontsize=7)
    grid = np.linspace(0.0, x.max() * 1.05, 50)
    value = float(result["extrapolated"])
    ax.plot(grid, value + float(result["slope"]) * grid, "-", color="tab:blue", lw=1,
            label=f"fit {result.attrs['ansatz']}")
    low, high = float(result["extrapolated_low"]), float(result["extrapolated_high"])
    ax.errorbar([0.0], [value], yerr=[[value - low], [high - value]], fmt="s", color="tab:blue", capsize=3,
                label=f"extrapolation {value:.4f} [{low:.4f}, {high:.4f}]")
    if reference is not None:
        ax.axhline(reference, color="k", ls=":", lw=1, label=reference_label or f"{reference:g}")
    ax.set_xlabel(f"N^-{exponent:g} (N = {result[size].attrs.get('long_name', size)})")
    ax.set_ylabel(textwrap.fill(str(b.attrs.get("long_name", "boundary")), 50), fontsize=9)
    ax.set_xlim(left=-0.002)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, out)
