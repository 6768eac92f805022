"""The user-facing Hopfield network: store patterns with a learning rule, retrieve from cues, measure.

>>> import numpy as np
>>> from amsim.families.hopfield import HopfieldNetwork, corrupt, random_patterns
>>> rng = np.random.default_rng(0)
>>> xi = random_patterns(20, 500, rng)
>>> net = HopfieldNetwork(500, backend="cpu").store(xi)
>>> result = net.retrieve(corrupt(xi[:5], 0.1, rng), update="async", rng=rng)
>>> net.overlaps(result.states).diagonal().round(2)   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from amsim import backends
from amsim.exceptions import ValidationError
from amsim.families.hopfield import engines, rules
from amsim.families.hopfield.params import MAX_NEURONS_TIMES_PATTERNS, STOCHASTIC, HopfieldParams
from amsim.resources import format_bytes, require_memory

_PACKAGE = "amsim.families.hopfield"
#: Dynamics codes of the sequential kernels (``mode``).
MODES = {"async": 0, "glauber": 1, "metropolis": 2}
#: Estimates from this size on are checked against physical memory (smaller ones always fit).
CHECK_BYTES = 64 << 20
#: Estimates from this size on are printed to stderr before the couplings are built.
ANNOUNCE_BYTES = 1 << 30


@functools.lru_cache(maxsize=256)
def _validated(**settings: object) -> HopfieldParams:
    """``HopfieldParams(**settings)``, memoised: a network validates its settings at every call, and building
    the dataclass costs more than a small retrieval."""
    return HopfieldParams(**settings)


def random_patterns(n_patterns: int, n_neurons: int, rng: np.random.Generator, activity: float = 0.5) -> np.ndarray:
    """Random ±1 patterns, shape (n_patterns, n_neurons), dtype int8, each bit +1 with probability ``activity``."""
    if activity == 0.5:
        return (rng.integers(0, 2, size=(n_patterns, n_neurons), dtype=np.int8) * 2 - 1).astype(np.int8)
    return np.where(rng.random((n_patterns, n_neurons)) < activity, 1, -1).astype(np.int8)


def corrupt(states: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Copies of ``states`` (B, N) int8 with exactly ``round(noise * N)`` bits flipped in each row.

    The flipped positions are a uniformly random subset per row, so the cue overlap is exactly ``1 - 2 k / N``.
    """
    b, n = states.shape
    k = round(noise * n)
    cues = states.copy()
    if k:
        flip = np.argsort(rng.random((b, n)), axis=1)[:, :k]
        np.negative.at(cues, (np.arange(b)[:, None], flip))
    return cues


def temperatures(n_sweeps: int, temperature: float, anneal_from: float = 0.0, schedule: str = "geometric"
                 ) -> np.ndarray:
    """Temperature of each sweep, (n_sweeps,) float64: constant, or annealed from ``anneal_from`` to
    ``temperature`` (reached at the last sweep) geometrically or linearly."""
    if not anneal_from:
        return np.full(n_sweeps, float(temperature))
    x = np.arange(n_sweeps) / max(n_sweeps - 1, 1)
    if schedule == "geometric":
        t = anneal_from * (temperature / anneal_from) ** x
    else:
        t = anneal_from + (temperature - anneal_from) * x
    t[-1] = temperature
    return t


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


@dataclass(frozen=True)
class Retrieval:
    """Outcome of :meth:`HopfieldNetwork.retrieve` for B cues.

    Attributes
    ----------
    states : ndarray, (B, N) int8
        Final ±1 states.
    steps : ndarray, (B,) int32
        Synchronous steps, or sweeps, that changed the state (Glauber, Metropolis: the sweeps run).
    converged : ndarray, (B,) bool
        Reached a fixed point within the limit (always False for the stochastic dynamics, which have none).
    energy_trace : ndarray, (B, S + 1) float64, optional
        With ``trace=True``: energy per neuron of the cue (column 0) and after each of the S = ``max_sweeps``
        sweeps or steps (a state that stopped keeps its last value).
    overlap_trace : ndarray, (B, S + 1) float64, optional
        With ``trace=True``: overlap with each cue's target pattern, likewise.
    """

    states: np.ndarray
    steps: np.ndarray
    converged: np.ndarray
    energy_trace: np.ndarray | None = None
    overlap_trace: np.ndarray | None = None


class HopfieldNetwork:
    """Hopfield network of ``n_neurons`` ±1 neurons with couplings ``J = W / N``.

    The constructor does no work; :meth:`store` chooses the ``engine`` and checks its memory, and the couplings
    of the learning ``rule`` are built on first use. Every setting is validated as the field of the same name of
    :class:`~amsim.families.hopfield.params.HopfieldParams`, where it is documented.

    Parameters
    ----------
    n_neurons : int
        Number of neurons N.
    backend : {"auto", "numpy", "cpu", "cuda"}
        Compute backend; resolved at :meth:`store`.
    rule : {"hebb", "storkey", "projection", "covariance", "clipped"}
    engine : {"auto", "dense", "patterns", "bits"}
    self_coupling : bool
    dilution : float
    dilution_symmetric : bool
    activity : float
        Activity a of the covariance rule's 0/1 patterns (bits that are +1).
    threshold : float
        Covariance rule: firing threshold, a fraction of the gap between the inactive and active signals.

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

    def __init__(self, n_neurons: int, *, backend: str = "auto", rule: str = "hebb", engine: str = "auto",
                 self_coupling: bool = False, dilution: float = 0.0, dilution_symmetric: bool = True,
                 activity: float = 0.5, threshold: float = 0.5) -> None:
        self.n_neurons = n_neurons
        self.backend = backend
        self.rule = rule
        self.engine = engine
        self.self_coupling = self_coupling
        self.dilution = dilution
        self.dilution_symmetric = dilution_symmetric
        self.activity = activity
        self.threshold = threshold

    @classmethod
    def from_params(cls, p: HopfieldParams, backend: str = "auto", engine: str | None = None) -> HopfieldNetwork:
        """The network described by validated parameters (``engine`` overrides ``p.engine``)."""
        return cls(p.n_neurons, backend=backend, rule=p.rule, engine=engine or p.engine,
                   self_coupling=p.self_coupling, dilution=p.dilution, dilution_symmetric=p.dilution_symmetric,
                   activity=p.activity, threshold=p.threshold)

    def _params(self, n_patterns: int, **dynamics: object) -> HopfieldParams:
        """Validate the settings (and dynamics) through :class:`HopfieldParams`; raises ``ValidationError``."""
        return _validated(n_neurons=self.n_neurons, load=min(n_patterns / self.n_neurons, 2.0), rule=self.rule,
                          engine=self.engine, self_coupling=self.self_coupling, dilution=self.dilution,
                          dilution_symmetric=self.dilution_symmetric, activity=self.activity, threshold=self.threshold,
                          **dynamics)

    @property
    def kernels_(self) -> ModuleType:
        """Kernel module of the resolved backend."""
        return backends.kernels(_PACKAGE, self.backend_)

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
        check of Hebbian patterns, which needs none, builds none. ``rng`` draws (now) the seed of the removed
        synapses when ``dilution > 0``.
        """
        n_patterns, n = np.shape(patterns)
        if n != self.n_neurons:
            raise ValidationError(f"HopfieldNetwork.store: patterns must have n_neurons = {self.n_neurons} columns "
                                  f"(got {n})")
        if n * n_patterns > MAX_NEURONS_TIMES_PATTERNS:
            raise ValidationError(f"HopfieldNetwork.store: n_neurons x patterns must be < 2**31 (got {n} x "
                                  f"{n_patterns})")
        self._params(n_patterns)
        self.backend_ = backends.resolve(self.backend)
        engine = engines.choose(self.engine, self.rule, self.dilution, n, n_patterns)
        self.memory_ = engines.engine_bytes(engine, self.rule, n, n_patterns, self.dilution)
        if self.memory_ >= CHECK_BYTES:
            text = engines.describe(engine, self.rule, n, n_patterns, self.dilution)
            require_memory(self.memory_, f"HopfieldNetwork: {text}", self._alternative(engine, n, n_patterns))
            if self.memory_ >= ANNOUNCE_BYTES:
                print(f"amsim: hopfield N={n} P={n_patterns}: {text}", file=sys.stderr)
        self.patterns_ = np.ascontiguousarray(patterns, dtype=np.int8)
        self._engine_name = engine
        self._dilution_seed = (np.random.default_rng() if rng is None else rng).integers(2**63) \
            if self.dilution else 0
        self._engine = None
        return self

    @property
    def engine_(self) -> engines.DenseEngine | engines.PatternEngine | engines.BitEngine:
        """The couplings as the chosen engine holds them, built on first use."""
        if self._engine is None:
            k = self.kernels_
            n_patterns = len(self.patterns_)
            diagonal = n_patterns if self.self_coupling else 0
            if self._engine_name == "patterns":
                self._engine = engines.PatternEngine(k, self.patterns_, diagonal)
            elif self._engine_name == "bits":
                self._engine = engines.BitEngine(k, self.patterns_, diagonal)
            else:
                weights, bias = rules.build(self.rule, self.patterns_, k, activity=self.activity,
                                            threshold=self.threshold, self_coupling=self.self_coupling,
                                            dilution=self.dilution, dilution_symmetric=self.dilution_symmetric,
                                            rng=np.random.default_rng(self._dilution_seed))
                self._engine = engines.DenseEngine(k, weights, bias)
        return self._engine

    def _alternative(self, engine: str, n: int, n_patterns: int) -> str:
        """What to do when ``engine`` cannot fit."""
        lean = {e: format_bytes(engines.engine_bytes(e, self.rule, n, n_patterns)) for e in ("patterns", "bits")}
        if engine == "dense" and self.rule == "hebb" and not self.dilution:
            return f"use engine='patterns' ({lean['patterns']}) or engine='bits' ({lean['bits']})"
        if engine == "dense":
            return (f"the {self.rule!r} rule needs the N x N weights: use fewer neurons, or rule='hebb' with "
                    f"engine='bits' ({lean['bits']})")
        if engine == "patterns":
            return f"use engine='bits' ({lean['bits']}) or fewer neurons"
        return "use fewer neurons or patterns"

    def retrieve(self, cues: np.ndarray, *, update: str = "async", temperature: float = 0.0, max_sweeps: int = 100,
                 rng: np.random.Generator | None = None, order: str = "random", anneal_from: float = 0.0,
                 schedule: str = "geometric", trace: bool = False, targets: np.ndarray | None = None) -> Retrieval:
        """Run the dynamics from each cue (B, N) int8 and return the final states.

        Sequential dynamics (``async``, ``glauber``, ``metropolis``) visit the neurons in a fresh random order
        each sweep (``order="random"``) or in the order 0 .. N-1 (``"fixed"``). The random words of the orders
        and of the acceptance tests are drawn on the host from ``rng`` as uint32, in chunks of sweeps and only
        for the states still moving, so every backend and engine gives the same states for the same generator.
        ``temperature`` (> 0) applies to ``glauber`` and ``metropolis``; ``anneal_from`` lowers the temperature
        from that value to ``temperature`` over the ``max_sweeps`` sweeps (``schedule``: geometric or linear).
        ``trace`` records the energy and the overlap with ``targets`` (B, N) (default: each cue's most
        overlapping stored pattern) after every sweep.
        """
        self._params(len(self.patterns_), update=update, temperature=temperature, max_sweeps=max_sweeps,
                     order=order, anneal_from=anneal_from, schedule=schedule, trace=trace)
        rng = np.random.default_rng() if rng is None else rng
        states = np.array(cues, dtype=np.int8, order="C")
        b, n = states.shape
        steps = np.zeros(b, dtype=np.int32)
        converged = np.zeros(b, dtype=np.bool_)
        width = max_sweeps if trace else 0
        trace_energy, trace_overlap = np.zeros((b, width)), np.zeros((b, width))
        if trace:
            targets = self.patterns_[self.overlaps(states).argmax(axis=1)] if targets is None else targets
            readout, offset, divisor = self._readout(np.asarray(targets, dtype=np.int8))
            energy0, overlap0 = self.energy(states), (offset + (readout * states).sum(axis=1)) / divisor
        else:
            readout = np.zeros((b, 0))
        engine = self.engine_
        aux = engine.start(states)
        if update == "sync":
            engine.sync(states, aux, max_sweeps, steps, converged, readout, trace_energy, trace_overlap)
        else:
            betas = np.zeros(max_sweeps) if update == "async" else \
                1.0 / temperatures(max_sweeps, temperature, anneal_from, schedule)
            self._sequential(states, aux, MODES[update], betas, order, rng, steps, converged, readout, trace_energy,
                             trace_overlap)
        if not trace:
            return Retrieval(states, steps, converged)
        return Retrieval(states, steps, converged, np.column_stack([energy0, trace_energy]),
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
        rng, order
            As in :meth:`retrieve` (the same generator gives the same averages on every backend and engine).

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
        Edwards-Anderson order parameter of the replica theory. Each averaging sweep is one :meth:`retrieve` call,
        which rebuilds the fields of the states: cheap on the pattern engines (N P / 64 popcounts per state), about
        one more sweep's work on the dense engine (N^2 per state).
        """
        if update not in STOCHASTIC:
            raise ValidationError(f"thermal_average: update must be one of {', '.join(STOCHASTIC)} (got "
                                  f"{update!r}); the T = 0 dynamics stop at a fixed point")
        for name, value, least in (("burn_in", burn_in, 0), ("sweeps", sweeps, 1)):
            if int(value) != value or value < least:
                raise ValidationError(f"thermal_average: {name} must be an integer >= {least} (got {value!r})")
        rng = np.random.default_rng() if rng is None else rng
        settings = {"update": update, "temperature": temperature, "rng": rng, "order": order}
        first = self.retrieve(starts, max_sweeps=burn_in, **settings).states if burn_in else \
            np.array(starts, dtype=np.int8, order="C")
        total = np.zeros(first.shape)
        state = first
        for _ in range(sweeps):
            state = self.retrieve(state, max_sweeps=1, **settings).states
            total += state
        return ThermalAverage(total / sweeps, first, state)

    def _sequential(self, states, aux, mode, betas, order, rng, steps, converged, readout, trace_energy,
                    trace_overlap) -> None:
        """Sequential sweeps in chunks of growing length, drawing random words only for the states still moving:
        most cues settle in a few sweeps, and the draws, not the kernel, would otherwise dominate."""
        b, n = states.shape
        max_sweeps = len(betas)
        tracing = trace_energy.shape[1] > 0
        active = np.arange(b)
        done, chunk = 0, 4
        while active.size and done < max_sweeps:
            s = min(chunk, max_sweeps - done)
            a = active.size
            sub, sub_aux = states[active], aux[active]
            order_bits = rng.integers(0, 2**32, size=(a, s if order == "random" else 0, n), dtype=np.uint32)
            uniform_bits = rng.integers(0, 2**32, size=(a, s if mode else 0, n), dtype=np.uint32)
            sub_steps = np.zeros(a, dtype=np.int32)
            sub_converged = np.zeros(a, dtype=np.bool_)
            sub_energy, sub_overlap = np.zeros((a, s if tracing else 0)), np.zeros((a, s if tracing else 0))
            self.engine_.sweeps(sub, sub_aux, order_bits, uniform_bits, betas[done:done + s], mode, sub_steps,
                                sub_converged, readout[active], sub_energy, sub_overlap)
            states[active], aux[active] = sub, sub_aux
            steps[active] += sub_steps
            converged[active] = sub_converged
            if tracing:  # a state that stopped keeps its last values to the end
                trace_energy[active, done:] = np.pad(sub_energy, ((0, 0), (0, max_sweeps - done - s)), mode="edge")
                trace_overlap[active, done:] = np.pad(sub_overlap, ((0, 0), (0, max_sweeps - done - s)),
                                                      mode="edge")
            active = active[~sub_converged]
            done, chunk = done + s, min(2 * chunk, engines.MAX_CHUNK)

    def _readout(self, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Readout weights r (B, N), offsets c (B,) and divisors d (B,) with ``overlap = (c + r . s) / d``.

        ±1 rules: ``r = xi``, ``d = N`` (as :meth:`overlaps` divides). Covariance rule: the activity overlap (see
        :meth:`overlaps`), ``r = V^mu - a`` on a dyadic grid (so the kernels' sums are exact in any order),
        ``c = sum_i r_i``, ``d = 2 N_1 (1 - a)`` with ``N_1`` the active units of the target.
        """
        n = targets.shape[1]
        if self.rule != "covariance":
            return targets.astype(np.float64), np.zeros(len(targets)), np.full(len(targets), float(n))
        a = self.activity
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
        if self.rule != "covariance":
            return out
        n, a = states.shape[1], self.activity
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
        if self.rule == "hebb" and not self.dilution:
            self.kernels_.hebbian_stability(self.patterns_, n_patterns if self.self_coupling else 0, stable)
            return stable
        for lo in range(0, n_patterns, 256):
            x = self.patterns_[lo:lo + 256]
            stable[lo:lo + 256] = (self.engine_.start(x) * x >= 0).all(axis=1)
        return stable
