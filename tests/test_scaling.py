"""amsim.scaling: crossings of trial means (with bootstrap resamples) and power-law or exponential fits."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.scaling import crossing, crossings, fit


def test_crossing_in_either_direction_and_in_log_x():
    x = np.array([1.0, 10.0, 100.0])
    assert crossing(x, np.array([0.0, 0.2, 0.6]), 0.4) == pytest.approx(55.0)
    assert crossing(x, np.array([0.0, 0.2, 0.6]), 0.4, log_x=True) == pytest.approx(10**1.5)
    assert crossing(x, np.array([1.0, 0.5, 0.0]), 0.25) == pytest.approx(55.0)
    assert np.isnan(crossing(x, np.array([0.0, 0.1, 0.2]), 0.5)) and crossing(x, np.array([0.5, 0.1]), 0.5) == 1.0


def test_fit_recovers_power_and_exponential_laws():
    x = np.array([10.0, 20.0, 40.0, 80.0])
    result = fit(x, 3.0 * x**2.0)
    assert result.exponent == pytest.approx(2.0) and result.prefactor == pytest.approx(3.0)
    assert fit(x, 0.5 * np.exp(0.3 * x), law="exponential").exponent == pytest.approx(0.3)
    rng = np.random.default_rng(0)
    samples = (3.0 * x**2.0)[:, None] * np.exp(rng.normal(0, 0.05, (4, 400)))
    noisy = fit(x, samples)
    assert noisy.low < 2.0 < noisy.high and noisy.high - noisy.low < 0.2 and len(noisy.samples) == 399
    with pytest.raises(ValidationError, match="law must be"):
        fit(x, x, law="cubic")


def test_crossings_resample_whole_curves_of_trials():
    """Trials whose error grows as load / size: the crossing at 0.5 is the size, within the bootstrap spread."""
    rng = np.random.default_rng(1)
    sizes, loads = np.array([10, 20]), np.geomspace(1, 100, 30)
    values = np.clip(loads[None, :, None] / sizes[:, None, None] / 2 + rng.normal(0, 0.02, (2, 30, 8)), 0, 1)
    ds = xr.Dataset({"error": (("size", "load", "trial"), values)}, coords={"size": sizes, "load": loads})
    found = crossings(ds, along="load", var="error", level=0.5, n_boot=200, log_x=True)
    assert found.dims == ("size", "sample") and found.sizes["sample"] == 201
    np.testing.assert_allclose(found.isel(sample=0), sizes, rtol=0.05)
    assert (found.std("sample") > 0).all()
    with pytest.raises(ValidationError, match="needs a 'n' axis"):
        crossings(ds, along="n", var="error", level=0.5)
