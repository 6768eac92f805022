"""Dataset provenance, labelling rules, atomic NetCDF save/load (h5netcdf engine), and the output rules.

Every coordinate and data variable carries ``long_name`` and ``units`` (plots take their labels from them);
global attributes say what produced the data (see :func:`make_attrs`). Every numeric array is written with an
HDF5 Fletcher-32 checksum, so a damaged file fails to load instead of giving wrong numbers. Every command's output
follows one rule (:func:`prepare_output`): the suffix fits the format, a folder gets the default file name, and an
existing file is replaced only with ``--overwrite``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
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
    """Raise :class:`ValidationError` unless ``path`` could be written; nothing is created.

    The nearest existing ancestor must be a writable folder (the folders below it are made when the output is
    saved). ``folder`` says the output itself is a folder (a Zarr store), so an existing folder there is no error.
    """
    path = Path(path)
    if path.is_dir() and not folder:
        raise ValidationError(f"output: {str(path)!r} is a folder (allowed: a file path such as results/run.nc)")
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValidationError(f"output: cannot write {str(path)!r} ({str(ancestor)!r} is a file, not a folder)")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValidationError(f"output: cannot write {str(path)!r} (no permission to write in {str(ancestor)!r})")
    return path


def prepare_output(out: str | os.PathLike[str] | None, default: str | os.PathLike[str], *, overwrite: bool,
                   suffixes: tuple[str, ...], option: str = "--out", folder: bool = False) -> Path:
    """The output path of a command, checked by the rule every command follows; nothing is created.

    Parameters
    ----------
    out : path, optional
        What the user gave; None for ``default``. A path ending in ``/`` or naming an existing folder (other than
        a Zarr store being replaced) gets the default file name inside it.
    default : path
        The command's default output.
    overwrite : bool
        Whether an existing output may be replaced.
    suffixes : tuple of str
        Allowed suffixes, e.g. ``(".nc",)`` or ``(".png",)``; the first is the format's usual one.
    option : str
        The option named in messages.
    folder : bool
        The output is a folder (a Zarr store).

    Raises
    ------
    ValidationError
        A wrong suffix, an existing output without ``overwrite``, or a place that cannot be written.
    """
    default = Path(default)
    if out is None:
        path = default
    else:
        text = os.fspath(out)
        path = Path(text)
        is_store = folder and path.suffix.lower() in suffixes
        if text.endswith(("/", os.sep)) or (path.is_dir() and not is_store):
            path = path / default.name
    if path.suffix.lower() not in suffixes:
        raise ValidationError(f"{option}: must end with {' or '.join(suffixes)} (got {os.fspath(path)!r}; "
                              f"e.g. {default.with_name(path.stem or default.stem).with_suffix(suffixes[0])})")
    if path.exists() and not overwrite:
        raise ValidationError(f"output: {os.fspath(path)!r} exists (use --overwrite to replace it, or another "
                              f"{option})")
    return check_writable(path, folder=folder)


def settings_name(stem: str, settings: Mapping[str, object], limit: int = 100) -> str:
    """A file name stem from a command's settings: ``hopfield.retrieval-load=0.1-n_neurons=500``.

    Settings are sorted by name, so their order on the command line does not matter; characters a file name
    should not hold become ``_``; a name longer than ``limit`` keeps its start and ends in a hash of the whole.
    """
    text = "-".join([stem, *(f"{k}={v}" for k, v in sorted(settings.items()))])
    text = re.sub(r"[^A-Za-z0-9._=+-]", "_", text)
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return f"{text[:limit - 11]}-{digest}"


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``, on failure delete it.

    A reader never sees a half-written file; a crash leaves at most a stray hidden ``.tmp`` file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the permissions open() would
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def checksum_encoding(ds: xr.Dataset) -> dict[str, dict[str, bool]]:
    """Fletcher-32 for every variable HDF5 can filter: the numeric and boolean arrays (a scalar or a
    variable-length string has no chunks to checksum; the sweep store's digests cover those)."""
    return {str(name): {"fletcher32": True} for name, var in ds.variables.items()
            if var.ndim and var.size and var.dtype.kind in "biufc"}


def save_dataset(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write ``ds`` to NetCDF atomically (see :func:`atomic_write`) with checksums (:func:`checksum_encoding`);
    every variable must be labelled."""
    path = Path(path)
    missing = unlabelled(ds)
    if missing:
        raise AmsimError(f"dataset: variables without long_name/units: {', '.join(missing)}")
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp, engine=ENGINE, encoding=checksum_encoding(ds))
    return path


def load_dataset(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read a NetCDF file fully into memory (the file is closed on return).

    Raises
    ------
    ValidationError
        The file is missing, is not NetCDF, or is damaged (a checksum fails or the structure does not parse).
    """
    path = Path(path)
    if path.is_dir():
        raise ValidationError(f"dataset: {str(path)!r} is a folder (allowed: a NetCDF file written by amsim)")
    if not path.is_file():
        raise ValidationError(f"dataset: no such file {str(path)!r}")
    try:
        with xr.open_dataset(path, engine=ENGINE) as ds:
            return ds.load()
    except Exception as exc:  # whatever h5py or xarray raise on a damaged or foreign file, it is not ours to fix
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ValidationError(f"dataset: cannot read {str(path)!r} as an amsim NetCDF file (damaged or not "
                              f"NetCDF: {reason})") from None
