"""The sweep store: one NetCDF part per finished task in ``<out>.parts/``, combined into ``<out>`` at the end.

Crash safety: each part is written to a temporary file and renamed into place, then its SHA-256 digest is
written beside it (``part-3-0.nc.sha256``), also atomically. A part counts as done only when its digest is there
and matches its bytes, so a part that was truncated, damaged on disk or left without its digest by a crash is
recomputed (on ``--resume``) and never combined; reading a part also checks the HDF5 Fletcher-32 checksums of its
arrays (:func:`amsim.io.save_dataset`). A manifest (``manifest.json``) records the study fingerprint, and the
combined output carries it as the ``fingerprint`` attribute: parts or an output written for a different study
(or other settings) are refused, and a finished sweep of the same study has nothing to do. The combined file is written
last, atomically, and the parts folder is then removed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import xarray as xr

from amsim.exceptions import AmsimError, ValidationError
from amsim.io import ENGINE, atomic_write, check_writable, file_digest, load_dataset, save_dataset
from amsim.sweep.spec import Study, Task

FORMATS = ("netcdf", "zarr")
MANIFEST = "manifest.json"
FAILURES = "failures.json"
DIGEST = ".sha256"


class DamagedPartError(AmsimError):
    """A part changed on disk after it was written (its digest no longer matches); it has been removed."""


class AlreadyComplete(Exception):
    """``--resume`` found this study's finished output: there is nothing to do (not an error)."""

    def __init__(self, out: Path) -> None:
        super().__init__(f"nothing to do: {out} is this study's finished output (use --overwrite to run it again)")
        self.out = out


def parts_dir_for(out: Path) -> Path:
    """``results/x.nc`` -> ``results/x.nc.parts``."""
    return out.with_name(out.name + ".parts")


def part_name(task: Task) -> str:
    """File name of a task's part, from its grid index (``part-3-0.nc``)."""
    return "part-" + "-".join(map(str, task.index)) + ".nc"


def output_fingerprint(out: Path, fmt: str) -> str | None:
    """The ``fingerprint`` attribute of a combined output (None: it has none, e.g. a file ``amsim run`` wrote).

    Raises
    ------
    ValidationError
        The output cannot be read.
    """
    try:
        if fmt == "zarr":
            found = xr.open_zarr(out).attrs.get("fingerprint")
        else:
            with xr.open_dataset(out, engine=ENGINE) as ds:
                found = ds.attrs.get("fingerprint")
    except Exception as exc:  # a damaged or foreign file: the user decides, with --overwrite
        raise ValidationError(f"output: cannot read {str(out)!r} to resume it ({' '.join(str(exc).split())[:120]}; "
                              "allowed: --overwrite to replace it, or another --out)") from None
    return None if found is None else str(found)


class Store:
    """Parts and combined output of one sweep.

    Parameters
    ----------
    out : Path
        The combined NetCDF file (or Zarr folder) to produce.
    study : Study
        The study being swept.
    fmt : {"netcdf", "zarr"}
        Format of the combined output (parts are always NetCDF).
    """

    def __init__(self, out: Path, study: Study, fmt: str = "netcdf") -> None:
        if fmt not in FORMATS:
            raise ValidationError(f"format: must be one of {', '.join(FORMATS)} (got {fmt!r})")
        self.out = Path(out)
        self.study = study
        self.format = fmt
        self.parts = parts_dir_for(self.out)
        self.damaged: list[str] = []

    def check(self, *, resume: bool, overwrite: bool) -> None:
        """Check for conflicts with earlier output; writes nothing.

        Raises
        ------
        AlreadyComplete
            The output is this study's finished result (with or without ``resume``): nothing to do.
        ValidationError
            The output belongs to another study or other settings; parts exist without ``resume``, or belong to
            another study; or both options were given.
        """
        if resume and overwrite:
            raise ValidationError("options: --resume and --overwrite exclude each other (got both)")
        check_writable(self.out, folder=self.format == "zarr")
        if overwrite:
            return
        mine = self.study.fingerprint()
        if self.out.exists():
            found = output_fingerprint(self.out, self.format)
            if found == mine:
                raise AlreadyComplete(self.out)
            whose = "the result of a different study or other settings" if found else "no sweep result"
            raise ValidationError(f"output: {str(self.out)!r} exists and holds {whose} (got fingerprint {found}; "
                                  f"this study's is {mine}; allowed: --overwrite to replace it, or another --out)")
        if not self.parts.exists():
            return
        if not resume:
            raise ValidationError(f"output: {str(self.parts)!r} exists (use --resume to continue a stopped sweep, "
                                  "--overwrite to start again, or another --out)")
        found = self._manifest().get("fingerprint")
        if found != mine and (found is not None or any(self.parts.glob("part-*"))):
            raise ValidationError(f"output: {str(self.parts)!r} holds parts of a different study (got "
                                  f"fingerprint {found}; allowed: {mine}; use --overwrite)")

    def _manifest(self) -> dict[str, Any]:
        try:
            found = json.loads((self.parts / MANIFEST).read_text())
        except (OSError, ValueError):  # missing or damaged: nothing can be trusted to belong to this study
            return {}
        return found if isinstance(found, dict) else {}

    def open(self, *, resume: bool, overwrite: bool) -> None:
        """:meth:`check`, then make the parts folder with its manifest (emptied first with ``overwrite``)."""
        self.check(resume=resume, overwrite=overwrite)
        if overwrite:
            shutil.rmtree(self.parts, ignore_errors=True)
        with atomic_write(self.parts / MANIFEST) as tmp:
            Path(tmp).write_text(json.dumps({"fingerprint": self.study.fingerprint(), "study": str(self.study.path),
                                             "tasks": len(self.study.tasks), "overrides": self.study.overrides}))

    def path(self, task: Task) -> Path:
        """Where the part of ``task`` lives."""
        return self.parts / part_name(task)

    def _digest_path(self, task: Task) -> Path:
        path = self.path(task)
        return path.with_name(path.name + DIGEST)

    def problem(self, task: Task) -> str | None:
        """Why the task's part cannot be used (None: it is there and its bytes match its digest)."""
        path, digest = self.path(task), self._digest_path(task)
        if not path.is_file():
            return "missing"
        try:
            expected = digest.read_text().strip()
        except OSError:
            return "no digest (written by a run that stopped)"
        return None if file_digest(path) == expected else "digest mismatch (damaged on disk)"

    def is_done(self, task: Task) -> bool:
        """The task's part exists and its bytes match the digest written with it."""
        return self.problem(task) is None

    @property
    def failures_path(self) -> Path:
        """Where failed tasks are listed (coordinates and error), until they succeed."""
        return self.parts / FAILURES

    def _failures(self) -> dict[str, Any]:
        try:
            found = json.loads(self.failures_path.read_text())
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def write(self, task: Task, ds: xr.Dataset) -> Path:
        """Store a finished task's part and its digest, atomically, and forget an earlier failure of it."""
        save_dataset(ds, self.path(task))
        with atomic_write(self._digest_path(task)) as tmp:
            Path(tmp).write_text(file_digest(self.path(task)) + "\n")
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
        """Tasks without a verified part, in grid order; damaged parts are listed in :attr:`damaged`."""
        todo = []
        self.damaged = []
        for task in self.study.tasks:
            problem = self.problem(task)
            if problem is not None:
                todo.append(task)
                if problem != "missing":
                    self.damaged.append(f"{part_name(task)}: {problem}")
        return todo

    def load_part(self, task: Task) -> xr.Dataset:
        """A part, verified against its digest (and its arrays against their HDF5 checksums) before use.

        Raises
        ------
        DamagedPartError
            The part does not verify; it is removed, so ``--resume`` recomputes it.
        """
        problem = self.problem(task)
        if problem is None:
            try:
                return load_dataset(self.path(task))
            except ValidationError as exc:
                problem = str(exc)
        self.path(task).unlink(missing_ok=True)
        self._digest_path(task).unlink(missing_ok=True)
        raise DamagedPartError(f"sweep: part {part_name(task)} at {task.coords} is damaged ({problem}); it was "
                               "removed and is not combined: rerun with --resume to recompute it")

    def combine(self) -> xr.Dataset:
        """Read every verified part and assemble the grid: one dimension per axis, in the study's order."""
        parts = {t.index: self.load_part(t) for t in self.study.tasks}
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
        first = self.load_part(self.study.tasks[0])
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
            part = self.load_part(task)
            region = {axis: slice(i, i + 1) for axis, i in zip(axes, task.index, strict=True)}
            part.drop_vars(list(part.coords)).to_zarr(tmp, region=region)
        shutil.rmtree(self.out, ignore_errors=True)
        os.replace(tmp, self.out)
        shutil.rmtree(self.parts, ignore_errors=True)
        return xr.open_zarr(self.out)
