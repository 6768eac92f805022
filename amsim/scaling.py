"""Scaling laws from sweeps: where a trial-averaged variable crosses a level along an axis (with bootstrap resamples
over trials), and power-law or exponential fits of those thresholds with bootstrap intervals.

Typical use: a sweep over (size, load) gives a capacity per size; ``crossings`` finds it in each bootstrap resample
of the trials, ``fit`` fits ``y = c x^k`` (or ``y = c e^(k x)``) to every resample, and the interval of k is the
spread of the fitted exponents: the resamples are joint over the sizes, so the interval is that of the exponent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError


def crossing(x: np.ndarray, y: np.ndarray, level: float, log_x: bool = False) -> float:
    """First ``x`` where ``y`` crosses ``level`` (either way), interpolating linearly between grid points (in
    ``log x`` with ``log_x``); ``x[0]`` when ``y`` starts across it, NaN when it never crosses.

    Parameters
    ----------
    x : ndarray, (L,)
        Increasing grid.
    y : ndarray, (L,)
        Values on the grid; the side of ``level`` that ``y[0]`` is on is "before".
    level : float
    log_x : bool
        Interpolate in log x (geometric grids, quantities like a number of patterns).
    """
    x = np.asarray(x, dtype=np.float64)
    side = np.sign(np.asarray(y, dtype=np.float64) - level)
    if side[0] == 0:
        return float(x[0])
    across = np.flatnonzero(side != side[0])
    if across.size == 0:
        return float("nan")
    k = across[0]
    t = (level - y[k - 1]) / (y[k] - y[k - 1])
    u = np.log(x) if log_x else x
    value = u[k - 1] + t * (u[k] - u[k - 1])
    return float(np.exp(value) if log_x else value)


def crossings(ds: xr.Dataset, *, along: str, var: str, level: float, n_boot: int = 500, seed: int = 0,
              log_x: bool = False) -> xr.DataArray:
    """Where the mean of ``var`` over cues and trials crosses ``level`` along ``along``, for every combination of the
    other axes, in the data (sample 0) and in ``n_boot`` bootstrap resamples of the trials (samples 1 ..).

    A resample draws the trials with replacement once per combination of the other axes and uses the same draw
    at every point of ``along`` (the trials of a sweep point are independent networks; resampling whole curves
    keeps each curve's shape).

    Returns
    -------
    xr.DataArray
        Dimensions (the other axes..., ``sample``), ``sample`` of length ``n_boot + 1``; NaN where a curve does not
        cross.
    """
    if along not in ds.dims or var not in ds.data_vars or "trial" not in ds[var].dims:
        raise ValidationError(f"crossings: needs a '{along}' axis and a '{var}' variable with trials (got dims "
                              f"{tuple(ds.dims)}; variables {list(ds.data_vars)})")
    da = ds[var].astype(float)
    if "cue" in da.dims:
        da = da.mean("cue")
    da = da.transpose(..., along, "trial")
    rest = [d for d in da.dims if d not in (along, "trial")]
    x = ds[along].values
    curves = da.values.reshape(-1, len(x), da.sizes["trial"])
    rng = np.random.default_rng(seed)
    out = np.empty((len(curves), n_boot + 1))
    for c, curve in enumerate(curves):
        out[c, 0] = crossing(x, curve.mean(axis=-1), level, log_x)
        picks = rng.integers(0, curve.shape[-1], size=(n_boot, curve.shape[-1]))
        for b, pick in enumerate(picks, start=1):
            out[c, b] = crossing(x, curve[:, pick].mean(axis=-1), level, log_x)
    shape = [da.sizes[d] for d in rest]
    return xr.DataArray(out.reshape(*shape, n_boot + 1), dims=(*rest, "sample"),
                        coords={d: ds[d] for d in rest}, attrs={"long_name": f"{along} where mean {var} crosses "
                                                                f"{level:g}", "units": ds[along].attrs.get("units",
                                                                                                          "1")})


@dataclass(frozen=True)
class Fit:
    """A fitted law ``y = prefactor * x^exponent`` (power) or ``prefactor * exp(exponent x)`` (exponential), with
    the bootstrap interval of the exponent.

    Attributes
    ----------
    prefactor, exponent : float
        The least-squares fit of ``log y`` to the data (sample 0).
    low, high : float
        Percentile bounds of the exponent over the bootstrap samples (NaN ones left out).
    samples : ndarray, (S,)
        The exponent fitted to every bootstrap sample.
    """

    prefactor: float
    exponent: float
    low: float
    high: float
    samples: np.ndarray


def _line(u: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Least-squares intercept and slope of v on u (finite points only; NaN when fewer than two)."""
    ok = np.isfinite(u) & np.isfinite(v)
    if ok.sum() < 2:
        return float("nan"), float("nan")
    slope, intercept = np.polyfit(u[ok], v[ok], 1)
    return float(intercept), float(slope)


def fit(x: np.ndarray, y: np.ndarray, law: str = "power", confidence: float = 0.95) -> Fit:
    """Fit ``y = c x^k`` (``law="power"``: a line in log-log) or ``y = c e^(k x)`` (``"exponential"``: log y on x)
    to each column of samples.

    Parameters
    ----------
    x : ndarray, (L,)
        Positive sizes.
    y : ndarray, (L,) or (L, S)
        Positive values; with S columns (e.g. :func:`crossings` transposed), column 0 is the data and the others
        bootstrap samples, whose fits give the interval.
    law : {"power", "exponential"}
    confidence : float
        Coverage of the interval.
    """
    if law not in ("power", "exponential"):
        raise ValidationError(f"fit: law must be 'power' or 'exponential' (got {law!r})")
    y = np.asarray(y, dtype=np.float64)
    y = y[:, None] if y.ndim == 1 else y
    u = np.log(np.asarray(x, dtype=np.float64)) if law == "power" else np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(y)
    lines = [_line(u, logs[:, s]) for s in range(y.shape[1])]
    slopes = np.array([slope for _, slope in lines])
    tail = (1 - confidence) / 2
    boot = slopes[1:][np.isfinite(slopes[1:])]
    low, high = np.quantile(boot, [tail, 1 - tail]) if boot.size else (np.nan, np.nan)
    return Fit(float(np.exp(lines[0][0])), float(slopes[0]), float(low), float(high), slopes[1:])
