"""Boundary extraction and finite-size extrapolation (amsim.phase) on synthetic data with known answers."""

import dataclasses

import numpy as np
import pytest
import xarray as xr
from conftest import ROOT

from amsim.exceptions import ValidationError
from amsim.families.hopfield.figures import plot_phase_diagram
from amsim.io import label, unlabelled
from amsim.phase import finite_size_extrapolation, retrieval_boundary
from amsim.plotting import plot_finite_size
from amsim.sweep import load_study, sweep
from amsim.theory.hopfield_replica import critical_load


def synthetic(profile, axes, trials, spread, var):
    """Dataset var(axes..., trial, cue) = profile(grid) + spread * (+1, -1, +1, ...) over trials: the trial mean
    is exactly the profile, the bootstrap sees a spread."""
    names = list(axes)
    grid = np.meshgrid(*axes.values(), indexing="ij")
    mean = profile(*grid)
    signs = np.where(np.arange(trials) % 2 == 0, 1.0, -1.0)
    values = mean[..., None, None] + spread * signs[:, None] + np.zeros((1, 2))
    coords = {n: label(xr.DataArray(v, dims=n), n) for n, v in axes.items()}
    coords["trial"] = label(xr.DataArray(np.arange(trials), dims="trial"), "trial")
    coords["cue"] = label(xr.DataArray(np.arange(2), dims="cue"), "cue")
    return xr.Dataset({var: label(xr.DataArray(values, dims=[*names, "trial", "cue"]), var)}, coords=coords)


def test_linear_profiles_give_the_exact_crossing():
    loads, temps = np.array([0.02, 0.05, 0.1]), np.linspace(0.0, 1.0, 11)
    true = {0.02: 0.33, 0.05: 0.51, 0.1: 0.74}
    ds = synthetic(lambda a, t: 1 - t / (2 * np.vectorize(true.get)(a)), {"load": loads, "temperature": temps},
                   trials=8, spread=0.05, var="overlap")
    b = retrieval_boundary(ds, level=0.5, n_boot=300)
    np.testing.assert_allclose(b["boundary"].values, [true[a] for a in loads], atol=1e-12)
    assert np.all(b["boundary_low"] < b["boundary"]) and np.all(b["boundary"] < b["boundary_high"])
    assert np.all(b["boundary_high"] - b["boundary_low"] < 0.2)
    assert b["boundary"].dims == ("load",) and unlabelled(b) == [] and b.attrs["level"] == 0.5
    tighter = retrieval_boundary(synthetic(lambda a, t: 1 - t / (2 * np.vectorize(true.get)(a)),
                                           {"load": loads, "temperature": temps}, 8, 0.01, "overlap"),
                                 level=0.5, n_boot=300)
    assert np.all((tighter["boundary_high"] - tighter["boundary_low"]) < (b["boundary_high"] - b["boundary_low"]))


def test_step_profile_is_located_within_one_grid_step():
    temps = np.linspace(0.05, 1.0, 20)
    edge = 0.437
    ds = synthetic(lambda a, t: np.where(t < edge, 0.9, 0.03), {"load": [0.05], "temperature": temps}, 6, 0.02,
                   "overlap")
    b = float(retrieval_boundary(ds, n_boot=100)["boundary"][0])
    assert abs(b - edge) < temps[1] - temps[0]
    never = synthetic(lambda a, t: 0.9 + 0 * t, {"load": [0.05], "temperature": temps}, 4, 0.0, "overlap")
    assert np.isnan(retrieval_boundary(never, n_boot=10)["boundary"][0])


def test_finite_size_extrapolation_recovers_the_ansatz():
    sizes = np.array([250, 1000, 4000, 16000])
    loads = np.linspace(0.10, 0.24, 29)
    alpha_inf, amplitude = 0.138, 0.7
    capacity = alpha_inf + amplitude * sizes**-0.5
    ds = synthetic(lambda a, n: 0.5 - 4.0 * (a - (alpha_inf + amplitude * n**-0.5)),
                   {"load": loads, "n_neurons": sizes}, trials=10, spread=0.1, var="success")
    fit = finite_size_extrapolation(ds, n_boot=300)
    np.testing.assert_allclose(fit["boundary"], capacity, atol=1e-12)
    assert float(fit["extrapolated"]) == pytest.approx(alpha_inf, abs=1e-10)
    assert float(fit["slope"]) == pytest.approx(amplitude, abs=1e-8)
    assert fit.attrs["chi2"] < 1e-12
    assert float(fit["extrapolated_low"]) < alpha_inf < float(fit["extrapolated_high"])
    assert float(fit["extrapolated_high"]) - float(fit["extrapolated_low"]) < 0.02
    assert unlabelled(fit) == []
    # a wrong exponent leaves residuals and moves the extrapolation
    wrong = finite_size_extrapolation(ds, exponent=1.0, n_boot=100)
    assert wrong.attrs["chi2"] > 0.1 and abs(float(wrong["extrapolated"]) - alpha_inf) > 0.005


def test_finite_size_validation():
    ds = synthetic(lambda a, n: 0.5 - (a - 0.1), {"load": [0.1, 0.2], "n_neurons": [100, 200]}, 4, 0.1, "success")
    with pytest.raises(ValidationError, match=">= 3 sizes"):
        finite_size_extrapolation(ds, n_boot=10)
    with pytest.raises(ValidationError, match="needs a 'n_neurons' axis"):
        finite_size_extrapolation(ds.isel(n_neurons=0), n_boot=10)
    three = synthetic(lambda a, n, t: 0.5 - a, {"load": [0.1, 0.2], "n_neurons": [1, 2, 3], "temperature": [0.1]},
                      4, 0.1, "success")
    with pytest.raises(ValidationError, match="other swept axes"):
        finite_size_extrapolation(three, n_boot=10)


def test_figures(tmp_path):
    loads, temps = np.array([0.02, 0.08]), np.linspace(0.1, 1.0, 10)
    ds = synthetic(lambda a, t: np.where(t < 0.8 - 4 * a, 0.9, 0.05), {"load": loads, "temperature": temps}, 4,
                   0.02, "overlap")
    out = plot_phase_diagram(ds, retrieval_boundary(ds, n_boot=50), tmp_path / "phase.png")
    assert out.read_bytes()[:4] == b"\x89PNG"
    glass = synthetic(lambda a, t: np.where(t < 1 + np.sqrt(a), 0.3, 0.01), {"load": loads, "temperature": temps},
                      4, 0.01, "edwards_anderson")
    freezing = retrieval_boundary(glass, var="edwards_anderson", level=0.05, n_boot=50)
    both = plot_phase_diagram(ds, retrieval_boundary(ds, n_boot=50), tmp_path / "both.png", freezing=freezing)
    assert both.read_bytes()[:4] == b"\x89PNG"
    sizes = np.array([250, 1000, 4000])
    fs = synthetic(lambda a, n: 0.5 - 4.0 * (a - 0.14 - 0.7 * n**-0.5), {"load": np.linspace(0.1, 0.24, 15),
                                                                          "n_neurons": sizes}, 6, 0.1, "success")
    out = plot_finite_size(finite_size_extrapolation(fs, n_boot=50), tmp_path / "fs.png", reference=0.138,
                           reference_label="RS alpha_c")
    assert out.read_bytes()[:4] == b"\x89PNG" and out.stat().st_size > 10_000


@pytest.mark.slow
def test_finite_size_study_extrapolates_to_the_replica_capacity(tmp_path):
    """analysis/hopfield-finite-size at reduced cost (N <= 4000, 10 trials; ~1 minute on 2 cores): the capacity
    alpha_c(N) falls with N and extrapolates with alpha_inf + a N^-1/2 to within 0.015 of AGS's 0.138 (the full
    study, to N = 16000, lands within 0.01)."""
    study = load_study(ROOT / "analysis" / "hopfield-finite-size")
    keep = [250, 500, 1000, 2000, 4000]
    assert study.axes["n_neurons"][:len(keep)] == keep  # a prefix, so the task indices stay valid
    small = dataclasses.replace(study, trials=10, axes={**study.axes, "n_neurons": keep},
                                tasks=tuple(t for t in study.tasks if t.coords["n_neurons"] in keep))
    ds = sweep(small, tmp_path / "fs.nc", backend="cpu", quiet=True)
    fit = finite_size_extrapolation(ds, n_boot=300)
    alpha = fit["boundary"].values
    assert np.all(np.diff(alpha) < 0.005), alpha
    assert abs(float(fit["extrapolated"]) - critical_load()[0]) < 0.015, fit
    assert float(fit["extrapolated_low"]) < float(fit["extrapolated"]) < float(fit["extrapolated_high"])


def test_boundary_command_prints_saves_and_rejects(tmp_path, capsys):
    from amsim.cli import main
    from amsim.io import load_dataset, save_dataset

    loads, temps = np.array([0.02, 0.05]), np.linspace(0.0, 1.0, 11)
    true = {0.02: 0.33, 0.05: 0.51}
    ds = synthetic(lambda a, t: 1 - t / (2 * np.vectorize(true.get)(a)), {"load": loads, "temperature": temps},
                   trials=8, spread=0.05, var="overlap")
    path = tmp_path / "sweep.nc"
    save_dataset(ds, path)
    with pytest.raises(SystemExit) as done:
        main(["boundary", str(path), "--level", "0.5", "--boot", "50", "--theory", "hopfield-phases"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "overlap falls through 0.5 along temperature" in out and "retrieval_temperature" in out
    saved = load_dataset(tmp_path / "sweep-boundary.nc")
    np.testing.assert_allclose(saved["boundary"].values, [0.33, 0.51], atol=1e-12)
    np.testing.assert_allclose(saved["spin_glass_temperature"].values, 1 + np.sqrt(loads))
    for args, fragment in ((["--var", "nope"], "unknown variable 'nope'"),
                           (["--theory", "hopfield-sg"], "missing input"),
                           (["--level", "nan"], "--level must be a finite number")):
        with pytest.raises(SystemExit) as failed:
            main(["boundary", str(path), "--out", str(tmp_path / "x.nc"), *args])
        err = capsys.readouterr().err.strip().splitlines()
        assert failed.value.code == 2 and len(err) == 1 and fragment in err[0], err
        assert not (tmp_path / "x.nc").exists()
