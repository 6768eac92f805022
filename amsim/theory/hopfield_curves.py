"""Registered Hopfield theory curves as labelled Datasets on simulation coordinates.

``hopfield-rs``        retrieval state of the replica-symmetric theory on (load[, temperature])
``hopfield-sg``        Edwards-Anderson order of the state without retrieval on (load, temperature)
``hopfield-phases``    the phase boundaries T_g, T_M, T_c on load
``hopfield-mixtures``  symmetric mixture states at vanishing load on (mixture, temperature)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from amsim.exceptions import ValidationError
from amsim.families.hopfield.params import HopfieldParams
from amsim.io import label, param_coordinate
from amsim.registry import register_theory
from amsim.theory.hopfield_mixtures import (
    mixture_free_energy,
    mixture_overlap,
    mixture_stability,
    mixture_stability_temperature,
)
from amsim.theory.hopfield_replica import (
    critical_load,
    global_minimum_temperature,
    phase_diagram_points,
    retrieval_temperature,
    rs_energy,
    rs_finite_temperature,
    rs_free_energy,
    rs_spin_glass_state,
    spin_glass_temperature,
)

REFERENCES = ["doi:10.1103/PhysRevLett.55.1530", "doi:10.1016/0003-4916(87)90092-3"]
MIXTURE_REFERENCES = ["doi:10.1103/PhysRevA.32.1007"]
MIXTURE_SIZES = (1, 3, 5, 7, 9)


def _input(theory: str, name: str, values: np.ndarray | float) -> np.ndarray:
    """A theory input as a float array (0-d or 1-d), checked finite and non-negative."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"theory {theory}: {name} must be numbers (got {values!r})") from None
    if array.ndim > 1:
        raise ValidationError(f"theory {theory}: {name} must be a number or a 1-d grid (got shape {array.shape})")
    for rule, bad in (("be >= 0", array < 0), ("be finite", ~np.isfinite(array) & ~(array < 0))):
        if np.any(bad):
            raise ValidationError(f"theory {theory}: {name} must {rule} (got {array[bad].flat[0]:g})")
    return array


def _coordinate(name: str, values: np.ndarray) -> xr.DataArray:
    """A HopfieldParams coordinate: a dimension for a grid, a scalar coordinate for a single value."""
    coord = param_coordinate(HopfieldParams, name, np.atleast_1d(values))
    return coord.squeeze(name, drop=True) if values.ndim == 0 else coord


def _load_temperature_grid(theory: str, load: np.ndarray | float, temperature: np.ndarray | float
                           ) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], np.ndarray, np.ndarray]:
    """The checked inputs, the dimensions they span (a single value spans none), and the two broadcast against
    each other as (load, temperature)."""
    loads = _input(theory, "load", load)
    temps = _input(theory, "temperature", temperature)
    dims = tuple(name for name, values in (("load", loads), ("temperature", temps)) if values.ndim)
    a, t = (loads[:, None], temps[None, :]) if len(dims) == 2 else (loads, temps)
    return loads, temps, dims, a, t


@register_theory("hopfield-rs", inputs=("load", "temperature"))
def hopfield_rs(load: np.ndarray | float, temperature: np.ndarray | float = 0.0) -> xr.Dataset:
    """AGS replica-symmetric retrieval state of the Hebbian Hopfield network: overlap, q, r, energies.

    Parameters
    ----------
    load : float or ndarray, shape (L,)
        Memory loads alpha = P / N, >= 0.
    temperature : float or ndarray, shape (K,), optional
        Temperatures T >= 0 in coupling units (the ``temperature`` of Glauber dynamics); default 0.

    Returns
    -------
    xr.Dataset
        On (load, temperature); an input given as a single value is a scalar coordinate instead of a dimension
        (the default T = 0 gives curves on ``load``, as a study sweeping only the load needs). NaN where no
        retrieval state exists (above alpha_c at T = 0, above
        T_M(alpha) at T > 0): ``overlap_theory`` (m), ``edwards_anderson_theory`` (q), ``crosstalk_theory`` (r),
        ``energy_theory`` (energy per neuron, comparable with the experiment's ``energy``) and
        ``free_energy_theory``, all float64. Attributes ``alpha_c`` and ``m_c`` (the T = 0 capacity and overlap
        there), on the dataset and on ``overlap_theory``.

    Raises
    ------
    ValidationError
        If a load or temperature is negative or not finite, or not a number or 1-d grid.

    References
    ----------
    Amit, Gutfreund & Sompolinsky, PRL 55, 1530 (1985), doi:10.1103/PhysRevLett.55.1530; Ann. Phys. 173, 30
    (1987), doi:10.1016/0003-4916(87)90092-3, Secs. 3-5: the RS equations for m, q, r and the free energy.
    """
    loads, temps, dims, a, t = _load_temperature_grid("hopfield-rs", load, temperature)
    state = rs_finite_temperature(a, t)
    m, q, r, c = state["m"], state["q"], state["r"], state["C"]
    alpha_c, m_c = critical_load()
    suffix = "replica-symmetric theory"
    variables = {
        "overlap_theory": label(xr.DataArray(m, dims=dims), f"overlap, {suffix}"),
        "edwards_anderson_theory": label(xr.DataArray(q, dims=dims), f"Edwards-Anderson order parameter q, {suffix}"),
        "crosstalk_theory": label(xr.DataArray(r, dims=dims),
                                  f"r = (N / P) x sum of squared overlaps with the other patterns, {suffix}"),
        "energy_theory": label(xr.DataArray(rs_energy(a, t, m, r, c), dims=dims),
                               f"energy per neuron, {suffix}"),
        "free_energy_theory": label(xr.DataArray(rs_free_energy(a, t, m, r, c), dims=dims),
                                    f"free energy per neuron, {suffix}"),
    }
    ds = xr.Dataset(variables, coords={"load": _coordinate("load", loads),
                                       "temperature": _coordinate("temperature", temps)})
    # on the variable too, so the values survive when the curve is merged into a simulation dataset
    ds["overlap_theory"].attrs.update(alpha_c=alpha_c, m_c=m_c)
    ds.attrs.update(alpha_c=alpha_c, m_c=m_c, theory="hopfield-rs", references=REFERENCES)
    return ds


@register_theory("hopfield-sg", inputs=("load", "temperature"))
def hopfield_sg(load: np.ndarray | float, temperature: np.ndarray | float) -> xr.Dataset:
    """Edwards-Anderson order of the AGS replica-symmetric state without retrieval (``m = 0``).

    Parameters
    ----------
    load : float or ndarray, shape (L,)
        Memory loads alpha = P / N, > 0.
    temperature : float or ndarray, shape (K,)
        Temperatures T >= 0 in coupling units.

    Returns
    -------
    xr.Dataset
        On (load, temperature), a single value being a scalar coordinate: ``edwards_anderson_theory`` (float64),
        q of the spin-glass state below T_g = 1 + sqrt(alpha) and 0 (the paramagnet) from T_g up; NaN at
        ``alpha = 0`` below T = 1, where no such state exists. Comparable with ``edwards_anderson`` of the
        ``hopfield.glass`` experiment.

    Raises
    ------
    ValidationError
        If a load or temperature is negative or not finite, or not a number or 1-d grid.

    References
    ----------
    Amit, Gutfreund & Sompolinsky, Ann. Phys. 173, 30 (1987), doi:10.1016/0003-4916(87)90092-3, Sec. 5: the
    spin-glass solution and T_g.
    """
    loads, temps, dims, a, t = _load_temperature_grid("hopfield-sg", load, temperature)
    q = rs_spin_glass_state(a, t)["q"]
    q = np.where(np.broadcast_to(t, q.shape) >= spin_glass_temperature(np.broadcast_to(a, q.shape)), 0.0, q)
    ds = xr.Dataset(
        {"edwards_anderson_theory": label(xr.DataArray(q, dims=dims), "q of the m = 0 state, replica-symmetric "
                                          "theory")},
        coords={"load": _coordinate("load", loads), "temperature": _coordinate("temperature", temps)})
    ds.attrs.update(theory="hopfield-sg", references=REFERENCES)
    return ds


@register_theory("hopfield-phases", inputs=("load",))
def hopfield_phases(load: np.ndarray | float) -> xr.Dataset:
    """AGS phase boundaries of the Hebbian Hopfield network: T_g, T_M and T_c against the load.

    Parameters
    ----------
    load : float or ndarray, shape (L,)
        Memory loads alpha = P / N, >= 0.

    Returns
    -------
    xr.Dataset
        On ``load``: ``spin_glass_temperature`` (T_g = 1 + sqrt(alpha): below it a spin-glass state exists),
        ``retrieval_temperature`` (T_M: retrieval states exist below it; NaN above the largest retrieval load
        0.1382) and ``global_minimum_temperature`` (T_c: below it retrieval states are global minima; NaN above
        0.0531). Attributes: the landmarks of `amsim.theory.hopfield_replica.phase_diagram_points` (``alpha_c``,
        ``m_c``, ``retrieval_load_max``, ``global_load_zero``, ...).

    Raises
    ------
    ValidationError
        If a load is negative or not finite.

    Notes
    -----
    About 0.05 s per load for T_M and 0.15 s per load below 0.0531 for T_c, plus ~1 s once per process.

    References
    ----------
    Amit, Gutfreund & Sompolinsky, PRL 55, 1530 (1985), doi:10.1103/PhysRevLett.55.1530; Ann. Phys. 173, 30
    (1987), doi:10.1016/0003-4916(87)90092-3, Sec. 5: the phase diagram.
    """
    loads = np.atleast_1d(_input("hopfield-phases", "load", load))
    units = HopfieldParams.constraints()["temperature"][1].units
    curves = {
        "spin_glass_temperature": (spin_glass_temperature(loads), "T_g: spin-glass states exist below"),
        "retrieval_temperature": (retrieval_temperature(loads), "T_M: retrieval states exist below"),
        "global_minimum_temperature": (global_minimum_temperature(loads),
                                       "T_c: retrieval states are global minima below"),
    }
    ds = xr.Dataset({name: label(xr.DataArray(values, dims="load"), f"{text} (RS theory)", units)
                     for name, (values, text) in curves.items()},
                    coords={"load": param_coordinate(HopfieldParams, "load", loads)})
    ds.attrs.update(phase_diagram_points(), theory="hopfield-phases", references=REFERENCES)
    return ds


@register_theory("hopfield-mixtures", inputs=("temperature",))
def hopfield_mixtures(temperature: np.ndarray | float) -> xr.Dataset:
    """Symmetric mixtures of 1, 3, 5, 7, 9 patterns at vanishing load: overlaps, free energies, stability.

    Parameters
    ----------
    temperature : float or ndarray, shape (K,)
        Temperatures T >= 0 in coupling units.

    Returns
    -------
    xr.Dataset
        On (mixture, temperature), float64: ``overlap_theory`` (overlap with each mixed pattern; the mixture of 1
        is the Curie-Weiss retrieval state), ``free_energy_theory`` (per neuron), ``stability_theory`` (smallest
        Hessian eigenvalue of the free energy: stable where > 0); on ``mixture``: ``stability_temperature``
        (the mixture is stable below it: 1, 0.460, 0.385, 0.344, 0.317).

    Raises
    ------
    ValidationError
        If a temperature is negative or not finite.

    References
    ----------
    Amit, Gutfreund & Sompolinsky, PRA 32, 1007 (1985), doi:10.1103/PhysRevA.32.1007.
    """
    temps = np.atleast_1d(_input("hopfield-mixtures", "temperature", temperature))
    units = HopfieldParams.constraints()["temperature"][1].units
    dims = ("mixture", "temperature")

    def table(fn: Callable[[int, np.ndarray], np.ndarray]) -> xr.DataArray:
        return xr.DataArray(np.array([fn(n, temps) for n in MIXTURE_SIZES]), dims=dims)

    ds = xr.Dataset(
        {
            "overlap_theory": label(table(mixture_overlap), "overlap with each mixed pattern (alpha = 0)"),
            "free_energy_theory": label(table(mixture_free_energy), "free energy per neuron (alpha = 0)"),
            "stability_theory": label(table(mixture_stability),
                                      "smallest free-energy Hessian eigenvalue (stable where > 0)"),
            "stability_temperature": label(
                xr.DataArray([mixture_stability_temperature(n) for n in MIXTURE_SIZES], dims="mixture"),
                "temperature below which the mixture is stable", units),
        },
        coords={"mixture": label(xr.DataArray(np.array(MIXTURE_SIZES), dims="mixture"),
                                 "patterns in the symmetric mixture", "patterns"),
                "temperature": param_coordinate(HopfieldParams, "temperature", temps)},
    )
    ds.attrs.update(theory="hopfield-mixtures", references=MIXTURE_REFERENCES)
    return ds
