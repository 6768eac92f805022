"""Running one experiment at one parameter point: the unit of work of ``amsim run`` and of every sweep task."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import xarray as xr

from amsim import backends, registry
from amsim.cards import load_card
from amsim.exceptions import ValidationError
from amsim.io import make_attrs
from amsim.params import Params
from amsim.seeding import task_rng


def check_run_settings(trials: int, seed: int) -> None:
    """Validate the protocol settings shared by runs and studies."""
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ValidationError(f"trials: must be an integer >= 1 (got {trials!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValidationError(f"seed: must be an integer >= 0 (got {seed!r})")


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
    return RunPlan(experiment, exp.family.name, exp.validate(p), title, tuple(refs), trials, seed,
                   backends.resolve(backend))


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
