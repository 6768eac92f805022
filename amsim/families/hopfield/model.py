"""The user-facing Hopfield network: store patterns with a learning rule, recall from cues, measure.

>>> import numpy as np
>>> from amsim.families.hopfield import HopfieldNetwork
>>> from amsim.patterns import corrupt, random_patterns
>>> rng = np.random.default_rng(0)
>>> xi = random_patterns(20, 500, rng)
>>> net = HopfieldNetwork(n_neurons=500, backend="cpu", random_state=1).store(xi)
>>> result = net.recall(corrupt(xi[:5], 0.1, rng), update="async")
>>> net.overlaps(result.states).diagonal().round(2)   # doctest: +SKIP
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from amsim import backends
from amsim.dynamics import MODES, run_sequential, temperatures
from amsim.exceptions import ValidationError
from amsim.families.hopfield import engines, rules
from amsim.families.hopfield.params import MAX_NEURONS_TIMES_PATTERNS, STOCHASTIC, HopfieldParams
from amsim.family import Model, Recall
from amsim.resources import format_bytes, require_memory

#: Estimates from this size on are checked against physical memory (smaller ones always fit).
CHECK_BYTES = 64 << 20
#: Estimates from this size on are printed to stderr before the couplings are built.
ANNOUNCE_BYTES = 1 << 30


def _deprecated_rng(rng: np.random.Generator | None, verb: str) -> np.random.Generator | None:
    """A per-call generator, still accepted with a DeprecationWarning (the model's ``random_state`` replaces it)."""
    if rng is not None:
        warnings.warn(f"HopfieldNetwork.{verb}(rng=...) is deprecated; give the model random_state=",
                      DeprecationWarning, stacklevel=3)
    return rng


@dataclass(frozen=True)
class ThermalAverage:
    """Outcome of :meth:`HopfieldNetwork.thermal_average` for B starts.

    Attributes
    ----------
    magnetization : ndarray, (B, N) float64
        Time-averaged spins ``<s_i>`` over the averaging sweeps.
    first, last : ndarray, (B, N) int8
        The states after the burn-in and after the last averaging sweep.
    """

    magnetization: np.ndarray
    first: np.ndarray
    last: np.ndarray

    @property
    def edwards_anderson(self) -> np.ndarray:
        """``q = (1/N) sum_i <s_i>^2`` of each state, (B,) float64."""
        return (self.magnetization**2).mean(axis=1)

    @property
    def autocorrelation(self) -> np.ndarray:
        """``(1/N) sum_i s_i(first) s_i(last)``, (B,) float64: ~0 in the paramagnet, ~q in a frozen state."""
        return (self.first.astype(np.float64) * self.last).mean(axis=1)


class HopfieldNetwork(Model):
    """Hopfield network of ``n_neurons`` ±1 neurons with couplings ``J = W / N``.

    Constructed as every family's model (:mod:`amsim.family`): settings are the fields of
    :class:`~amsim.families.hopfield.params.HopfieldParams`, where each is documented (``n_neurons``, ``rule``,
    ``engine``, ``self_coupling``, ``dilution``, ``dilution_symmetric``, ``activity``, ``threshold``, and the
    dynamics that :meth:`recall` uses unless told otherwise: ``update``, ``temperature``, ``max_steps``,
    ``order``, ``anneal_from``, ``schedule``, ``trace``). The constructor does no work; :meth:`store` chooses the
    engine and checks its memory, and the couplings of the learning rule are built on first use.

    Parameters
    ----------
    params : HopfieldParams, optional
        Settings; keywords override them.
    backend : {"auto", "numpy", "cpu", "cuda"}
        Compute backend, resolved at :meth:`store`.
    random_state : int, numpy.random.Generator or None
        Source of the removed synapses (``dilution``) and of every random word of the dynamics.
    **settings
        Fields of HopfieldParams, e.g. ``n_neurons=1000, rule="storkey"``.

    Attributes
    ----------
    backend_ : str
        The resolved backend.
    patterns_ : ndarray, (P, N) int8
        The stored patterns.
    engine_ : DenseEngine, PatternEngine or BitEngine
        The couplings as the engine holds them (:mod:`amsim.families.hopfield.engines`), built on first use.
    memory_ : int
        Estimated bytes of the couplings (shown on stderr from 1 GiB on).

    References
    ----------
    J. J. Hopfield, PNAS 79, 2554 (1982), doi:10.1073/pnas.79.8.2554, eqs. (1)-(2).
    """

    params_class = HopfieldParams
    kernel_package = "amsim.families.hopfield"
    items = "spins"

    def __init__(self, params: HopfieldParams | int | None = None, *, backend: str = "auto",
                 random_state: int | np.random.Generator | None = None, **settings: Any) -> None:
        if isinstance(params, (int, np.integer)) and not isinstance(params, bool):
            warnings.warn("HopfieldNetwork(n_neurons, ...) is deprecated; use HopfieldNetwork(n_neurons=...)",
                          DeprecationWarning, stacklevel=2)
            params, settings = None, {"n_neurons": int(params), **settings}
        super().__init__(params, backend=backend, random_state=random_state, **settings)

    @property
    def width(self) -> int:
        """Number of neurons N."""
        return self.params.n_neurons

    @property
    def weights_(self) -> np.ndarray:
        """The weights ``W`` (N, N) of the dense engine (a view; couplings ``J = W / N``)."""
        if not isinstance(self.engine_, engines.DenseEngine):
            raise AttributeError(f"weights_: the {self.engine_.name!r} engine holds no weight matrix")
        return self.engine_.weights.T

    def store(self, patterns: np.ndarray, rng: np.random.Generator | None = None) -> HopfieldNetwork:
        """Store ±1 patterns (P, N) int8 with the learning rule; returns ``self``.

        The engine is chosen and its memory estimated here: a request that cannot fit raises
        :class:`~amsim.exceptions.ValidationError` naming the alternative, and an estimate from 1 GiB on is
        printed to stderr. The couplings themselves are built on first use (:attr:`engine_`), so a stability
        check of Hebbian patterns, which needs none, builds none. With ``dilution > 0`` the seed of the removed
        synapses is drawn now from :attr:`rng_` (``rng`` is deprecated: give ``random_state`` to the model).
        """
        p = self.params
        n_patterns, n = np.shape(patterns)
        if n != p.n_neurons:
            raise ValidationError(f"HopfieldNetwork.store: patterns must have n_neurons = {p.n_neurons} columns "
                                  f"(got {n})")
        if n * n_patterns > MAX_NEURONS_TIMES_PATTERNS:
            raise ValidationError(f"HopfieldNetwork.store: n_neurons x patterns must be < 2**31 (got {n} x "
                                  f"{n_patterns})")
        self.settings(load=min(n_patterns / n, 2.0))
        rng = _deprecated_rng(rng, "store") or self.rng_
        engine = engines.choose(p.engine, p.rule, p.dilution, n, n_patterns)
        self.memory_ = engines.engine_bytes(engine, p.rule, n, n_patterns, p.dilution)
        if self.memory_ >= CHECK_BYTES:
            text = engines.describe(engine, p.rule, n, n_patterns, p.dilution)
            require_memory(self.memory_, f"HopfieldNetwork: {text}", self._alternative(engine, n, n_patterns))
            if self.memory_ >= ANNOUNCE_BYTES:
                print(f"amsim: hopfield N={n} P={n_patterns}: {text}", file=sys.stderr)
        self.backend_  # resolve now: a missing backend fails here, not at the first recall  # noqa: B018
        self.patterns_ = np.ascontiguousarray(patterns, dtype=np.int8)
        self._engine_name = engine
        self._dilution_seed = rng.integers(2**63) if p.dilution else 0
        self._engine = None
        return self

    @property
    def engine_(self) -> engines.DenseEngine | engines.PatternEngine | engines.BitEngine:
        """The couplings as the chosen engine holds them, built on first use."""
        if self._engine is None:
            k = self.kernels_
            n_patterns = len(self.patterns_)
            diagonal = n_patterns if self.params.self_coupling else 0
            if self._engine_name == "patterns":
                self._engine = engines.PatternEngine(k, self.patterns_, diagonal)
            elif self._engine_name == "bits":
                self._engine = engines.BitEngine(k, self.patterns_, diagonal)
            else:
                p = self.params
                weights, bias = rules.build(p.rule, self.patterns_, k, activity=p.activity, threshold=p.threshold,
                                            self_coupling=p.self_coupling, dilution=p.dilution,
                                            dilution_symmetric=p.dilution_symmetric,
                                            rng=np.random.default_rng(self._dilution_seed))
                self._engine = engines.DenseEngine(k, weights, bias)
        return self._engine

    def _alternative(self, engine: str, n: int, n_patterns: int) -> str:
        """What to do when ``engine`` cannot fit."""
        rule = self.params.rule
        lean = {e: format_bytes(engines.engine_bytes(e, rule, n, n_patterns)) for e in ("patterns", "bits")}
        if engine == "dense" and rule == "hebb" and not self.params.dilution:
            return f"use engine='patterns' ({lean['patterns']}) or engine='bits' ({lean['bits']})"
        if engine == "dense":
            return (f"the {rule!r} rule needs the N x N weights: use fewer neurons, or rule='hebb' with "
                    f"engine='bits' ({lean['bits']})")
        if engine == "patterns":
            return f"use engine='bits' ({lean['bits']}) or fewer neurons"
        return "use fewer neurons or patterns"

    def recall(self, cues: np.ndarray, *, update: str | None = None, temperature: float | None = None,
               max_steps: int | None = None, order: str | None = None, anneal_from: float | None = None,
               schedule: str | None = None, trace: bool | None = None, targets: np.ndarray | None = None) -> Recall:
        """Run the dynamics from each cue (B, N) int8 and return the final states.

        The dynamics settings default to the model's (:class:`HopfieldParams`); those given here override them
        for this call and are validated the same way. Sequential dynamics (``async``, ``glauber``,
        ``metropolis``) visit the neurons in a fresh random order each sweep (``order="random"``) or in the order
        0 .. N-1 (``"fixed"``). The random words of the orders and of the acceptance tests are drawn on the host
        from :attr:`rng_` as uint32, in chunks of sweeps and only for the states still moving, so every backend
        and engine gives the same states for the same generator. ``temperature`` (> 0) applies to ``glauber``
        and ``metropolis``; ``anneal_from`` lowers the temperature from that value to ``temperature`` over the
        ``max_steps`` sweeps (``schedule``: geometric or linear). ``trace`` records the energy and the overlap
        with ``targets`` (B, N) (default: each cue's most overlapping stored pattern) after every sweep.
        """
        p = self.settings(update=update, temperature=temperature, max_steps=max_steps, order=order,
                          anneal_from=anneal_from, schedule=schedule, trace=trace)
        return self._recall(cues, p, self.rng_, targets)

    def retrieve(self, cues: np.ndarray, *, update: str = "async", temperature: float = 0.0, max_sweeps: int = 100,
                 rng: np.random.Generator | None = None, order: str = "random", anneal_from: float = 0.0,
                 schedule: str = "geometric", trace: bool = False, targets: np.ndarray | None = None) -> Recall:
        """Deprecated: :meth:`recall` (``max_sweeps`` is ``max_steps``; randomness comes from ``random_state``)."""
        warnings.warn("HopfieldNetwork.retrieve is deprecated; use recall (max_sweeps -> max_steps, and give the "
                      "model random_state instead of rng)", DeprecationWarning, stacklevel=2)
        p = self.settings(update=update, temperature=temperature, max_steps=max_sweeps, order=order,
                          anneal_from=anneal_from, schedule=schedule, trace=trace)
        return self._recall(cues, p, self.rng_ if rng is None else rng, targets)

    def _recall(self, cues: np.ndarray, p: HopfieldParams, rng: np.random.Generator,
                targets: np.ndarray | None) -> Recall:
        """:meth:`recall` with validated settings ``p`` and the generator ``rng``."""
        states = np.array(cues, dtype=np.int8, order="C")
        b, n = states.shape
        steps = np.zeros(b, dtype=np.int32)
        converged = np.zeros(b, dtype=np.bool_)
        width = p.max_steps if p.trace else 0
        trace_energy, trace_overlap = np.zeros((b, width)), np.zeros((b, width))
        if p.trace:
            targets = self.patterns_[self.overlaps(states).argmax(axis=1)] if targets is None else targets
            readout, offset, divisor = self._readout(np.asarray(targets, dtype=np.int8))
            energy0, overlap0 = self.energy(states), (offset + (readout * states).sum(axis=1)) / divisor
        else:
            readout = np.zeros((b, 0))
        engine = self.engine_
        aux = engine.start(states)
        if p.update == "sync":
            engine.sync(states, aux, p.max_steps, steps, converged, readout, trace_energy, trace_overlap)
        else:
            betas = np.zeros(p.max_steps) if p.update == "async" else \
                1.0 / temperatures(p.max_steps, p.temperature, p.anneal_from, p.schedule)
            run_sequential(engine.sweeps, states, aux, MODES[p.update], betas, p.order, rng, steps, converged,
                           readout, trace_energy, trace_overlap)
        if not p.trace:
            return Recall(states, steps, converged)
        return Recall(states, steps, converged, np.column_stack([energy0, trace_energy]),
                      np.column_stack([overlap0, (offset[:, None] + trace_overlap) / divisor[:, None]]))

    def thermal_average(self, starts: np.ndarray, *, temperature: float, burn_in: int, sweeps: int,
                        rng: np.random.Generator | None = None, update: str = "glauber",
                        order: str = "random") -> ThermalAverage:
        """Time-averaged spins of stochastic dynamics: ``burn_in`` sweeps from each start, then ``sweeps`` more,
        the spins averaged over the states after each of them.

        Parameters
        ----------
        starts : ndarray, (B, N) int8
            Initial ±1 states (e.g. uniformly random, to look for the spin-glass phase).
        temperature : float
            T > 0 of the ``update`` dynamics (``glauber`` or ``metropolis``), in coupling units.
        burn_in, sweeps : int
            Sweeps run before averaging (>= 0), and sweeps averaged over (>= 1).
        rng : numpy.random.Generator, optional
            Deprecated: the randomness comes from the model's ``random_state``.
        order : {"random", "fixed"}
            As in :meth:`recall` (the same generator gives the same averages on every backend and engine).

        Returns
        -------
        ThermalAverage
            ``magnetization`` (B, N) float64, ``<s_i>`` over the averaging sweeps; ``first`` and ``last`` (B, N)
            int8, the states that open and close the average; and from them ``edwards_anderson`` (B,),
            ``q = (1/N) sum_i <s_i>^2``, and ``autocorrelation`` (B,), ``(1/N) first . last``.

        Notes
        -----
        In the paramagnet ``q`` is the finite-time bias, about (1 + 2 tau) / ``sweeps`` for a correlation time tau
        (in sweeps) and 0 as ``sweeps`` grows; in a frozen (spin-glass or retrieval) state it tends to the
        Edwards-Anderson order parameter of the replica theory. Each averaging sweep is one recall, which rebuilds
        the fields of the states: cheap on the pattern engines (N P / 64 popcounts per state), about one more
        sweep's work on the dense engine (N^2 per state).
        """
        if update not in STOCHASTIC:
            raise ValidationError(f"thermal_average: update must be one of {', '.join(STOCHASTIC)} (got "
                                  f"{update!r}); the T = 0 dynamics stop at a fixed point")
        for name, value, least in (("burn_in", burn_in, 0), ("sweeps", sweeps, 1)):
            if int(value) != value or value < least:
                raise ValidationError(f"thermal_average: {name} must be an integer >= {least} (got {value!r})")
        rng = _deprecated_rng(rng, "thermal_average") or self.rng_
        dynamics = {"update": update, "temperature": temperature, "order": order, "anneal_from": 0.0,
                    "schedule": "geometric", "trace": False}
        one = self.settings(max_steps=1, **dynamics)
        first = self._recall(starts, self.settings(max_steps=burn_in, **dynamics), rng, None).states if burn_in \
            else np.array(starts, dtype=np.int8, order="C")
        total = np.zeros(first.shape)
        state = first
        for _ in range(sweeps):
            state = self._recall(state, one, rng, None).states
            total += state
        return ThermalAverage(total / sweeps, first, state)

    def _readout(self, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Readout weights r (B, N), offsets c (B,) and divisors d (B,) with ``overlap = (c + r . s) / d``.

        ±1 rules: ``r = xi``, ``d = N`` (as :meth:`overlaps` divides). Covariance rule: the activity overlap (see
        :meth:`overlaps`), ``r = V^mu - a`` on a dyadic grid (so the kernels' sums are exact in any order),
        ``c = sum_i r_i``, ``d = 2 N_1 (1 - a)`` with ``N_1`` the active units of the target.
        """
        n = targets.shape[1]
        if self.params.rule != "covariance":
            return targets.astype(np.float64), np.zeros(len(targets)), np.full(len(targets), float(n))
        a = self.params.activity
        q = rules.grid_quantum(float(n))
        r = np.rint(((targets + 1) / 2 - a) / q) * q
        return r, r.sum(axis=1), 2.0 * (targets > 0).sum(axis=1) * (1.0 - a)

    def energy(self, states: np.ndarray) -> np.ndarray:
        """Energy per neuron ``-(s W s / 2 + b . s) / N^2`` of each state (B, N) int8; returns (B,) float64."""
        return self.engine_.energy(np.ascontiguousarray(states, dtype=np.int8))

    def overlaps(self, states: np.ndarray) -> np.ndarray:
        """Overlaps of each state (B, N) with each stored pattern; returns (B, P) float64.

        ``m = s . xi / N``; for the covariance rule the activity overlap of the 0/1 states ``V = (1 + s) / 2``,
        ``sum_i (V_i^mu - a) V_i / sum_i (V_i^mu - a) V_i^mu``: the covariance with the pattern normalised to 1 at
        the pattern itself (whatever its number of active units), about 0 for an unrelated state (Tsodyks &
        Feigel'man normalise by N a (1 - a), the expected denominator).
        """
        states = np.ascontiguousarray(states, dtype=np.int8)
        out = np.empty((len(states), len(self.patterns_)), dtype=np.float64)
        backends.kernels("amsim.kernels", self.backend_).overlaps(self.patterns_, states, out)
        if self.params.rule != "covariance":
            return out
        n, a = states.shape[1], self.params.activity
        dot = np.rint(out * n)
        sum_s = states.sum(axis=1, dtype=np.int64)[:, None]
        pattern_sum = self.patterns_.sum(axis=1, dtype=np.int64)[None, :]
        both_active = (n + pattern_sum + sum_s + dot) / 4  # sum_i V_i^mu V_i
        return (both_active - a * (n + sum_s) / 2) / ((n + pattern_sum) / 2 * (1.0 - a))

    def stable(self) -> np.ndarray:
        """Which stored patterns are fixed points of the zero-temperature dynamics; (P,) bool.

        Hebbian sums (undiluted Hebb): the kernel ``hebbian_stability``, which needs no weights; otherwise the
        fields of the patterns, 256 at a time, none of them opposing its spin (a zero field keeps the spin).
        """
        n_patterns = len(self.patterns_)
        stable = np.empty(n_patterns, dtype=np.bool_)
        if self.params.rule == "hebb" and not self.params.dilution:
            self.kernels_.hebbian_stability(self.patterns_, n_patterns if self.params.self_coupling else 0, stable)
            return stable
        for lo in range(0, n_patterns, 256):
            x = self.patterns_[lo:lo + 256]
            stable[lo:lo + 256] = (self.engine_.start(x) * x >= 0).all(axis=1)
        return stable
