"""What travels between the sweep client and its workers: a task's job, and the outcome a worker sends back.

Workers import only this (and what a task needs), never the client's store.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xarray as xr

from amsim import backends, registry
from amsim.io import param_coordinate
from amsim.runner import execute


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one task (plain, picklable values)."""

    experiment: str
    params: dict[str, Any]
    trials: int
    seed: int
    coords: dict[str, Any]
    index: tuple[int, ...]
    backend: str
    threads: int


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the task's Dataset, or the error that stopped it."""

    dataset: xr.Dataset | None
    error: str | None = None


def failed(job: Job, error: str) -> Outcome:
    """The outcome of a job that did not produce a Dataset."""
    return Outcome(None, error)


def run_job(job: Job) -> Outcome:
    """Run one task in a worker: its Dataset with the swept coordinates added, or the error (never raises)."""
    try:
        backends.set_threads(job.threads)
        exp = registry.experiment(job.experiment)
        p = exp.family.params.from_dict(job.params)
        ds = execute(job.experiment, p, trials=job.trials, seed=job.seed, coords=job.coords, backend=job.backend)
        ds = ds.expand_dims({name: [value] for name, value in job.coords.items()})
        for name, value in job.coords.items():
            ds[name] = param_coordinate(exp.family.params, name, [value])
        return Outcome(ds)
    except Exception as exc:  # reported per task by the client; the sweep goes on
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(None, f"{type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})")
