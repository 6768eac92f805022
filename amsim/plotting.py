"""Figures from result Datasets: trial means with standard errors against an axis, theory drawn above them.

Labels come from each variable's ``long_name`` and ``units`` attributes; nothing here knows about a family.
A sweep names its theory (global attribute ``theory``); the figure evaluates that registered theory on a fine grid
of the x axis, refined where a curve ends (a retrieval state that disappears at alpha_c), and falls back to the
stored ``<var>_theory`` variables when it cannot. Every figure uses one colour-blind-safe style, set here
(:data:`STYLE`, :func:`styled`): the Okabe-Ito palette with a different marker for each series, theory in black
(or in its series' colour, dashed) above the data, legends outside the axes, units on every axis.

>>> from amsim.io import load_dataset
>>> from amsim.plotting import plot_dataset
>>> ds = load_dataset("results/sdm-attention.nc")                                            # doctest: +SKIP
>>> plot_dataset(ds, "attention.png", y=["overlap", "overlap_attention"], overlay=True)     # doctest: +SKIP
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import xarray as xr

from amsim import registry
from amsim.cards import check_keys
from amsim.exceptions import AmsimError, ValidationError
from amsim.io import atomic_write
from amsim.params import did_you_mean

SAMPLE_DIMS = ("trial", "cue")
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
"""Okabe & Ito's colour-blind-safe palette, less black (the theory's colour) and yellow (too pale on white)."""
MANY_SERIES = "viridis"  # more series than the palette has colours: a perceptually uniform, colour-blind-safe map
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
THEORY_COLOUR = "black"
STYLE = {
    "axes.prop_cycle": f"cycler('color', {list(OKABE_ITO)})",
    "image.cmap": "Blues",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 9,
    "axes.titlesize": 9,
    "figure.titlesize": 10,
    "legend.fontsize": 7.5,
    "legend.title_fontsize": 7.5,
    "errorbar.capsize": 2,
}
DPI = 115
FINE_POINTS = 64
DENSE_POINTS = 30  # more points than this along x: an error band instead of error bars
REFINE_ROUNDS, REFINE_POINTS = 4, 6  # where a curve ends, the grid gets (6 + 1)^4 = 2401 times finer
FIGURE_KEYS = ("x", "y", "overlay")
# what a theory may raise for inputs it cannot take; the figure then falls back to the stored curves
THEORY_ERRORS = (AmsimError, ArithmeticError, LookupError, TypeError, ValueError)

P = ParamSpec("P")
R = TypeVar("R")


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive Agg backend (figures are files; nothing opens a window)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def styled(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a figure function under :data:`STYLE` (the caller's own matplotlib settings are restored after)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with pyplot().rc_context(STYLE):
            return fn(*args, **kwargs)

    return wrapper


def series_colours(n: int) -> list[Any]:
    """``n`` colour-blind-safe colours: the Okabe-Ito palette, or evenly spaced viridis colours for more series."""
    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    cmap = pyplot().get_cmap(MANY_SERIES)
    return [cmap(v) for v in np.linspace(0.0, 0.9, n)]  # 0.9: viridis' last yellows are too pale on white


def theory_line(**kwargs: Any) -> dict[str, Any]:
    """Keywords of a theory line: above the data, with a white halo so that it stays visible over markers."""
    from matplotlib import patheffects

    return {"color": THEORY_COLOUR, "lw": 1.6, "zorder": 4,
            "path_effects": [patheffects.withStroke(linewidth=2.8, foreground="white")], **kwargs}


def save_figure(fig: Any, out: str | os.PathLike[str], dpi: int = DPI) -> Path:
    """Write ``fig`` to the PNG ``out`` atomically and close it; returns the path."""
    out = Path(out)
    with atomic_write(out) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
    pyplot().close(fig)
    return out


def axis_label(da: xr.DataArray, width: int = 48) -> str:
    """``long_name [units]`` (``[1]`` when dimensionless; no units for categories, a string coordinate), fit for
    an axis: a long name loses its parenthesised, ``:`` or ``;``-separated qualifications and wraps at ``width``
    characters."""
    name = str(da.attrs.get("long_name", da.name))
    if len(name) > width:
        name = re.split(r" \(|; |: ", name, maxsplit=1)[0] or name
    return textwrap.fill(name if _categorical(da) else f"{name} [{da.attrs.get('units') or '1'}]", width)


def figure_options(table: Any, where: str) -> dict[str, Any]:
    """A study's ``[figure]`` table, checked, as keywords of `plot_dataset`.

    Keys: ``x`` (coordinate on the horizontal axis), ``y`` (a variable or a list of them), ``overlay`` (true: all of
    ``y`` in one panel). Raises `ValidationError` naming ``where`` and the key.
    """
    if not isinstance(table, dict):
        raise ValidationError(f"{where}: must be a table (got {table!r}; allowed keys: {', '.join(FIGURE_KEYS)})")
    check_keys(table, FIGURE_KEYS, where)
    options = dict(table)
    if isinstance(options.get("y"), str):
        options["y"] = [options["y"]]
    for key, ok, allowed in (("x", lambda v: isinstance(v, str) and v, "a coordinate name"),
                             ("y", lambda v: isinstance(v, list) and v and all(isinstance(s, str) and s for s in v),
                              "a variable name or a list of them"),
                             ("overlay", lambda v: isinstance(v, bool), "true or false")):
        if key in options and not ok(options[key]):
            raise ValidationError(f"{where}: {key}: wrong type (got {table[key]!r}; allowed: {allowed})")
    return options


def _fmt(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _wrap(text: str, width: int = 44) -> str:
    return textwrap.fill(text, width)


def mean_and_error(da: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    """Mean of ``da`` over its sample dimensions (``trial``, ``cue``) and the standard error of that mean (zero
    without samples), both float64 on the remaining dimensions."""
    da = da.astype(float)
    sample = [d for d in SAMPLE_DIMS if d in da.dims]
    count = int(np.prod([da.sizes[d] for d in sample]))
    mean = da.mean(sample) if sample else da
    error = da.std(sample, ddof=1) / np.sqrt(count) if count > 1 else xr.zeros_like(mean)
    return mean, error


def _selections(da: xr.DataArray, x: str) -> list[dict[str, Any]]:
    """``{dim: value}`` for every combination of the values of ``da``'s dimensions other than ``x``."""
    dims = [str(d) for d in da.dims if d != x]
    combinations = itertools.product(*(da[d].values.tolist() for d in dims))
    return [dict(zip(dims, values, strict=True)) for values in combinations]


def _series_text(selection: dict[str, Any]) -> str:
    return ", ".join(f"{d} = {_fmt(v)}" for d, v in selection.items())


def _categorical(coord: xr.DataArray) -> bool:
    """Whether values are names (strings), drawn as categories, not numbers."""
    return coord.dtype.kind in "USO"


def _positions(coord: xr.DataArray, index: int, count: int) -> np.ndarray:
    """Where series ``index`` of ``count`` is drawn: the coordinate's values, or, for categories, their positions
    0, 1, ... shifted a little per series so that the error bars do not overlap."""
    if not _categorical(coord):
        return coord.values
    width = min(0.6 / count, 0.15)
    return np.arange(coord.size) + (index - (count - 1) / 2) * width


def fine_theory(evaluate: Callable[[np.ndarray], xr.Dataset], x: str, lo: float, hi: float,
                integer: bool = False) -> xr.Dataset:
    """A theory on a fine grid of ``x`` from ``lo`` to ``hi``, refined where a curve starts or stops being finite.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(grid) -> xr.Dataset`` with the theory on ``x`` = ``grid`` (float64, or int64 when ``integer``).
    x : str
        The coordinate the grid spans.
    lo, hi : float
        Grid ends, in the units of ``x``.
    integer : bool
        Integer grid points only (a count such as a number of stored items).

    Returns
    -------
    xr.Dataset
        The variables of ``evaluate``'s result that are numeric and 1-d on ``x``, sorted by ``x``: `FINE_POINTS`
        even points, plus `REFINE_ROUNDS` rounds of `REFINE_POINTS` points inside each interval where a variable
        turns from finite to NaN or back, so that a curve runs to where its theory ends (alpha_c), not to the last
        grid point before it.
    """
    grid = np.unique(np.round(np.linspace(lo, hi, FINE_POINTS)).astype(np.int64) if integer else
                     np.linspace(lo, hi, FINE_POINTS))

    def curves(points: np.ndarray) -> xr.Dataset:
        ds = evaluate(points)
        return ds[[v for v in ds.data_vars if ds[v].dims == (x,) and ds[v].dtype.kind in "fiu"]]

    theory = curves(grid)
    for _ in range(REFINE_ROUNDS):
        xs = theory[x].values
        finite = np.array([np.isfinite(theory[v].values) for v in theory.data_vars]).reshape(-1, xs.size)
        edges = np.flatnonzero((finite[:, :-1] != finite[:, 1:]).any(axis=0))
        extra = np.concatenate([np.linspace(xs[i], xs[i + 1], REFINE_POINTS + 2)[1:-1] for i in edges] or [[]])
        if integer:
            extra = np.setdiff1d(np.round(extra).astype(np.int64), xs)
        if not extra.size:
            break
        theory = xr.concat([theory, curves(extra)], dim=x).sortby(x)
    return theory


def _registered_theory(ds: xr.Dataset) -> registry.Theory | None:
    """The registered theory a sweep names in its ``theory`` attribute, if any."""
    name = ds.attrs.get("theory")
    try:
        return registry.theory(str(name)) if name else None
    except AmsimError:  # a theory from a plugin that is not loaded, or renamed since
        return None


def _base_inputs(ds: xr.Dataset, th: registry.Theory) -> dict[str, Any]:
    """The theory's inputs that the dataset's base parameters (``params_json``) give."""
    try:
        params = json.loads(str(ds.attrs.get("params_json", "{}")))
    except ValueError:
        return {}
    return {k: v for k, v in params.items() if k in th.inputs} if isinstance(params, dict) else {}


def _evaluator(th: registry.Theory, inputs: dict[str, Any], x: str, names: list[str] | None = None
               ) -> Callable[[np.ndarray], xr.Dataset]:
    """``grid -> th.fn(inputs, x=grid)``, keeping only ``names`` when given."""
    def evaluate(grid: np.ndarray) -> xr.Dataset:
        ds = th.fn(**{**inputs, x: grid})
        return ds[names] if names else ds

    return evaluate


def theory_curves(ds: xr.Dataset, name: str, x: str, selections: list[dict[str, Any]]
                  ) -> list[tuple[dict[str, Any] | None, xr.DataArray]]:
    """The theory of variable ``name`` against ``x``: ``(selection, curve)`` pairs, one per series selection (the
    series' ``{dim: value}``, as `_selections` gives them) when the theory depends on the series, or a single
    ``(None, curve)`` shared by every series.

    The registered theory the dataset names, on a fine grid of ``x`` (`fine_theory`), its other inputs from the
    series' values or the dataset's ``params_json``; else the stored ``<name>_theory`` on the dataset's grid; else
    no curve.
    """
    var = f"{name}_theory"
    th = _registered_theory(ds)
    keyed = [d for d in selections[0] if th is not None and d in th.inputs]
    if th is not None and x in th.inputs and not _categorical(ds[x]):
        base, cache = _base_inputs(ds, th), {}
        lo, hi, integer = float(ds[x].min()), float(ds[x].max()), ds[x].dtype.kind in "iu"
        try:
            for selection in selections if keyed else [{}]:
                key = tuple(selection[d] for d in keyed)
                if key not in cache:
                    evaluate = _evaluator(th, {**base, **{d: selection[d] for d in keyed}}, x, [var])
                    cache[key] = fine_theory(evaluate, x, lo, hi, integer)[var]
            if keyed:
                return [(s, cache[tuple(s[d] for d in keyed)]) for s in selections]
            return [(None, cache[()])]
        except THEORY_ERRORS:
            pass
    if var not in ds.data_vars or x not in ds[var].dims or not set(ds[var].dims) <= {x, *selections[0]}:
        return []
    stored = ds[var]
    keyed = [str(d) for d in stored.dims if d != x]
    if not keyed:
        return [(None, stored)]
    return [(s, stored.sel({d: s[d] for d in keyed})) for s in selections]


def _default_y(ds: xr.Dataset, x: str | None) -> list[str]:
    """``overlap`` and ``success`` where present, else the first sampled variable, among the variables that vary
    along ``x`` (or along anything but the samples)."""
    def varies(v: str) -> bool:
        dims = set(map(str, ds[v].dims))
        return x in dims if x else bool(dims - set(SAMPLE_DIMS))

    candidates = [str(v) for v in ds.data_vars if not str(v).endswith("_theory") and varies(str(v))]
    preferred = [v for v in ("overlap", "success") if v in candidates]
    sampled = [v for v in candidates if set(SAMPLE_DIMS) & set(ds[v].dims)]
    return preferred or sampled[:1] or candidates[:1]


def _check_axes(ds: xr.Dataset, x: str | None, y: list[str]) -> str:
    """The x coordinate (default: the first swept axis, else the first other dimension every ``y`` has), after
    checking that every ``y`` exists and varies along it."""
    if not y:  # nothing varies along the requested x: name what does
        others = [str(d) for d in ds.dims if d not in SAMPLE_DIMS]
        raise ValidationError(f"plot: --x must be a dimension, other than {' and '.join(SAMPLE_DIMS)}, of the "
                              f"variables (got {x!r}; allowed: " + (", ".join(others) or "none") + ")")
    for name in y:
        if name not in ds.data_vars:
            raise ValidationError(f"plot: unknown variable {name!r}" + did_you_mean(name, list(map(str, ds.data_vars))))
    shared = [str(d) for d in ds[y[0]].dims if d not in SAMPLE_DIMS and all(d in ds[v].dims for v in y)]
    swept = [str(a) for a in np.atleast_1d(ds.attrs.get("axes", [])) if a in shared]
    x = x or next(iter(swept + shared), None)
    if x is None or x not in shared:
        raise ValidationError(f"plot: --x must be a dimension, other than {' and '.join(SAMPLE_DIMS)}, of "
                              f"{', '.join(y)} (got {x!r}; allowed: "
                              + (", ".join(shared) or "none: no axis to plot against") + ")")
    return x


def _check_overlay(ds: xr.Dataset, y: list[str]) -> None:
    units = {name: ds[name].attrs.get("units") or "1" for name in y}
    if len(set(units.values())) > 1:
        raise ValidationError("plot: --overlay needs variables with the same units (got "
                              + ", ".join(f"{n} [{u}]" for n, u in units.items()) + "; allowed: one panel each)")


def _common_prefix(names: list[str]) -> str:
    """The whole words that all ``names`` start with (``""`` if none)."""
    prefix = os.path.commonprefix(names)
    if not all(len(n) == len(prefix) or not n[len(prefix)].isalnum() for n in names):
        prefix = prefix.rsplit(" ", 1)[0] if " " in prefix else ""
    return prefix.rstrip(" ,;:(")


def _figure_legend(fig: Any, title: str | None = None) -> Any:
    """One legend for all panels, outside the axes on the right: each label once, the data before the theory
    (told apart by being drawn above the data's zorder 2)."""
    entries: dict[str, Any] = {}
    for ax in fig.axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(text, handle)
    ordered = sorted(entries.items(), key=lambda item: getattr(item[1], "get_zorder", lambda: 2)() > 2)
    return fig.legend([h for _, h in ordered], [t for t, _ in ordered], loc="outside right upper", title=title)


def _figure_title(fig: Any, title: str, panels: int) -> None:
    """The title over the panels, left-aligned and wrapped to their width, clear of the legend on the right."""
    if title:
        fig.suptitle(_wrap(title, 50 * panels), x=0.01, ha="left")


def _format_x(ax: Any, coord: xr.DataArray) -> None:
    """Label the x axis; a categorical one gets its categories as tick labels, at positions 0, 1, ..."""
    if _categorical(coord):
        ax.set_xticks(np.arange(coord.size), [_fmt(v) for v in coord.values.tolist()])
        ax.set_xlim(-0.5, coord.size - 0.5)
        ax.grid(False, axis="x")
    ax.set_xlabel(axis_label(coord))


def _draw_data(ax: Any, coord: xr.DataArray, centre: np.ndarray, below: np.ndarray, above: np.ndarray, index: int,
               count: int, **keywords: Any) -> None:
    """One series of values with their error bars (``below`` and ``above`` the ``centre``): points at categories,
    a line with bars on a numeric axis, a line in a shaded band where the points are too dense for bars (a trace)."""
    x = _positions(coord, index, count)
    if not _categorical(coord) and coord.size > DENSE_POINTS:
        keywords.pop("marker")
        ax.plot(x, centre, lw=1.2, zorder=2, **keywords)
        ax.fill_between(x, centre - below, centre + above, color=keywords["color"], alpha=0.25, lw=0, zorder=1)
        return
    ax.errorbar(x, centre, yerr=[below, above], ms=3.5, lw=1, ls="none" if _categorical(coord) else "-", zorder=2,
                **keywords)


@styled
def dataset_figure(ds: xr.Dataset, *, x: str | None = None, y: list[str] | None = None,
                   overlay: bool = False) -> Any:
    """The figure `plot_dataset` writes (a ``matplotlib.figure.Figure``, for callers that add to it)."""
    plt = pyplot()
    y = list(y) if y else _default_y(ds, x)
    x = _check_axes(ds, x, y)
    if overlay:
        _check_overlay(ds, y)
    summaries = {name: mean_and_error(ds[name]) for name in y}
    selections = {name: _selections(summaries[name][0], x) for name in y}
    # a colour per series, or per variable in an overlay of single lines; markers follow the colours, except in an
    # overlay of series, where they tell the variables apart
    by_variable = overlay and all(len(selections[name]) == 1 for name in y)
    keys = list(dict.fromkeys(name if by_variable else _series_text(s) for name in y for s in selections[name]))
    colours = dict(zip(keys, series_colours(len(keys)), strict=True))
    long_names = {name: str(ds[name].attrs.get("long_name", name)) for name in y}
    common = _common_prefix(list(long_names.values())) if overlay else ""
    panels = [y] if overlay else [[name] for name in y]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels) + 2.4, 3.7), squeeze=False,
                             layout="constrained")
    for ax, names in zip(axes[0], panels, strict=True):
        lines = [(v, name, s) for v, name in enumerate(names) for s in selections[name]]
        for i, (v, name, selection) in enumerate(lines):
            key = name if by_variable else _series_text(selection)
            own = (long_names[name][len(common):].lstrip(" ,;:") or long_names[name]) if overlay else ""
            text = ", ".join(t for t in (own, _series_text(selection)) if t) or "simulation"
            marker = MARKERS[(v if overlay and not by_variable else keys.index(key)) % len(MARKERS)]
            mean, error = (s.sel(selection).values for s in summaries[name])
            _draw_data(ax, ds[x], mean, error, error, i, len(lines), color=colours[key], marker=marker,
                       label=_wrap(text))
        for name in names:
            _draw_theory(ax, ds, name, x, selections[name], colours, colours[name] if by_variable else None)
        _format_x(ax, ds[x])
        ax.set_ylabel(axis_label(ds[names[0]].assign_attrs(long_name=common) if common else ds[names[0]]))
    sampled = any(set(SAMPLE_DIMS) & set(ds[name].dims) for name in y)
    _figure_legend(fig, "simulation: mean ± standard error" if sampled else None)
    _figure_title(fig, str(ds.attrs.get("title", "")), len(panels))
    return fig


def _draw_theory(ax: Any, ds: xr.Dataset, name: str, x: str, selections: list[dict[str, Any]],
                 colours: dict[str, Any], own: Any) -> None:
    """Theory curves of ``name`` on ``ax``: one black line shared by all series (in ``own`` colour, dashed, in an
    overlay of variables), or one dashed line per series in its colour; a dotted line where a shared curve ends
    inside the axis; short bars at the categories of a categorical axis."""
    curves = theory_curves(ds, name, x, selections)
    for i, (selection, curve) in enumerate(curves):
        colour = colours.get(_series_text(selection), own) if selection is not None else own
        text = str(curve.attrs.get("long_name", f"{name}_theory"))
        if selection is not None and i == 0:  # one legend entry, in black, for the lines of every series
            ax.plot([], [], **theory_line(ls="--", label=_wrap(f"{text} (dashed, in each series' colour)")))
        keywords = theory_line(label=_wrap(text) if selection is None else None)
        if colour is not None:
            keywords.update(color=colour, ls="--")
        if _categorical(ds[x]):
            keywords.update(ls="none", marker="_", ms=16, mew=2)
            ax.plot(_positions(ds[x], 0, 1), curve.sel({x: ds[x].values}).values, **keywords)
            continue
        ax.plot(curve[x].values, curve.values, **keywords)
        finite = np.isfinite(curve.values)
        if selection is None and finite.any() and not finite[-1]:
            end = float(curve[x].values[np.flatnonzero(finite)[-1]])
            ax.axvline(end, color=keywords["color"], ls=":", lw=1, zorder=3, label=f"theory ends: {x} = {end:.4g}")


def plot_dataset(ds: xr.Dataset, out: str | os.PathLike[str], *, x: str | None = None, y: list[str] | None = None,
                 overlay: bool = False) -> Path:
    """Draw each variable in ``y`` against ``x``, one line per value of the variable's other dimensions.

    Parameters
    ----------
    ds : xr.Dataset
        A run or sweep result.
    out : path
        PNG to write.
    x : str, optional
        Coordinate on the horizontal axis: a swept axis, or another dimension of every ``y`` (e.g. ``sweep`` of a
        trace), not ``trial`` or ``cue``. A string coordinate (a learning ``rule``) is drawn as categories: points
        with error bars at the category positions. Default: the first swept axis, else the first such dimension.
    y : list of str, optional
        Variables to draw. Default: ``overlap`` and ``success`` where present, else the first sampled variable.
    overlay : bool
        All of ``y`` in one panel (they must share units), e.g. the SDM and attention reads; default one panel each.

    Returns
    -------
    Path
        The PNG written.

    Notes
    -----
    Sample dimensions (``trial``, ``cue``) are averaged, with the standard error of the mean as error bars. The
    theory of each variable (`theory_curves`) is drawn above the data: black when one curve serves every series
    (dotted where it ends inside the axis, e.g. at alpha_c), dashed in a series' colour when it depends on the
    series. One legend outside the axes serves every panel.
    """
    return save_figure(dataset_figure(ds, x=x, y=y, overlay=overlay), out)


@styled
def boundary_figure(found: xr.Dataset, *, theory: registry.Theory | None = None) -> Any:
    """The figure `plot_boundary` writes (a ``matplotlib.figure.Figure``)."""
    plt = pyplot()
    b = found["boundary"]
    if not b.dims:
        raise ValidationError(f"boundary: a figure needs a swept axis besides --along (got none besides "
                              f"{found.attrs.get('along')!r}; allowed: a dataset with two swept axes)")
    x = str(b.dims[0])
    selections = _selections(b, x)
    colours = dict(zip(map(_series_text, selections), series_colours(len(selections)), strict=True))
    fig, ax = plt.subplots(figsize=(6.6, 3.9), layout="constrained")
    level = f"{found.attrs['confidence']:.0%} " if "confidence" in found.attrs else ""
    for i, selection in enumerate(selections):
        point = found.sel(selection)
        centre = point["boundary"].values
        text = _series_text(selection) or "simulation"
        _draw_data(ax, found[x], centre, centre - point["boundary_low"].values, point["boundary_high"].values - centre,
                   i, len(selections), color=colours[_series_text(selection)], marker=MARKERS[i % len(MARKERS)],
                   label=_wrap(f"{text}: boundary, {level}bootstrap interval"))
        if theory is not None:
            _boundary_theory(ax, found, theory, x, selection, colours[_series_text(selection)] if selection else None)
    _format_x(ax, found[x])
    ax.set_ylabel(axis_label(b))
    _figure_legend(fig)
    return fig


def _boundary_theory(ax: Any, found: xr.Dataset, th: registry.Theory, x: str, selection: dict[str, Any],
                     colour: Any) -> None:
    """Every numeric variable of theory ``th`` on ``x`` (fine grid, or the categories), beside one series of a
    boundary; falls back to the theory variables stored in ``found``."""
    inputs = {d: v for d, v in selection.items() if d in th.inputs}
    try:
        if _categorical(found[x]):
            curves = th.fn(**inputs, **{x: found[x].values})
        else:
            curves = fine_theory(_evaluator(th, inputs, x), x, float(found[x].min()), float(found[x].max()),
                                 found[x].dtype.kind in "iu")
    except THEORY_ERRORS:
        curves = found.sel(selection).drop_vars(["boundary", "boundary_low", "boundary_high"])
    names = [v for v in curves.data_vars if curves[v].dims == (x,) and curves[v].dtype.kind in "fiu"]
    for name, style in zip(names, itertools.cycle(["-", "--", ":", "-."])):
        keywords = theory_line(ls=style, label=_wrap(str(curves[name].attrs.get("long_name", name))))
        if colour is not None:
            keywords["color"] = colour
        if _categorical(found[x]):
            keywords.update(ls="none", marker="_", ms=16, mew=2)
            ax.plot(np.arange(found[x].size), curves[name].values, **keywords)
        else:
            ax.plot(curves[x].values, curves[name].values, **keywords)


def plot_boundary(found: xr.Dataset, out: str | os.PathLike[str], *, theory: registry.Theory | None = None
                  ) -> Path:
    """A boundary (`amsim.phase.retrieval_boundary`) with its bootstrap interval against the remaining axis.

    Parameters
    ----------
    found : xr.Dataset
        ``boundary``, ``boundary_low``, ``boundary_high`` on one or more axes: the first is the horizontal axis
        (categories when it is a string coordinate), the others give one series each.
    out : path
        PNG to write.
    theory : amsim.registry.Theory, optional
        A registered theory whose inputs include the horizontal axis: each of its numeric variables is drawn
        beside the boundary, on a fine grid of that axis (on the categories for a categorical axis).

    Returns
    -------
    Path
        The PNG written.

    Raises
    ------
    ValidationError
        If the boundary has no axis left (the dataset had only the one crossed).
    """
    return save_figure(boundary_figure(found, theory=theory), out)


@styled
def finite_size_figure(result: xr.Dataset, *, reference: float | None = None, reference_label: str = "") -> Any:
    """The figure `plot_finite_size` writes (a ``matplotlib.figure.Figure``)."""
    plt = pyplot()
    size = result["boundary"].dims[0]
    exponent = float(result.attrs["exponent"])
    x = result[size].values.astype(float) ** -exponent
    b = result["boundary"]
    fig, ax = plt.subplots(figsize=(7.6, 4.2), layout="constrained")
    ax.errorbar(x, b.values, yerr=[(b - result["boundary_low"]).values, (result["boundary_high"] - b).values],
                fmt="o", ms=4, color=OKABE_ITO[0], zorder=2, label="simulation (95% bootstrap interval)")
    for xi, yi, n in zip(x, b.values, result[size].values, strict=True):
        ax.annotate(f"N={int(n)}", (xi, yi), textcoords="offset points", xytext=(4, -10), fontsize=7)
    grid = np.linspace(0.0, x.max() * 1.05, 50)
    value = float(result["extrapolated"])
    ax.plot(grid, value + float(result["slope"]) * grid, **theory_line(color=OKABE_ITO[1], lw=1.2, zorder=3,
                                                                        label=f"fit {result.attrs['ansatz']}"))
    low, high = float(result["extrapolated_low"]), float(result["extrapolated_high"])
    ax.errorbar([0.0], [value], yerr=[[value - low], [high - value]], fmt="s", color=OKABE_ITO[1], capsize=3,
                zorder=4, label=f"extrapolation {value:.4f} [{low:.4f}, {high:.4f}]")
    if reference is not None:
        ax.axhline(reference, **theory_line(ls=":", lw=1.2, label=reference_label or f"{reference:g}"))
    ax.set_xlabel(f"N^-{exponent:g}, N = {result[size].attrs.get('long_name', size)} [1]")
    ax.set_ylabel(axis_label(b, 50))
    ax.set_xlim(left=-0.002)
    _figure_legend(fig)
    return fig


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
    return save_figure(finite_size_figure(result, reference=reference, reference_label=reference_label), out,
                       dpi=110)
