"""The benchmark suite behind ``amsim bench`` and ``scripts/bench.py``.

Each family may ship ``amsim/families/<name>/bench.py`` with ``workloads(quick) -> list[Workload]``; the suite
finds them through the registry, so a new family adds its lines without touching this module. Every candidate
of a line is timed in the same run, on each requested thread count (Numba and BLAS threads limited together),
as the median of the repeats after one untimed warm-up (JIT compilation). The machine's limits (memory
bandwidth, popcount rate) are measured at start on the same thread counts, and each line reports the fraction
of its limit that amsim reaches, from the least work the line must do (bytes it must read, popcounts).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import platform
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amsim import backends, registry

LIMIT_UNITS = {"bandwidth": "B/s", "popcount": "popcounts/s"}


@dataclass(frozen=True)
class Workload:
    """One benchmark line: inputs made once by ``setup``, then amsim and its comparisons timed on them.

    Attributes
    ----------
    name : str
        What is timed, e.g. ``"hopfield store + sync retrieval N=4000 P=400 B=100"``.
    setup : callable
        ``setup() -> inputs``, untimed.
    amsim : callable
        ``fn(inputs)``: the whole workload on amsim's CPU engine.
    reference : callable, optional
        The same on amsim's NumPy reference backend.
    baseline : (label, callable), optional
        The plain NumPy code a user would write; speed-ups are quoted against it.
    peers : dict of str to callable
        Other packages doing the same workload, only those installed (the family checks importability).
    limit : {"bandwidth", "popcount"}, optional
        The machine limit that bounds this workload.
    work : callable, optional
        ``work(inputs) -> float``: the least bytes (bandwidth) or popcounts the workload must do.
    """

    name: str
    setup: Callable[[], Any]
    amsim: Callable[[Any], Any]
    reference: Callable[[Any], Any] | None = None
    baseline: tuple[str, Callable[[Any], Any]] | None = None
    peers: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    limit: str | None = None
    work: Callable[[Any], float] | None = None


def median_time(fn: Callable[[Any], Any], inputs: Any, repeats: int) -> float:
    """Median wall time in seconds of ``repeats`` calls, after one untimed warm-up (JIT compilation)."""
    from amsim.machine import wall_times

    return statistics.median(wall_times(lambda: fn(inputs), repeats))


def all_workloads(quick: bool, only: list[str] | None = None, match: str | None = None) -> list[Workload]:
    """Workloads of every registered family (or those in ``only``) that ships a ``bench`` module.

    ``quick`` asks each family for small sizes (a smoke test in seconds) instead of the headline sizes; ``match``
    keeps the workloads whose name contains it (case-insensitive).
    """
    found = []
    for fam in registry.families():
        if only is not None and fam.name not in only:
            continue
        module = f"amsim.families.{fam.name}.bench"
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:  # a plugin family (AMSIM_PLUGINS) lives outside amsim.families
            spec = None
        if spec is not None:
            found.extend(importlib.import_module(module).workloads(quick))
    return [w for w in found if match is None or match.lower() in w.name.lower()]


def run(repeats: int, threads: list[int], quick: bool = False, only: list[str] | None = None,
        match: str | None = None) -> dict[str, Any]:
    """Measure the limits, then time every workload on each thread count.

    A workload that declares a limit is compared with that limit measured again right after its own timing, on
    the same threads: the bandwidth of a shared machine drifts by 20-30% over minutes.

    Returns
    -------
    dict
        ``{"limits": {threads: {limit: rate}}, "rows": [...]}``, one row per (workload, threads) with the medians
        in seconds (``amsim_s``, ``reference_s``, ``baseline_s``, ``peers_s``), the speed-ups of amsim over each,
        and ``limit_fraction``.
    """
    from threadpoolctl import threadpool_limits

    from amsim import machine

    work_list = all_workloads(quick, only, match)
    limits, rows = {}, []
    for t in threads:
        backends.set_threads(t)
        with threadpool_limits(limits=t):
            limits[t] = machine.limits()
    for work in work_list:
        inputs = work.setup()
        for t in threads:
            backends.set_threads(t)
            with threadpool_limits(limits=t):
                amsim_s = median_time(work.amsim, inputs, repeats)
                reference_s = median_time(work.reference, inputs, repeats) if work.reference else None
                baseline_s = median_time(work.baseline[1], inputs, repeats) if work.baseline else None
                peers_s = {name: median_time(fn, inputs, repeats) for name, fn in work.peers.items()}
                fraction = limit_rate = None
                if work.limit and work.work:
                    limit_rate = machine.LIMITS[work.limit]()
                    fraction = work.work(inputs) / amsim_s / limit_rate
            rows.append({
                "workload": work.name, "threads": t, "amsim_s": amsim_s,
                "reference_s": reference_s, "baseline": work.baseline[0] if work.baseline else None,
                "baseline_s": baseline_s, "peers_s": peers_s,
                "speedup_vs_reference": reference_s / amsim_s if reference_s else None,
                "speedup_vs_baseline": baseline_s / amsim_s if baseline_s else None,
                "speedup_vs_best_peer": min(peers_s.values()) / amsim_s if peers_s else None,
                "limit": work.limit, "limit_rate": limit_rate, "limit_fraction": fraction,
            })
    return {"limits": limits, "rows": rows}


def _ms(seconds: float | None) -> str:
    return f"{seconds * 1e3:9.1f}" if seconds is not None else f"{'-':>9s}"


def _x(ratio: float | None) -> str:
    return f"{ratio:6.1f}x" if ratio is not None else f"{'-':>7s}"


def _limit(row: dict[str, Any]) -> str:
    """``bandwidth 29.4 GB/s``: the limit a row is compared with, as measured right after its timing."""
    if not row["limit"]:
        return ""
    unit = "GB/s" if row["limit"] == "bandwidth" else "G/s"
    return f"{row['limit']} {row['limit_rate'] / 1e9:.1f} {unit}"


def format_table(result: dict[str, Any]) -> str:
    """Plain-text table: medians in ms and amsim's speed-up over the reference, the baseline and the best peer."""
    lines = []
    for t, lim in result["limits"].items():
        lines.append(f"limits on {t} thread(s) at the start: memory bandwidth {lim['bandwidth'] / 1e9:.1f} GB/s, "
                     f"popcount {lim['popcount'] / 1e9:.1f} G/s")
    lines.append(f"{'workload':50s} {'thr':>3s} {'amsim ms':>9s} {'ref ms':>9s} {'vs ref':>7s} {'base ms':>9s} "
                 f"{'vs base':>7s} {'peer ms':>9s} {'vs peer':>7s} {'of limit':>9s}")
    for r in result["rows"]:
        peer = min(r["peers_s"].values()) if r["peers_s"] else None
        frac = f"{r['limit_fraction']:8.0%}" if r["limit_fraction"] is not None else f"{'-':>8s}"
        lines.append(f"{r['workload'][:50]:50s} {r['threads']:3d} {_ms(r['amsim_s'])} {_ms(r['reference_s'])} "
                     f"{_x(r['speedup_vs_reference'])} {_ms(r['baseline_s'])} {_x(r['speedup_vs_baseline'])} "
                     f"{_ms(peer)} {_x(r['speedup_vs_best_peer'])} {frac} {_limit(r)}")
    baselines = sorted({r["baseline"] for r in result["rows"] if r["baseline"]})
    lines.append("baselines: " + "; ".join(baselines) if baselines else "")
    return "\n".join(lines)


def main(repeats: int = 5, threads: list[int] | None = None, quick: bool = False, only: list[str] | None = None,
         json_out: Path | None = None, match: str | None = None) -> dict[str, Any]:
    """Run the suite, print the table, optionally save the results as JSON; returns the results."""
    threads = threads or [1, 2]
    result = run(repeats, threads, quick, only, match)
    print(f"amsim bench on {platform.machine()} ({platform.processor() or 'cpu'}): medians of {repeats} after a "
          "warm-up; 'vs' columns are amsim's speed-up (other median / amsim median)")
    print(format_table(result))
    if json_out:
        from amsim.io import atomic_write

        with atomic_write(Path(json_out)) as tmp:
            Path(tmp).write_text(json.dumps({"machine": platform.platform(), "repeats": repeats, **result}, indent=1))
        print(f"json: {json_out}")
    return result
