"""``amsim demo dense``: the 26 letters and 10 digits (36 patterns in 100 neurons, 2.6 times Hopfield's 0.138 N)
stored in dense associative memories: the Hopfield network (F(x) = x^2) fails, higher powers do better, and the
exponential energy recalls every one (Krotov & Hopfield 2016; Demircigil et al. 2017)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amsim.datasets import digits, letters
from amsim.demos.output import Output
from amsim.families.dense import DenseAssociativeMemory
from amsim.patterns import corrupt

OUTPUTS = ("dense.png",)
#: The memories compared: (label, settings of DenseAssociativeMemory).
ENERGIES = (("x^2 (Hopfield)", {"degree": 2}), ("x^3", {"degree": 3}), ("x^4", {"degree": 4}),
            ("exp(x)", {"energy": "exponential"}))
SHOWN = "AMSIDE37"  # the patterns drawn (all 36 are stored and counted)
NOISE = 0.1


def recall_all(seed: int, backend: str) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Store the 36 letters and digits in each memory of :data:`ENERGIES`, cue each with :data:`NOISE` of its pixels
    flipped (the same cues for every memory) and recall asynchronously.

    Returns
    -------
    patterns : ndarray, (36, 100) int8
    cues : ndarray, (36, 100) int8
    finals : dict of str to ndarray, (36, 100) int8
        The recalled states of each memory, by its label.
    """
    patterns = np.concatenate([letters().patterns, digits().patterns])
    cues = corrupt(patterns, NOISE, np.random.default_rng(seed))
    finals = {}
    for label, settings in ENERGIES:
        memory = DenseAssociativeMemory(n_neurons=100, backend=backend, random_state=seed, **settings).store(patterns)
        finals[label] = memory.recall(cues, update="async").states
    return patterns, cues, finals


def run(out: Output, *, seed: int, backend: str) -> list[Path]:
    """Draw cues and recalls of a few letters and digits for each energy, titled with how many of the 36 patterns
    each memory recalls exactly (``dense.png``), and print the counts."""
    import matplotlib.pyplot as plt

    from amsim.classroom import show_patterns
    from amsim.plotting import STYLE

    patterns, cues, finals = recall_all(seed, backend)
    names = letters().names + digits().names
    shown = [names.index(c) for c in SHOWN]
    rows, titles = [cues[shown]], [f"cue {names[k]}" for k in shown]
    for label, states in finals.items():
        exact = (states == patterns).all(axis=1)
        rows.append(states[shown])
        titles += [f"F = {label}\n{exact.sum()}/36 exact" if j == 0 else ("ok" if exact[k] else "wrong")
                   for j, k in enumerate(shown)]
        print(f"F(x) = {label:15s} {exact.sum():2d} of 36 letters and digits recalled exactly")
    with plt.rc_context(STYLE):
        fig = show_patterns(np.concatenate(rows), (10, 10), titles, columns=len(SHOWN), size=0.9,
                            title=f"36 patterns in 100 neurons, cues with {NOISE:.0%} of the pixels flipped")
        out.png(fig, OUTPUTS[0])
    return out.written
