"""Parameters of the classical Hopfield network and its retrieval protocol."""

from __future__ import annotations

from dataclasses import dataclass

from amsim.params import Params, param


@dataclass(frozen=True)
class HopfieldParams(Params):
    """Classical Hopfield network of ±1 neurons storing random ±1 patterns.

    The number of stored patterns is ``P = max(1, round(load * n_neurons))``. Couplings are ``J = W / N`` with
    ``W`` the Hebbian counts; temperatures are in units of these couplings (AGS convention, T_c = 1 at P << N).
    """

    n_neurons: int = param(1000, "number of neurons N", ge=2)
    load: float = param(0.05, "memory load alpha = P / N (stored patterns per neuron)", gt=0, le=2)
    rule: str = param("hebb", "learning rule", choices=("hebb",))
    update: str = param("async", "dynamics: async (random sequential, T=0), sync (all at once, T=0), "
                        "glauber (heat bath at temperature T)", choices=("async", "sync", "glauber"))
    temperature: float = param(0.0, "temperature T of Glauber dynamics (0 for async and sync)", ge=0)
    noise: float = param(0.0, "fraction of cue bits flipped away from the stored pattern", ge=0, le=1)
    cues: int = param(10, "cues per trial (cue k starts from pattern k mod P)", ge=1)
    max_sweeps: int = param(100, "update limit: sweeps (async, glauber) or steps (sync)", units="sweeps", ge=1)
    success_overlap: float = param(0.9, "overlap at or above which a retrieval counts as a success", gt=0, le=1)

    def check(self) -> None:
        if self.update == "glauber" and self.temperature == 0:
            self.fail("temperature", "must be > 0 with update='glauber' (use update='async' for T = 0)")
        if self.update != "glauber" and self.temperature != 0:
            self.fail("temperature", f"must be 0 with update={self.update!r} (use update='glauber' for T > 0)")

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns P."""
        return max(1, round(self.load * self.n_neurons))
