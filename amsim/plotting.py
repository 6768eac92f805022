"""Figures from result Datasets: trial means with standard errors against a swept axis, theory overlaid.

Labels come from each variable's ``long_name`` and ``units`` attributes; nothing here knows about a family.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.io import atomic_write
from amsim.params import did_you_mean

SAMPLE_DIMS = ("trial", "cue")


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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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
    out = Path(out)
    with atomic_write(out) as tmp:
        fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)
    return out
