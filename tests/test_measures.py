"""Capacity estimation: the crossing interpolation and the bootstrap interval on data with a known answer."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from amsim.io import label
from amsim.measures import capacity, crossing


def test_crossing_interpolates_linearly():
    x = np.array([0.1, 0.2, 0.3, 0.4])
    assert crossing(x, np.array([1.0, 0.9, 0.3, 0.0]), 0.5) == pytest.approx(0.2 + 0.4 / 0.6 * 0.1)
    assert crossing(x, np.array([0.2, 0.1, 0.0, 0.0]), 0.5) == 0.1
    assert np.isnan(crossing(x, np.ones(4), 0.5))


def test_capacity_recovers_a_known_threshold_with_an_interval_that_covers_it():
    # Each trial succeeds iff load < its own threshold, thresholds ~ N(0.14, 0.01): the mean success curve is
    # 1 - Phi((load - 0.14) / 0.01), which falls through 0.5 at exactly 0.14.
    rng = np.random.default_rng(5)
    loads = np.linspace(0.10, 0.18, 17)
    thresholds = rng.normal(0.14, 0.01, size=(2, 200))
    success = loads[:, None, None] < thresholds[None]
    ds = xr.Dataset({"success": label(xr.DataArray(success, dims=("load", "n_neurons", "trial")), "success")},
                    coords={"load": label(xr.DataArray(loads, dims="load"), "load"),
                            "n_neurons": label(xr.DataArray([100, 200], dims="n_neurons"), "N")})
    est = capacity(ds, n_boot=300)
    assert est["capacity"].dims == ("n_neurons",)
    np.testing.assert_allclose(est["capacity"], 0.14, atol=0.003)
    assert (est["capacity_low"] < 0.14).all() and (est["capacity_high"] > 0.14).all()
    assert ((est["capacity_high"] - est["capacity_low"]) < 0.01).all()
