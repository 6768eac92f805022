"""One line per variable of a result Dataset, with units: what ``amsim run`` prints after a run.

A sampled variable (over trials and cues) reads as its mean with the standard error; a true/false one as the
fraction that is true; a flag variable (``flag_values``/``flag_meanings``, e.g. the compute engine) by its
meaning; a size in bytes in KiB/MiB/GiB; a scalar as itself, with its units.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.resources import format_bytes

SAMPLE_DIMS = ("trial", "cue")


def _with_units(text: str, units: str) -> str:
    return text if units in ("1", "") else f"{text} {units}"


def describe_variable(da: xr.DataArray) -> str:
    """The value part of a summary line, e.g. ``0.9981 ± 0.0012 (mean ± s.e. of 200)`` or ``patterns``."""
    units = str(da.attrs.get("units", "1"))
    meanings = str(da.attrs.get("flag_meanings", "")).split()
    values = list(np.atleast_1d(da.attrs.get("flag_values", [])))
    if meanings and da.ndim == 0 and da.item() in values:
        return meanings[values.index(da.item())]
    if units == "B" and da.ndim == 0:
        return format_bytes(float(da))
    sample = [d for d in da.dims if d in SAMPLE_DIMS]
    if da.dtype.kind == "b":
        if da.ndim == 0:
            return "yes" if bool(da) else "no"
        return f"{float(da.mean()):.1%} of {da.size}"
    if da.ndim == 0:
        return _with_units(f"{float(da):.6g}", units)
    count = int(np.prod([da.sizes[d] for d in sample])) if sample else 0
    mean = float(da.mean())
    if count > 1 and da.ndim == len(sample):
        sem = float(da.std(ddof=1)) / np.sqrt(count)
        return _with_units(f"{mean:.4g} ± {sem:.2g}", units) + f" (mean ± s.e. of {count})"
    over = " x ".join(f"{da.sizes[d]} {d}" for d in da.dims)
    return _with_units(f"{mean:.4g}", units) + f" (mean over {over})"


def summarize(ds: xr.Dataset, width: int = 45) -> list[str]:
    """``long_name  value  (name)`` for each numeric or boolean data variable of ``ds``."""
    lines = []
    for name, da in ds.data_vars.items():
        if da.dtype.kind in "fiub" and da.size:
            long_name = str(da.attrs.get("long_name", name))
            lines.append(f"{long_name:{width}s} {describe_variable(da)}  ({name})")
    return lines
