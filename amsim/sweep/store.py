"""The sweep store: one NetCDF part per finished task in ``<out>.parts/``, combined into ``<out>`` at the end.

Crash safety: each part is written to a temporary file and renamed into place, so a part that exists is
complete. A manifest (``manifest.json``) records the study fingerprint; ``--resume`` refuses parts written by
a different study. The combined file is written last, atomically, and the parts folder is then removed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import xarray as xr

from amsim.exceptions import ValidationError
from amsim.io import atomic_write, check_writable, load_dataset, save_dataset
from amsim.sweep.spec import Study, Task

FORMATS = ("netcdf", "zarr")
MANIFEST = "manifest.json"
FAILURES = "failures.json"


def parts_dir_for(out: Path) -> Path:
    """``results/x.nc`` -> ``results/x.nc.parts``."""
    return out.with_name(out.name + ".parts")


def part_name(task: Task) -> str:
    """File name of a task's part, from its grid index (``part-3-0.nc``)."""
    return "part-" + "-".join(map(str, task.index)) + ".nc"


class Store:
    """Parts and combined output of one sweep.

    Parameters
    ----------
    out : Path
        The combined NetCDF file to produce.
    study : Study
        The study being swept.
    """

    def __init__(self, out: Path, study: Study, fmt: str = "netcdf") -> None:
        if fmt not in FORMATS:
            raise ValidationError(f"format: must be one of {', '.join(FORMATS)} (got {fmt!r})")
        self.out = Path(out)
        self.study = study
        self.format = fmt
        self.parts = parts_dir_for(self.out)

    def open(self, *, resume: bool, overwrite: bool) -> None:
        """Check for conflicts with earlier output and make the parts folder; nothing is written on error."""
        if resume and overwrite:
            raise ValidationError("options: --resume and --overwrite exclude each other (got both)")
        exists = [p for p in (self.out, self.parts) if p.exists()]
        if exists and not (resume or overwrite):
            raise ValidationError(f"output: {str(exists[0])!r} exists (use --resume to continue a stopped sweep, "
                                  "--overwrite to start again, or another --out)")
        check_writable(self.out, folder=self.format == "zarr")
        if overwrite:
            shutil.rmtree(self.parts, ignore_errors=True)
        manifest = self.parts / MANIFEST
        if resume and manifest.is_file():
            found = json.loads(manifest.read_text()).get("fingerprint")
            if found != self.study.fingerprint():
                raise ValidationError(f"output: {str(self.parts)!r} holds parts of a different study (got "
                                      f"fingerprint {found}; allowed: {self.study.fingerprint()}; use --overwrite)")
        self.parts.mkdir(parents=True, exist_ok=True)
        with atomic_write(manifest) as tmp:
            Path(tmp).write_text(json.dumps({"fingerprint": self.study.fingerprint(), "study": str(self.study.path),
                                             "tasks": len(self.study.tasks)}))

    def path(self, task: Task) -> Path:
        """Where the part of ``task`` lives."""
        return self.parts / part_name(task)

    def is_done(self, task: Task) -> bool:
        """The task's part exists and reads back as NetCDF (a truncated or corrupt part does not count)."""
        path = self.path(task)
        if not path.is_file():
            return False
        try:
            load_dataset(path)
        except ValidationError:
            return False
        return True

    @property
    def failures_path(self) -> Path:
        """Where failed tasks are listed (coordinates and error), until they succeed."""
        return self.parts / FAILURES

    def _failures(self) -> dict[str, Any]:
        path = self.failures_path
        return json.loads(path.read_text()) if path.is_file() else {}

    def write(self, task: Task, ds: xr.Dataset) -> Path:
        """Store a finished task's part atomically, and forget an earlier failure of it."""
        save_dataset(ds, self.path(task))
        failures = self._failures()
        if failures.pop(part_name(task), None) is not None:
            self._save_failures(failures)
        return self.path(task)

    def record_failure(self, task: Task, error: str) -> None:
        """Add a failed task (its coordinates and error) to ``failures.json``."""
        failures = self._failures()
        failures[part_name(task)] = {"coords": task.coords, "error": error}
        self._save_failures(failures)

    def _save_failures(self, failures: dict[str, Any]) -> None:
        with atomic_write(self.failures_path) as tmp:
            Path(tmp).write_text(json.dumps(failures, indent=1, default=str))

    def pending(self) -> list[Task]:
        """Tasks without a readable part, in grid order."""
        return [t for t in self.study.tasks if not self.is_done(t)]

    def combine(self) -> xr.Dataset:
        """Read every part and assemble the grid: one dimension per axis, in the study's order."""
        parts = {t.index: load_dataset(self.path(t)) for t in self.study.tasks}
        shape = tuple(len(v) for v in self.study.axes.values())

        def nest(prefix: tuple[int, ...]) -> xr.Dataset | list:
            if len(prefix) == len(shape):
                return parts[prefix]
            return [nest((*prefix, i)) for i in range(shape[len(prefix)])]

        if not shape:
            return parts[()]
        return xr.combine_nested(nest(()), concat_dim=list(self.study.axes), combine_attrs="override")

    def finish(self, ds: xr.Dataset) -> Path:
        """Write the combined dataset atomically (NetCDF), then remove the parts."""
        save_dataset(ds, self.out)
        shutil.rmtree(self.parts, ignore_errors=True)
        return self.out

    def finish_zarr(self, coords: dict[str, xr.DataArray], extra: xr.Dataset | None,
                    attrs: dict[str, Any]) -> xr.Dataset:
        """Write the combined dataset as a Zarr store, one task's region at a time, then remove the parts.

        Only one part is in memory at a time, so the result may be larger than memory. The store is built in
        a temporary folder and renamed into place when complete.

        Parameters
        ----------
        coords : dict of str to DataArray
            The labelled axis coordinates, in the study's order.
        extra : xr.Dataset, optional
            Small variables to add (theory curves on the axes).
        attrs : dict
            Global attributes.

        Returns
        -------
        xr.Dataset
            The store, opened lazily.
        """
        try:
            import dask.array as da
            import zarr  # noqa: F401
        except ImportError:
            raise ValidationError("format: 'zarr' needs zarr and dask (got 'zarr'; install with: "
                                  "pip install 'amsim[dask]' zarr)") from None
        first = load_dataset(self.path(self.study.tasks[0]))
        axes = list(self.study.axes)
        skeleton = xr.Dataset(coords={**coords, **{k: v for k, v in first.coords.items() if k not in axes}})
        for name, var in first.data_vars.items():
            shape = [len(coords[d]) if d in axes else var.sizes[d] for d in var.dims]
            chunks = [1 if d in axes else var.sizes[d] for d in var.dims]
            skeleton[name] = xr.Variable(var.dims, da.zeros(shape, dtype=var.dtype, chunks=chunks), var.attrs)
        if extra is not None:
            skeleton = skeleton.merge(extra, combine_attrs="override")
        skeleton.attrs = attrs
        tmp = self.out.with_name(f".{self.out.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        skeleton.to_zarr(tmp, compute=False, mode="w")
        for task in self.study.tasks:
            part = load_dataset(self.path(task))
            region = {axis: slice(i, i + 1) for axis, i in zip(axes, task.index, strict=True)}
            part.drop_vars(list(part.coords)).to_zarr(tmp, region=region)
        shutil.rmtree(self.out, ignore_errors=True)
        os.replace(tmp, self.out)
        shutil.rmtree(self.parts, ignore_errors=True)
        return xr.open_zarr(self.out)
