"""Classroom demos, ``amsim demo NAME``: each stores and recalls memories at small sizes in a few seconds, writes
its pictures (PNG, and a GIF where motion helps) into one folder and prints what it found.

This is an application layer, like the command line: it imports the families; nothing in the core imports it.

>>> from amsim.demos import DEMOS
>>> sorted(DEMOS)
['capacity', 'dendrites', 'dense', 'letters', 'sdm', 'sparsey']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from amsim.exceptions import UnknownNameError
from amsim.params import did_you_mean

__all__ = ["DEMOS", "Demo", "demo"]


@dataclass(frozen=True)
class Demo:
    """One demo.

    Attributes
    ----------
    name : str
        Its name on the command line.
    summary : str
        One line for ``amsim demo --list``.
    module : str
        The module that runs it: ``run(out, *, seed, backend, **options)`` and ``OUTPUTS``, the files it writes.
    options : tuple of str
        Options it takes beyond ``seed`` and ``backend`` (``noise``, ``update``).
    """

    name: str
    summary: str
    module: str
    options: tuple[str, ...] = ()

    @property
    def outputs(self) -> tuple[str, ...]:
        """The file names it writes."""
        return tuple(import_module(self.module).OUTPUTS)

    @property
    def run(self) -> Callable[..., list[Path]]:
        """Its ``run`` function."""
        fn: Callable[..., list[Path]] = import_module(self.module).run
        return fn


DEMOS: dict[str, Demo] = {d.name: d for d in (
    Demo("letters", "five letters recalled from damaged copies, neuron by neuron (GIF); 26 letters overload the "
                    "network into spurious states", "amsim.demos.letters", ("noise", "update")),
    Demo("capacity", "the Hopfield capacity curve filling in trial by trial (GIF) against the replica theory and "
                     "alpha_c = 0.138", "amsim.demos.capacity"),
    Demo("sdm", "sparse distributed memory: recall against cue distance, one read and iterated, with Kanerva's "
                "theory and the critical distance", "amsim.demos.sdm"),
    Demo("dense", "dense associative memories: 36 letters and digits in 100 neurons, x^2 fails, x^4 recalls "
                  "half, exp(x) all", "amsim.demos.dense"),
    Demo("dendrites", "a dendritic segment of 10 synapses recognises a sparse code with half its bits moved and "
                      "ignores random ones; false matches and misses against the exact theory; the code losing "
                      "its bits until the segment falls silent (GIF)",
         "amsim.demos.dendrites"),
    Demo("sparsey", "Sparsey learns sparse codes in one trial: similar inputs get similar codes, new ones random "
                    "codes; familiarity and crosstalk as the field fills; a stored input turning into a new one "
                    "and its code with it (GIF)", "amsim.demos.sparsey"),
)}


def demo(name: str) -> Demo:
    """The demo called ``name``; :class:`~amsim.exceptions.UnknownNameError` (with the closest name) otherwise."""
    try:
        return DEMOS[name]
    except KeyError:
        raise UnknownNameError(f"demo: unknown demo {name!r}{did_you_mean(name, list(DEMOS))}") from None

