"""``amsim sweep --dry-run``: what a sweep would do (tasks, memory, time), measured without writing anything.

The time comes from a calibration: one trial of the smallest task (by its memory estimate) is run twice (the
first run loads or compiles the kernels, as every worker does once), and one trial of the largest once, unless
the smallest's time scaled by the memory ratio predicts more than :data:`CALIBRATION_LIMIT` seconds for it. Every
task's time is then interpolated as a power of its memory estimate between the two (linear in it when only one
was timed), times the trials, shared among the workers, plus the first run's start-up. Memory is a fair proxy
for the work of these kernels (both grow with the weights or locations a trial touches), so the estimate is
rough, a factor of two either way, but tells minutes from hours.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from amsim import backends, registry
from amsim.resources import format_bytes, memory_limit
from amsim.runner import estimate_memory, execute
from amsim.sweep.spec import Study, Task

#: Longest calibration run of the largest task, in seconds (predicted from the smallest).
CALIBRATION_LIMIT = 10.0


@dataclass(frozen=True)
class Calibration:
    """Seconds of the first run (start-up included) and of one trial of the smallest and (when timed) the largest
    task."""

    first_s: float
    small: Task
    small_s: float
    large: Task
    large_s: float | None


def _one_trial(st: Study, task: Task, backend: str) -> float:
    start = time.perf_counter()
    execute(st.experiment, task.params, trials=1, seed=st.seed, coords=task.coords, backend=backend)
    return time.perf_counter() - start


def _sizes(st: Study) -> list[float]:
    """Each task's memory estimate (its size, for the time model); 1 each when the experiment declares none."""
    exp = registry.experiment(st.experiment)
    return [float(estimate_memory(exp, t.params, 1) or 1) for t in st.tasks]


def calibrate(st: Study, backend: str) -> Calibration:
    """Time one trial of the smallest task (after a warm-up run that compiles) and, when short enough, of the
    largest (see the module docstring)."""
    sizes = _sizes(st)
    small = st.tasks[sizes.index(min(sizes))]
    large = st.tasks[sizes.index(max(sizes))]
    first_s = _one_trial(st, small, backend)  # loads or compiles the kernels
    small_s = _one_trial(st, small, backend)
    large_s = None
    if large is not small and small_s * max(sizes) / min(sizes) <= CALIBRATION_LIMIT:
        large_s = _one_trial(st, large, backend)
    return Calibration(first_s, small, small_s, large, large_s)


def estimate_seconds(st: Study, cal: Calibration, workers: int) -> float:
    """Wall time of the whole sweep predicted from a calibration (see the module docstring)."""
    sizes = _sizes(st)
    low, high = min(sizes), max(sizes)
    exponent = 1.0
    if cal.large_s is not None and high > low:
        exponent = math.log(max(cal.large_s, 1e-9) / max(cal.small_s, 1e-9)) / math.log(high / low)
    per_trial = [cal.small_s * (size / low) ** exponent for size in sizes]
    return cal.first_s + sum(per_trial) * st.trials / max(1, min(workers, len(st.tasks)))


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _at(task: Task) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in task.coords.items()) or "the fixed parameters"


def dry_run(st: Study, *, workers: int, max_memory: int | None, backend: str = "auto") -> list[str]:
    """The lines ``amsim sweep --dry-run`` prints: tasks, trials, memory per task and in all, and the time.

    Parameters
    ----------
    st : Study
        A loaded study (its memory already checked against the limit, see :func:`amsim.sweep.check_task_memory`).
    workers : int
        Workers the sweep would use.
    max_memory : int, optional
        Bytes a worker may use (default: the available memory over the workers, with headroom).
    backend : str
        Backend of the calibration run.
    """
    resolved = backends.resolve(backend)
    shape = " x ".join(f"{len(v)} {k}" for k, v in st.axes.items()) or "no swept axis"
    lines = [f"study: {st.name} ({st.experiment}): {len(st.tasks)} tasks ({shape}), {st.trials} trials each, "
             f"seed {st.seed}" + (f"; overrides: {' '.join(st.overrides)}" if st.overrides else "")]
    exp = registry.experiment(st.experiment)
    needs = [estimate_memory(exp, t.params, st.trials) for t in st.tasks]
    limit = memory_limit(workers, max_memory)
    if needs[0] is None:
        lines.append(f"memory: {st.experiment} declares no estimate; limit {format_bytes(limit)} per worker")
    else:
        top = max(range(len(needs)), key=needs.__getitem__)
        lines.append(f"memory per task: up to {format_bytes(needs[top])} (at {_at(st.tasks[top])}); limit "
                     f"{format_bytes(limit)} per worker, {workers} worker(s)")
    cal = calibrate(st, resolved)
    timed = f"1 trial of the smallest task ({_at(cal.small)}) took {cal.small_s:.3g} s"
    if cal.large_s is not None:
        timed += f", of the largest ({_at(cal.large)}) {cal.large_s:.3g} s"
    elif cal.large is not cal.small:
        timed += "; the largest was not timed (too long), so time is taken to grow with memory"
    lines.append(f"calibration on {resolved}: {timed}")
    lines.append(f"estimated time: about {_duration(estimate_seconds(st, cal, workers))} on {workers} worker(s) "
                 "(rough: a factor of two either way)")
    return lines
