"""The registered Hopfield theories as Datasets: hopfield-rs on (load[, temperature]), hopfield-phases, -mixtures."""

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import ROOT

from amsim import registry
from amsim.cli import cli
from amsim.exceptions import ValidationError
from amsim.io import load_dataset, unlabelled
from amsim.sweep import axis_coords, load_study, theory_dataset
from amsim.theory.hopfield_replica import critical_load, rs_finite_temperature, rs_zero_temperature

ALPHA_C, M_C = critical_load()


def test_zero_temperature_curve_is_unchanged():
    loads = np.linspace(0.01, 0.2, 20)
    ds = registry.theory("hopfield-rs").fn(load=loads)
    assert ds["overlap_theory"].dims == ("load",)
    np.testing.assert_array_equal(ds["overlap_theory"], rs_zero_temperature(loads))
    assert ds.attrs["alpha_c"] == ALPHA_C and ds["overlap_theory"].attrs["m_c"] == M_C
    assert float(ds["temperature"]) == 0.0 and ds["temperature"].dims == ()
    assert unlabelled(ds) == []
    # T = 0 energy: -(m^2 + alpha (r - 1)) / 2, -1/2 at vanishing load
    assert float(ds["energy_theory"][0]) == pytest.approx(-0.5, abs=1e-6)


def test_load_temperature_surface():
    loads, temps = np.array([0.0, 0.05, 0.1, 0.14]), np.array([0.0, 0.3, 0.6, 1.1])
    ds = registry.theory("hopfield-rs").fn(load=loads, temperature=temps)
    assert ds["overlap_theory"].dims == ("load", "temperature") and unlabelled(ds) == []
    sol = rs_finite_temperature(loads[:, None], temps[None, :])
    np.testing.assert_array_equal(ds["overlap_theory"], sol["m"])
    np.testing.assert_array_equal(ds["edwards_anderson_theory"], sol["q"])
    found = np.isfinite(ds["overlap_theory"].values)
    np.testing.assert_array_equal(found, [[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]])
    assert np.all(np.isfinite(ds["free_energy_theory"].values[found]))


def test_single_values_are_scalar_coordinates():
    ds = registry.theory("hopfield-rs").fn(load=0.05, temperature=np.array([0.2, 0.7]))
    assert ds["overlap_theory"].dims == ("temperature",) and float(ds["load"]) == 0.05
    assert np.isfinite(ds["overlap_theory"][0]) and np.isnan(ds["overlap_theory"][1])
    assert registry.theory("hopfield-rs").fn(load=0.05, temperature=0.2)["overlap_theory"].dims == ()


def test_coordinates_match_a_simulation_sweep():
    st = load_study(ROOT / "analysis" / "hopfield-phase-diagram")
    assert st.theory == "hopfield-rs" and set(st.axes) == {"load", "temperature"}
    theory = theory_dataset(st)
    assert theory["overlap_theory"].dims == ("load", "temperature")
    for name, coord in axis_coords(st).items():
        np.testing.assert_array_equal(theory[name].values, coord.values)
        assert theory[name].attrs == coord.attrs


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"load": [0.1], "temperature": -1.0}, "theory hopfield-rs: temperature must be >= 0 (got -1)"),
    ({"load": [-0.1, 0.1]}, "theory hopfield-rs: load must be >= 0 (got -0.1)"),
    ({"load": [0.1], "temperature": np.inf}, "theory hopfield-rs: temperature must be finite (got inf)"),
    ({"load": [[0.1]]}, "theory hopfield-rs: load must be a number or a 1-d grid"),
])
def test_validation(kwargs, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        registry.theory("hopfield-rs").fn(**kwargs)


def test_phase_lines_dataset():
    ds = registry.theory("hopfield-phases").fn(load=np.array([0.0, 0.03, 0.1, 0.2]))
    assert unlabelled(ds) == []
    np.testing.assert_allclose(ds["spin_glass_temperature"], 1 + np.sqrt(ds["load"]))
    t_m, t_c = ds["retrieval_temperature"].values, ds["global_minimum_temperature"].values
    assert t_m[0] == 1 and t_c[0] == 1 and t_c[1] < t_m[1] < 1
    assert np.isnan(t_c[2]) and np.isfinite(t_m[2]) and np.isnan(t_m[3])
    assert ds.attrs["alpha_c"] == ALPHA_C and 0.05 < ds.attrs["global_load_zero"] < 0.053


def test_mixtures_dataset():
    ds = registry.theory("hopfield-mixtures").fn(temperature=np.array([0.0, 0.5]))
    assert unlabelled(ds) == [] and ds["overlap_theory"].dims == ("mixture", "temperature")
    assert float(ds["overlap_theory"].sel(mixture=3, temperature=0.0)) == pytest.approx(0.5)
    assert float(ds["stability_temperature"].sel(mixture=3)) == pytest.approx(0.46, abs=0.005)


def test_cli_finite_temperature(tmp_path):
    out = tmp_path / "rs.nc"
    result = CliRunner().invoke(cli, ["theory", "hopfield-rs", "load=0:0.14:8", "temperature=0:1:5", "--out",
                                      str(out)])
    assert result.exit_code == 0, result.output
    ds = load_dataset(out)
    assert ds["overlap_theory"].dims == ("load", "temperature") and ds.sizes["temperature"] == 5
    bad = tmp_path / "bad.nc"
    result = CliRunner().invoke(cli, ["theory", "hopfield-rs", "load=0.1", "temperature=-1", "--out", str(bad)])
    assert result.exit_code != 0 and "temperature must be >= 0 (got -1)" in str(result.exception or result.output)
    assert not bad.exists()
