"""Figures of the Hopfield family: the (load, temperature) phase diagram with the replica-symmetric lines.

>>> from amsim.io import load_dataset
>>> from amsim.phase import retrieval_boundary
>>> from amsim.families.hopfield.figures import plot_phase_diagram
>>> ds = load_dataset("results/hopfield-phase-diagram.nc")                       # doctest: +SKIP
>>> plot_phase_diagram(ds, retrieval_boundary(ds), "phase-diagram.png")           # doctest: +SKIP
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import xarray as xr

from amsim.plotting import OKABE_ITO, SAMPLE_DIMS, axis_label, pyplot, save_figure, styled, theory_line


@styled
def plot_phase_diagram(ds: xr.Dataset, boundary: xr.Dataset, out: str | os.PathLike[str], *,
                       var: str = "overlap", freezing: xr.Dataset | None = None) -> Path:
    """The (load, temperature) phase diagram: simulated mean overlap, measured boundaries, and the RS lines.

    Parameters
    ----------
    ds : xr.Dataset
        Hopfield sweep over ``load`` and ``temperature`` (Glauber dynamics from the stored patterns).
    boundary : xr.Dataset
        `amsim.phase.retrieval_boundary` of ``ds`` (on ``load``).
    out : path
        PNG to write.
    var : str
        Variable drawn as the background colour (trial and cue mean).
    freezing : xr.Dataset, optional
        A second measured boundary on ``load``, drawn as squares: the freezing temperature from random starts,
        `amsim.phase.retrieval_boundary` of a ``hopfield.glass`` sweep with ``var="edwards_anderson"`` (to compare
        with T_g).

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
    from amsim.theory.hopfield_replica import global_minimum_load, retrieval_load, spin_glass_temperature

    plt = pyplot()
    mean = ds[var].mean([d for d in SAMPLE_DIMS if d in ds[var].dims]).transpose("temperature", "load")
    fig, ax = plt.subplots(figsize=(6.4, 6.2))
    mesh = ax.pcolormesh(ds["load"].values, ds["temperature"].values, mean.values, shading="nearest", vmin=0, vmax=1)
    fig.colorbar(mesh, ax=ax, label=f"mean {axis_label(ds[var])} (simulation)")
    top = max(float(ds["load"].max()) * 1.08, 0.145)  # show T_M reaching alpha_c = 0.138
    temps = np.linspace(0.0, 0.999, 80)
    loads = np.linspace(0.0, top, 80)
    ax.plot(loads, spin_glass_temperature(loads), **theory_line(ls="--", label="T_g = 1 + sqrt(alpha) (RS theory)"))
    ax.plot(retrieval_load(temps), temps, **theory_line(label="T_M: retrieval states exist below (RS theory)"))
    ax.plot(global_minimum_load(temps[::2]), temps[::2],
            **theory_line(ls=":", label="T_c: retrieval states are global minima below (RS theory)"))
    measured = [(boundary, "o", OKABE_ITO[1], "simulation from a pattern")]
    if freezing is not None:
        measured.append((freezing, "s", OKABE_ITO[4], "simulation from random states"))
    for found, marker, colour, text in measured:
        b = found["boundary"]
        ax.errorbar(found["load"].values, b.values,
                    yerr=[(b - found["boundary_low"]).values, (found["boundary_high"] - b).values], fmt=marker,
                    color=colour, ms=4, zorder=3, label=f"{text}: mean {found.attrs.get('var', var)} falls "
                                                         f"through {found.attrs.get('level', float('nan')):g}")
    ax.set_xlim(0, top)
    highest = max(float(f["boundary_high"].fillna(0).max()) for f, *_ in measured)
    ax.set_ylim(0, max(1.25, float(ds["temperature"].max()) + 0.05, highest + 0.1))
    ax.set_xlabel(axis_label(ds["load"]))
    ax.set_ylabel(axis_label(ds["temperature"]))
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13))  # below: the boundaries fill the axes
    ax.set_title(textwrap.fill(str(ds.attrs.get("title", "")), 70), fontsize=9)
    fig.tight_layout()
    return save_figure(fig, out, dpi=110)
