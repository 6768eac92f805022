"""Helpers for the lessons in ``analysis/lessons``: draw ±1 patterns and sparse distributed representations as
small images, and save a lesson's figures as PNGs when asked to.

A lesson draws in amsim's style (:func:`use_style`) and saves each figure with :func:`save_figure`, which writes
``<name>.png`` into the folder named by the environment variable ``AMSIM_LESSON_FIGURES`` and does nothing when it
is unset (as in class and in the tests), so ``python scripts/lessons.py run --figures`` renders every lesson's
figures from the notebooks themselves.

>>> from amsim import datasets
>>> from amsim.classroom import show_patterns
>>> abc = datasets.letters("ABC")
>>> fig = show_patterns(abc.patterns, abc.shape, abc.names)      # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FIGURES_ENV", "draw_sdr", "save_figure", "show_patterns", "use_style"]

#: Environment variable naming the folder where :func:`save_figure` writes the lessons' PNGs.
FIGURES_ENV = "AMSIM_LESSON_FIGURES"
#: Resolution of the saved PNGs (small files for the repository).
DPI = 80
_FONT_POINTS = 7
_LINE_INCHES = 1.25 * _FONT_POINTS / 72  # one line of an image's title
_PAD_INCHES = 0.04
_TITLE_INCHES = 0.3  # the figure's title


def show_patterns(states: np.ndarray, shape: tuple[int, int], titles: Sequence[str] = (), *, columns: int = 13,
                  size: float = 0.8, title: str | None = None) -> Any:
    """Draw ±1 states as images side by side, ink (+1) black and paper (-1) white, each with an optional title.

    Parameters
    ----------
    states : ndarray, (B, N) or (N,), ±1
        The states, each flattened row by row from an image of ``shape`` (N = rows x columns).
    shape : (rows, columns)
        Image shape of one state (``PatternSet.shape``).
    titles : sequence of str, optional
        One title per state (may hold line breaks).
    columns : int
        Images per row of the figure; more states wrap onto further rows.
    size : float
        Size of the longer side of one image, in inches.
    title : str, optional
        Title of the whole figure.

    Returns
    -------
    matplotlib.figure.Figure
        One axes holding every image (one axes per image would make large sets slow to draw).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    states = np.atleast_2d(states)
    height, width = shape
    columns = max(1, min(columns, len(states)))
    rows = math.ceil(len(states) / columns)
    inch = size / max(shape)  # inches per pixel
    lines = max((str(t).count("\n") + 1 for t in titles), default=0)
    band = (lines * _LINE_INCHES + _PAD_INCHES) / inch  # title space above each image, in pixels
    pitch_x, pitch_y = width + 1, height + band + 1
    top = _TITLE_INCHES if title else 0.0
    fig = plt.figure(figsize=(columns * pitch_x * inch, rows * pitch_y * inch + top))
    ax = fig.add_axes((0, 0, 1, 1 - top / fig.get_figheight()))
    for k, state in enumerate(states):
        r, c = divmod(k, columns)
        x0, y0 = c * pitch_x + 0.5, r * pitch_y + band
        ax.imshow(state.reshape(shape), cmap="gray_r", vmin=-1, vmax=1, interpolation="nearest",
                  extent=(x0, x0 + width, y0 + height, y0))
        ax.add_patch(Rectangle((x0, y0), width, height, fill=False, lw=0.6, ec="0.6"))
        if k < len(titles):
            ax.text(x0 + width / 2, y0 - _PAD_INCHES / 2 / inch, titles[k], ha="center", va="bottom",
                    fontsize=_FONT_POINTS, linespacing=1.1)
    ax.set(xlim=(0, columns * pitch_x), ylim=(rows * pitch_y, 0), aspect="auto")
    ax.set_axis_off()
    if title:
        fig.suptitle(title, fontsize=_FONT_POINTS + 2, y=1 - 0.1 * top / fig.get_figheight())
    return fig


#: Cell colours of :func:`draw_sdr`: off, active, active in both (overlap), active only in the reference. Okabe-Ito
#: blue and vermillion, so the overlap reads in every common colour-vision deficiency.
SDR_COLOURS = ("white", "#0072B2", "#D55E00", "0.82")


def draw_sdr(sdrs: Any, n_bits: int, shape: tuple[int, int] | None = None, titles: Sequence[str] = (), *,
             reference: Any = None, columns: int = 4, size: float = 1.6, title: str | None = None,
             axes: Sequence[Any] | None = None) -> Any:
    """Draw sparse distributed representations (SDRs) as grids of cells, the active bits filled; with a
    ``reference`` SDR, the bits active in both are drawn in a second colour and those active only in the reference
    in grey, so the overlap can be counted by eye.

    Parameters
    ----------
    sdrs : array_like, (B, a) integer index sets, or (B, n_bits) / (n_bits,) 0/1 bitmaps
        The SDRs (index sets as ``amsim.patterns.random_sdrs`` draws them; bitmaps as ``sdr_bits`` makes them).
    n_bits : int
        SDR size n.
    shape : (rows, columns), optional
        Grid of one SDR (rows x columns = n_bits); a near-square grid by default.
    titles : sequence of str, optional
        One title per SDR.
    reference : array_like, (a,) index set or (n_bits,) 0/1 bitmap, optional
        The SDR each one is compared with.
    columns : int
        SDRs per row of the figure.
    size : float
        Width of one grid, in inches.
    title : str, optional
        Title of the whole figure.
    axes : sequence of matplotlib Axes, optional
        Draw into these, one per SDR, instead of a new figure (``columns``, ``size`` and ``title`` are then unused).

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the one holding ``axes``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    bits = _sdr_bitmaps(sdrs, n_bits)
    if shape is None:
        width = math.ceil(math.sqrt(n_bits))
        shape = (math.ceil(n_bits / width), width)
    if shape[0] * shape[1] < n_bits:
        raise ValueError(f"draw_sdr: shape {shape} has fewer than n_bits = {n_bits} cells")
    ref = None if reference is None else _sdr_bitmaps(reference, n_bits)[0]
    new = axes is None
    if new:
        columns = max(1, min(columns, len(bits)))
        rows = math.ceil(len(bits) / columns)
        height = size * shape[0] / shape[1]
        fig, grid = plt.subplots(rows, columns, squeeze=False,
                                 figsize=(columns * size, rows * (height + 0.3) + (0.3 if title else 0)))
        axes = list(grid.flat)
    elif len(axes) < len(bits):
        raise ValueError(f"draw_sdr: {len(axes)} axes for {len(bits)} SDRs")
    else:
        fig = axes[0].figure
    cells = np.zeros(shape[0] * shape[1], np.int8)
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k >= len(bits):
            continue
        cells[:] = 0
        cells[:n_bits] = bits[k]
        if ref is not None:  # 2: active in both; 3: active only in the reference
            cells[:n_bits][(bits[k] == 1) & (ref == 1)] = 2
            cells[:n_bits][(bits[k] == 0) & (ref == 1)] = 3
        ax.imshow(cells.reshape(shape), cmap=ListedColormap(SDR_COLOURS), vmin=0, vmax=3, interpolation="nearest")
        ax.add_patch(plt.Rectangle((-0.5, -0.5), shape[1], shape[0], fill=False, lw=0.6, ec="0.6", clip_on=False))
        if k < len(titles):
            ax.set_title(titles[k], fontsize=_FONT_POINTS + 1)
    if new:
        if title:
            fig.suptitle(title, fontsize=_FONT_POINTS + 2)
        fig.tight_layout()
    return fig


def _sdr_bitmaps(sdrs: Any, n_bits: int) -> np.ndarray:
    """SDRs given as index sets (B, a) or (a,) or as 0/1 bitmaps (B, n_bits) or (n_bits,): bitmaps (B, n_bits) uint8."""
    from amsim.patterns import sdr_bits

    a = np.atleast_2d(np.asarray(sdrs))
    if a.shape[1] == n_bits and ((a == 0) | (a == 1)).all():
        return a.astype(np.uint8)
    if a.dtype.kind not in "iu":
        raise ValueError(f"draw_sdr: SDRs must be integer index sets or 0/1 bitmaps of {n_bits} bits "
                         f"(got {a.dtype} shape {a.shape})")
    return sdr_bits(a, n_bits)


def use_style() -> None:
    """Draw every later figure in amsim's style (:data:`amsim.plotting.STYLE`: the Okabe-Ito colour-blind-safe
    palette, a light grid, small fonts), as the command line's figures are."""
    import matplotlib.pyplot as plt

    from amsim.plotting import STYLE

    plt.rcParams.update(STYLE)


def save_figure(fig: Any, name: str) -> None:
    """Save ``fig`` as ``<name>.png`` in the folder named by ``AMSIM_LESSON_FIGURES``; nothing when it is unset.

    Returns nothing, so that a notebook cell ending with it shows only the figure.
    """
    folder = os.environ.get(FIGURES_ENV)
    if folder:
        path = Path(folder) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=DPI, bbox_inches="tight")
