"""Sweeps: identical numbers on every executor and worker count, and after a SIGKILL and --resume."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from amsim.exceptions import UnknownNameError, ValidationError
from amsim.io import REQUIRED_ATTRS, load_dataset, unlabelled
from amsim.sweep import load_study, sweep

STUDY = """
experiment = "hopfield.retrieval"
card = "hopfield/ags1985"
seed = 3
trials = {trials}
[params]
n_neurons = 60
noise = 0.1
cues = 3
[axes]
load = {{ start = 0.05, stop = 0.2, num = {num} }}
update = ["sync", "async"]
"""


def write_study(folder: Path, trials: int = 3, num: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "study.toml"
    path.write_text(STUDY.format(trials=trials, num=num))
    return path


def numbers(ds: xr.Dataset) -> xr.Dataset:
    """The dataset without the attributes that legitimately differ between runs (creation time)."""
    out = ds.copy()
    out.attrs = {k: v for k, v in ds.attrs.items() if k != "created_at"}
    return out


def test_study_grid_and_labels(in_tmp):
    st = load_study(write_study(in_tmp / "s"))
    assert st.axes == {"load": [0.05, 0.125, 0.2], "update": ["sync", "async"]}
    assert len(st.tasks) == 6 and st.tasks[1].coords == {"load": 0.05, "update": "async"}
    ds = sweep(st, in_tmp / "out.nc", executor="serial", backend="cpu", quiet=True)
    assert dict(ds.sizes) == {"load": 3, "update": 2, "trial": 3, "cue": 3}
    assert unlabelled(ds) == []
    assert set(REQUIRED_ATTRS) <= set(ds.attrs)
    back = load_dataset(in_tmp / "out.nc")
    xr.testing.assert_identical(back, ds)
    assert list(back["update"].values) == ["sync", "async"]  # a longer string after a shorter one is kept whole
    assert not (in_tmp / "out.nc.parts").exists()


def test_same_numbers_on_every_executor_and_worker_count(in_tmp):
    path = write_study(in_tmp / "s")
    serial = sweep(path, in_tmp / "serial.nc", executor="serial", backend="cpu", quiet=True)
    one = sweep(path, in_tmp / "one.nc", executor="processes", workers=1, backend="cpu", quiet=True)
    two = sweep(path, in_tmp / "two.nc", executor="processes", workers=2, backend="cpu", quiet=True)
    reference = sweep(path, in_tmp / "numpy.nc", executor="serial", backend="numpy", quiet=True)
    xr.testing.assert_identical(numbers(serial), numbers(one))
    xr.testing.assert_identical(numbers(serial), numbers(two))
    if importlib.util.find_spec("distributed") is not None:
        dask = sweep(path, in_tmp / "dask.nc", executor="dask", workers=2, backend="cpu", quiet=True)
        xr.testing.assert_identical(numbers(serial), numbers(dask))
    # ±1 dynamics are exact on every backend: only the backend attribute differs
    xr.testing.assert_equal(serial, reference)
    assert serial["overlap"].std() > 0  # the check compares real, varying numbers


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.nc"))


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_sigkill_midway_then_resume_gives_identical_dataset(in_tmp, cli_env, executor):
    path = write_study(in_tmp / "s", trials=40, num=6)
    total = 12
    out = in_tmp / "killed.nc"
    cmd = [sys.executable, "-m", "amsim", "sweep", str(path), "--out", str(out), "--executor", executor,
           "--workers", "2", "--backend", "numpy", "--quiet"]
    proc = subprocess.Popen(cmd, env=cli_env, cwd=in_tmp, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parts_dir = Path(str(out) + ".parts")
    deadline = time.monotonic() + 120
    while len(_parts(parts_dir)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(_parts(parts_dir))
    assert 0 < done < total, f"kill did not land midway ({done} of {total} parts)"
    assert not out.exists()
    resumed = subprocess.run([*cmd, "--resume"], env=cli_env, cwd=in_tmp, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    whole = sweep(path, in_tmp / "whole.nc", executor="serial", backend="numpy", quiet=True)
    xr.testing.assert_identical(numbers(load_dataset(out)), numbers(whole))


def test_resume_recomputes_a_corrupt_part_and_refuses_another_study(in_tmp):
    path = write_study(in_tmp / "s")
    st = load_study(path)
    out = in_tmp / "r.nc"
    from amsim.sweep.store import Store

    store = Store(out, st)
    store.open(resume=False, overwrite=False)
    store.path(st.tasks[0]).write_bytes(b"truncated")
    assert st.tasks[0] in store.pending()
    ds = sweep(path, out, executor="serial", backend="cpu", resume=True, quiet=True)
    assert np.isfinite(ds["overlap"]).all()
    stamp = out.stat().st_mtime_ns
    for resume in (False, True):  # the same study again: nothing to do, the file is left as it is
        xr.testing.assert_identical(sweep(path, out, executor="serial", backend="cpu", resume=resume, quiet=True), ds)
    assert out.stat().st_mtime_ns == stamp
    write_study(in_tmp / "s", trials=4)
    for resume in (False, True):  # another study's finished output is never replaced without --overwrite
        with pytest.raises(ValidationError, match="different study"):
            sweep(path, out, executor="serial", backend="cpu", resume=resume, quiet=True)
    assert out.stat().st_mtime_ns == stamp
    out.unlink()
    store.open(resume=False, overwrite=True)  # parts of the first study
    with pytest.raises(ValidationError, match="different study"):
        sweep(path, out, executor="serial", backend="cpu", resume=True, quiet=True)


@pytest.mark.parametrize(("text", "error", "message"), [
    ('experiment = "hopfield.retreival"\n', UnknownNameError, "did you mean 'hopfield.retrieval'"),
    ('experiment = "hopfield.retrieval"\n[axes]\nloads = [0.1]\n', UnknownNameError, "did you mean 'load'"),
    ('experiment = "hopfield.retrieval"\n[params]\nnoize = 0.1\n', UnknownNameError, "did you mean 'noise'"),
    ('experiment = "hopfield.retrieval"\n[axes]\nload = [0.1, 3.0]\n', ValidationError,
     r"HopfieldParams.load: must be <= 2 \(got 3.0\)"),
    ('experiment = "hopfield.retrieval"\n[axes]\nload = {start = 0.1, stop = 0.2}\n', ValidationError,
     "missing num"),
    ('experiment = "hopfield.retrieval"\ntrials = 0\n', ValidationError, r"trials: must be an integer >= 1 \(got 0\)"),
    ('experiment = "hopfield.retrieval"\n[params]\nload = 0.1\n[axes]\nload = [0.1]\n', ValidationError,
     "both fixed"),
    ('experiment = "hopfield.retrieval"\nseeed = 1\n', UnknownNameError, "did you mean 'seed'"),
    ('experiment = "hopfield.retrieval"\n[axes\n', ValidationError, "malformed TOML"),
    ('experiment = "hopfield.retrieval"\ntheory = "hopfield-RS"\n', UnknownNameError, "did you mean 'hopfield-rs'"),
])
def test_bad_study_is_rejected_at_load(in_tmp, text, error, message):
    (in_tmp / "study.toml").write_text(text)
    with pytest.raises(error, match=message):
        load_study(in_tmp)


def test_zarr_output_matches_netcdf(in_tmp):
    pytest.importorskip("zarr")
    pytest.importorskip("dask")
    path = write_study(in_tmp / "s")
    nc = sweep(path, in_tmp / "o.nc", executor="serial", backend="cpu", quiet=True)
    zs = sweep(path, in_tmp / "o.zarr", executor="serial", backend="cpu", fmt="zarr", quiet=True)
    assert (in_tmp / "o.zarr").is_dir() and not (in_tmp / "o.zarr.parts").exists()
    xr.testing.assert_identical(numbers(zs.load()), numbers(nc))
    assert unlabelled(zs) == []
