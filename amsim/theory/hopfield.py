"""Registered Hopfield theory curves as labelled Datasets on simulation coordinates."""

from __future__ import annotations

import numpy as np
import xarray as xr

from amsim.families.hopfield.params import HopfieldParams
from amsim.io import label, param_coordinate
from amsim.registry import register_theory
from amsim.theory.replica import critical_load, rs_zero_temperature

REFERENCES = ["doi:10.1103/PhysRevLett.55.1530", "doi:10.1016/0003-4916(87)90092-3"]


@register_theory("hopfield-rs", inputs=("load",))
def hopfield_rs(load: np.ndarray | float) -> xr.Dataset:
    """AGS replica-symmetric retrieval overlap of the Hebbian Hopfield network at T = 0.

    Parameters
    ----------
    load : float or ndarray, shape (L,)
        Memory loads alpha = P / N.

    Returns
    -------
    xr.Dataset
        ``overlap_theory`` on ``load`` (NaN above alpha_c, where no retrieval state exists) and the attributes
        ``alpha_c`` and ``m_c``.

    References
    ----------
    Amit, Gutfreund & Sompolinsky, PRL 55, 1530 (1985); Ann. Phys. 173, 30 (1987): the T = 0 retrieval
    equations for m, C and r.
    """
    loads = np.atleast_1d(np.asarray(load, dtype=np.float64))
    alpha_c, m_c = critical_load()
    ds = xr.Dataset(
        {"overlap_theory": label(xr.DataArray(rs_zero_temperature(loads), dims="load"),
                                 "overlap, replica-symmetric theory (T = 0)")},
        coords={"load": param_coordinate(HopfieldParams, "load", loads)},
    )
    # on the variable too, so the values survive when the curve is merged into a simulation dataset
    ds["overlap_theory"].attrs.update(alpha_c=alpha_c, m_c=m_c)
    ds.attrs.update(alpha_c=alpha_c, m_c=m_c, theory="hopfield-rs", references=REFERENCES)
    return ds
