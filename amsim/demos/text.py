"""Bare ``amsim demo``: a Hopfield network stores five letters and restores them from noisy copies, drawn in text."""

from __future__ import annotations

import numpy as np

from amsim.datasets import letters
from amsim.exceptions import ValidationError
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import corrupt
from amsim.runner import check_seed

#: The five letters the demo stores (drawn in ``amsim/data/letters.txt``); every one is a fixed point when stored
#: together.
LETTERS = "ALCXT"


def letter_patterns() -> np.ndarray:
    """The demo's letters as ±1 patterns, shape (5, 100), dtype int8, in the order of :data:`LETTERS`."""
    return letters(LETTERS).patterns


def _draw(states: list[np.ndarray], titles: list[str], shape: tuple[int, int]) -> str:
    width = max(shape[1], 10)
    images = [["".join("#" if v > 0 else "." for v in row) for row in state.reshape(shape)] for state in states]
    lines = ["   ".join(f"{t:^{width}s}" for t in titles)]
    lines += ["   ".join(f"{image[r]:^{width}s}" for image in images) for r in range(shape[0])]
    return "\n".join(lines)


def run_demo(noise: float = 0.25, seed: int = 0, update: str = "async", backend: str = "auto") -> str:
    """Store the five letters, flip ``noise`` of each letter's pixels, retrieve, and draw cue and result.

    Returns
    -------
    str
        The drawing, one block per letter (stored, cue, retrieved) and the overlap reached.

    Raises
    ------
    ValidationError
        If ``noise`` is not in [0, 1] or ``seed`` is not a valid seed.
    """
    if not 0 <= noise <= 1:  # also refuses NaN
        raise ValidationError(f"demo: --noise must be a fraction in 0 .. 1 (got {noise!r})")
    check_seed(seed, "demo: --seed")
    rng = np.random.default_rng(seed)
    stored = letters(LETTERS)
    patterns = stored.patterns
    net = HopfieldNetwork(n_neurons=patterns.shape[1], backend=backend, random_state=rng).store(patterns)
    cues = corrupt(patterns, noise, rng)
    result = net.recall(cues, update=update)
    overlaps = net.overlaps(result.states).diagonal()
    blocks = []
    for k, name in enumerate(LETTERS):
        blocks.append(_draw([patterns[k], cues[k], result.states[k]], [f"stored {name}", f"cue {noise:.0%} flipped",
                                                                       "retrieved"], stored.shape))
        blocks.append(f"overlap with {name}: {overlaps[k]:+.2f}  ({'restored' if overlaps[k] == 1 else 'not quite'})")
    return "\n\n".join(blocks)
