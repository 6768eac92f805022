"""Parameters of Rinkus' Sparsey coding field and of its recall protocol."""

from __future__ import annotations

from dataclasses import dataclass

from amsim.family import protocol_field
from amsim.params import Params, param


@dataclass(frozen=True)
class SparseyParams(Params):
    """Sparsey (Rinkus 2014, 2017): a coding field of Q competitive modules (CMs) of K binary units over N binary
    inputs, with binary all-to-all weights from the inputs to the field.

    The Code Selection Algorithm (CSA, see :mod:`amsim.families.sparsey.reference`) maps the familiarity G of an
    input to the expansivity ``eta = eta_max * ((G - g_min) / (1 - g_min))**gamma`` (0 for ``G <= g_min``) of the
    sigmoid ``psi(U) = 1 + eta / (1 + exp(-slope (U - center)))``, whose values are each unit's relative chance
    of winning its CM. ``n_active`` is the number of active bits of the random inputs the experiments store.
    """

    input_bits: int = param(256, "input bits N (the receptive field)", units="bits", ge=1)
    modules: int = param(64, "competitive modules Q of the coding field (one winner each)", units="CMs", ge=1,
                         le=1024)
    units: int = param(16, "units K per competitive module", units="units", ge=1)
    g_min: float = param(0.2, "familiarity G at or below which the choice is uniform (a new code)", ge=0, lt=1)
    eta_max: float = param(1000.0, "largest sigmoid height eta (chi K in Rinkus 2014), reached at G = 1", ge=0)
    gamma: float = param(2.0, "exponent of the familiarity-to-eta map", gt=0)
    center: float = param(0.6, "sigmoid centre, in normalised input support U", ge=0, le=1)
    slope: float = param(30.0, "sigmoid slope, per unit of U", gt=0)
    readout: float = param(1.0, "fraction of the code's Q units an input bit must be wired to in order to read 1 "
                           "(top-down read-out)", gt=0, le=1)
    recognition: float = param(0.9, "familiarity G at or above which an input counts as recognised", gt=0, le=1)
    activity: float = param(0.1, "fraction of active bits of each random stored input (at least one)", gt=0, le=1)
    swap: float = param(0.25, "fraction of a stored input's active bits moved to make its variant (sparsey.similarity)",
                        ge=0, le=1)
    n_stored: int = param(100, "stored items", units="items", ge=1)
    noise: float = protocol_field("noise", 0.0)
    cues: int = protocol_field("cues", 10)
    max_steps: int = protocol_field("max_steps", 1)
    success_overlap: float = protocol_field("success_overlap", 1.0)

    @property
    def n_active(self) -> int:
        """Active bits of each random stored input: ``round(activity N)``, at least 1."""
        return max(1, round(self.activity * self.input_bits))

    @property
    def field_units(self) -> int:
        """Units M = Q K of the coding field."""
        return self.modules * self.units
