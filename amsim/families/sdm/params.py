"""Parameters of Kanerva's Sparse Distributed Memory and of its recall protocols, and the exact integer rules
that turn an activation probability into a radius (also exported by :mod:`amsim.theory.sdm`).

Nothing here imports SciPy or :mod:`amsim.theory`: the theory depends on these parameters, never the other way
(:func:`amsim.theory.sdm.activation_rule` turns them into the theory's activation rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from amsim.family import protocol_field
from amsim.params import Params, param

DESIGNS = ("hamming", "selected", "hyperplane")


def activation_probability(address_bits: int, radius: int) -> float:
    """Probability that a location is active for a random address: ``P(Bin(N, 1/2) <= r)``, exact.

    Parameters
    ----------
    address_bits : int
        N.
    radius : int
        Inclusive radius r in bits (a negative radius activates nothing).

    Returns
    -------
    float
        ``sum_{j <= r} C(N, j) / 2^N``, summed in exact integers and rounded once. N = 1000, r = 451 gives
        0.00107, Kanerva's "about one in a thousand".
    """
    if radius < 0:
        return 0.0
    ball = sum(math.comb(address_bits, j) for j in range(min(radius, address_bits) + 1))
    return ball / 2**address_bits  # integer true division: correctly rounded


def radius_for_probability(address_bits: int, probability: float) -> int:
    """The smallest inclusive radius r whose activation probability (:func:`activation_probability`, correctly
    rounded to float64) is ``>= probability``, so that ``radius_for_probability(N, activation_probability(N, r))``
    is r wherever that probability is below 1.

    Parameters
    ----------
    address_bits : int
        N.
    probability : float
        Target activation probability p in (0, 1].

    Returns
    -------
    int
        r in 0 .. N. The strict rule (distance ``< r``) activates the same locations with r + 1.
    """
    space = 2**address_bits
    ball = 0
    for r in range(address_bits + 1):
        ball += math.comb(address_bits, r)
        if ball / space >= probability:
            return r
    return address_bits


def specified_bits_for_probability(probability: float) -> int:
    """The largest number of specified bits k whose activation probability ``2^-k`` is still ``>= probability``."""
    k = 0
    while 2.0 ** -(k + 1) >= probability:
        k += 1
    return k


@dataclass(frozen=True)
class SDMParams(Params):
    """Sparse Distributed Memory: M hard locations with random N-bit addresses, one counter per location and data
    bit, storing T random items.

    Activation (``design``): ``hamming`` (Kanerva 1988) activates a location when the Hamming distance from the
    address is ``<= radius`` (``< radius`` with ``strict``); ``selected`` and ``hyperplane`` (Jaeckel 1989) give
    each location ``specified_bits`` random coordinates and activate it when the address matches the location's
    random values there (``selected``) or has 1 on all of them (``hyperplane``). A radius of -1 (or
    ``specified_bits`` of -1) is chosen from ``activation_probability``: the smallest radius (largest k) whose
    activation probability is ``>= activation_probability``. Reading: ``max_steps = 1`` reads once, more iterate
    reading to a fixed point (autoassociative memories only).
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
    noise: float = protocol_field("noise", 0.0)
    cues: int = protocol_field("cues", 10)
    max_steps: int = protocol_field("max_steps", 1)
    success_overlap: float = protocol_field("success_overlap", 1.0)

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
    def inclusive_radius(self) -> int:
        """Hamming design: location active when the distance is ``<=`` this (strict already applied)."""
        if self.radius >= 0:
            return self.radius - int(self.strict)
        return radius_for_probability(self.address_bits, self.activation_probability)

    @property
    def specified_bits_used(self) -> int:
        """Jaeckel's designs: the specified bits k of every location."""
        if self.specified_bits >= 0:
            return self.specified_bits
        return min(self.address_bits, specified_bits_for_probability(self.activation_probability))

    @property
    def effective_radius(self) -> int:
        """The radius r in force (activation at ``< r`` when strict, else ``<= r``); -1 for Jaeckel's designs."""
        return self.inclusive_radius + int(self.strict) if self.design == "hamming" else -1
