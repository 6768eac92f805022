"""Parameters of the dense associative memory, the modern Hopfield network, and their recall protocols.

One Params class serves both models of the family: the dense associative memory of ±1 neurons
(:class:`~amsim.families.dense.model.DenseAssociativeMemory`: ``energy``, ``degree``, ``update``, ``order``,
``temperature``) and the continuous modern Hopfield network
(:class:`~amsim.families.dense.model.ModernHopfield`: ``separation``, ``alpha``, ``beta``, ``tolerance``,
``pattern_norm``, ``outlier``). Each experiment declares the fields its model ignores.
"""

from __future__ import annotations

from dataclasses import dataclass

from amsim.family import protocol_field
from amsim.params import Params, param

ENERGIES = ("polynomial", "rectified", "exponential")
UPDATES = ("async", "sync", "glauber")
SEPARATIONS = ("softmax", "softmax_1", "sparsemax", "entmax")


@dataclass(frozen=True)
class DenseParams(Params):
    """Dense associative memory (Krotov & Hopfield 2016) and modern Hopfield network (Ramsauer et al. 2020).

    The dense associative memory stores P random ±1 patterns in the energy ``E(s) = -sum_mu F(xi^mu . s) / Z`` with
    ``F(x) = x^p`` (``polynomial``), ``max(x, 0)^p`` (``rectified``) or ``exp(x)`` (``exponential``). The
    normalisation ``Z = p N^(p-1)`` (polynomial, rectified) makes p = 2 the Hebbian Hopfield network with couplings
    ``J = W / N`` and its temperature units (AGS); the exponential energy uses ``E = -sum_mu exp(xi^mu . s - N)``,
    so a stored pattern has energy about -1. The modern Hopfield network stores P real patterns of dimension
    ``n_neurons`` and updates a state by ``xi <- X sep(beta X^T xi)``.
    """

    n_neurons: int = param(100, "neurons N of the dense associative memory, or the dimension d of the modern "
                           "Hopfield network's patterns", ge=2)
    n_patterns: int = param(100, "stored patterns P", units="patterns", ge=1)
    energy: str = param("polynomial", "interaction function F of the dense associative memory: polynomial x^p, "
                        "rectified max(x, 0)^p, exponential exp(x)", choices=ENERGIES)
    degree: int = param(3, "degree p of the polynomial and rectified interaction functions (p = 2: the Hopfield "
                        "network)", ge=2, le=8)
    update: str = param("async", "dynamics of the dense associative memory: async (sequential, T = 0), sync (all "
                        "at once, T = 0), glauber (heat bath at temperature T)", choices=UPDATES)
    order: str = param("random", "visiting order of sequential dynamics: a fresh random permutation each sweep, "
                       "or fixed (0 .. N-1)", choices=("random", "fixed"))
    temperature: float = param(0.0, "temperature T of glauber dynamics, in units of the energy (p = 2: the Hopfield "
                               "network's); 0 for async and sync", ge=0)
    separation: str = param("softmax", "separation function of the modern Hopfield update: softmax, softmax_1 "
                            "(exp(x_i) / (1 + sum_j exp(x_j))), sparsemax, entmax (alpha-entmax)",
                            choices=SEPARATIONS)
    alpha: float = param(1.5, "alpha of alpha-entmax (2: sparsemax; towards 1: softmax)", gt=1, le=2)
    beta: float = param(8.0, "inverse temperature beta of the modern Hopfield update", gt=0)
    tolerance: float = param(1e-12, "modern Hopfield fixed point: an update that moves no component of the state by "
                             "more than tolerance times the largest pattern norm", gt=0)
    pattern_norm: float = param(1.0, "norm M of the modern Hopfield experiments' patterns (scaled ±1 vectors)",
                                gt=0)
    outlier: float = param(1.0, "norm of the last stored pattern relative to pattern_norm in the modern Hopfield "
                           "experiments (1: no outlier)", ge=1)
    noise: float = protocol_field("noise", 0.1)
    cues: int = protocol_field("cues", 10)
    max_steps: int = protocol_field("max_steps", 100)
    success_overlap: float = protocol_field("success_overlap", 0.95)

    def check(self) -> None:
        if self.update == "glauber" and self.temperature == 0:
            self.fail("temperature", "must be > 0 with update='glauber' (use update='async' for T = 0)")
        if self.update != "glauber" and self.temperature != 0:
            self.fail("temperature", f"must be 0 with update={self.update!r} (use update='glauber' for T > 0)")
        if self.order != "random" and self.update == "sync":
            self.fail("order", "must be 'random' (the default) with update='sync', which has no visiting order")
        if self.energy == "exponential" and self.degree != 3:
            self.fail("degree", "must be 3 (the default) with energy='exponential', which has no degree")
        if self.separation != "entmax" and self.alpha != 1.5:
            self.fail("alpha", f"must be 1.5 (the default) with separation={self.separation!r}; it sets entmax")
