"""``amsim demo letters``: five letters stored in a Hopfield network of 100 neurons, recalled from damaged copies
neuron by neuron (a GIF), and all 26 letters stored at once, which leaves the network in states that are no letter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amsim.datasets import letters
from amsim.demos.output import Output, frame
from amsim.demos.text import LETTERS
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import corrupt

OUTPUTS = ("letters.png", "letters-recall.gif")
#: Neuron updates between two frames of the GIF (one sweep of 100 neurons gives 10 frames).
EVERY = 10


def async_frames(weights: np.ndarray, cues: np.ndarray, rng: np.random.Generator, *, every: int = EVERY,
                 max_sweeps: int = 20, fixed: bool = False) -> tuple[np.ndarray, list[int]]:
    """Asynchronous zero-temperature recall run by hand, keeping the states every ``every`` updates.

    Each sweep visits the neurons once, in a fresh random order (``fixed``: 0 .. N-1, the order of
    ``recall(order="fixed")``); a neuron takes the sign of its field ``sum_j W_ij s_j`` and a field of exactly zero
    leaves it as it is, as in the Hopfield network's engines. All cues share each sweep's order.

    Parameters
    ----------
    weights : ndarray, (N, N)
        Symmetric couplings with a zero diagonal (``HopfieldNetwork(engine="dense").weights_``).
    cues : ndarray, (B, N) int8 ±1
    rng : numpy.random.Generator
        Source of the visiting orders.
    every : int
        Updates (neuron visits) between two kept states.
    max_sweeps : int
        Sweeps at most; recall stops after the first sweep that changes no state.

    Returns
    -------
    frames : ndarray, (F, B, N) int8
        The cues, the states every ``every`` updates, and the final states (the last frame).
    updates : list of int
        The neuron visits done before each frame.
    """
    s = np.array(cues, dtype=np.int8)
    n = s.shape[1]
    w = np.asarray(weights, dtype=np.float64)
    frames, updates, visits = [s.copy()], [0], 0
    for _ in range(max_sweeps):
        changed = False
        for i in np.arange(n) if fixed else rng.permutation(n):
            field = w[i] @ s.T                                  # (B,) fields of neuron i
            new = np.where(field > 0, 1, np.where(field < 0, -1, s[:, i])).astype(np.int8)
            changed |= bool((new != s[:, i]).any())
            s[:, i] = new
            visits += 1
            if visits % every == 0:
                frames.append(s.copy())
                updates.append(visits)
        if not changed:
            break
    if updates[-1] != visits:
        frames.append(s.copy())
        updates.append(visits)
    return np.array(frames), updates


def overloaded(seed: int, backend: str) -> tuple[np.ndarray, np.ndarray]:
    """All 26 letters stored in 100 neurons (load 0.26, beyond the capacity 0.138): the demo's five letters, given
    undamaged as cues, and where asynchronous recall takes them.

    Returns
    -------
    finals : ndarray, (5, 100) int8
        The final states, in the order of :data:`~amsim.demos.text.LETTERS`.
    overlaps : ndarray, (5, 26) float64
        Their overlaps with each of the 26 letters.
    """
    every = letters()
    net = HopfieldNetwork(n_neurons=100, backend=backend, random_state=seed).store(every.patterns)
    finals = net.recall(every.select(LETTERS).patterns, update="async").states
    return finals, net.overlaps(finals)


def run(out: Output, *, seed: int, backend: str, noise: float, update: str) -> list[Path]:
    """Draw the stored letters, their damaged cues and the recalled states with the overloaded network's states
    (``letters.png``), and the recall of the cues neuron by neuron (``letters-recall.gif``); print what happened."""
    import matplotlib.pyplot as plt

    from amsim.classroom import show_patterns
    from amsim.plotting import STYLE

    rng = np.random.default_rng(seed)
    stored = letters(LETTERS)
    xi = stored.patterns
    net = HopfieldNetwork(n_neurons=100, engine="dense", backend=backend, random_state=seed).store(xi)
    cues = corrupt(xi, noise, rng)
    recalled = net.recall(cues, update=update).states
    frames, updates = async_frames(net.weights_, cues, rng)
    finals, overlaps = overloaded(seed, backend)
    names = letters().names
    closest = overlaps.argmax(axis=1)
    with plt.rc_context(STYLE):
        titles = [f"stored {c}" for c in LETTERS] + [f"cue {noise:.0%} flipped"] * 5 \
            + [f"recalled ({update})\nm = {m:+.2f}" for m in net.overlaps(recalled).diagonal()] \
            + [f"26 stored: start {c}" for c in LETTERS] \
            + [f"ends nearest {names[k]}\nm = {overlaps[j, k]:+.2f}" for j, k in enumerate(closest)]
        fig = show_patterns(np.concatenate([xi, cues, recalled, xi, finals]), stored.shape, titles, columns=5,
                            size=0.9, title="Five letters stored and recalled; below, 26 letters overload 100 neurons")
        out.png(fig, OUTPUTS[0])
        gif = [frame(show_patterns(f, stored.shape, [f"{c}: m = {m:+.2f}" for c, m in
                                                     zip(LETTERS, net.overlaps(f).diagonal(), strict=True)],
                                   size=1.2, title=f"asynchronous recall: {u} neuron updates"))
               for f, u in zip(frames, updates, strict=True)]
        out.gif(gif, OUTPUTS[1])
    restored = int((recalled == xi).all(axis=1).sum())
    spurious = int(sum(not (f == letters().patterns).all(axis=1).any() for f in finals))
    print(f"5 letters stored in 100 neurons: {restored} of 5 recalled exactly from cues with {noise:.0%} of their "
          f"pixels flipped ({len(frames) - 1} frames of {EVERY} neuron updates in the GIF).")
    print(f"26 letters stored (load 0.26 > 0.138): {spurious} of the 5 undamaged letters end in a state that is no "
          "stored letter (a spurious or mixture state).")
    return out.written
