"""Executors run sweep jobs and yield each result as it finishes, in whatever order they finish.

An executor only moves work; it never touches randomness (a task's seed comes from its coordinates) or the
store (each job writes its own part), so every executor and worker count gives the same numbers.
A new executor (e.g. Dask) is a class with ``imap`` registered in :data:`EXECUTORS`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from amsim.exceptions import ValidationError


def _init_worker(threads: int) -> None:
    # Workers share the cores: each gets its share of Numba threads so they do not oversubscribe.
    from amsim.backends import set_threads

    set_threads(threads)


class SerialExecutor:
    """Run jobs one after another in this process (Numba may still use every core inside a job)."""

    workers = 1

    def imap(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(job)`` for each job, in order."""
        for job in jobs:
            yield fn(job)


class ProcessExecutor:
    """Run jobs in ``workers`` fresh processes (spawned, so no thread state is inherited across a fork).

    Parameters
    ----------
    workers : int, optional
        Number of processes; default one per core.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def imap(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(job)`` as jobs finish; at most ``2 * workers`` jobs are queued at a time."""
        threads = max(1, (os.cpu_count() or 1) // self.workers)
        ctx = multiprocessing.get_context("spawn")
        pending: set[Future[Any]] = set()
        todo = iter(jobs)
        with ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(threads,)) as pool:
            try:
                for job in todo:
                    pending.add(pool.submit(fn, job))
                    if len(pending) >= 2 * self.workers:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        yield from (f.result() for f in done)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in done)
            finally:
                for f in pending:
                    f.cancel()


EXECUTORS: dict[str, Callable[..., Any]] = {"serial": lambda workers=None: SerialExecutor(),
                                            "processes": ProcessExecutor}


def make_executor(name: str, workers: int | None = None) -> Any:
    """The executor called ``name`` with ``workers`` processes (where that applies)."""
    if name not in EXECUTORS:
        raise ValidationError(f"executor: must be one of {', '.join(EXECUTORS)} (got {name!r})")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValidationError(f"workers: must be an integer >= 1 (got {workers!r})")
    return EXECUTORS[name](workers=workers)
