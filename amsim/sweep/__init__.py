"""Parameter sweeps: a study's grid of independent, seeded tasks run on an executor, stored part by part.

>>> from amsim.sweep import sweep
>>> ds = sweep("analysis/hopfield-capacity", out="results/capacity.nc", executor="processes")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xarray as xr

from amsim import backends, registry
from amsim.io import make_attrs, param_coordinate, save_dataset
from amsim.runner import execute
from amsim.sweep.executors import make_executor
from amsim.sweep.spec import Study, Task, load_study
from amsim.sweep.store import Store

__all__ = ["Study", "Task", "add_theory", "load_study", "sweep"]


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one task and write its part (plain, picklable values)."""

    experiment: str
    params: dict[str, Any]
    trials: int
    seed: int
    coords: dict[str, Any]
    backend: str
    part: str


def run_job(job: Job) -> str:
    """Run one task and write its part atomically; returns the part path. Runs in worker processes."""
    exp = registry.experiment(job.experiment)
    p = exp.family.params.from_dict(job.params)
    ds = execute(job.experiment, p, trials=job.trials, seed=job.seed, coords=job.coords, backend=job.backend)
    ds = ds.expand_dims({name: [value] for name, value in job.coords.items()})
    for name, value in job.coords.items():
        ds[name] = param_coordinate(exp.family.params, name, [value])
    save_dataset(ds, job.part)
    return job.part


def add_theory(ds: xr.Dataset, theory: str, base: Any) -> xr.Dataset:
    """Add a theory's variables to ``ds`` on its coordinates; inputs that are not axes come from ``base``."""
    th = registry.theory(theory)
    inputs = {name: ds[name].values if name in ds.coords else getattr(base, name) for name in th.inputs}
    return ds.merge(th.fn(**inputs), combine_attrs="override")


def _progress(total: int, initial: int, quiet: bool) -> Any:
    from tqdm.auto import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(total=total, initial=initial, unit="task", desc="sweep", disable=disable, dynamic_ncols=True)


def sweep(study: str | os.PathLike[str] | Study, out: str | os.PathLike[str], *, executor: str = "processes",
          workers: int | None = None, resume: bool = False, overwrite: bool = False, backend: str = "auto",
          quiet: bool = False) -> xr.Dataset:
    """Run every task of a study, store each as it finishes, combine, and write ``out`` (NetCDF).

    Parameters
    ----------
    study : path or Study
        ``study.toml``, its folder, or a loaded :class:`Study`.
    out : path
        Combined NetCDF output; parts go to ``<out>.parts/`` meanwhile.
    executor : {"processes", "serial"}
        Where tasks run; results are identical for every executor and worker count.
    workers : int, optional
        Processes for the ``processes`` executor (default: one per core).
    resume : bool
        Continue a stopped sweep, skipping tasks whose part exists and reads back.
    overwrite : bool
        Discard earlier output and parts.
    backend : str
        Compute backend (``auto``, ``numpy``, ``cpu``, ``cuda``).
    quiet : bool
        No progress bar (it is off anyway when stderr is not a terminal).
    """
    st = study if isinstance(study, Study) else load_study(study)
    resolved = backends.resolve(backend)
    runner = make_executor(executor, workers)
    store = Store(Path(out), st)
    store.open(resume=resume, overwrite=overwrite)
    todo = store.pending()
    jobs = [Job(st.experiment, t.params.to_dict(), st.trials, st.seed, t.coords, resolved, str(store.path(t)))
            for t in todo]
    with _progress(len(st.tasks), len(st.tasks) - len(todo), quiet) as bar:
        for _ in runner.imap(run_job, jobs):
            bar.update(1)
    ds = store.combine()
    if st.theory:
        ds = add_theory(ds, st.theory, st.base)
    ds.attrs = make_attrs(title=st.title, experiment=st.experiment, family=st.family,
                          params_json=st.base.to_json(), backend=resolved, seed=st.seed, references=st.references)
    ds.attrs.update(study=st.name, trials=st.trials, axes=list(st.axes))
    store.finish(ds)
    return ds
