"""Figures (amsim.plotting), checked through their matplotlib objects on tiny synthetic datasets: overlays,
categorical axes, theory on a fine grid above the data, legends off the data, units, traces, boundary figures."""

import json

import matplotlib
import numpy as np
import pytest
from conftest import ROOT
from test_phase import synthetic

from amsim.cli import main
from amsim.exceptions import AmsimError, ValidationError
from amsim.io import load_dataset, save_dataset
from amsim.phase import retrieval_boundary
from amsim.plotting import OKABE_ITO, boundary_figure, dataset_figure, figure_options
from amsim.sweep import load_study
from amsim.theory.hopfield_replica import critical_load, retrieval_temperature

LOADS = [0.02, 0.08, 0.14, 0.2]  # coarse: the last point before alpha_c = 0.1379 is 0.08


def capacity_sweep(theory="hopfield-rs"):
    """overlap(load, n_neurons, trial, cue) that falls past alpha_c, as a sweep naming its theory."""
    ds = synthetic(lambda a, n: np.where(a < 0.15, 0.99, 0.4), {"load": LOADS, "n_neurons": [250, 1000]}, 4, 0.01,
                   "overlap")
    ds.attrs.update(title="capacity", theory=theory, axes=["load", "n_neurons"],
                    params_json=json.dumps({"temperature": 0.0, "load": 0.1, "n_neurons": 500}))
    return ds


def data_lines(ax):
    return [c for c in ax.containers if isinstance(c, matplotlib.container.ErrorbarContainer)]


def labelled_lines(ax, fragment):
    return [line for line in ax.get_lines() if fragment in line.get_label()]


def test_theory_runs_on_a_fine_grid_to_alpha_c_above_the_data():
    fig = dataset_figure(capacity_sweep(), y=["overlap"])
    ax = fig.axes[0]
    (theory,) = labelled_lines(ax, "replica-symmetric theory")
    x, y = theory.get_xdata(), theory.get_ydata()
    end = x[np.isfinite(y)].max()
    assert len(x) > 50 and abs(end - critical_load()[0]) < 1e-4, end  # the coarse grid would stop at 0.08
    assert abs(y[np.isfinite(y)][-1] - critical_load()[1]) < 0.01  # m_c = 0.967 at the end
    assert theory.get_zorder() > max(artist.get_zorder() for c in data_lines(ax) for artist in c.get_children())
    assert [line.get_xdata()[0] for line in labelled_lines(ax, "theory ends")] == pytest.approx([end])


def test_stored_theory_is_the_fallback():
    ds = capacity_sweep(theory="no-such-theory")
    ds["overlap_theory"] = ds["load"] * 0 + 0.5
    ds["overlap_theory"].attrs.update(long_name="stored curve", units="1")
    (line,) = labelled_lines(dataset_figure(ds, y=["overlap"]).axes[0], "stored curve")
    assert list(line.get_xdata()) == LOADS


def test_theory_that_depends_on_a_series_is_drawn_per_series_in_its_colour():
    temps = [0.3, 0.9]
    ds = synthetic(lambda a, t: 1 - t, {"load": [0.02, 0.05], "temperature": temps}, 2, 0.01, "overlap")
    ds.attrs.update(theory="hopfield-rs", params_json=json.dumps({"temperature": 0.0}))
    ax = dataset_figure(ds, x="temperature", y=["overlap"]).axes[0]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--" and len(line.get_xdata())]
    assert len(dashed) == 2 and {line.get_color() for line in dashed} == set(OKABE_ITO[:2])
    for line, load in zip(dashed, [0.02, 0.05], strict=True):  # each ends at its own melting temperature T_M
        x = line.get_xdata()[np.isfinite(line.get_ydata())]
        assert abs(x.max() - retrieval_temperature(np.array([load]))[0]) < 2e-3


def test_overlay_puts_every_variable_in_one_panel_and_refuses_mixed_units():
    ds = capacity_sweep().isel(n_neurons=0, drop=True)
    for name, text in (("overlap", "overlap, SDM read"), ("attention", "overlap, attention read")):
        ds[name] = ds["overlap"].copy()
        ds[name].attrs.update(long_name=text, units="1")
    fig = dataset_figure(ds, y=["overlap", "attention"], overlay=True)
    (ax,) = fig.axes
    assert len(data_lines(ax)) == 2 and ax.get_ylabel() == "overlap [1]"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "SDM read" in labels and "attention read" in labels
    ds["attention"].attrs["units"] = "bits"
    with pytest.raises(ValidationError, match="same units"):
        dataset_figure(ds, y=["overlap", "attention"], overlay=True)


def test_a_string_axis_is_drawn_as_categories():
    rules = ["projection", "storkey", "hebb"]
    ds = synthetic(lambda r, a: 1 - a, {"rule": rules, "load": [0.1, 0.5]}, 4, 0.05, "stable_fraction")
    ax = dataset_figure(ds, x="rule").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == rules and ax.get_xlabel() == "rule"  # names: no units
    bars = data_lines(ax)
    assert len(bars) == 2 and all(c.lines[0].get_linestyle() == "None" for c in bars)  # points, not a line
    first, second = (c.lines[0].get_xdata() for c in bars)
    assert np.all(np.abs(first - np.arange(3)) < 0.3) and np.all(first < second)  # beside each other per category


def test_legend_is_outside_the_axes_and_every_axis_has_units():
    before = matplotlib.rcParams["axes.prop_cycle"]
    fig = dataset_figure(capacity_sweep(), y=["overlap", "overlap"])
    assert matplotlib.rcParams["axes.prop_cycle"] == before  # the style is applied per figure, not globally
    fig.canvas.draw()
    legend = fig.legends[0].get_window_extent()
    for ax in fig.axes:
        assert not legend.overlaps(ax.get_window_extent())
        assert ax.get_xlabel().endswith("[1]") and ax.get_ylabel().endswith("]")


def test_traces_are_plotted_against_sweeps():
    ds = synthetic(lambda t, s: np.exp(-s / 10.0) * t, {"temperature": [0.1, 0.5], "sweep": np.arange(40)}, 2, 0.01,
                   "overlap_trace")
    fig = dataset_figure(ds, x="sweep")
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("sweep") and len(ax.get_lines()) == 2 and len(ax.collections) == 2  # bands
    run = ds.isel(temperature=0, drop=True)  # one run: no swept axis, the trace's own dimension is the default x
    assert dataset_figure(run).axes[0].get_xlabel().startswith("sweep")
    with pytest.raises(ValidationError, match="--x must be a dimension"):
        dataset_figure(ds, x="trial")


def test_study_figure_settings_are_checked(tmp_path):
    assert figure_options({"y": "overlap", "overlay": True}, "f") == {"y": ["overlap"], "overlay": True}
    for table, fragment in (({"ys": 1}, "did you mean 'y'"), ({"y": [1]}, "y: wrong type"),
                            ({"overlay": "yes"}, "overlay: wrong type"), ([1], "must be a table")):
        with pytest.raises(AmsimError, match=fragment):
            figure_options(table, "f")
    study = tmp_path / "study.toml"
    study.write_text('experiment = "hopfield.retrieval"\n[axes]\nload = [0.1]\n[figure]\nx = 3\n')
    with pytest.raises(ValidationError, match=r"\[figure\]: x: wrong type"):
        load_study(study)
    assert load_study(ROOT / "analysis" / "sdm-attention").figure["overlay"] is True


def test_boundary_figure_draws_intervals_and_theory_on_a_fine_grid():
    loads = np.array([0.06, 0.1])
    ds = synthetic(lambda a, t: 1 - t / (2 * (0.7 - 4 * a)), {"load": loads, "temperature": np.linspace(0, 1, 11)},
                   8, 0.05, "overlap")
    found = retrieval_boundary(ds, level=0.5, n_boot=50)
    from amsim import registry

    ax = boundary_figure(found, theory=registry.theory("hopfield-phases")).axes[0]
    (points,) = data_lines(ax)
    assert points.has_yerr and len(points.lines[2][0].get_segments()) == 2
    (tm,) = labelled_lines(ax, "T_M")
    assert len(tm.get_xdata()) > 50 and tm.get_zorder() > points.lines[0].get_zorder()
    rules = synthetic(lambda r, a: 1 - a, {"rule": ["storkey", "hebb"], "load": np.linspace(0, 1, 6)}, 6, 0.1,
                      "stable_fraction")
    ax = boundary_figure(retrieval_boundary(rules, along="load", var="stable_fraction", level=0.5, n_boot=50)).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["storkey", "hebb"]


def test_boundary_command_writes_the_figure_or_nothing(tmp_path, capsys):
    ds = synthetic(lambda r, a: 1 - a, {"rule": ["storkey", "hebb"], "load": np.linspace(0, 1, 6)}, 6, 0.1,
                   "stable_fraction")
    save_dataset(ds, tmp_path / "rules.nc")
    args = ["boundary", str(tmp_path / "rules.nc"), "--var", "stable_fraction", "--along", "load", "--level", "0.5",
            "--boot", "20", "--figure", str(tmp_path / "b.png")]
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0 and (tmp_path / "b.png").read_bytes()[:4] == b"\x89PNG"
    assert "figure: " in capsys.readouterr().out
    save_dataset(ds.isel(rule=0, drop=True), tmp_path / "one.nc")
    with pytest.raises(SystemExit) as failed:
        main(["boundary", str(tmp_path / "one.nc"), "--out", str(tmp_path / "x.nc"), *args[2:-1],
              str(tmp_path / "x.png")])
    err = capsys.readouterr().err.strip().splitlines()
    assert failed.value.code == 2 and len(err) == 1 and "a figure needs a swept axis" in err[0]
    assert not (tmp_path / "x.nc").exists() and not (tmp_path / "x.png").exists()


def test_plot_command_overlays(tmp_path, capsys):
    ds = capacity_sweep()
    ds["success"] = ds["overlap"] > 0.9
    ds["success"].attrs.update(long_name="success", units="1")
    save_dataset(ds, tmp_path / "c.nc")
    with pytest.raises(SystemExit) as done:
        main(["plot", str(tmp_path / "c.nc"), "--y", "overlap", "--y", "success", "--overlay"])
    assert done.value.code == 0 and (tmp_path / "c-y=overlap+success.png").stat().st_size > 10_000
    assert capsys.readouterr().out.strip().endswith("c-y=overlap+success.png")
    assert load_dataset(tmp_path / "c.nc").attrs["theory"] == "hopfield-rs"
