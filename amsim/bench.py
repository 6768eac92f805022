"""The benchmark suite behind ``amsim bench`` and ``scripts/bench.py``.

Each family may ship ``amsim/families/<name>/bench.py`` with ``workloads(quick) -> list[Workload]``; the suite
finds them through the registry, so a new family adds its lines without touching this module. Every line is timed
in the same run on each requested thread count (Numba threads and BLAS threads limited together), and reported as
the median of the repeats with its ratio to the line's baseline.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amsim import backends, registry


@dataclass(frozen=True)
class Workload:
    """One benchmark line group: inputs made once by ``setup``, then each candidate timed on them.

    Attributes
    ----------
    name : str
        What is timed, e.g. ``"hopfield store + sync retrieval, N=4000, P=400, 100 cues"``.
    setup : callable
        ``setup() -> inputs``, untimed.
    candidates : dict of str to callable
        ``label -> fn(inputs)``, each doing the whole workload; the first is amsim's own engine.
    baseline : str
        The candidate every ratio is taken against.
    """

    name: str
    setup: Callable[[], Any]
    candidates: dict[str, Callable[[Any], Any]]
    baseline: str


def median_time(fn: Callable[[Any], Any], inputs: Any, repeats: int) -> float:
    """Median wall time in seconds of ``repeats`` calls, after one untimed warm-up (JIT compilation)."""
    fn(inputs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(inputs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def all_workloads(quick: bool, only: list[str] | None = None) -> list[Workload]:
    """Workloads of every registered family (or those in ``only``) that ships a ``bench`` module.

    ``quick`` asks each family for small sizes (a smoke test in seconds) instead of the headline sizes.
    """
    found = []
    for fam in registry.families():
        module = f"amsim.families.{fam.name}.bench"
        if (only is None or fam.name in only) and importlib.util.find_spec(module) is not None:
            found.extend(importlib.import_module(module).workloads(quick))
    return found


def run(repeats: int, threads: list[int], quick: bool = False, only: list[str] | None = None) -> list[dict[str, Any]]:
    """Time every workload on each thread count; one result row per (workload, threads, candidate)."""
    from threadpoolctl import threadpool_limits

    rows = []
    for work in all_workloads(quick, only):
        inputs = work.setup()
        for t in threads:
            backends.set_threads(t)
            with threadpool_limits(limits=t):
                times = {label: median_time(fn, inputs, repeats) for label, fn in work.candidates.items()}
            for label, seconds in times.items():
                rows.append({"workload": work.name, "threads": t, "candidate": label, "median_s": seconds,
                             "speedup_vs_baseline": times[work.baseline] / seconds, "baseline": work.baseline})
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    """Plain-text table: workload, threads, candidate, median, speed-up over the baseline."""
    lines = [f"{'workload':58s} {'thr':>3s} {'candidate':28s} {'median':>10s} {'speed-up':>9s}"]
    for r in rows:
        lines.append(f"{r['workload']:58s} {r['threads']:3d} {r['candidate']:28s} {r['median_s'] * 1e3:8.1f} ms "
                     f"{r['speedup_vs_baseline']:8.1f}x")
    return "\n".join(lines)


def main(repeats: int = 5, threads: list[int] | None = None, quick: bool = False, only: list[str] | None = None,
         json_out: Path | None = None) -> None:
    """Run the suite, print the table (speed-ups are against each workload's baseline), optionally save JSON."""
    threads = threads or [1, 2]
    rows = run(repeats, threads, quick, only)
    print(f"amsim bench: {platform.processor() or platform.machine()}, medians of {repeats} after a warm-up; "
          "speed-up = baseline median / candidate median")
    print(format_table(rows))
    if json_out:
        json_out.write_text(json.dumps({"machine": platform.platform(), "repeats": repeats, "rows": rows}, indent=1))
        print(f"json: {json_out}")
