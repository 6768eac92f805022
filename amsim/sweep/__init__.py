"""Parameter sweeps: a study's grid of independent, seeded tasks run on an executor, stored part by part.

>>> from amsim.sweep import sweep
>>> ds = sweep("analysis/hopfield-capacity", out="results/capacity.nc", executor="processes")  # doctest: +SKIP

The client process owns the store: workers (local processes or Dask workers, which may sit on other machines
without a shared file system) return each task's Dataset, and the client writes it as a part at once.
A task that raises is recorded (``failures.json`` in the parts folder) while the others go on; the sweep then
ends with :class:`SweepFailedError`, and ``--resume`` reruns only the tasks without a verified part.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from amsim import backends, registry
from amsim.exceptions import AmsimError, ValidationError
from amsim.io import load_dataset, make_attrs, param_coordinate
from amsim.runner import check_memory
from amsim.sweep.executors import make_executor
from amsim.sweep.jobs import Job, run_job
from amsim.sweep.plan import dry_run
from amsim.sweep.spec import Study, Task, load_study
from amsim.sweep.store import AlreadyComplete, Store

__all__ = ["Study", "SweepFailedError", "Task", "dry_run", "load_study", "sweep"]


class SweepFailedError(AmsimError):
    """Some tasks failed; the others are stored, and ``--resume`` reruns only the failed ones."""


def axis_coords(st: Study) -> dict[str, xr.DataArray]:
    """The study's swept parameters as labelled coordinates, in the study's order."""
    params = registry.experiment(st.experiment).family.params
    return {name: param_coordinate(params, name, values) for name, values in st.axes.items()}


def theory_dataset(st: Study) -> xr.Dataset | None:
    """The study's theory curve on its axes (inputs that are not swept come from the fixed parameters).

    Raises
    ------
    ValidationError
        The theory rejects a value of this study's grid (e.g. a temperature it cannot take).
    """
    if not st.theory:
        return None
    th = registry.theory(st.theory)
    inputs = {name: np.asarray(st.axes[name]) if name in st.axes else st.fixed[name] for name in th.inputs}
    try:
        return th.fn(**inputs)
    except ValueError as exc:  # ValidationError included: a value this theory does not cover
        message = " ".join(str(exc).split())
        raise ValidationError(f"{st.path}: theory {st.theory!r}: {message}") from None


def _where(st: Study, task: Task) -> str:
    at = ", ".join(f"{k}={v!r}" for k, v in task.coords.items()) or "the fixed parameters"
    return f"{st.path}: task at {at}"


def check_task_memory(st: Study, workers: int, max_memory: int | None) -> None:
    """Refuse the study before anything runs if one task's estimated memory exceeds what a worker may use
    (:func:`amsim.runner.check_memory`)."""
    exp = registry.experiment(st.experiment)
    for task in st.tasks:
        check_memory(exp, task.params, st.trials, workers=workers, max_memory=max_memory, where=_where(st, task))


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr)


def _progress(total: int, initial: int, quiet: bool) -> Any:
    from tqdm.auto import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(total=total, initial=initial, unit="task", desc="sweep", disable=disable, dynamic_ncols=True)


def sweep(study: str | os.PathLike[str] | Study, out: str | os.PathLike[str], *, executor: str = "processes",
          workers: int | None = None, scheduler: str | None = None, max_memory: int | None = None,
          resume: bool = False, overwrite: bool = False, backend: str = "auto", fmt: str = "netcdf",
          quiet: bool = False) -> xr.Dataset:
    """Run every task of a study, store each as it finishes, combine, and write ``out`` (NetCDF or Zarr).

    Parameters
    ----------
    study : path or Study
        ``study.toml``, its folder, or a loaded :class:`Study`.
    out : path
        Combined NetCDF output; parts go to ``<out>.parts/`` meanwhile.
    executor : {"processes", "serial", "dask"}
        Where tasks run; results are identical for every executor and worker count.
    workers : int, optional
        Worker processes (default: one per core; with the cuda backend, at most one per GPU).
    scheduler : str, optional
        Dask scheduler address (``--executor dask``); default: a local cluster.
    max_memory : int, optional
        Bytes one worker may use; tasks estimated above it fail before the sweep starts.
    resume : bool
        Continue a stopped or partly failed sweep, running only tasks without a verified part (a damaged part is
        recomputed). Whether or not it is given, a finished output of this study means there is nothing to do: it
        is returned as it is; an output or parts of another study (or other settings) are refused.
    overwrite : bool
        Discard earlier output and parts.
    backend : str
        Compute backend (``auto``, ``numpy``, ``cpu``, ``cuda``).
    fmt : {"netcdf", "zarr"}
        Output format; Zarr is written region by region, for results larger than memory.
    quiet : bool
        No progress bar (it is off anyway when stderr is not a terminal).

    Raises
    ------
    SweepFailedError
        Some tasks raised; every other task is stored, and the message lists the failures.
    ValidationError
        Before anything runs: a task that cannot fit in memory, an output that belongs to another study, a theory
        that cannot cover the grid.
    """
    st = study if isinstance(study, Study) else load_study(study)
    resolved = backends.resolve(backend)
    if resolved == "cuda":
        workers = min(workers or backends.gpu_count(), backends.gpu_count())
    runner = make_executor(executor, workers, scheduler, max_memory, gpus=resolved == "cuda")
    check_task_memory(st, runner.workers, max_memory)
    store = Store(Path(out), st, fmt)
    try:
        store.check(resume=resume, overwrite=overwrite)
    except AlreadyComplete as done:
        _say(str(done), quiet)
        return xr.open_zarr(done.out) if fmt == "zarr" else load_dataset(done.out)
    theory = theory_dataset(st)  # before any task: a theory that cannot cover the grid fails now
    store.open(resume=resume, overwrite=overwrite)
    threads = max(1, (os.cpu_count() or 1) // runner.workers)
    failures: dict[tuple[int, ...], str] = {}
    with _progress(len(st.tasks), 0, quiet) as bar:
        for _ in range(2):  # a second round recomputes a part damaged while the first ran
            todo = store.pending()
            if store.damaged:
                _say(f"sweep: recomputing {len(store.damaged)} damaged part(s): " + "; ".join(store.damaged[:3])
                     + (" ..." if len(store.damaged) > 3 else ""), quiet)
            bar.n = len(st.tasks) - len(todo)
            bar.refresh()
            jobs = [Job(st.experiment, t.params.to_dict(), st.trials, st.seed, t.coords, t.index, resolved,
                        threads) for t in todo if t.index not in failures]
            by_index = {t.index: t for t in todo}
            for job, outcome in runner.imap(run_job, jobs):
                task = by_index[job.index]
                if outcome.error is None:
                    store.write(task, outcome.dataset)
                else:
                    failures[task.index] = outcome.error
                    store.record_failure(task, outcome.error)
                bar.update(1)
            if not jobs:
                break
    if failures:
        first = next(t for t in st.tasks if t.index in failures)
        raise SweepFailedError(f"sweep: {len(failures)} of {len(st.tasks)} tasks failed, the rest are saved; first: "
                               f"{first.coords} {failures[first.index]} (all in {store.failures_path}); fix the "
                               "cause and rerun with --resume")
    attrs = make_attrs(title=st.title, experiment=st.experiment, family=st.family, params_json=st.fixed_json(),
                       backend=resolved, seed=st.seed, references=st.references)
    attrs.update(study=st.name, trials=st.trials, axes=list(st.axes), fingerprint=st.fingerprint(),
                 overrides=" ".join(st.overrides), theory=st.theory or "")  # plots evaluate the theory
    if fmt == "zarr":
        return store.finish_zarr(axis_coords(st), theory, attrs)
    # the study's own axis values: combining parts may keep the first part's string width ('clipped' -> 'clip')
    ds = store.combine().assign_coords(axis_coords(st))
    if theory is not None:
        ds = ds.merge(theory, combine_attrs="override")
    ds.attrs = attrs
    store.finish(ds)
    return ds
