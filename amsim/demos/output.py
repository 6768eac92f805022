"""Where a demo's pictures go, and the window ``--show`` opens: every output checked before anything is computed,
PNGs and GIFs written atomically, figures kept open for the window or closed when there is none.

Figures are drawn with ``matplotlib.pyplot`` directly under :data:`amsim.plotting.STYLE` (``matplotlib.rc_context``),
not through :func:`amsim.plotting.styled`: that selects the Agg backend, which would close the windows of ``--show``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from amsim.exceptions import ValidationError
from amsim.io import atomic_write, prepare_output

#: Resolution of the demos' PNGs and GIF frames (small files a README can hold).
DPI = 90
#: GUI backends tried, in order, when ``--show`` finds a display.
WINDOW_BACKENDS = ("QtAgg", "TkAgg", "GTK4Agg", "GTK3Agg", "MacOSX", "WXAgg")


def display_available() -> bool:
    """Whether a window can open: always on macOS and Windows; elsewhere when ``DISPLAY`` or ``WAYLAND_DISPLAY`` is
    set."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def choose_backend(show: bool) -> str | None:
    """Select matplotlib's backend for a demo: a GUI one when ``show`` and one can start, else Agg.

    Returns
    -------
    str or None
        Why no window opens (``show`` asked for one but there is no display or no GUI toolkit), or None.
    """
    import matplotlib

    matplotlib.use("Agg")
    if not show:
        return None
    if not display_available():
        return "no display (DISPLAY and WAYLAND_DISPLAY are unset)"
    import matplotlib.pyplot as plt

    for backend in WINDOW_BACKENDS:
        try:
            plt.switch_backend(backend)
            plt.close(plt.figure())  # a toolkit that cannot reach the display fails here (Tk's TclError, ...)
            return None
        except Exception:  # noqa: BLE001 (each toolkit fails in its own way: ImportError, TclError, RuntimeError)
            continue
    plt.switch_backend("Agg")
    return "no GUI toolkit for matplotlib (install PyQt or tkinter)"


@dataclass
class Output:
    """The folder a demo writes into and the files it may write there.

    Attributes
    ----------
    folder : Path
        Output folder (made when the first file is written).
    names : tuple of str
        The file names the demo writes (``letters.png``, ``letters-recall.gif``, ...).
    overwrite : bool
        Whether existing files may be replaced.
    window : bool
        Figures stay open for a window (``--show`` with a display); otherwise each is closed once written.
    written : list of Path
        The files written so far, in order.
    """

    folder: Path
    names: tuple[str, ...]
    overwrite: bool = False
    window: bool = False
    written: list[Path] = field(default_factory=list)

    def check(self) -> None:
        """Refuse, before any work, a folder that is a file, an existing output without ``overwrite``, or a place
        that cannot be written (:func:`amsim.io.prepare_output`)."""
        if self.folder.exists() and not self.folder.is_dir():
            raise ValidationError(f"--out: must be a folder (got {os.fspath(self.folder)!r}, a file)")
        for name in self.names:
            path = self.folder / name
            prepare_output(path, path, overwrite=self.overwrite, suffixes=(path.suffix,))

    def _path(self, name: str) -> Path:
        if name not in self.names:  # a demo writes only what it declared (and what check() cleared)
            raise ValueError(f"demo output {name!r} is not declared (declared: {', '.join(self.names)})")
        return self.folder / name

    def png(self, fig: Any, name: str) -> Path:
        """Write ``fig`` to ``<folder>/<name>`` (PNG); close it unless a window will show it."""
        import matplotlib.pyplot as plt

        path = self._path(name)
        with atomic_write(path) as tmp:
            fig.savefig(tmp, dpi=DPI, format="png", bbox_inches="tight")
        if not self.window:
            plt.close(fig)
        self.written.append(path)
        return path

    def gif(self, frames: Sequence[np.ndarray], name: str, ms: int = 120, hold: int = 8) -> Path:
        """Write RGB frames (each (H, W, 3) uint8, one size) as an endlessly looping GIF, ``ms`` milliseconds each,
        the last shown ``hold`` times longer."""
        from PIL import Image

        path = self._path(name)
        images = [Image.fromarray(frame).convert("P", palette=Image.Palette.ADAPTIVE, colors=32) for frame in frames]
        durations = [ms] * (len(images) - 1) + [ms * hold]
        with atomic_write(path) as tmp:
            images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                           optimize=True)
        self.written.append(path)
        return path


def frame(fig: Any, close: bool = True) -> np.ndarray:
    """The pixels of ``fig`` as an RGB image, (H, W, 3) uint8, at :data:`DPI`; the figure is closed after when
    ``close``."""
    import matplotlib.pyplot as plt

    fig.set_dpi(DPI)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    if close:
        plt.close(fig)
    return pixels
