"""A plugin family for fault-injection tests (loaded through ``AMSIM_PLUGINS=faulty``, also in workers).

``faulty.task`` draws a few numbers from its task stream. Files in ``marker_dir`` steer faults without
changing the study (so ``--resume`` accepts it): ``kill-<x>`` makes the task at x SIGKILL its own process once
(it deletes the file first); ``raise-<x>`` makes it raise while the file exists. Every run appends ``x`` to
``marker_dir/ran.log``, so tests can tell which tasks ran.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from amsim.family import no_protocol_check
from amsim.io import label
from amsim.params import Params, param
from amsim.registry import register_experiment, register_family


@dataclass(frozen=True)
class FaultyParams(Params):
    x: int = param(0, "task label", ge=0)
    marker_dir: str = param("", "folder of fault markers")
    duration: float = param(0.0, "seconds each task sleeps", units="s", ge=0)


register_family("faulty", FaultyParams, "fault injection for tests")


@register_experiment("faulty.task", memory=lambda p, trials: 1000 * trials, check=no_protocol_check,
                     example={"x": 0})
def task(p: FaultyParams, *, trials: int, rng: np.random.Generator, backend: str) -> xr.Dataset:
    """Sleep, obey the fault markers, return ``trials`` uniform draws."""
    folder = Path(p.marker_dir)
    with open(folder / "ran.log", "a") as log:
        log.write(f"{p.x}\n")
    time.sleep(p.duration)
    kill = folder / f"kill-{p.x}"
    if kill.exists():
        kill.unlink()
        os.kill(os.getpid(), signal.SIGKILL)
    if (folder / f"raise-{p.x}").exists():
        raise ValueError(f"injected failure at x={p.x}")
    values = label(xr.DataArray(rng.random(trials), dims="trial"), "uniform draw")
    return xr.Dataset({"value": values}, coords={"trial": label(xr.DataArray(np.arange(trials), dims="trial"),
                                                                 "trial")})
