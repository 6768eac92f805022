"""Observables computed from result Datasets: success fractions and capacity with a confidence interval."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.io import label

SAMPLE_DIMS = ("trial", "cue")


def crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """First ``x`` where ``y`` falls through ``level``, by linear interpolation between grid points.

    Parameters
    ----------
    x : ndarray, (L,) float
        Increasing grid (e.g. loads).
    y : ndarray, (L,) float
        Values on the grid (e.g. success fractions), expected to decrease through ``level``.

    Returns
    -------
    float
        The interpolated crossing; ``x[0]`` if ``y`` starts below ``level``, NaN if it never falls below.
    """
    below = np.flatnonzero(y < level)
    if below.size == 0:
        return float("nan")
    k = below[0]
    if k == 0:
        return float(x[0])
    x0, x1, y0, y1 = x[k - 1], x[k], y[k - 1], y[k]
    return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1))


def capacity(ds: xr.Dataset, *, along: str = "load", var: str = "success", level: float = 0.5,
             n_boot: int = 500, confidence: float = 0.95, seed: int = 0) -> xr.Dataset:
    """Capacity: the value of ``along`` where the mean of ``var`` falls through ``level``.

    The mean is taken over the cues and trials at each grid point; the confidence interval comes from a
    bootstrap over trials (whole networks), resampled independently at each grid point.

    Parameters
    ----------
    ds : xr.Dataset
        Sweep result with dimensions (``along``, other axes..., trial[, cue]).
    along, var, level
        Grid coordinate, success-like variable in [0, 1], and the level defining the capacity.
    n_boot, confidence, seed
        Bootstrap resamples, interval coverage, and bootstrap seed.

    Returns
    -------
    xr.Dataset
        ``capacity``, ``capacity_low``, ``capacity_high`` over the remaining axes.
    """
    if along not in ds.dims or var not in ds.data_vars or "trial" not in ds[var].dims:
        raise ValidationError(f"capacity: needs a '{along}' axis and a '{var}' variable with trials "
                              f"(got dims {tuple(ds.dims)}; variables {list(ds.data_vars)})")
    da = ds[var].astype(float)
    if "cue" in da.dims:
        da = da.mean("cue")
    da = da.transpose(..., along, "trial")
    x = ds[along].values
    values = da.values.reshape(-1, len(x), da.sizes["trial"])
    rng = np.random.default_rng(seed)
    trials = values.shape[-1]
    tail = (1 - confidence) / 2
    est, low, high = [], [], []
    for series in values:
        est.append(crossing(x, series.mean(-1), level))
        picks = rng.integers(0, trials, size=(n_boot, len(x), trials))
        boot = np.take_along_axis(np.broadcast_to(series, picks.shape), picks, axis=-1).mean(-1)
        samples = np.array([crossing(x, b, level) for b in boot])
        lo, hi = np.nanquantile(samples, [tail, 1 - tail]) if np.isfinite(samples).any() else (np.nan, np.nan)
        low.append(lo)
        high.append(hi)
    rest = [d for d in da.dims if d not in (along, "trial")]
    shape = [da.sizes[d] for d in rest]
    coords = {d: ds[d] for d in rest}
    units = ds[along].attrs.get("units", "1")

    def out(v: list[float], name: str) -> xr.DataArray:
        return label(xr.DataArray(np.reshape(v, shape), dims=rest, coords=coords), name, units)

    return xr.Dataset({"capacity": out(est, f"{along} where mean {var} falls through {level:g}"),
                       "capacity_low": out(low, f"lower {confidence:.0%} bootstrap bound"),
                       "capacity_high": out(high, f"upper {confidence:.0%} bootstrap bound")})


def falling_axis(ds: xr.Dataset, var: str, level: float) -> tuple[str, int, int]:
    """The swept axis along which the trial mean of ``var`` falls through ``level`` at the most points of the
    other axes (a share of them; the first such axis on a tie): the natural ``along`` of a boundary.

    Parameters
    ----------
    ds : xr.Dataset
        Sweep result with ``var`` on (swept axes..., trial[, cue]).
    var, level
        Order parameter and the level it falls through.

    Returns
    -------
    axis, crossings, points : str, int, int
        The axis, and at how many of the points of the other axes the mean falls through ``level`` along it.

    Raises
    ------
    ValidationError
        If ``var`` has no numeric swept axis with at least two values.
    """
    mean = ds[var].astype(float)
    mean = mean.mean([d for d in SAMPLE_DIMS if d in mean.dims])
    candidates = [str(d) for d in mean.dims if ds[d].dtype.kind in "iuf" and ds.sizes[d] > 1]
    if not candidates:
        raise ValidationError(f"boundary: {var!r} has no numeric swept axis with two or more values to cross (got "
                              f"dims {tuple(ds[var].dims)})")
    best = ("", -1, 1)
    for axis in candidates:
        m = mean.transpose(..., axis).values.reshape(-1, ds.sizes[axis])
        crossings = int(np.sum(((m[:, :-1] >= level) & (m[:, 1:] < level)).any(axis=1)))
        if crossings * best[2] > best[1] * len(m):
            best = (axis, crossings, len(m))
    return best
