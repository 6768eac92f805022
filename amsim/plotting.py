"""Figures from result Datasets: trial means with standard errors against a swept axis, theory overlaid.

Labels come from each variable's ``long_name`` and ``units`` attributes; nothing here knows about a family.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.io import atomic_write
from amsim.params import did_you_mean

SAMPLE_DIMS = ("trial", "cue")


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive Agg backend (figures are files; nothing opens a window)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, out: str | os.PathLike[str], dpi: int = 120) -> Path:
    """Write ``fig`` to the PNG ``out`` atomically and close it; returns the path."""
    out = Path(out)
    with atomic_write(out) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
    pyplot().close(fig)
    return out


def axis_label(da: xr.DataArray, width: int = 48) -> str:
    """``long_name [units]`` (units omitted when dimensionless), fit for an axis: a long name loses its
    parenthesised or ``;``-separated qualifications and wraps at ``width`` characters."""
    name = str(da.attrs.get("long_name", da.name))
    if len(name) > width:
        name = re.split(r" \(|; ", name, maxsplit=1)[0] or name
    units = da.attrs.get("units", "1")
    return textwrap.fill(f"{name} [{units}]" if units not in ("1", "") else name, width)


def _fmt(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _default_y(ds: xr.Dataset) -> list[str]:
    preferred = [v for v in ("overlap", "success") if v in ds.data_vars]
    sampled = [str(v) for v in ds.data_vars if set(SAMPLE_DIMS) & set(ds[v].dims)]
    return preferred or sampled[:1] or [str(v) for v in ds.data_vars][:1]


def plot_dataset(ds: xr.Dataset, out: str | os.PathLike[str], *, x: str | None = None,
                 y: list[str] | None = None) -> Path:
    """Draw each variable in ``y`` against coordinate ``x``, one line per value of the other swept axes.

    Sample dimensions (``trial``, ``cue``) are averaged, with the standard error of the mean as error bars;
    a variable ``<y>_theory`` is drawn as a black line (dashed in each series' colour when it varies with the
    other axes too), and its ``alpha_c`` attribute (or the dataset's) as a dotted vertical line.

    Returns
    -------
    Path
        The PNG written.
    """
    plt = pyplot()
    axes_dims = [d for d in ds.dims if d not in SAMPLE_DIMS]
    x = x or (axes_dims[0] if axes_dims else None)
    if x is None or x not in ds.dims:
        raise ValidationError(f"plot: --x must be a swept coordinate (got {x!r}; allowed: "
                              + (", ".join(map(str, axes_dims)) or "none: this dataset has no swept axis") + ")")
    y = y or _default_y(ds)
    for name in y:
        if name not in ds.data_vars:
            raise ValidationError(f"plot: unknown variable {name!r}" + did_you_mean(name, list(map(str, ds.data_vars))))
    series_dims = [d for d in axes_dims if d != x]
    fig, panels = plt.subplots(1, len(y), figsize=(5.5 * len(y), 4.2), squeeze=False)
    for ax, name in zip(panels[0], y, strict=True):
        da = ds[name].astype(float)
        sample = [d for d in SAMPLE_DIMS if d in da.dims]
        mean = da.mean(sample) if sample else da
        count = int(np.prod([da.sizes[d] for d in sample])) if sample else 1
        sem = da.std(sample, ddof=1) / np.sqrt(count) if count > 1 else xr.zeros_like(mean)
        stacked = mean.stack(series=series_dims) if series_dims else mean.expand_dims(series=[0])
        errors = sem.stack(series=series_dims) if series_dims else sem.expand_dims(series=[0])
        theory = f"{name}_theory"
        th = ds[theory] if theory in ds.data_vars and x in ds[theory].dims and \
            set(ds[theory].dims) <= {x, *series_dims} else None
        per_series = th is not None and th.dims != (x,)
        if per_series:
            th_lines = th.broadcast_like(mean).transpose(*mean.dims).stack(series=series_dims)
        for i in range(stacked.sizes["series"]):
            line = stacked.isel(series=i)
            text = ", ".join(f"{d} = {_fmt(line[d].item())}" for d in series_dims) or name
            drawn = ax.errorbar(ds[x].values, line.values, yerr=errors.isel(series=i).values, marker="o", ms=3,
                                capsize=2, lw=1, label=text)
            if per_series:
                ax.plot(ds[x].values, th_lines.isel(series=i).values, "--", color=drawn[0].get_color(), lw=1.5)
        if per_series:  # one legend entry for all the dashed theory lines
            ax.plot([], [], "k--", label=th.attrs.get("long_name", theory) + " (dashed)")
        elif th is not None:
            ax.plot(ds[x].values, th.values, "k-", lw=2, label=th.attrs.get("long_name", theory))
        critical = ds[theory].attrs.get("alpha_c") if theory in ds.data_vars else ds.attrs.get("alpha_c")
        if critical is not None and x == "load":
            ax.axvline(float(critical), color="k", ls=":", lw=1, label=f"alpha_c = {float(critical):.4f} (theory)")
        ax.set_xlabel(axis_label(ds[x]))
        ax.set_ylabel(axis_label(ds[name]))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(str(ds.attrs.get("title", "")), fontsize=10)
    fig.tight_layout()
    return save_figure(fig, out)


def plot_finite_size(result: xr.Dataset, out: str | os.PathLike[str], *, reference: float | None = None,
                     reference_label: str = "") -> Path:
    """Boundary against ``N^-exponent`` with its fit and extrapolation (`amsim.phase.finite_size_extrapolation`).

    Parameters
    ----------
    result : xr.Dataset
        Output of `amsim.phase.finite_size_extrapolation`.
    out : path
        PNG to write.
    reference, reference_label
        Optional value to draw as a horizontal line (e.g. the replica-symmetric alpha_c) and its legend text.

    Returns
    -------
    Path
        The PNG written.
    """
    plt = pyplot()
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
    return save_figure(fig, out, dpi=110)
