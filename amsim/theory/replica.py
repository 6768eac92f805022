"""Replica-symmetric (RS) theory of the Hebbian Hopfield network at extensive load.

Saddle-point equations of Amit, Gutfreund & Sompolinsky (AGS) for the retrieval state, i.e. the state
that overlaps macroscopically with one stored pattern, with the other ``P - 1`` patterns acting as
Gaussian noise. All functions are pure and return float64 NumPy arrays (0-d for scalar input).

Symbols
-------
=========  ==================================================================================
alpha      load ``P / N`` (stored patterns per neuron), dimensionless, ``alpha >= 0``
T          temperature, in units of the Hebbian coupling ``J_ij = (1/N) sum_mu xi_i^mu xi_j^mu``;
           the paramagnet-to-retrieval (Curie-Weiss) transition at ``alpha = 0`` is at ``T = 1``
beta       ``1 / T``
m          retrieval overlap ``(1/N) sum_i xi_i^1 <S_i>``, in ``[0, 1]``
q          Edwards-Anderson order parameter ``(1/N) sum_i <S_i>^2``, in ``[m^2, 1]``
r          spin-glass (noise) order parameter: ``alpha * r`` is the variance of the crosstalk field
           from the non-retrieved patterns
C          ``beta (1 - q)`` in the limit ``T -> 0`` (finite there: the static susceptibility)
y          ``m / sqrt(2 alpha r)``, signal-to-noise ratio of the local field at ``T = 0``
=========  ==================================================================================

Equations (``Dz`` is the standard Gaussian measure)::

    m = int Dz tanh(beta (m + sqrt(alpha r) z))
    q = int Dz tanh^2(beta (m + sqrt(alpha r) z))
    r = q / (1 - beta (1 - q))^2

and at ``T = 0``::

    m = erf(m / sqrt(2 alpha r))
    C = sqrt(2 / (pi alpha r)) exp(-m^2 / (2 alpha r))
    r = 1 / (1 - C)^2

which reduce to one equation for ``y``: ``F(y) = erf(y) - y (sqrt(2 alpha) + (2 / sqrt(pi)) exp(-y^2)) = 0``.

References
----------
.. [AGS85] D. J. Amit, H. Gutfreund and H. Sompolinsky, "Storing infinite numbers of patterns in a
   spin-glass model of neural networks", Phys. Rev. Lett. 55, 1530 (1985), doi:10.1103/PhysRevLett.55.1530.
   RS saddle-point equations for (m, q, r), their T = 0 limit and alpha_c ~ 0.138.
.. [AGS87] D. J. Amit, H. Gutfreund and H. Sompolinsky, "Statistical mechanics of neural networks near
   saturation", Ann. Phys. 173, 30 (1987), doi:10.1016/0003-4916(87)90092-3. Full derivation (Sec. 3),
   T = 0 solution and its error fraction (Sec. 4), phase diagram including T_g = 1 + sqrt(alpha) (Sec. 5).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import erf, erfc, lambertw

__all__ = [
    "critical_load",
    "retrieval_error_fraction",
    "rs_finite_temperature",
    "rs_zero_temperature",
    "rs_zero_temperature_full",
    "spin_glass_temperature",
]

_K = 2.0 / np.sqrt(np.pi)
_XTOL = 1e-15
_RTOL = 4 * np.finfo(float).eps

# Gaussian measure on a uniform grid (trapezoid rule). The finite-T integrands are smoothed steps of width
# ~T / sqrt(alpha r) sitting in the Gaussian tail, where Gauss-Hermite nodes are sparse (200 nodes give a
# relative error ~1e-1 in beta (1 - q) at T = 0.05); the trapezoid rule is spectrally accurate for analytic
# integrands, error ~exp(-pi^2 T / (sqrt(alpha r) h)), i.e. < 1e-10 for T / sqrt(alpha r) > 0.025.
_Z = 0.01 * np.arange(-1000, 1001)
_W = np.exp(-0.5 * _Z**2)
_W /= _W.sum()


def _as_load(alpha: ArrayLike) -> NDArray[np.float64]:
    a = np.asarray(alpha, dtype=np.float64)
    if np.any(a < 0):
        raise ValueError("alpha must be non-negative")
    return a


def _reduced_equation(y: float, alpha: float) -> float:
    """``F(y)``; its largest positive root is the retrieval solution."""
    return erf(y) - y * (np.sqrt(2.0 * alpha) + _K * np.exp(-y * y))


def _retrieval_y(alpha: float) -> float:
    """Largest root of ``F(y) = 0`` for ``alpha > 0``; NaN where no retrieval root exists."""
    # F'(y) = 2 K y^2 exp(-y^2) - sqrt(2 alpha), so the larger stationary point of F (its local maximum, y > 1)
    # is y^2 = -W_{-1}(-c). Retrieval exists iff F there is >= 0; the root then lies in (y_peak, 2 / sqrt(2 alpha))
    # because erf < 1 makes F < 0 beyond 1 / sqrt(2 alpha).
    c = np.sqrt(2.0 * np.pi * alpha) / 4.0
    if c > np.exp(-1.0):
        return np.nan
    y_peak = np.sqrt(-lambertw(-c, k=-1).real)
    if _reduced_equation(y_peak, alpha) < 0.0:
        return np.nan
    return brentq(_reduced_equation, y_peak, 2.0 / np.sqrt(2.0 * alpha), args=(alpha,), xtol=_XTOL, rtol=_RTOL)


def _retrieval_state(alpha: float) -> tuple[float, float, float, float]:
    """``(m, r, C, y)`` of the T = 0 retrieval solution at one load."""
    if alpha == 0.0:
        return 1.0, 1.0, 0.0, np.inf
    y = _retrieval_y(alpha) if alpha > 0.0 else np.nan
    m = erf(y)
    # C via y (equivalent to the defining equation given F(y) = 0) underflows cleanly to 0 as alpha -> 0.
    c = _K * y * np.exp(-y * y) / m
    return m, 1.0 / (1.0 - c) ** 2, c, y


def rs_zero_temperature_full(alpha: ArrayLike) -> dict[str, NDArray[np.float64]]:
    """Retrieval solution of the T = 0 replica-symmetric equations, with all order parameters.

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, any shape, ``alpha >= 0``. NaN propagates.

    Returns
    -------
    dict of str to ndarray
        Float64 arrays of the shape of ``alpha`` (0-d for scalar input), keys:

        ``"m"``  retrieval overlap, ``erf(y)``; exactly 1 at ``alpha = 0``.
        ``"r"``  noise order parameter ``1 / (1 - C)^2``; 1 at ``alpha = 0``.
        ``"C"``  ``beta (1 - q)`` at ``T = 0``; 0 at ``alpha = 0``.
        ``"y"``  ``m / sqrt(2 alpha r)``; ``inf`` at ``alpha = 0``.

        All four are NaN where no retrieval solution exists (``alpha > alpha_c``, see `critical_load`).

    Raises
    ------
    ValueError
        If any ``alpha`` is negative.

    Notes
    -----
    ``F(y) = erf(y) - y (sqrt(2 alpha) + (2 / sqrt(pi)) exp(-y^2))`` has, for ``0 < alpha < alpha_c``, two positive
    roots; the retrieval state is the larger (the smaller is the unstable branch that merges with it at
    ``alpha_c``). It is bracketed between the maximum of ``F`` (closed form via the Lambert W function) and
    ``2 / sqrt(2 alpha)``, and found with Brent's method.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530) and AGS87 Sec. 4 (doi:10.1016/0003-4916(87)90092-3): T = 0 limit of
    the RS saddle-point equations; see the module docstring.
    """
    a = _as_load(alpha)
    states = np.array([_retrieval_state(v) for v in a.ravel()], dtype=np.float64).reshape(a.size, 4)
    return {key: states[:, i].reshape(a.shape) for i, key in enumerate(("m", "r", "C", "y"))}


def rs_zero_temperature(alpha: ArrayLike) -> NDArray[np.float64]:
    """Retrieval overlap ``m`` of the T = 0 replica-symmetric solution.

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, any shape, ``alpha >= 0``.

    Returns
    -------
    ndarray of float64
        ``m`` with the shape of ``alpha``: 1 at ``alpha = 0``, decreasing to ``m_c ~ 0.967`` at ``alpha_c``,
        NaN above ``alpha_c``.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 4 (doi:10.1016/0003-4916(87)90092-3).
    """
    return rs_zero_temperature_full(alpha)["m"]


def retrieval_error_fraction(alpha: ArrayLike) -> NDArray[np.float64]:
    """Fraction of neurons misaligned with the retrieved pattern at T = 0, ``(1 - m) / 2``.

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, any shape, ``alpha >= 0``.

    Returns
    -------
    ndarray of float64
        Error fraction in ``[0, 1/2]`` with the shape of ``alpha``; 0 at ``alpha = 0``, about 0.016 at
        ``alpha_c`` (AGS quote ~1.5 %), NaN above ``alpha_c``. Computed as ``erfc(y) / 2`` so that it keeps full
        relative precision at small ``alpha``, where ``1 - m`` would round to 0.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 4 (doi:10.1016/0003-4916(87)90092-3).
    """
    return erfc(rs_zero_temperature_full(alpha)["y"]) / 2.0


def critical_load() -> tuple[float, float]:
    """Storage capacity ``alpha_c`` of the T = 0 RS retrieval solution and the overlap ``m_c`` there.

    Returns
    -------
    alpha_c : float
        Largest load with a retrieval solution (published: 0.138 [AGS85]). This function gives 0.137906.
    m_c : float
        Retrieval overlap at ``alpha_c`` (published: 0.967). This function gives 0.967417.

    Notes
    -----
    At ``alpha_c`` the retrieval root of ``F(y)`` disappears in a saddle-node: ``F = F' = 0``. Solving ``F = 0``
    for the load gives ``sqrt(2 alpha(y)) = erf(y) / y - (2 / sqrt(pi)) exp(-y^2)``, and ``alpha_c`` is its
    maximum over ``y``; ``d alpha / dy = 0`` reads ``erf(y) = (2 / sqrt(pi)) y exp(-y^2) (1 + 2 y^2)``, whose
    single root in ``[1, 3]`` is found with Brent's method to machine precision.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 4 (doi:10.1016/0003-4916(87)90092-3).
    """

    def stationarity(y: float) -> float:
        return erf(y) - _K * y * np.exp(-y * y) * (1.0 + 2.0 * y * y)

    y_c = brentq(stationarity, 1.0, 3.0, xtol=_XTOL, rtol=_RTOL)
    sqrt_two_alpha = erf(y_c) / y_c - _K * np.exp(-y_c * y_c)
    return float(sqrt_two_alpha**2 / 2.0), float(erf(y_c))


def spin_glass_temperature(alpha: ArrayLike) -> NDArray[np.float64]:
    """Spin-glass transition temperature ``T_g = 1 + sqrt(alpha)``.

    Below ``T_g`` the ``m = 0`` RS equations acquire a solution with ``q > 0`` (linearising ``q`` about 0 gives
    ``q = beta^2 alpha q / (1 - beta)^2``).

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, any shape, ``alpha >= 0``.

    Returns
    -------
    ndarray of float64
        ``T_g`` with the shape of ``alpha``, in the temperature units of the module docstring.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 5 (doi:10.1016/0003-4916(87)90092-3).
    """
    return 1.0 + np.sqrt(_as_load(alpha))


def rs_finite_temperature(
    alpha: ArrayLike,
    temperature: ArrayLike,
    *,
    damping: float = 1.0,
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> dict[str, NDArray[np.float64]]:
    """Retrieval solution of the finite-temperature replica-symmetric equations.

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, ``alpha >= 0``.
    temperature : array_like of float
        Temperature ``T > 0`` (units of the module docstring), broadcast against ``alpha``. Quadrature accuracy
        is ~1e-10 or better while ``T > 0.025 sqrt(alpha r)`` (``T >~ 0.01`` at ``alpha <= alpha_c``).
    damping : float, optional
        Weight ``eta`` in ``(0, 1]`` of the new iterate in ``x <- (1 - eta) x + eta G(x)``. The undamped
        default converges over the whole retrieval region (checked against ``eta = 0.5`` on ``0 <= alpha <= 0.16``,
        ``0.01 <= T <= 1.1``: same retrieval region, values within 1e-10) at a third of the cost; lower it if
        the iteration oscillates.
    tol : float, optional
        Convergence threshold on ``|G(m) - m|`` and on ``|G(r) - r| / r``.
    max_iter : int, optional
        Iteration cap; points not converged by then are reported as NaN.

    Returns
    -------
    dict of str to ndarray
        Float64 arrays ``"m"``, ``"q"``, ``"r"`` of the broadcast shape (0-d for scalar inputs). All three are NaN
        where no retrieval solution exists: the iteration from ``m = q = 1`` flows to ``m ~ 0`` (paramagnet or
        spin glass), leaves the physical domain ``beta (1 - q) < 1``, or does not converge.

    Raises
    ------
    ValueError
        If any ``alpha`` is negative or any temperature is not positive.

    Notes
    -----
    Fixed-point iteration of ``(m, r)`` from the fully retrieving start ``m = q = 1`` (so ``r = 1``),
    which selects the retrieval branch. ``beta (1 - q)`` is averaged directly as ``beta <1 - tanh^2>`` rather
    than formed from ``q``, to keep its precision at low ``T`` where it tends to ``C`` of the T = 0 theory.
    At ``alpha = 0`` the equations reduce to Curie-Weiss, ``m = tanh(beta m)``.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Secs. 3 and 5 (doi:10.1016/0003-4916(87)90092-3).
    """
    a, t = np.broadcast_arrays(_as_load(alpha), np.asarray(temperature, dtype=np.float64))
    if np.any(t <= 0):
        raise ValueError("temperature must be positive")
    if not 0.0 < damping <= 1.0:
        raise ValueError("damping must lie in (0, 1]")
    alpha_flat, beta = a.ravel(), 1.0 / t.ravel()
    m, q, r = np.ones_like(beta), np.ones_like(beta), np.ones_like(beta)
    active = np.isfinite(alpha_flat) & np.isfinite(beta)
    converged = np.zeros_like(active)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        b = beta[idx, None]
        tanh = np.tanh(b * (m[idx, None] + np.sqrt(alpha_flat[idx] * r[idx])[:, None] * _Z))
        m_new = tanh @ _W
        q[idx] = tanh**2 @ _W
        chi = beta[idx] * ((1.0 - tanh**2) @ _W)
        # beta (1 - q) >= 1 is outside the RS retrieval domain; such points are dropped below, and masking chi
        # just keeps their discarded r finite.
        outside = chi >= 1.0
        r_new = q[idx] / (1.0 - np.where(outside, 0.0, chi)) ** 2
        done = (np.abs(m_new - m[idx]) < tol) & (np.abs(r_new - r[idx]) < tol * r[idx])
        m[idx] += damping * (m_new - m[idx])
        r[idx] += damping * (r_new - r[idx])
        # From m = 1 the overlap only decays this far when the flow heads to the m = 0 (paramagnetic or
        # spin-glass) state, so stopping here skips the slow approach to it; retrieval has m > 1e-6 except within
        # ~1e-12 of the Curie point.
        lost = outside | (m[idx] < 1e-6)
        converged[idx] = done & ~lost
        active[idx] = ~(done | lost)
    return {key: np.where(converged, v, np.nan).reshape(a.shape) for key, v in (("m", m), ("q", q), ("r", r))}
