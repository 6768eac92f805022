"""Registered experiments of the classical Hopfield family."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.families.hopfield import engines
from amsim.families.hopfield.model import HopfieldNetwork
from amsim.families.hopfield.params import MAX_NEURONS_TIMES_PATTERNS, STOCHASTIC, HopfieldParams
from amsim.io import label
from amsim.patterns import corrupt, random_patterns
from amsim.registry import register_experiment

_ALLOWANCE = 64 << 20  # the interpreter, xarray and the results


def _engine_for(p: HopfieldParams, n_states: int, sequential: bool, trace_sweeps: int = 0) -> str:
    return engines.choose(p.engine, p.rule, p.dilution, p.n_neurons, p.n_patterns, n_states, sequential,
                          trace_sweeps)


def retrieval_memory(p: HopfieldParams, trials: int) -> int:
    """Peak bytes of one :func:`retrieval` run with the engine it will use: the patterns, the engine's couplings
    (and the rule's temporaries), states, fields or counts, a chunk of random words, traces, overlaps, the results
    of every trial (four (trials, cues) arrays, and the traces, each held twice while the Dataset is built), and a
    fixed allowance for the interpreter."""
    n, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    sequential, width = p.update != "sync", p.max_steps + 1 if p.trace else 0
    engine = _engine_for(p, c, sequential, width)
    results = 2 * trials * c * (8 + 8 + 4 + 1 + 1 + 16 * width)
    return (n * n_pat + engines.engine_bytes(engine, p.rule, n, n_pat, p.dilution)
            + engines.run_bytes(engine, p.rule, n, n_pat, c, sequential, width) + c * n_pat * 8 + results
            + _ALLOWANCE)


def size_check(p: HopfieldParams) -> None:
    """Every Hopfield protocol stores P = round(load N) patterns: N P must fit the exact 32-bit fields."""
    if p.n_neurons * p.n_patterns > MAX_NEURONS_TIMES_PATTERNS:
        p.fail("n_neurons", f"times the {p.n_patterns} patterns must be < 2**31 (exact 32-bit fields)")


def _engine_variables(engine: str, memory: int) -> dict[str, xr.DataArray]:
    """The engine used (a CF flag variable) and its memory estimate."""
    code = label(xr.DataArray(np.int8(engines.ENGINES.index(engine))), "compute engine")
    code.attrs.update(flag_values=list(range(len(engines.ENGINES))), flag_meanings=" ".join(engines.ENGINES))
    return {"engine": code, "memory": label(xr.DataArray(np.int64(memory)), "estimated peak memory", "B")}


@register_experiment("hopfield.retrieval", memory=retrieval_memory, check=size_check,
                     example={"n_neurons": 200, "load": 0.05, "noise": 0.1, "cues": 4})
def retrieval(p: HopfieldParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store P random patterns, cue with noisy copies, run the dynamics, measure the final overlap.

    Each trial is an independent network (fresh patterns, and fresh removed synapses when diluted); cue k of a
    trial starts from stored pattern k mod P with ``round(noise * N)`` bits flipped.

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue), and sweep with ``trace``. Variables: ``overlap`` with the cued pattern after the
        dynamics (the activity overlap for the covariance rule), ``success`` (overlap >= success_overlap),
        ``steps``, ``converged``, ``energy`` per neuron of the final state, the scalars ``n_patterns``, ``engine``
        and ``memory``; with ``trace``, ``energy_trace`` and ``overlap_trace`` (trial, cue, sweep), sweep 0 being
        the cue.
    """
    n, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    overlap = np.empty((trials, c))
    energy = np.empty((trials, c))
    steps = np.empty((trials, c), dtype=np.int32)
    converged = np.empty((trials, c), dtype=bool)
    width = p.max_steps + 1
    traces = {"energy_trace": np.empty((trials, c, width)), "overlap_trace": np.empty((trials, c, width))}
    targets = np.arange(c) % n_pat
    engine = _engine_for(p, c, p.update != "sync", width if p.trace else 0)
    net = HopfieldNetwork(p, backend=backend, random_state=rng, engine=engine)
    for t in range(trials):
        patterns = random_patterns(n_pat, n, rng, p.activity)
        net.store(patterns)
        result = net.recall(corrupt(patterns[targets], p.noise, rng), targets=patterns[targets])
        overlap[t] = net.overlaps(result.states)[np.arange(c), targets]
        energy[t] = net.energy(result.states)
        steps[t], converged[t] = result.steps, result.converged
        if p.trace:
            traces["energy_trace"][t], traces["overlap_trace"][t] = result.energy_trace, result.overlap_trace
    dims = ("trial", "cue")
    unit = "steps" if p.update == "sync" else "sweeps"
    data = {
        "overlap": label(xr.DataArray(overlap, dims=dims), "overlap with the cued pattern"),
        "success": label(xr.DataArray(overlap >= p.success_overlap, dims=dims),
                         f"retrieval success (overlap >= {p.success_overlap:g})"),
        "steps": label(xr.DataArray(steps, dims=dims), "updates that changed the state", unit),
        "converged": label(xr.DataArray(converged, dims=dims), "reached a fixed point"),
        "energy": label(xr.DataArray(energy, dims=dims), "energy per neuron of the final state"),
        "n_patterns": label(xr.DataArray(n_pat), "stored patterns P", "patterns"),
        **_engine_variables(engine, retrieval_memory(p, trials)),
    }
    coords = _trial_coordinates(trials, c)
    if p.trace:
        data["energy_trace"] = label(xr.DataArray(traces["energy_trace"], dims=(*dims, "sweep")),
                                     "energy per neuron after each sweep")
        data["overlap_trace"] = label(xr.DataArray(traces["overlap_trace"], dims=(*dims, "sweep")),
                                      "overlap with the cued pattern after each sweep")
        coords["sweep"] = label(xr.DataArray(np.arange(width), dims="sweep"), f"{unit} done (0: the cue)", unit)
    return xr.Dataset(data, coords=coords)


def _trial_coordinates(trials: int, cues: int | None = None) -> dict[str, xr.DataArray]:
    coords = {"trial": label(xr.DataArray(np.arange(trials), dims="trial"), "trial (independent network)")}
    if cues is not None:
        coords["cue"] = label(xr.DataArray(np.arange(cues), dims="cue"), "cue index")
    return coords


def glass_check(p: HopfieldParams) -> None:
    """hopfield.glass needs stochastic dynamics and at least one sweep each of burn-in and averaging (and the size
    check of every Hopfield protocol)."""
    size_check(p)
    if p.update not in STOCHASTIC:
        p.fail("update", f"must be one of {', '.join(STOCHASTIC)} for hopfield.glass")
    if p.max_steps < 2:
        p.fail("max_steps", "must be >= 2 for hopfield.glass (half burn-in, half average)")


@register_experiment("hopfield.glass", memory=retrieval_memory, check=glass_check,
                     ignores=("noise", "success_overlap", "anneal_from", "schedule", "trace"),
                     example={"n_neurons": 200, "load": 0.05, "update": "glauber", "temperature": 1.2,
                              "max_steps": 20, "cues": 4})
def glass(p: HopfieldParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store P random patterns, start the stochastic dynamics from random states, measure the frozen order.

    Each of the ``cues`` starts of a trial is a uniformly random state (``noise`` is not used). The dynamics
    (``update`` = glauber or metropolis at ``temperature``) runs ``max_steps // 2`` sweeps of burn-in, then the
    spins are averaged over the remaining sweeps (`HopfieldNetwork.thermal_average`). Above the spin-glass
    temperature T_g = 1 + sqrt(alpha) the network is paramagnetic and the Edwards-Anderson order ``q`` is only
    the finite-time bias; below it the spins freeze and ``q`` approaches the replica theory's (``hopfield-sg``).

    Returns
    -------
    xr.Dataset
        Dimensions (trial, cue). Variables: ``edwards_anderson`` (q, the mean squared time-averaged spin),
        ``autocorrelation`` (overlap of the states that open and close the average), ``max_overlap`` (largest
        absolute overlap of the final state with a stored pattern: small unless the dynamics found a retrieval
        or mixture state), ``energy`` per neuron of the final state, and the scalars ``n_patterns``, ``engine``
        and ``memory``.
    """
    n, n_pat, c = p.n_neurons, p.n_patterns, p.cues
    out = {name: np.empty((trials, c)) for name in ("edwards_anderson", "autocorrelation", "max_overlap", "energy")}
    engine = _engine_for(p, c, True)
    net = HopfieldNetwork(p, backend=backend, random_state=rng, engine=engine)
    burn_in = p.max_steps // 2
    for t in range(trials):
        net.store(random_patterns(n_pat, n, rng, p.activity))
        starts = random_patterns(c, n, rng)
        result = net.thermal_average(starts, temperature=p.temperature, burn_in=burn_in,
                                     sweeps=p.max_steps - burn_in, update=p.update, order=p.order)
        out["edwards_anderson"][t] = result.edwards_anderson
        out["autocorrelation"][t] = result.autocorrelation
        out["max_overlap"][t] = np.abs(net.overlaps(result.last)).max(axis=1)
        out["energy"][t] = net.energy(result.last)
    dims = ("trial", "cue")
    span = f"sweeps {burn_in + 1}-{p.max_steps}"
    texts = {
        "edwards_anderson": f"Edwards-Anderson order q (mean of <s_i>^2 over {span})",
        "autocorrelation": f"autocorrelation (of the states after sweeps {burn_in} and {p.max_steps})",
        "max_overlap": "largest |overlap| of the final state with a stored pattern",
        "energy": "energy per neuron of the final state",
    }
    return xr.Dataset(
        {**{name: label(xr.DataArray(values, dims=dims), texts[name]) for name, values in out.items()},
         "n_patterns": label(xr.DataArray(n_pat), "stored patterns P", "patterns"),
         **_engine_variables(engine, retrieval_memory(p, trials))},
        coords=_trial_coordinates(trials, c),
    )


def _stability_engine(p: HopfieldParams) -> str:
    """Hebbian sums are checked from the patterns alone, so auto picks the pattern engine (no N x N weights)."""
    if p.engine == "auto" and p.rule == "hebb" and not p.dilution:
        return "patterns"
    return _engine_for(p, 1, False)


def stability_memory(p: HopfieldParams, trials: int) -> int:
    """Peak bytes of one :func:`stability` run: the patterns, the engine's couplings, the fields of 256 patterns
    at a time (other rules than Hebb), and the allowance."""
    n, n_pat = p.n_neurons, p.n_patterns
    engine = _stability_engine(p)
    return n * n_pat + engines.engine_bytes(engine, p.rule, n, n_pat, p.dilution) + 256 * n * 8 + _ALLOWANCE


@register_experiment("hopfield.stability", memory=stability_memory, check=size_check,
                     ignores=("noise", "cues", "update", "temperature", "order", "anneal_from", "schedule",
                              "max_steps", "success_overlap", "trace"),
                     example={"n_neurons": 200, "load": 0.1})
def stability(p: HopfieldParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Store P random patterns and count how many are fixed points of the zero-temperature dynamics.

    A stored pattern is a fixed point when no neuron's field opposes it (one sign check of ``W xi`` per pattern;
    a zero field keeps the spin). Each trial is an independent network.

    Returns
    -------
    xr.Dataset
        Dimension trial. Variables: ``stable_fraction`` of the stored patterns that are fixed points, and the
        scalars ``n_patterns``, ``engine`` and ``memory``.
    """
    n, n_pat = p.n_neurons, p.n_patterns
    engine = _stability_engine(p)
    net = HopfieldNetwork(p, backend=backend, random_state=rng, engine=engine)
    fraction = np.empty(trials)
    for t in range(trials):
        net.store(random_patterns(n_pat, n, rng, p.activity))
        fraction[t] = net.stable().mean()
    return xr.Dataset(
        {
            "stable_fraction": label(xr.DataArray(fraction, dims="trial"),
                                     "fraction of the stored patterns that are fixed points"),
            "n_patterns": label(xr.DataArray(n_pat), "stored patterns P", "patterns"),
            **_engine_variables(engine, stability_memory(p, trials)),
        },
        coords=_trial_coordinates(trials),
    )
