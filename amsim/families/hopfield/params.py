"""Parameters of the classical Hopfield network and its retrieval protocol."""

from __future__ import annotations

from dataclasses import dataclass

from amsim.family import protocol_field
from amsim.params import Params, param

RULES = ("hebb", "storkey", "projection", "covariance", "clipped")
ENGINES = ("auto", "dense", "patterns", "bits")
UPDATES = ("async", "sync", "glauber", "metropolis")
STOCHASTIC = ("glauber", "metropolis")

#: Largest ``N * P`` for which every local field, overlap and energy term fits the 32-bit integer kernels.
MAX_NEURONS_TIMES_PATTERNS = 2**31 - 1


@dataclass(frozen=True)
class HopfieldParams(Params):
    """Classical Hopfield network of ±1 neurons storing random patterns.

    The number of stored patterns is ``P = max(1, round(load * n_neurons))``. Couplings are ``J = W / N`` with
    ``W`` the weights of the learning rule, scaled so that Hebbian ``W`` are the integer counts
    ``sum_mu xi_i xi_j``; temperatures are in units of these couplings (AGS convention, T_c = 1 at P << N).
    """

    renamed = {"max_sweeps": "max_steps"}

    n_neurons: int = param(1000, "number of neurons N", ge=2)
    load: float = param(0.05, "memory load alpha = P / N (stored patterns per neuron)", gt=0)
    rule: str = param("hebb", "learning rule: hebb (integer counts), storkey (Storkey 1997), projection "
                      "(pseudo-inverse), covariance (0/1 patterns of activity a), clipped (sign of the Hebb "
                      "counts)", choices=RULES)
    activity: float = param(0.5, "probability a that a pattern bit is +1 (active); the covariance rule "
                            "stores these as 0/1 patterns of mean activity a", gt=0, lt=1)
    threshold: float = param(0.5, "covariance rule: firing threshold as a fraction of the gap between the "
                             "inactive (-a) and active (1 - a) retrieval signals; 0.5 is the midpoint",
                             ge=0, le=1)
    self_coupling: bool = param(False, "keep the diagonal W_ii of the learning rule (false: W_ii = 0)")
    dilution: float = param(0.0, "fraction of synapses removed at random after learning", ge=0, lt=1)
    dilution_symmetric: bool = param(True, "dilution removes W_ij and W_ji together (false: independently, "
                                     "an asymmetric network)")
    engine: str = param("auto", "compute engine: dense (N x N weights), patterns (fields from the (N, P) "
                        "patterns, Hebb only), bits (bit-packed patterns and XOR + popcount overlaps, Hebb "
                        "only), auto (cheapest that fits in memory)", choices=ENGINES)
    update: str = param("async", "dynamics: async (sequential, T=0), sync (all at once, T=0), glauber (heat "
                        "bath at temperature T), metropolis (Metropolis at temperature T)", choices=UPDATES)
    order: str = param("random", "visiting order of sequential dynamics: a fresh random permutation each sweep, "
                       "or fixed (0 .. N-1)", choices=("random", "fixed"))
    temperature: float = param(0.0, "temperature T of glauber and metropolis dynamics (0 for async and sync); "
                               "the final temperature when annealing", ge=0)
    anneal_from: float = param(0.0, "simulated annealing: initial temperature, lowered to `temperature` over "
                               "max_steps sweeps (0: no annealing)", ge=0)
    schedule: str = param("geometric", "annealing schedule from anneal_from to temperature",
                          choices=("geometric", "linear"))
    noise: float = protocol_field("noise", 0.0)
    cues: int = protocol_field("cues", 10)
    max_steps: int = protocol_field("max_steps", 100)
    success_overlap: float = protocol_field("success_overlap", 0.9)
    trace: bool = param(False, "record the energy and the overlap with the cued pattern after every sweep")

    def check(self) -> None:
        top = 20 if self.rule == "covariance" else 2  # sparse covariance patterns store several per neuron
        if self.load > top:
            self.fail("load", f"must be <= {top}")
        stochastic = self.update in STOCHASTIC
        if stochastic and self.temperature == 0:
            self.fail("temperature", f"must be > 0 with update={self.update!r} (use update='async' for T = 0)")
        if not stochastic and self.temperature != 0:
            self.fail("temperature", f"must be 0 with update={self.update!r} (use update='glauber' or "
                                     "'metropolis' for T > 0)")
        if self.anneal_from and not stochastic:
            self.fail("anneal_from", f"must be 0 with update={self.update!r} (annealing needs update='glauber' "
                                     "or 'metropolis')")
        if self.anneal_from and self.anneal_from <= self.temperature:
            self.fail("anneal_from", f"must be > temperature = {self.temperature:g} (annealing cools)")
        if self.schedule != "geometric" and not self.anneal_from:
            self.fail("schedule", "must be 'geometric' (the default) without annealing (set anneal_from > 0)")
        if self.order != "random" and self.update == "sync":
            self.fail("order", "must be 'random' (the default) with update='sync', which has no visiting order")
        if self.threshold != 0.5 and self.rule != "covariance":
            self.fail("threshold", f"must be 0.5 (the default) with rule={self.rule!r}; it sets the covariance "
                                   "rule's firing threshold")
        if self.engine in ("patterns", "bits") and (self.rule != "hebb" or self.dilution):
            self.fail("engine", f"must be 'dense' or 'auto' with rule={self.rule!r} and dilution="
                                f"{self.dilution:g}: only undiluted Hebbian weights are sums over patterns")

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns P."""
        return max(1, round(self.load * self.n_neurons))
