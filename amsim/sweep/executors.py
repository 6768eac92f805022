"""Executors run sweep jobs and yield ``(job, outcome)`` pairs as jobs finish, in whatever order they finish.

An executor only moves work: a job's random stream comes from its coordinates and the client process writes
every part, so every executor and worker count gives the same numbers, and a worker that dies loses nothing
but the job it was running. That job is retried on a fresh worker up to ``retries`` times, then reported as
failed. Job functions never raise: they return an outcome that says whether the task failed.

``serial``     in this process, one job after another;
``processes``  a pool of spawned worker processes on this machine, each job sent to one known worker, so a
               worker's death is charged to exactly the job it was running;
``dask``       a Dask cluster: a ``LocalCluster`` by default, or an existing scheduler (``scheduler=tcp://...``),
               e.g. one started on an HPC batch system with dask-jobqueue.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from amsim.exceptions import BackendUnavailableError, ValidationError

RETRIES = 3


def worker_died(attempts: int) -> str:
    """The failure message of a job whose worker process died ``attempts`` times running it."""
    return (f"WorkerDied: the worker process running this task died {attempts} times (killed, or out of "
            "memory); see --max-memory")


class SerialExecutor:
    """Run jobs one after another in this process (Numba may still use every core inside a job)."""

    workers = 1

    def imap(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Yield ``(job, fn(job))`` for each job, in order."""
        for job in jobs:
            yield job, fn(job)


def _worker_loop(conn: Connection, device: str | None) -> None:
    """Body of a pool process: receive ``(fn, job)``, send back ``fn(job)``, until told to stop (None).

    ``device`` pins the worker to one GPU (set before numba.cuda is first imported in this process).
    """
    if device is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = device
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        fn, job = item
        conn.send(fn(job))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    device: str | None
    job: Any = None


class ProcessExecutor:
    """Run jobs in ``workers`` spawned processes (spawned, so no thread state is inherited across a fork).

    Parameters
    ----------
    workers : int, optional
        Number of processes; default one per core.
    retries : int
        Times a job is retried after its worker died while running it.
    gpus : bool
        Pin worker i to GPU i (``CUDA_VISIBLE_DEVICES``), so CUDA tasks run one per GPU.
    """

    def __init__(self, workers: int | None = None, retries: int = RETRIES, gpus: bool = False) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.retries = retries
        self.gpus = gpus
        self._ctx = multiprocessing.get_context("spawn")

    def _start(self, device: str | None) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_loop, args=(child, device), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent, device)

    def imap(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Yield ``(job, outcome)`` as jobs finish; a job whose worker dies is retried, then failed."""
        from amsim.sweep.jobs import failed

        queue = deque(jobs)
        deaths: dict[int, int] = {}
        pool = [self._start(str(i) if self.gpus else None) for i in range(min(self.workers, len(queue)))]
        try:
            while queue or any(w.job is not None for w in pool):
                for w in pool:
                    if w.job is None and queue:
                        w.job = queue.popleft()
                        w.conn.send((fn, w.job))
                busy = [w for w in pool if w.job is not None]
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
                for i, w in enumerate(pool):
                    if w.job is None or not (w.conn in ready or w.process.sentinel in ready):
                        continue
                    job, w.job = w.job, None
                    try:
                        yield job, w.conn.recv()
                        continue
                    except (EOFError, OSError):  # the worker died mid-job: charge the job, replace the worker
                        w.process.join()
                    deaths[id(job)] = deaths.get(id(job), 0) + 1
                    if deaths[id(job)] > self.retries:
                        yield job, failed(job, worker_died(deaths[id(job)]))
                    else:
                        queue.appendleft(job)
                    pool[i] = self._start(w.device)
        finally:
            for w in pool:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            for w in pool:
                w.process.join(timeout=5)
                if w.process.is_alive():
                    w.process.kill()


class DaskExecutor:
    """Run jobs on a Dask cluster; the client (this process) receives each outcome and writes the part.

    Parameters
    ----------
    workers : int, optional
        Workers of the ``LocalCluster`` started when no ``scheduler`` is given (default: one per core).
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``; its workers must have amsim installed.
    max_memory : int, optional
        Memory limit of each local worker, in bytes (Dask restarts a worker that exceeds it).
    retries : int
        Worker deaths tolerated per job (Dask's ``allowed-failures``) before it is reported as failed.
    gpus : bool
        CUDA tasks: each asks for the worker resource ``GPU=1``, so a worker started with ``--resources GPU=1``
        (one per GPU, e.g. by dask-cuda) runs one at a time; a local cluster gets one such worker per GPU.
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None, max_memory: int | None = None,
                 retries: int = RETRIES, gpus: bool = False) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise BackendUnavailableError("executor: 'dask' needs Dask (got 'dask'; install with: "
                                          "pip install 'amsim[dask]')") from None
        self.scheduler = scheduler
        self.workers = workers or os.cpu_count() or 1
        self.max_memory = max_memory
        self.retries = retries
        self.gpus = gpus

    def imap(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Submit every job, then yield ``(job, outcome)`` as futures complete."""
        import dask
        from distributed import Client, LocalCluster, as_completed

        from amsim.sweep.jobs import failed

        jobs = list(jobs)
        if not jobs:
            return
        with dask.config.set({"distributed.scheduler.allowed-failures": self.retries}):
            if self.scheduler:
                client, cluster = Client(self.scheduler), None
            else:
                cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                       memory_limit=self.max_memory or "auto", dashboard_address=None,
                                       resources={"GPU": 1} if self.gpus else None)
                client = Client(cluster)
            resources = {"GPU": 1} if self.gpus else None
            try:
                futures = {client.submit(fn, job, pure=False, resources=resources): job for job in jobs}
                for future in as_completed(futures):
                    job = futures[future]
                    if future.status == "error":
                        exc = future.exception()
                        yield job, failed(job, f"{type(exc).__name__}: {exc}")
                    else:
                        yield job, future.result()
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()


EXECUTORS = ("processes", "serial", "dask")


def make_executor(name: str, workers: int | None = None, scheduler: str | None = None,
                  max_memory: int | None = None, gpus: bool = False) -> Any:
    """The executor called ``name`` (see the module docstring); ``gpus``: the tasks use the cuda backend."""
    if name not in EXECUTORS:
        raise ValidationError(f"executor: must be one of {', '.join(EXECUTORS)} (got {name!r})")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValidationError(f"workers: must be an integer >= 1 (got {workers!r})")
    if scheduler is not None and name != "dask":
        raise ValidationError(f"scheduler: applies to --executor dask only (got --executor {name})")
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers, gpus=gpus)
    return DaskExecutor(workers, scheduler, max_memory, gpus=gpus)
