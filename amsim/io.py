"""Dataset provenance, labelling rules, and atomic NetCDF save/load (h5netcdf engine).

Every coordinate and data variable carries ``long_name`` and ``units`` (plots take their labels from them);
global attributes say what produced the data (see :func:`make_attrs`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from amsim.exceptions import AmsimError, ValidationError
from amsim.params import Params

ENGINE = "h5netcdf"

_UMASK = os.umask(0)
os.umask(_UMASK)

REQUIRED_ATTRS = ("title", "amsim_version", "experiment", "family", "params_json", "backend", "seed",
                  "created_at", "references")


def make_attrs(*, title: str, experiment: str, family: str, params_json: str, backend: str, seed: int,
               references: Sequence[str] = ()) -> dict[str, str | int | list[str]]:
    """Global provenance attributes of a result Dataset (NetCDF-safe: str, int, list of str)."""
    from amsim.version import __version__

    return {
        "title": title,
        "amsim_version": __version__,
        "experiment": experiment,
        "family": family,
        "params_json": params_json,
        "backend": backend,
        "seed": int(seed),
        "created_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "references": list(references) if references else [""],
    }


def unlabelled(ds: xr.Dataset) -> list[str]:
    """Names of coordinates or variables lacking ``long_name`` or ``units``."""
    names = [*ds.coords, *ds.data_vars]
    return [str(n) for n in names if not {"long_name", "units"} <= set(ds[n].attrs)]


def label(da: xr.DataArray, long_name: str, units: str = "1") -> xr.DataArray:
    """Attach ``long_name`` and ``units`` to a DataArray (returned for chaining)."""
    da.attrs.update(long_name=long_name, units=units)
    return da


def param_coordinate(params_cls: type[Params], name: str, values: Sequence[object]) -> xr.DataArray:
    """A parameter's values as a coordinate labelled from the parameter's declaration (doc and units)."""
    _, rule = params_cls.constraints()[name]
    return label(xr.DataArray(np.asarray(values), dims=name), rule.doc, rule.units)


def check_writable(path: str | os.PathLike[str], folder: bool = False) -> Path:
    """Make the parent folder of ``path`` if needed and prove it writable; raises ValidationError otherwise.

    ``folder`` says the output itself is a folder (a Zarr store), so an existing folder there is no error.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".probe"):
            pass
    except OSError as exc:
        raise ValidationError(f"output: cannot write {str(path)!r} ({exc.strerror or exc})") from None
    if path.is_dir() and not folder:
        raise ValidationError(f"output: {str(path)!r} is a folder (allowed: a file path such as results/run.nc)")
    return path


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``, on failure delete it.

    A reader never sees a half-written file; a crash leaves at most a stray hidden ``.tmp`` file.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the permissions open() would
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_dataset(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write ``ds`` to NetCDF atomically (see :func:`atomic_write`); every variable must be labelled."""
    path = Path(path)
    missing = unlabelled(ds)
    if missing:
        raise AmsimError(f"dataset: variables without long_name/units: {', '.join(missing)}")
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp, engine=ENGINE)
    return path


def load_dataset(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read a NetCDF file fully into memory (the file is closed on return)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"dataset: no such file {str(path)!r}")
    try:
        with xr.open_dataset(path, engine=ENGINE) as ds:
            return ds.load()
    except (OSError, ValueError) as exc:
        raise ValidationError(f"dataset: cannot read {str(path)!r} as NetCDF ({exc})") from None
