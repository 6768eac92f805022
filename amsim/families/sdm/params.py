"""Parameters of Kanerva's Sparse Distributed Memory and of its recall protocols."""

from __future__ import annotations

from dataclasses import dataclass

from amsim.params import Params, param
from amsim.theory.sdm import (
    DESIGNS,
    ActivationRule,
    radius_for_probability,
    specified_bits_for_probability,
)


@dataclass(frozen=True)
class SDMParams(Params):
    """Sparse Distributed Memory: M hard locations with random N-bit addresses, one counter per location and data
    bit, storing T random items.

    Activation (``design``): ``hamming`` (Kanerva 1988) activates a location when the Hamming distance from the
    address is ``<= radius`` (``< radius`` with ``strict``); ``selected`` and ``hyperplane`` (Jaeckel 1989) give
    each location ``specified_bits`` random coordinates and activate it when the address matches the location's
    random values there (``selected``) or has 1 on all of them (``hyperplane``). A radius of -1 (or
    ``specified_bits`` of -1) is chosen from ``activation_probability``: the smallest radius (largest k) whose
    activation probability is ``>= activation_probability``.
    """

    address_bits: int = param(256, "address bits N", units="bits", ge=1)
    n_locations: int = param(20_000, "hard locations M", units="locations", ge=1)
    design: str = param("hamming", "activation rule: hamming (distance within the radius), selected or hyperplane "
                        "(Jaeckel: all specified bits match)", choices=DESIGNS)
    radius: int = param(-1, "activation radius r (hamming design; -1: chosen from activation_probability)",
                        units="bits", ge=-1)
    strict: bool = param(False, "activate at distance < radius instead of <= radius (hamming design)")
    specified_bits: int = param(-1, "specified bits k of a location (selected and hyperplane designs; -1: chosen "
                                "from activation_probability)", units="bits", ge=-1)
    activation_probability: float = param(0.01, "target activation probability p, used when the radius (or "
                                          "specified_bits) is -1", gt=0, le=1)
    data_bits: int = param(0, "bits per data word D (0: address_bits)", units="bits", ge=0)
    counter_dtype: str = param("int16", "counter type; counters saturate at its limits", choices=("int16", "int32"))
    tie: str = param("random", "read-out of a bit whose counter sum is zero: a host-drawn coin, 1 or 0",
                     choices=("random", "one", "zero"))
    association: str = param("auto", "auto: data word = address (iterated reading possible); hetero: random "
                             "data words", choices=("auto", "hetero"))
    n_stored: int = param(100, "stored items T", units="items", ge=1)
    noise: float = param(0.0, "fraction of cue bits flipped away from the stored address", ge=0, le=1)
    cues: int = param(10, "cues per trial (cue k starts from stored item k mod T)", ge=1)
    max_steps: int = param(1, "reads per cue: 1 reads once, more iterate reading to a fixed point", units="reads",
                           ge=1)
    success_overlap: float = param(1.0, "overlap with the stored data word at or above which a read counts as a "
                                   "success", gt=0, le=1)

    def check(self) -> None:
        if self.radius > self.address_bits:
            self.fail("radius", "must be <= address_bits")
        if self.specified_bits > self.address_bits:
            self.fail("specified_bits", "must be <= address_bits")
        if self.design == "hamming" and self.specified_bits != -1:
            self.fail("specified_bits", "must be -1 with design='hamming' (use radius)")
        if self.design != "hamming" and self.radius != -1:
            self.fail("radius", f"must be -1 with design={self.design!r} (use specified_bits)")
        if self.design != "hamming" and self.strict:
            self.fail("strict", f"must be false with design={self.design!r} (it applies to the hamming radius)")
        if self.association == "auto" and self.data_bits not in (0, self.address_bits):
            self.fail("data_bits", "must be 0 or address_bits with association='auto'")
        if self.association == "hetero" and self.max_steps != 1:
            self.fail("max_steps", "must be 1 with association='hetero' (iterated reading needs data = address)")

    @property
    def word_bits(self) -> int:
        """Data bits D of the stored words."""
        return self.data_bits or self.address_bits

    @property
    def rule(self) -> ActivationRule:
        """The activation rule, with the inclusive radius (strict already applied) or k resolved."""
        n = self.address_bits
        if self.design == "hamming":
            inclusive = self.radius - int(self.strict) if self.radius >= 0 else \
                radius_for_probability(n, self.activation_probability)
            return ActivationRule(n, "hamming", radius=inclusive)
        k = self.specified_bits if self.specified_bits >= 0 else \
            min(n, specified_bits_for_probability(self.activation_probability))
        return ActivationRule(n, self.design, specified_bits=k)

    @property
    def effective_radius(self) -> int:
        """The radius r in force (activation at ``< r`` when strict, else ``<= r``); -1 for Jaeckel's designs."""
        return self.rule.radius + int(self.strict) if self.design == "hamming" else -1
