"""Running one experiment at one parameter point: the unit of work of ``amsim run`` and of every sweep task."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import xarray as xr

from amsim import backends, registry
from amsim.cards import load_card
from amsim.exceptions import ValidationError
from amsim.io import make_attrs
from amsim.params import Params
from amsim.resources import format_bytes, memory_limit
from amsim.seeding import task_rng

#: Largest seed: NetCDF stores the ``seed`` attribute as a signed 64-bit integer.
MAX_SEED = 2**63 - 1
#: Most trials of one run or task (each trial is an independent network; more belong in separate runs).
MAX_TRIALS = 1_000_000


def check_trials(trials: int, where: str = "trials") -> None:
    """Validate a number of trials (``where`` names it in the message)."""
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ValidationError(f"{where}: must be an integer >= 1 (got {trials!r})")
    if trials > MAX_TRIALS:
        raise ValidationError(f"{where}: must be <= {MAX_TRIALS:,} (got {trials:,}; allowed: split the work into "
                              "several runs or seeds)")


def check_seed(seed: int, where: str = "seed") -> None:
    """Validate a seed (``where`` names it in the message)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValidationError(f"{where}: must be an integer in 0 .. 2**63 - 1 (got {seed!r}; NetCDF stores it as a "
                              "64-bit integer)")


def check_run_settings(trials: int, seed: int) -> None:
    """Validate the protocol settings shared by runs and studies."""
    check_trials(trials)
    check_seed(seed)


def estimate_memory(exp: registry.Experiment, params: Params, trials: int) -> int | None:
    """Peak bytes of one run from the experiment's declared estimate, None where it declares none."""
    estimate = getattr(exp, "memory", None)
    return None if estimate is None else int(estimate(params, trials))


def check_memory(exp: registry.Experiment, params: Params, trials: int, *, workers: int = 1,
                 max_memory: int | None = None, where: str = "run") -> int | None:
    """Refuse a run whose estimated peak memory exceeds what one of ``workers`` may use (:func:`memory_limit`),
    before anything is allocated; returns the estimate (None: the experiment declares none)."""
    need = estimate_memory(exp, params, trials)
    limit = memory_limit(workers, max_memory)
    if need is not None and limit and need > limit:
        share = "the --max-memory" if max_memory else (
            "80% of the memory available now" + (f" over {workers} workers" if workers > 1 else ""))
        raise ValidationError(f"{where}: needs about {format_bytes(need)} (got a limit of {format_bytes(limit)}, "
                              f"{share}, for {trials} trials of {exp.name}; allowed: smaller sizes, fewer trials"
                              + (", fewer --workers or a larger --max-memory)" if workers > 1 or max_memory
                                 else ")"))
    return need


def check_ignored(exp: registry.Experiment, names: Iterable[str], params: Params, where: str = "run") -> None:
    """Refuse a parameter set explicitly (``names``: given on the command line, in a study's ``[params]`` or
    ``[axes]``) to a value other than its default when the experiment ignores it (``Experiment.ignores``): the
    result would carry a setting that had no effect. Values that come from a card are not refused: a card is a
    preset for the whole family."""
    ignores = exp.ignores
    defaults = exp.family.params.constraints()
    for name in (exp.family.params.renamed.get(n, n) for n in names):  # a former name counts as the new one
        value = getattr(params, name)
        if name in ignores and value != defaults[name][0]:
            raise ValidationError(f"{where}: {exp.name} ignores {name} (got {name}={value!r}; allowed: the default "
                                  f"{defaults[name][0]!r}, or an experiment that uses it; `amsim experiments "
                                  f"{exp.name}` lists what it uses)")


def execute(experiment: str, params: Params, *, trials: int, seed: int, coords: Mapping[str, Any],
            backend: str) -> xr.Dataset:
    """Run ``experiment`` once; the random stream depends only on ``seed`` and ``coords``.

    Parameters
    ----------
    experiment : str
        Registered experiment name.
    params : Params
        Validated parameters of the experiment's family.
    trials : int
        Independent repetitions (the ``trial`` dimension).
    seed : int
        Sweep or run seed.
    coords : mapping
        Swept parameter values of this task (empty for a single run); they select the random stream.
    backend : str
        An already resolved backend name.
    """
    exp = registry.experiment(experiment)
    return exp.fn(params, trials=trials, rng=task_rng(seed, coords), backend=backend)


@dataclass(frozen=True)
class RunPlan:
    """A validated single run: everything checked, nothing computed yet."""

    experiment: str
    family: str
    params: Params
    title: str
    references: tuple[str, ...]
    trials: int
    seed: int
    backend: str

    def execute(self) -> xr.Dataset:
        """Run it and return the Dataset with its provenance attributes."""
        ds = execute(self.experiment, self.params, trials=self.trials, seed=self.seed, coords={},
                     backend=self.backend)
        ds.attrs.update(make_attrs(title=self.title, experiment=self.experiment, family=self.family,
                                   params_json=self.params.to_json(), backend=self.backend, seed=self.seed,
                                   references=self.references))
        return ds


def plan_run(experiment: str, params: Mapping[str, Any] | None = None, *, card: str | None = None,
             trials: int = 10, seed: int = 0, backend: str = "auto") -> RunPlan:
    """Validate a single run (see :func:`run`) without running it, so callers can check outputs first."""
    exp = registry.experiment(experiment)
    check_run_settings(trials, seed)
    overrides = dict(params or {})
    if card is not None:
        c = load_card(card)
        if c.family != exp.family.name:
            raise ValidationError(f"card: {c.name!r} is a {c.family!r} card (got it for experiment "
                                  f"{experiment!r}; allowed: a {exp.family.name!r} card)")
        p, title, refs = c.build(**overrides), c.title, c.references
    else:
        p, title, refs = exp.family.params.from_dict(overrides), exp.family.title, ()
    p = exp.validate(p)
    check_ignored(exp, overrides, p)
    check_memory(exp, p, trials)
    return RunPlan(experiment, exp.family.name, p, title, tuple(refs), trials, seed, backends.resolve(backend))


def run(experiment: str, params: Mapping[str, Any] | None = None, *, card: str | None = None, trials: int = 10,
        seed: int = 0, backend: str = "auto") -> xr.Dataset:
    """Run one experiment and return its labelled Dataset with provenance attributes.

    Parameters
    ----------
    experiment : str
        Registered name, e.g. ``"hopfield.retrieval"`` (``amsim experiments`` lists them).
    params : mapping, optional
        Parameter overrides, applied over the card's parameters (or the family defaults).
    card : str, optional
        Model card name or path (``amsim models`` lists them).
    trials, seed, backend
        Repetitions, random seed (>= 0) and compute backend.
    """
    return plan_run(experiment, params, card=card, trials=trials, seed=seed, backend=backend).execute()
