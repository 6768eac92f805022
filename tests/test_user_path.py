"""The commands users expect and the rules every command follows, run in this process through amsim.cli.main:
studies, models NAME, experiments NAME, sweep --dry-run and its overrides, a temperature sweep from a study alone,
boundary's own choice of axis, single-point theory values, run summaries with units, the output rule, settings an
experiment ignores, and the memory guard's headroom."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from amsim import registry
from amsim.cli import main
from amsim.exceptions import ValidationError
from amsim.io import label, load_dataset, save_dataset
from amsim.sweep import load_study

# Hopfield's update limit, under its name before or after the rename to max_steps
STEPS = "max_steps"
ROOT = Path(__file__).resolve().parents[1]
STUDY = """
experiment = "hopfield.retrieval"
seed = 4
trials = 2
[params]
n_neurons = 40
cues = 2
[axes]
load = [0.05, 0.1]
"""


def amsim(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line here: (exit status, stdout, stderr)."""
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def study(in_tmp: Path) -> Path:
    (in_tmp / "s").mkdir()
    (in_tmp / "s" / "study.toml").write_text(STUDY)
    return in_tmp / "s"


def test_studies_lists_each_claim_grid_and_run_time(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv("AMSIM_STUDIES", str(ROOT / "analysis"))
    code, out, _ = amsim(capsys, "studies")
    assert code == 0
    for path in sorted((ROOT / "analysis").glob("*/study.toml")):
        st = load_study(path)
        assert st.claim and st.runtime, f"{path} needs claim and runtime"
        assert f"{st.name}  ({st.experiment}" in out and st.runtime in out
        assert " ".join(st.claim.split()[:4]) in out


def test_models_name_shows_a_cards_contents(in_tmp, capsys):
    code, out, _ = amsim(capsys, "models", "hopfield/ags1985")
    assert code == 0
    assert "file: " in out and "doi:10.1103/PhysRevLett.55.1530" in out
    assert "n_neurons" in out and "= 1000" in out and "number of neurons N" in out
    assert "alpha_c = 0.138" in out


@pytest.mark.parametrize("columns", [60, 100])
def test_experiments_fit_the_terminal(in_tmp, capsys, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    for argv in (["experiments"], ["experiments", "hopfield.retrieval"], ["models"], ["theory"]):
        code, out, _ = amsim(capsys, *argv)
        assert code == 0
        long = [line for line in out.splitlines() if len(line) > columns and " " in line.strip()]
        assert not long, long[:3]
    code, out, _ = amsim(capsys, "experiments", "hopfield.retrieval")
    assert "Each trial is an independent network" in out and "Returns" not in out


def test_dry_run_shows_tasks_memory_and_time_and_writes_nothing(study, in_tmp, capsys):
    before = files(in_tmp)
    code, out, err = amsim(capsys, "sweep", "s", "--dry-run", "--executor", "serial", "--backend", "numpy")
    assert code == 0, err
    assert "2 tasks (2 load), 2 trials each, seed 4" in out
    assert "memory per task: up to " in out and "MiB" in out
    assert "1 trial of the smallest task (load=0.05)" in out and "estimated time: about" in out
    assert files(in_tmp) == before


def test_overrides_are_recorded_and_fingerprinted(study, in_tmp, capsys):
    code, out, err = amsim(capsys, "sweep", "s", "--executor", "serial", "--backend", "numpy", "--set", "noise=0.2",
                           "--trials", "3", "--seed", "9", "--quiet")
    assert code == 0, err
    path = in_tmp / "results" / "s-noise=0.2-seed=9-trials=3.nc"
    assert out.strip().endswith(f"dataset: {path.relative_to(in_tmp)}")
    ds = load_dataset(path)
    assert ds.sizes["trial"] == 3 and ds.attrs["seed"] == 9
    assert json.loads(ds.attrs["params_json"])["noise"] == 0.2
    assert ds.attrs["overrides"] == "--set noise=0.2 --trials 3 --seed 9"
    plain = load_study(study)
    changed = load_study(study, overrides={"noise": 0.2}, trials=3, seed=9)
    assert ds.attrs["fingerprint"] == changed.fingerprint() != plain.fingerprint()
    # the same output resumed with other overrides is another study: refused, the file untouched
    stamp = path.stat().st_mtime_ns
    code, _, err = amsim(capsys, "sweep", "s", "--executor", "serial", "--set", "noise=0.3", "--trials", "3", "--seed",
                         "9", "--out", str(path), "--resume")
    assert code == 2 and "different study" in err
    code, _, err = amsim(capsys, "sweep", "s", "--executor", "serial", "--set", "noise=0.2", "--trials", "3", "--seed",
                         "9", "--resume")
    assert code == 0 and err.startswith("nothing to do")
    assert path.stat().st_mtime_ns == stamp


def test_temperature_of_stochastic_dynamics_is_swept_from_a_study_alone(in_tmp):
    path = in_tmp / "glauber.toml"
    path.write_text('experiment = "hopfield.retrieval"\ntrials = 2\n[params]\nupdate = "glauber"\nn_neurons = 40\n'
                    f"cues = 2\n{STEPS} = 5\n[axes]\ntemperature = [0.2, 0.8]\n")
    st = load_study(path)
    assert [t.params.temperature for t in st.tasks] == [0.2, 0.8]
    assert st.fixed["update"] == "glauber" and "temperature" not in st.fixed
    from amsim.sweep import sweep

    ds = sweep(st, in_tmp / "g.nc", executor="serial", backend="numpy", quiet=True)
    assert list(ds["temperature"].values) == [0.2, 0.8]
    # without the axis the fixed glauber has no temperature: refused, naming the rule
    path.write_text(path.read_text().replace("[axes]\ntemperature = [0.2, 0.8]\n", ""))
    with pytest.raises(ValidationError, match="temperature: must be > 0 with update='glauber'"):
        load_study(path)


def _grid(loads: list[float], other: str, values: list[float], fall: str) -> xr.Dataset:
    """A sweep result whose overlap falls along ``fall`` only (2 trials, 2 cues)."""
    a, b = np.meshgrid(np.linspace(0, 1, len(loads)), np.linspace(0, 1, len(values)), indexing="ij")
    mean = 1.0 - (a if fall == "load" else b)
    overlap = np.repeat(np.repeat(mean[:, :, None, None], 2, axis=2), 2, axis=3)
    return xr.Dataset(
        {"overlap": label(xr.DataArray(overlap, dims=("load", other, "trial", "cue")), "overlap")},
        coords={"load": label(xr.DataArray(loads, dims="load"), "load"),
                other: label(xr.DataArray(values, dims=other), other)})


@pytest.mark.parametrize(("other", "fall"), [("n_neurons", "load"), ("temperature", "temperature"),
                                               ("temperature", "load")])
def test_boundary_chooses_the_axis_along_which_the_variable_falls(in_tmp, capsys, other, fall):
    values = [250.0, 500.0, 1000.0] if other == "n_neurons" else [0.1, 0.5, 0.9, 1.3]
    save_dataset(_grid([0.05, 0.1, 0.15, 0.2, 0.25], other, values, fall), in_tmp / "d.nc")
    code, out, err = amsim(capsys, "boundary", "d.nc", "--level", "0.5", "--boot", "10")
    assert code == 0, err
    assert out.startswith(f"overlap falls through 0.5 along {fall} (chosen: ")
    found = load_dataset(in_tmp / "d-boundary.nc")
    assert found.attrs["along"] == fall and np.isfinite(found["boundary"]).all()
    code, _, err = amsim(capsys, "boundary", "d.nc", "--level", "0.5", "--boot", "10")
    assert code == 2 and "exists" in err  # the same rule as run and sweep
    code, _, err = amsim(capsys, "boundary", "d.nc", "--level", "0.5", "--boot", "10", "--overwrite")
    assert code == 0, err


def test_single_point_theory_prints_its_values(in_tmp, capsys):
    from amsim.theory.hopfield_replica import rs_finite_temperature

    code, out, err = amsim(capsys, "theory", "hopfield-rs", "load=0.1", "temperature=0.2")
    assert code == 0, err
    m = float(rs_finite_temperature(0.1, 0.2)["m"])
    assert 0.9 < m < 1 and f"overlap, replica-symmetric theory: {m:.6g}  (overlap_theory)" in out
    assert out.strip().endswith("dataset: results/theory-hopfield-rs-load=0.1-temperature=0.2.nc")
    code, out, err = amsim(capsys, "theory", "sdm-recall", "n_stored=100,1000", "noise=0:0.3:7")
    assert code == 0, err  # a theory taking **inputs: no input is required
    assert load_dataset(in_tmp / "results" / "theory-sdm-recall-n_stored=100_1000-noise=0_0.3_7.nc").sizes == \
        {"n_stored": 2, "noise": 7}


def test_run_summary_has_units_and_meanings(in_tmp, capsys):
    code, out, err = amsim(capsys, "run", "hopfield.retrieval", "n_neurons=60", "--trials", "3", "--backend", "numpy")
    assert code == 0, err
    lines = dict(line.rsplit("  (", 1)[::-1] for line in out.splitlines() if "  (" in line)
    assert lines["engine)"].split()[-1] in ("dense", "patterns", "bits")
    assert lines["memory)"].endswith("MiB")
    assert "sweeps (mean ± s.e. of 30)" in lines["steps)"]
    assert "% of 30" in lines["success)"]
    assert "mean 1 " not in out


def test_each_run_gets_its_own_default_output(in_tmp, capsys):
    for argv in (["n_neurons=60"], ["n_neurons=60", "noise=0.1"], ["noise=0.1", "n_neurons=60", "--seed", "2"]):
        code, out, err = amsim(capsys, "run", "hopfield.retrieval", *argv, "--trials", "2", "--backend", "numpy", "-q")
        assert code == 0, err
    assert files(in_tmp / "results") == ["hopfield.retrieval-n_neurons=60-noise=0.1-seed=2-trials=2.nc",
                                         "hopfield.retrieval-n_neurons=60-noise=0.1-trials=2.nc",
                                         "hopfield.retrieval-n_neurons=60-trials=2.nc"]
    code, _, err = amsim(capsys, "run", "hopfield.retrieval", "noise=0.1", "n_neurons=60", "--trials", "2", "-q")
    assert code == 2 and "exists" in err  # the same settings again: the same name


def test_plot_and_theory_follow_the_output_rule(in_tmp, capsys):
    code, _, err = amsim(capsys, "theory", "hopfield-rs", "load=0.05,0.1", "--out", "t.nc")
    assert code == 0, err
    code, _, err = amsim(capsys, "theory", "hopfield-rs", "load=0.05,0.1", "--out", "t.nc")
    assert code == 2 and "'t.nc' exists" in err
    code, out, err = amsim(capsys, "theory", "hopfield-rs", "load=0.05,0.1", "--out", "sub/")
    assert code == 0 and "dataset: sub/theory-hopfield-rs-load=0.05_0.1.nc" in out, err
    save_dataset(_grid([0.05, 0.1], "temperature", [0.1, 0.5], "load"), in_tmp / "d.nc")
    assert amsim(capsys, "plot", "d.nc")[0] == 0
    code, _, err = amsim(capsys, "plot", "d.nc")
    assert code == 2 and "'d.png' exists" in err
    assert amsim(capsys, "plot", "d.nc", "--overwrite")[0] == 0
    code, out, _ = amsim(capsys, "plot", "d.nc", "--x", "temperature")
    assert code == 0 and "figure: d-x=temperature.png" in out
    code, _, err = amsim(capsys, "plot", "d.nc", "--out", "d.txt")
    assert code == 2 and "must end with .png" in err
    assert not (in_tmp / "d.txt").exists()


class _Ignoring:
    """An experiment as the family contract declares it: with the parameters it ignores."""

    def __init__(self, exp: registry.Experiment, ignores: tuple[str, ...]) -> None:
        self._exp, self.ignores = exp, ignores

    def __getattr__(self, name: str) -> object:
        return getattr(self._exp, name)


def test_settings_an_experiment_ignores_are_refused_when_given(in_tmp, capsys, monkeypatch):
    lookup = registry.experiment
    stability = lookup("hopfield.stability")
    if not getattr(stability, "ignores", ()):  # until the family contract declares them
        monkeypatch.setattr(registry, "experiment", lambda name: _Ignoring(lookup(name), (
            "update", "temperature", "noise")) if name == "hopfield.stability" else lookup(name))
    code, _, err = amsim(capsys, "run", "hopfield.stability", "update=glauber", "temperature=2", "n_neurons=40")
    assert code == 2 and "hopfield.stability ignores update (got update='glauber'" in err
    assert amsim(capsys, "run", "hopfield.stability", "noise=0", "n_neurons=40", "--backend", "numpy", "-q")[0] == 0
    # a card's dynamics settings are a preset for the family, not refused
    code, _, err = amsim(capsys, "run", "hopfield.stability", "--card", "hopfield/ags1987-glauber", "n_neurons=40",
                         "--backend", "numpy", "-q")
    assert code == 0, err
    (in_tmp / "s.toml").write_text('experiment = "hopfield.stability"\n[params]\nn_neurons = 40\n[axes]\n'
                                   "noise = [0.0, 0.1]\n")
    with pytest.raises(ValidationError, match="ignores noise"):
        load_study(in_tmp / "s.toml")


def test_a_run_near_all_available_memory_is_refused_before_allocating(in_tmp, capsys, monkeypatch):
    from amsim import resources
    from amsim.runner import estimate_memory

    exp = registry.experiment("hopfield.retrieval")
    p = exp.family.params.from_dict({"n_neurons": 2000, "cues": 50})
    need = estimate_memory(exp, p, 10)
    monkeypatch.setattr(resources, "available_memory", lambda: int(need * 1.05))  # fits, but leaves no headroom
    code, _, err = amsim(capsys, "run", "hopfield.retrieval", "n_neurons=2000", "cues=50")
    assert code == 2 and "needs about" in err and "80% of the memory available now" in err
    assert not (in_tmp / "results").exists()
    monkeypatch.setattr(resources, "available_memory", lambda: int(need * 1.5))
    code, _, err = amsim(capsys, "run", "hopfield.retrieval", "n_neurons=2000", "cues=50", "--trials", "1",
                         "--backend", "numpy", "-q")
    assert code == 0, err
