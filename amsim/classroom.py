"""Helpers for the lessons in ``analysis/lessons``: draw ±1 patterns as small images, and save a lesson's figures
as PNGs when asked to.

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

__all__ = ["FIGURES_ENV", "save_figure", "show_patterns", "use_style"]

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
