"""Compute engines: how a Hopfield network holds its couplings, what that costs in memory, and the automatic choice.

* ``dense``: the weights W (N, N), integer counts in the smallest dtype (int8 for P <= 127, int16, int32) or
  float64 for the real-valued rules; a visit reads one field, a flip adds one row of W to the fields.
* ``patterns``: no W; the transposed patterns (N, P) int8 and the overlap counts ``m = Xi s`` (by XOR + popcount
  on packed patterns), ``h = Xi^T m + (d - P) s``. Only for sums over patterns (undiluted Hebb); a visit or a flip
  costs P operations, a synchronous step N P per state.
* ``bits``: the patterns packed along the neurons and along the patterns (N P / 4 bytes in all, 4 times less than
  ``patterns``), fields from bit planes of the overlaps.

Every engine gives the same integer fields for the Hebb rule, hence the same states. Symbols: N neurons,
P patterns, B states, d the diagonal ``W_ii``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from amsim import backends
from amsim.bits import pack_bits
from amsim.dynamics import random_words_bytes
from amsim.families.hopfield.rules import count_dtype
from amsim.kernels import Convergence, Schedule, Trace
from amsim.kernels.layout import transposed
from amsim.resources import format_bytes, physical_memory

#: Engine names in the order of their codes in datasets (``flag_values``).
ENGINES = ("dense", "patterns", "bits")


def counts_dtype(n_neurons: int) -> type[np.signedinteger]:
    """Overlap counts ``|m| <= N``: int16 (whose products LLVM vectorises best) while N fits it, else int32."""
    return np.int16 if n_neurons <= 32767 else np.int32


def weight_itemsize(rule: str, n_patterns: int) -> int:
    """Bytes per dense weight: Hebbian counts in :func:`~amsim.families.hopfield.rules.count_dtype`, clipped int8,
    float64 for the real-valued rules."""
    if rule == "hebb":
        return np.dtype(count_dtype(n_patterns)).itemsize
    return 1 if rule == "clipped" else 8


def engine_bytes(engine: str, rule: str, n: int, n_patterns: int, dilution: float = 0.0) -> int:
    """Peak bytes an engine needs to hold (and build) the couplings of one network.

    dense: the weights, plus the rule's temporaries (float rules: about two more N x N float64 arrays; clipped: the
    counts; dilution: a float32 random matrix and a boolean mask); patterns: int8 (N, P') and the packed patterns;
    bits: the patterns packed twice, 64 bits per word.
    """
    k, q = -(-n // 64), -(-n_patterns // 64)
    if engine == "patterns":
        return n * -(-n_patterns // 32) * 32 + 8 * n_patterns * k
    if engine == "bits":
        return 8 * (n_patterns * k + n * q)
    item = weight_itemsize(rule, n_patterns)
    extra = {"hebb": 0, "clipped": np.dtype(count_dtype(n_patterns)).itemsize}.get(rule, 16)
    extra += 6 if dilution else 0
    return n * n * (item + extra) + 16 * n * n_patterns * (item == 8)


def run_bytes(engine: str, rule: str, n: int, n_patterns: int, n_states: int, sequential: bool,
              trace_sweeps: int) -> int:
    """Bytes of one retrieval beside the couplings: states, fields or counts, a chunk of random words
    (sequential dynamics: two uint32 words per visit, at most 64 sweeps), readout and traces."""
    aux = n_states * n * (8 if weight_itemsize(rule, n_patterns) == 8 else 4) if engine == "dense" \
        else 4 * n_states * n_patterns
    randomness = random_words_bytes(n_states, n) if sequential else 0
    return 2 * n_states * n + aux + randomness + 8 * n_states * n + 16 * n_states * trace_sweeps


def choose(requested: str, rule: str, dilution: float, n: int, n_patterns: int, n_states: int = 1,
           sequential: bool = True, trace_sweeps: int = 0) -> str:
    """The engine to use: ``requested`` unless it is ``auto``.

    auto: dense for anything but undiluted Hebbian weights; for those the pattern engine while P <= N / 4 (a
    visit, flip or field then costs less than with W, and nothing N x N is built), else dense; then the first of
    the others that fits in 80% of physical memory (bits last: it is the leanest and the slowest).
    """
    if requested != "auto":
        return requested
    if rule != "hebb" or dilution:
        return "dense"
    order = ("patterns", "dense", "bits") if 4 * n_patterns <= n else ("dense", "patterns", "bits")
    limit = 0.8 * physical_memory() or float("inf")
    for engine in order:
        total = engine_bytes(engine, rule, n, n_patterns) + run_bytes(engine, rule, n, n_patterns, n_states,
                                                                       sequential, trace_sweeps)
        if total <= limit:
            return engine
    return order[0]


def describe(engine: str, rule: str, n: int, n_patterns: int, dilution: float = 0.0) -> str:
    """One line: the engine, its memory, and what dense weights would need."""
    held = format_bytes(engine_bytes(engine, rule, n, n_patterns, dilution))
    text = f"engine {engine!r} holds the couplings in {held}"
    if engine != "dense":
        text += f" (dense weights would need {format_bytes(engine_bytes('dense', rule, n, n_patterns))})"
    return text


class DenseEngine:
    """Weights W (outgoing layout ``weights[j, i] = W_ij``) and bias; the auxiliary state is the fields."""

    name = "dense"

    def __init__(self, kernels: ModuleType, weights: np.ndarray, bias: np.ndarray) -> None:
        self.kernels, self.weights, self.bias = kernels, weights, bias

    def start(self, states: np.ndarray) -> np.ndarray:
        """Fields ``W s + b`` (B, N) of the states, int32 or float64."""
        fields = np.empty(states.shape, dtype=self.bias.dtype)
        self.kernels.local_fields(self.weights, self.bias, states, fields)
        return fields

    def sync(self, states, aux, max_steps, steps, converged, readout, trace_energy, trace_overlap) -> None:
        self.kernels.sync_retrieve(self.weights, self.bias, states, aux, max_steps, Convergence(steps, converged),
                                   Trace(readout, trace_energy, trace_overlap))

    def sweeps(self, states, aux, order_bits, uniform_bits, betas, mode, steps, converged, readout, trace_energy,
               trace_overlap) -> None:
        self.kernels.sweeps(self.weights, self.bias, states, aux, Schedule(order_bits, uniform_bits, betas, mode),
                            Convergence(steps, converged), Trace(readout, trace_energy, trace_overlap))

    def energy(self, states: np.ndarray) -> np.ndarray:
        out = np.empty(len(states))
        self.kernels.energy(self.weights, self.bias, states, out)
        return out


class PatternEngine:
    """Transposed patterns (N, P') int8 (widened to int16 in registers: half the memory traffic of int16 rows, as
    fast or faster here), zero-padded to P' = 32 ceil(P / 32) columns (whole ``vpmaddwd`` vectors,
    no scalar remainder), and packed patterns; the auxiliary state is the overlap counts (B, P')."""

    name = "patterns"

    def __init__(self, kernels: ModuleType, patterns: np.ndarray, diagonal: int) -> None:
        n_patterns, self.n = patterns.shape
        self.kernels, self.offset = kernels, diagonal - n_patterns
        self.shared = backends.kernels_like("amsim.kernels", kernels)
        self.bits_n = pack_bits(patterns)
        self.counts_type = counts_dtype(self.n)
        self.patterns_t = transposed(patterns, -(-n_patterns // 32) * 32)

    def start(self, states: np.ndarray) -> np.ndarray:
        """Overlap counts ``Xi s`` (B, P') of the states, by XOR + popcount (zero in the padding), from the shared
        kernels (:mod:`amsim.kernels`) of the family kernels' backend."""
        counts = np.zeros((len(states), self.patterns_t.shape[1]), dtype=self.counts_type)
        exact = np.empty((len(states), len(self.bits_n)), dtype=self.counts_type)
        self.shared.overlap_counts(self.bits_n, states, exact)
        counts[:, :exact.shape[1]] = exact
        return counts

    def sync(self, states, aux, max_steps, steps, converged, readout, trace_energy, trace_overlap) -> None:
        self.kernels.pattern_sync(self.patterns_t, self.offset, states, aux, max_steps, Convergence(steps, converged),
                                  Trace(readout, trace_energy, trace_overlap))

    def sweeps(self, states, aux, order_bits, uniform_bits, betas, mode, steps, converged, readout, trace_energy,
               trace_overlap) -> None:
        self.kernels.pattern_sweeps(self.patterns_t, self.offset, states, aux,
                                    Schedule(order_bits, uniform_bits, betas, mode), Convergence(steps, converged),
                                    Trace(readout, trace_energy, trace_overlap))

    def energy(self, states: np.ndarray) -> np.ndarray:
        """``-(sum_mu m_mu^2 + o N) / (2 N^2)``, from exact int64 sums (o = W_ii - P)."""
        m = self.start(states).astype(np.int64)
        return -((m * m).sum(axis=1) + self.offset * self.n) / (2.0 * self.n * self.n)


class BitEngine(PatternEngine):
    """Patterns packed along the neurons (overlap counts) and along the patterns (fields); int32 counts."""

    name = "bits"

    def __init__(self, kernels: ModuleType, patterns: np.ndarray, diagonal: int) -> None:
        n_patterns, self.n = patterns.shape
        self.kernels, self.offset = kernels, diagonal - n_patterns
        self.shared = backends.kernels_like("amsim.kernels", kernels)
        self.bits_n = pack_bits(patterns)
        self.bits_p = pack_bits(transposed(patterns))

    def start(self, states: np.ndarray) -> np.ndarray:
        counts = np.empty((len(states), len(self.bits_n)), dtype=np.int32)
        self.shared.overlap_counts(self.bits_n, states, counts)
        return counts

    def sync(self, states, aux, max_steps, steps, converged, readout, trace_energy, trace_overlap) -> None:
        self.kernels.bit_sync(self.bits_n, self.bits_p, self.offset, states, aux, max_steps,
                              Convergence(steps, converged), Trace(readout, trace_energy, trace_overlap))

    def sweeps(self, states, aux, order_bits, uniform_bits, betas, mode, steps, converged, readout, trace_energy,
               trace_overlap) -> None:
        self.kernels.bit_sweeps(self.bits_p, self.offset, states, aux, Schedule(order_bits, uniform_bits, betas, mode),
                                Convergence(steps, converged), Trace(readout, trace_energy, trace_overlap))
