"""``amsim demo sparsey``: Rinkus' Sparsey (2014) learns a sparse distributed code for each input in a single
trial; the code of a variant keeps the stored code's winners in step with the input's familiarity, a new input
gets a random code, and as the field fills new inputs start to look familiar (crosstalk). The GIF turns a stored
input into a new one bit by bit and shows the code the field retrieves for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from amsim.demos.dendrites import morph
from amsim.demos.output import Output, frame

OUTPUTS = ("sparsey.png", "sparsey-morph.gif")
#: The coding field: N input bits (26 active, 10%), Q competitive modules (CMs) of K units.
FIELD = {"input_bits": 256, "modules": 32, "units": 16, "activity": 0.1}
LEARNED = 30  # inputs learned before the codes are drawn
MOVED = (6, 13)  # active bits moved in the two variants drawn (of 26)
SWAPS = np.round(np.linspace(0, 1, 9), 3)
STORED = np.array([10, 20, 40, 60, 80, 120, 160])
TRIALS = 2


def code_bits(code: np.ndarray, units: int) -> np.ndarray:
    """A code (Q,) of winners as a (K, Q) grid of 0/1, flattened row by row: unit k of CM q is row k, column q."""
    grid = np.zeros((units, code.size), np.uint8)
    grid[code, np.arange(code.size)] = 1
    return grid.ravel()


def run(out: Output, *, seed: int, backend: str) -> list[Path]:
    """Draw the codes of a stored input, two variants and a new input, the code intersection and familiarity
    against the input overlap (``sparsey.similarity``) and crosstalk against the number learned
    (``sparsey.recall``) in ``sparsey.png``, and the code retrieved while a stored input turns into a new one
    (``sparsey-morph.gif``); print the numbers."""
    import matplotlib.pyplot as plt

    import amsim
    from amsim.classroom import draw_sdr
    from amsim.families.sparsey import Sparsey
    from amsim.patterns import random_sdrs, sdr_bits, swap_active
    from amsim.plotting import STYLE

    rng = np.random.default_rng(seed)
    n, q, k = FIELD["input_bits"], FIELD["modules"], FIELD["units"]
    active = round(FIELD["activity"] * n)
    field = Sparsey(input_bits=n, modules=q, units=k, backend=backend, random_state=rng)
    items = random_sdrs(LEARNED, n, active, rng)
    learned = field.learn(sdr_bits(items, n))
    inputs = [items[:1]] + [swap_active(items[:1], n, m, rng) for m in MOVED] + [random_sdrs(1, n, active, rng)]
    codes, familiarity = field.encode(sdr_bits(np.concatenate(inputs), n))
    names = ["stored input", *(f"{m} of {active} bits moved" for m in MOVED), "new input"]
    for name, code, g in zip(names, codes, familiarity, strict=True):
        print(f"{name:22s} familiarity G = {g:.2f}, {int((code == learned[0]).sum()):2d} of {q} winners as stored")
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(9, 5.6), layout="constrained")
        top = fig.subfigures(2, 1, height_ratios=[0.75, 1.35])
        draw_sdr(np.array([code_bits(c, k) for c in codes]), k * q, (k, q),
                 [f"{name}\nG = {g:.2f}, {int((c == learned[0]).sum())}/{q} winners kept"
                  for name, c, g in zip(names, codes, familiarity, strict=True)],
                 reference=code_bits(learned[0], k), axes=top[0].subplots(1, 4))
        top[0].suptitle(f"Codes in a field of {q} CMs x {k} units (columns: CMs), one trial each for {LEARNED} "
                        "inputs; vermillion: the stored code's winners kept", fontsize=9)
        left, right = top[1].subplots(1, 2)
        settings = {**FIELD, "n_stored": 20}
        runs = [amsim.run("sparsey.similarity", {**settings, "swap": float(swap)}, trials=TRIALS, seed=seed,
                          backend=backend) for swap in SWAPS]
        _curves(left, 1 - SWAPS, runs, {"code_intersection": "CMs whose winner is the stored code's",
                                         "familiarity": "familiarity G of the variant"})
        left.axhline(1 / k, color="0.4", ls=":", lw=1)
        left.text(0.7, 1 / k + 0.02, "chance 1/K", fontsize=7, color="0.4")
        left.set(xlabel="input overlap with the stored input [1]", ylabel="fraction of CMs; familiarity G [1]",
                 title="Similar inputs, similar codes")
        runs = [amsim.run("sparsey.recall", {**settings, "n_stored": int(count), "cues": 20}, trials=TRIALS,
                          seed=seed, backend=backend) for count in STORED]
        crosstalk = _curves(right, STORED, runs, {"code_overlap": "CMs retrieved right (stored inputs)",
                                                   "novel_familiarity": "familiarity G of a new input"})
        right.axhline(0.9, color="0.4", ls=":", lw=1)
        right.text(STORED[0], 0.86, "recognition threshold G = 0.9", fontsize=7, color="0.4")
        right.set(xlabel="inputs learned [items]", ylabel="fraction of CMs; familiarity G [1]",
                  title="Crosstalk as the field fills")
        out.png(fig, OUTPUTS[0])
        _animate(out, field, items[0], learned[0], rng)
    print("inputs learned: " + " ".join(f"{c}:{m:.2f}" for c, m in zip(STORED, crosstalk[0], strict=True))
          + " (fraction of CMs retrieved right)")
    print("inputs learned: " + " ".join(f"{c}:{m:.2f}" for c, m in zip(STORED, crosstalk[1], strict=True))
          + " (familiarity of a new input; 0.9 counts as recognised)")
    return out.written


def _animate(out: Output, field: Any, item: np.ndarray, code: np.ndarray, rng: np.random.Generator) -> None:
    """The GIF: the stored input ``item`` (a,) morphed into a new one two bits a frame, each frame's input beside
    the code the field retrieves for it (``encode``: no learning), both against the stored ones."""
    import matplotlib.pyplot as plt

    from amsim.classroom import draw_sdr
    from amsim.patterns import sdr_bits

    n, q, k = FIELD["input_bits"], FIELD["modules"], FIELD["units"]
    inputs = morph(item, n, rng)[::2]
    codes, familiarity = field.encode(sdr_bits(inputs, n))
    pictures = []
    for j, (now, retrieved, g) in enumerate(zip(inputs, codes, familiarity, strict=True)):
        fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 2.4), width_ratios=[1, 2])
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.88, wspace=0.08)
        draw_sdr(now, n, (16, 16), [f"input: {2 * j} of {item.size} bits moved"], reference=item, axes=[left])
        draw_sdr(code_bits(retrieved, k), k * q, (k, q), [f"its code: G = {g:.2f}, "
                                                          f"{int((retrieved == code).sum())}/{q} winners as stored"],
                 reference=code_bits(code, k), axes=[right])
        pictures.append(frame(fig))
    out.gif(pictures, OUTPUTS[1], ms=400, hold=5)


def _curves(ax: Any, x: np.ndarray, runs: list[xr.Dataset], names: dict[str, str]) -> list[np.ndarray]:
    """Plot the mean and standard error over trials and cues of each variable in ``names`` (name: its legend label)
    against ``x``, one point per run; returns the means."""
    from amsim.plotting import MARKERS, OKABE_ITO, mean_and_error

    means = []
    for j, (name, text) in enumerate(names.items()):
        mean, error = np.array([mean_and_error(ds[name]) for ds in runs]).T
        ax.errorbar(x, mean, yerr=error, fmt=MARKERS[j] + "-", color=OKABE_ITO[j], label=text)
        means.append(mean)
    ax.legend(fontsize=7)
    return means
