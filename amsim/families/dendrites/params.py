"""Parameters of the active-dendrites family (Ahmad & Hawkins 2016, arXiv:1601.00720)."""

from __future__ import annotations

from dataclasses import dataclass

from amsim.family import protocol_field
from amsim.params import Params, param


@dataclass(frozen=True)
class DendritesParams(Params):
    """A population of dendritic segments on n-bit sparse distributed representations (SDRs) of a active bits.

    Each segment holds ``s`` synapses sampled from the active bits of each of ``patterns_per_segment`` stored
    patterns (one pattern: Ahmad & Hawkins' basic segment; several: the union property) and fires when at least
    ``theta`` of its synapses are active. ``swap`` moves ``round(swap a)`` active bits of a stored pattern to
    inactive positions (SDR noise); the protocol's ``noise`` flips cue bits as in every family.
    """

    n: int = param(1024, "SDR size n", units="bits", ge=2)
    a: int = param(20, "active bits per SDR a", units="bits", ge=1)
    s: int = param(10, "synapses per segment and stored pattern s", units="synapses", ge=1)
    theta: int = param(6, "segment threshold theta (active synapses needed to fire)", units="synapses", ge=1)
    patterns_per_segment: int = param(1, "stored patterns sharing one segment (the union property)",
                                      units="patterns", ge=1)
    n_stored: int = param(20, "stored patterns", units="patterns", ge=1)
    n_inputs: int = param(1000, "random SDRs tested against every segment per trial", units="inputs", ge=1)
    swap: float = param(0.0, "fraction of a stored pattern's active bits moved to inactive positions", ge=0, le=1)
    noise: float = protocol_field("noise", 0.0)
    cues: int = protocol_field("cues", 10)
    max_steps: int = protocol_field("max_steps", 1)
    success_overlap: float = protocol_field("success_overlap", 1.0)

    def check(self) -> None:
        if self.a > self.n // 2:
            self.fail("a", f"must be <= n / 2 = {self.n // 2} (sparse, and room to move every active bit)")
        if self.s > self.a:
            self.fail("s", f"must be <= a = {self.a} (synapses are sampled from a pattern's active bits)")
        if self.theta > self.s * self.patterns_per_segment:
            self.fail("theta", f"must be <= s * patterns_per_segment = {self.s * self.patterns_per_segment}")

    @property
    def moved(self) -> int:
        """Active bits moved by ``swap``: ``round(swap a)``."""
        return int(round(self.swap * self.a))
