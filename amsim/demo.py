"""``amsim demo``: a Hopfield network stores five letters and restores them from noisy copies, drawn in text."""

from __future__ import annotations

import numpy as np

from amsim.exceptions import ValidationError
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import corrupt
from amsim.runner import check_seed

# Five 10 x 10 letters (# = +1, . = -1), drawn for amsim; rows of each letter separated by "/".
LETTERS = {
    "A": "..######../.##....##./##......##/##......##/##########/##########/##......##/##......##/##......##/"
         "##......##",
    "L": "##......../##......../##......../##......../##......../##......../##......../##......../##########/"
         "##########",
    "C": "..#######./.##......./##......../##......../##......../##......../##......../##......../.##......./"
         "..#######.",
    "X": "##......##/##......##/.##....##./..##..##../...####.../...####.../..##..##../.##....##./##......##/"
         "##......##",
    "T": "##########/##########/....##..../....##..../....##..../....##..../....##..../....##..../....##..../"
         "....##....",
}


def letter_patterns() -> np.ndarray:
    """The letters as ±1 patterns, shape (5, 100), dtype int8, in the order of :data:`LETTERS`."""
    rows = [s.replace("/", "") for s in LETTERS.values()]
    return np.array([[1 if c == "#" else -1 for c in r] for r in rows], dtype=np.int8)


def _draw(states: list[np.ndarray], titles: list[str]) -> str:
    lines = ["   ".join(f"{t:^10s}" for t in titles)]
    for r in range(10):
        lines.append("   ".join("".join("#" if v > 0 else "." for v in s[10 * r:10 * r + 10]) for s in states))
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
    patterns = letter_patterns()
    net = HopfieldNetwork(n_neurons=patterns.shape[1], backend=backend, random_state=rng).store(patterns)
    cues = corrupt(patterns, noise, rng)
    result = net.recall(cues, update=update)
    overlaps = net.overlaps(result.states).diagonal()
    blocks = []
    for k, name in enumerate(LETTERS):
        blocks.append(_draw([patterns[k], cues[k], result.states[k]], [f"stored {name}", f"cue {noise:.0%} flipped",
                                                                       "retrieved"]))
        blocks.append(f"overlap with {name}: {overlaps[k]:+.2f}  ({'restored' if overlaps[k] == 1 else 'not quite'})")
    return "\n\n".join(blocks)
