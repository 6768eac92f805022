"""``amsim demo capacity``: the retrieval curve of a Hopfield network filling in as trials finish, against the
replica-symmetric theory (Amit, Gutfreund & Sompolinsky 1985) and its limit alpha_c = 0.138."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from amsim.demos.output import Output, frame
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import random_patterns

OUTPUTS = ("capacity.png", "capacity.gif")
N_NEURONS = 200
LOADS = np.round(np.arange(0.025, 0.301, 0.025), 3)
TRIALS = 6
CUES = 20  # stored patterns cued per network (all of them when fewer)
ALPHA_C = 0.138


def trial(load: float, rng: np.random.Generator, backend: str) -> float:
    """One network of :data:`N_NEURONS` neurons storing ``round(load N)`` random patterns, each cued with itself:
    the mean overlap with the cued pattern after asynchronous recall (1: the pattern is kept)."""
    n_patterns = round(load * N_NEURONS)
    xi = random_patterns(n_patterns, N_NEURONS, rng)
    net = HopfieldNetwork(n_neurons=N_NEURONS, backend=backend, random_state=rng).store(xi)
    cued = xi[:CUES]
    states = net.recall(cued, update="async").states
    return float((states.astype(np.int32) * cued).sum(axis=1).mean() / N_NEURONS)


def draw(ax: Any, results: np.ndarray, done: int) -> None:
    """The curve so far: mean overlap and its standard error over the ``done`` trials at each load, with the
    theory and alpha_c."""
    from amsim import registry
    from amsim.plotting import OKABE_ITO, theory_line

    ax.clear()
    fine = np.linspace(0.005, LOADS[-1], 120)
    theory = registry.theory("hopfield-rs").fn(load=fine)
    ax.plot(fine, theory["overlap_theory"], **theory_line(label="replica theory, N -> infinity"))
    ax.axvline(ALPHA_C, color="0.4", ls=":", lw=1)
    ax.text(ALPHA_C + 0.004, 0.05, "alpha_c = 0.138", color="0.3", fontsize=8)
    if done:
        seen = results[:done]
        error = seen.std(axis=0, ddof=1) / np.sqrt(done) if done > 1 else np.zeros(LOADS.size)
        ax.errorbar(LOADS, seen.mean(axis=0), yerr=error, fmt="o", color=OKABE_ITO[0], zorder=3,
                    label=f"simulation, N = {N_NEURONS}: mean of {done} trial{'s' * (done > 1)} +- s.e.")
    ax.set(xlim=(0, LOADS[-1] + 0.01), ylim=(0, 1.05), xlabel="load alpha = P / N [patterns per neuron]",
           ylabel="overlap m after recall [1]",
           title=f"Hopfield capacity: trial {done} of {TRIALS} done")
    ax.legend(loc="upper right", fontsize=7.5)


def run(out: Output, *, seed: int, backend: str) -> list[Path]:
    """Run :data:`TRIALS` rounds over :data:`LOADS`; after each round redraw the curve (in the window when there is
    one, as a GIF frame always) and print the progress; write the final curve (``capacity.png``) and the GIF."""
    import matplotlib.pyplot as plt

    from amsim.plotting import STYLE

    rng = np.random.default_rng(seed)
    results = np.zeros((TRIALS, LOADS.size))
    frames = []
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6, 3.6))
        draw(ax, results, 0)
        if out.window:
            plt.show(block=False)
        frames.append(frame(fig, close=False))
        for t in range(TRIALS):
            results[t] = [trial(float(load), rng, backend) for load in LOADS]
            draw(ax, results, t + 1)
            if out.window:
                plt.pause(0.05)
            frames.append(frame(fig, close=False))
            below = results[: t + 1, LOADS < ALPHA_C].mean()
            above = results[: t + 1, LOADS > ALPHA_C].mean()
            print(f"trial {t + 1} of {TRIALS}: mean overlap {below:.3f} below alpha_c, {above:.3f} above", flush=True)
        out.gif(frames, OUTPUTS[1], ms=500)
        out.png(fig, OUTPUTS[0])
    return out.written
