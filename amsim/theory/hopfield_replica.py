"""Replica-symmetric (RS) theory of the Hebbian Hopfield network at extensive load.

Saddle-point equations of Amit, Gutfreund & Sompolinsky (AGS) for the retrieval state, i.e. the state
that overlaps macroscopically with one stored pattern, with the other ``P - 1`` patterns acting as
Gaussian noise; the spin-glass state (no macroscopic overlap); their free energies; and the phase
boundaries T_g, T_M and T_c of the AGS phase diagram. All functions are pure and return float64 NumPy
arrays (0-d for scalar input).

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
C          ``beta (1 - q)``, the local susceptibility; finite as ``T -> 0``
y          ``m / sqrt(2 alpha r)``, signal-to-noise ratio of the local field at ``T = 0``
u, v       ``beta m`` and ``beta sqrt(alpha r)``: the mean and the width of the argument of ``tanh`` below
f          free energy per neuron (units of the coupling), including the ``alpha / 2`` of the removed
           self-couplings, so that at ``T = 0`` it equals the energy ``-(1/(2 N)) sum_{i != j} J_ij S_i S_j / N``
=========  ==================================================================================

Equations (``Dz`` is the standard Gaussian measure)::

    m = int Dz tanh(beta (m + sqrt(alpha r) z))
    q = int Dz tanh^2(beta (m + sqrt(alpha r) z))
    r = q / (1 - beta (1 - q))^2

    f = alpha / 2 + m^2 / 2 + (alpha / (2 beta)) [ln(1 - C) - beta q / (1 - C)] + (alpha / 2) r C
        - (1 / beta) int Dz ln 2 cosh(beta (m + sqrt(alpha r) z))

and at ``T = 0``::

    m = erf(m / sqrt(2 alpha r))
    C = sqrt(2 / (pi alpha r)) exp(-m^2 / (2 alpha r))
    r = 1 / (1 - C)^2

which reduce to one equation for ``y``: ``F(y) = erf(y) - y (sqrt(2 alpha) + (2 / sqrt(pi)) exp(-y^2)) = 0``.

In the variables ``(u, v)`` every solution with ``m > 0`` is explicit: ``m = int Dz tanh(u + v z)`` fixes
``T = m(u, v) / u``, and ``alpha = v^2 (T - c)^2 / q`` with ``q = int Dz tanh^2(u + v z)``, ``c = 1 - q``.
The retrieval boundary T_M is the edge of the image of this map; see `retrieval_load`.

References
----------
.. [AGS85] D. J. Amit, H. Gutfreund and H. Sompolinsky, "Storing infinite numbers of patterns in a
   spin-glass model of neural networks", Phys. Rev. Lett. 55, 1530 (1985), doi:10.1103/PhysRevLett.55.1530.
   RS saddle-point equations for (m, q, r), their T = 0 limit and alpha_c ~ 0.138, the phase diagram.
.. [AGS87] D. J. Amit, H. Gutfreund and H. Sompolinsky, "Statistical mechanics of neural networks near
   saturation", Ann. Phys. 173, 30 (1987), doi:10.1016/0003-4916(87)90092-3. Full derivation and free energy
   (Sec. 3), T = 0 solution and its error fraction (Sec. 4), phase diagram with T_g = 1 + sqrt(alpha), T_M and
   T_c (Sec. 5).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from numpy.polynomial.legendre import leggauss
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq, minimize_scalar
from scipy.special import erf, erfc, lambertw

from amsim.exceptions import ValidationError

__all__ = [
    "critical_load",
    "global_minimum_load",
    "global_minimum_temperature",
    "phase_diagram_points",
    "retrieval_error_fraction",
    "retrieval_load",
    "retrieval_temperature",
    "rs_energy",
    "rs_finite_temperature",
    "rs_free_energy",
    "rs_spin_glass_state",
    "rs_zero_temperature",
    "rs_zero_temperature_full",
    "spin_glass_temperature",
]

_K = 2.0 / np.sqrt(np.pi)
_XTOL = 1e-15
_RTOL = 4 * np.finfo(float).eps

# Gaussian averages of functions of x = u + v z, z ~ N(0, 1), by two rules, each accurate to ~1e-13 (checked
# against adaptive quadrature) where it is used:
# - v <= 1: trapezoid rule in z on [-9, 9], step 0.1. Spectrally accurate for integrands analytic in a strip
#   (tanh has poles at Im z = pi / (2 v)): error ~exp(-pi^2 / (v h)) ~ 1e-43 at v = 1.
# - v > 1: in x, split at x = 0 (sign(x) and |x| integrate in closed form against the Gaussian), the rest
#   decays like exp(-2|x|): Gauss-Legendre on [0, 18] in |x|, 96 nodes. Its accuracy does not degrade as
#   v -> infinity, i.e. as T -> 0, where a grid in z would need a step ~T.
_SPLIT = 1.0
_Z = np.linspace(-9.0, 9.0, 181)
_W = np.exp(-0.5 * _Z**2)
_W /= _W.sum()
_GL_X, _GL_W = leggauss(96)
_X = 9.0 * (_GL_X + 1.0)
_XW = 9.0 * _GL_W
_EX = np.exp(-2.0 * _X)
_ONE_MINUS_TANH = 2.0 * _EX / (1.0 + _EX)  # 1 - tanh(x) for x > 0
_SECH2 = 4.0 * _EX / (1.0 + _EX) ** 2
_LOG1P = np.log1p(_EX)  # ln 2 cosh(x) - |x|
_SQRT_2PI = np.sqrt(2.0 * np.pi)

def _as_load(alpha: ArrayLike) -> NDArray[np.float64]:
    a = np.asarray(alpha, dtype=np.float64)
    if np.any(a < 0):
        raise ValidationError(f"alpha must be non-negative (got {a[a < 0].flat[0]!r})")
    return a


def _as_temperature(temperature: ArrayLike) -> NDArray[np.float64]:
    t = np.asarray(temperature, dtype=np.float64)
    if np.any(t < 0):
        raise ValidationError(f"temperature must be non-negative (got {t[t < 0].flat[0]!r})")
    return t


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
        # at alpha_c the two roots merge at the peak, where F = 0 up to rounding: the peak is the retrieval root
        return y_peak if alpha <= _critical_load_cached()[0] else np.nan
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
    ValidationError
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


@functools.lru_cache(maxsize=1)
def _critical_load_cached() -> tuple[float, float]:
    return critical_load()


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


def _mean_abs(u: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.float64]:
    """``int Dz |u + v z|`` in closed form (``v >= 0``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = u * erf(u / (np.sqrt(2.0) * v)) + v * np.sqrt(2.0 / np.pi) * np.exp(-u * u / (2.0 * v * v))
    return np.where(v > 0, spread, np.abs(u))


def _moments(u: ArrayLike, v: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    """Gaussian averages at ``x = u + v z`` (``v >= 0``), broadcast over ``u`` and ``v``.

    Returns ``<tanh x>``, ``<tanh^2 x>``, ``<sech^2 x>`` (that is ``1 - <tanh^2 x>``, computed on its own so that
    it keeps its relative precision when it is small) and ``<ln 2 cosh x - |x|>``.
    """
    u, v = np.broadcast_arrays(np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64))
    shape, u, v = u.shape, u.ravel(), v.ravel()
    tanh, tanh2, sech2, excess = (np.empty(u.size) for _ in range(4))
    near = v <= _SPLIT
    if near.any():
        x = u[near, None] + v[near, None] * _Z
        e = np.exp(-2.0 * np.abs(x))
        th = np.tanh(x)
        tanh[near], tanh2[near], sech2[near] = th @ _W, th**2 @ _W, (4.0 * e / (1.0 + e) ** 2) @ _W
        # ln 2 cosh x is analytic (its parts |x| and ln(1 + e) are not): integrate it, subtract <|x|>
        excess[near] = (np.abs(x) + np.log1p(e)) @ _W - _mean_abs(u[near], v[near])
    far = ~near
    if far.any():
        a, b = u[far, None], v[far, None]
        plus = np.exp(-0.5 * ((_X - a) / b) ** 2) / (b * _SQRT_2PI)  # density of x at +|x|
        minus = np.exp(-0.5 * ((_X + a) / b) ** 2) / (b * _SQRT_2PI)  # ... and at -|x|
        tanh[far] = erf(u[far] / (np.sqrt(2.0) * v[far])) - (_ONE_MINUS_TANH * (plus - minus)) @ _XW
        sech2[far] = (_SECH2 * (plus + minus)) @ _XW
        tanh2[far] = 1.0 - sech2[far]
        excess[far] = (_LOG1P * (plus + minus)) @ _XW
    return tuple(x.reshape(shape) for x in (tanh, tanh2, sech2, excess))


def rs_finite_temperature(
    alpha: ArrayLike,
    temperature: ArrayLike,
    *,
    damping: float = 1.0,
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> dict[str, NDArray[np.float64]]:
    """Retrieval solution of the replica-symmetric equations at temperature ``T >= 0``.

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, ``alpha >= 0``.
    temperature : array_like of float
        Temperature ``T >= 0`` (units of the module docstring), broadcast against ``alpha``. Points with
        ``T = 0`` take the exact zero-temperature solution (`rs_zero_temperature_full`).
    damping : float, optional
        Weight ``eta`` in ``(0, 1]`` of the new iterate in ``x <- (1 - eta) x + eta G(x)``. The undamped
        default converges over the whole retrieval region; lower it if the iteration oscillates.
    tol : float, optional
        Convergence threshold on ``|G(m) - m|`` and on ``|G(r) - r| / r``.
    max_iter : int, optional
        Iteration cap; points not converged by then are reported as NaN. This happens only next to the retrieval
        edge, where the iteration slows down as the state disappears: within ~1e-5 (relative, in load) of
        `retrieval_load` at T <= 0.7, ~1e-3 at T = 0.95. `retrieval_load` gives the edge itself.

    Returns
    -------
    dict of str to ndarray
        Float64 arrays of the broadcast shape (0-d for scalar inputs): ``"m"``, ``"q"``, ``"r"`` and ``"C"``
        (``beta (1 - q)``, accurate also where ``1 - q`` is tiny). All are NaN where no retrieval solution
        exists: above `retrieval_temperature`, where the iteration from ``m = q = 1`` flows to ``m ~ 0``
        (paramagnet or spin glass) or leaves the physical domain ``C < 1``.

    Raises
    ------
    ValidationError
        If any ``alpha`` or temperature is negative.

    Notes
    -----
    Fixed-point iteration of ``(m, r)`` from the fully retrieving start ``m = q = 1`` (so ``r = 1``), which selects
    the retrieval branch. ``C`` is averaged directly as ``beta <sech^2>`` rather than formed from ``q``, to keep
    its precision at low ``T``, where it tends to ``C`` of the T = 0 theory; the Gaussian averages stay accurate
    (~1e-13) down to ``T -> 0``. At ``alpha = 0`` the equations reduce to Curie-Weiss, ``m = tanh(beta m)``.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Secs. 3 and 5 (doi:10.1016/0003-4916(87)90092-3).
    """
    a, t = np.broadcast_arrays(_as_load(alpha), _as_temperature(temperature))
    if not 0.0 < damping <= 1.0:
        raise ValidationError(f"damping must lie in (0, 1] (got {damping!r})")
    alpha_flat, t_flat = a.ravel(), t.ravel()
    out = {key: np.full(a.size, np.nan) for key in ("m", "q", "r", "C")}
    cold = t_flat == 0
    zero = rs_zero_temperature_full(alpha_flat[cold])
    out["m"][cold], out["r"][cold], out["C"][cold] = zero["m"], zero["r"], zero["C"]
    out["q"][cold] = np.where(np.isnan(zero["m"]), np.nan, 1.0)
    hot = np.flatnonzero(~cold & np.isfinite(alpha_flat) & np.isfinite(t_flat))
    load, beta = alpha_flat[hot], 1.0 / t_flat[hot]
    m, r = np.ones(hot.size), np.ones(hot.size)
    q, c = np.ones(hot.size), np.zeros(hot.size)
    active = np.ones(hot.size, dtype=bool)
    converged = np.zeros(hot.size, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        b = beta[idx]
        m_new, q[idx], sech2, _ = _moments(b * m[idx], b * np.sqrt(load[idx] * r[idx]))
        c[idx] = b * sech2
        # C >= 1 is outside the RS retrieval domain; such points are dropped below, and masking C just keeps
        # their discarded r finite.
        outside = c[idx] >= 1.0
        r_new = q[idx] / (1.0 - np.where(outside, 0.0, c[idx])) ** 2
        done = (np.abs(m_new - m[idx]) < tol) & (np.abs(r_new - r[idx]) < tol * r[idx])
        m[idx] += damping * (m_new - m[idx])
        r[idx] += damping * (r_new - r[idx])
        # From m = 1 the overlap only decays this far when the flow heads to the m = 0 (paramagnetic or
        # spin-glass) state, so stopping here skips the slow approach to it; retrieval has m > 1e-6 except within
        # ~1e-12 of the Curie point.
        lost = outside | (m[idx] < 1e-6)
        converged[idx] = done & ~lost
        active[idx] = ~(done | lost)
    for key, value in (("m", m), ("q", q), ("r", r), ("C", c)):
        out[key][hot] = np.where(converged, value, np.nan)
    return {key: value.reshape(a.shape) for key, value in out.items()}


def rs_free_energy(alpha: ArrayLike, temperature: ArrayLike, m: ArrayLike, r: ArrayLike,
                   susceptibility: ArrayLike) -> NDArray[np.float64]:
    """Replica-symmetric free energy per neuron of a state ``(m, r, C)``.

    Parameters
    ----------
    alpha, temperature : array_like of float
        Load ``alpha >= 0`` and temperature ``T >= 0``.
    m, r, susceptibility : array_like of float
        The state: overlap ``m``, noise parameter ``r`` and ``C = beta (1 - q)``, as returned by
        `rs_finite_temperature` (``"m"``, ``"r"``, ``"C"``) or `rs_spin_glass_state`. All five broadcast.

    Returns
    -------
    ndarray of float64
        ``f`` of the module docstring (units of the coupling), including the ``alpha / 2`` of the removed
        self-couplings; at ``T = 0`` it equals `rs_energy`. NaN propagates.

    Notes
    -----
    ``q = 1 - T C``; ``T ln 2 cosh(x / T) = |x| + T ln(1 + exp(-2 |x| / T))``, with ``<|x|>`` in closed form, so
    that ``f`` stays accurate as ``T -> 0``. ``f`` is stationary in ``(m, q, r)`` at a solution of the RS
    equations, which is how it is tested.

    References
    ----------
    AGS87 Sec. 3 (doi:10.1016/0003-4916(87)90092-3): the RS free energy of the Hopfield model.
    """
    a, t, m, r, c = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in
                                          (alpha, temperature, m, r, susceptibility)))
    s = np.sqrt(a * r)
    thermal = np.zeros(a.shape)
    hot = t > 0
    thermal[hot] = t[hot] * _moments(m[hot] / t[hot], s[hot] / t[hot])[3]
    q = 1.0 - t * c
    return (a / 2 + m**2 / 2 + (a / 2) * (t * np.log1p(-c) - q / (1.0 - c) + r * c) - _mean_abs(m, s)
            - thermal)


def rs_energy(alpha: ArrayLike, temperature: ArrayLike, m: ArrayLike, r: ArrayLike,
              susceptibility: ArrayLike) -> NDArray[np.float64]:
    """Replica-symmetric energy per neuron ``<H> / N`` of a state ``(m, r, C)``.

    Parameters
    ----------
    alpha, temperature, m, r, susceptibility : array_like of float
        As in `rs_free_energy`.

    Returns
    -------
    ndarray of float64
        ``alpha / 2 - m^2 / 2 - (alpha / 2) (T C / (1 - C) + r)``, in units of the coupling, with ``H`` the
        Hopfield energy without self-couplings (the ``energy`` variable of the ``hopfield.retrieval`` experiment).
        At ``T = 0`` and ``alpha -> 0``: ``-1/2``.

    Notes
    -----
    ``d(beta f) / d beta`` at fixed order parameters (they are stationary), worked out from the free energy of the
    module docstring with ``int Dz z g(z) = int Dz g'(z)``.

    References
    ----------
    AGS87 Sec. 3 (doi:10.1016/0003-4916(87)90092-3): the RS free energy of the Hopfield model.
    """
    a, t, m, r, c = (np.asarray(x, dtype=np.float64) for x in (alpha, temperature, m, r, susceptibility))
    return a / 2 - m**2 / 2 - (a / 2) * (t * c / (1.0 - c) + r)


# The m > 0 solutions in the variables (u, v) = (beta m, beta sqrt(alpha r)) of the module docstring. At fixed
# T < 1 they form one branch, v in (0, v_limit(T)): alpha rises from 0 (the Curie-Weiss state, v = 0) to its
# maximum alpha_M(T) (the edge where the retrieval state disappears) and falls back to 0 at v_limit, where u = 0.
# The rising part is the retrieval state, the falling part the unstable partner that merges with it at the edge.

def _temperature_of(u: float, v: float) -> float:
    """``m(u, v) / u``: the temperature at which ``(u, v)`` solves the overlap equation (limit ``<sech^2>`` at 0)."""
    tanh, _, sech2, _ = _moments(u, v)
    return float(sech2) if u == 0.0 else float(tanh) / u


def _width_limit(temperature: float) -> float:
    """``v_limit(T)`` for ``0 < T < 1``: the width at which the branch reaches ``u = 0``, ``<sech^2(v z)> = T``."""
    # <sech^2(v z)> falls from 1 at v = 0 to below sqrt(2 / pi) / v, i.e. below T at v = 1 / T.
    return brentq(lambda v: float(_moments(0.0, v)[2]) - temperature, 0.0, 1.0 / temperature, xtol=_XTOL,
                  rtol=_RTOL)


def _branch(v: float, temperature: float) -> tuple[float, float, float, float]:
    """``(u, alpha, q, c)`` of the branch at width ``0 <= v < v_limit(T)``, ``c = <sech^2>``."""
    # u -> m(u, v) / u decreases from <sech^2(v z)> > T at u = 0 to at most T at u = 1 / T (there m <= 1).
    u = brentq(lambda x: _temperature_of(x, v) - temperature, 0.0, 1.0 / temperature, xtol=_XTOL, rtol=_RTOL)
    _, q, c, _ = (float(x) for x in _moments(u, v))
    return u, v * v * (temperature - c) ** 2 / q, q, c


def _branch_edge(temperature: float) -> tuple[float, float]:
    """``(v*, alpha_M(T))``: width and load at the edge of the retrieval branch, ``0 < T < 1``."""
    v_limit = _width_limit(temperature)
    best = minimize_scalar(lambda v: -_branch(v, temperature)[1], bounds=(0.0, v_limit), method="bounded",
                           options={"xatol": 1e-10 * v_limit})
    return float(best.x), float(-best.fun)


def _retrieval_on_branch(alpha: float, temperature: float, edge: tuple[float, float] | None = None
                         ) -> tuple[float, float, float]:
    """``(m, r, C)`` of the retrieval state at ``0 < T < 1``; loads beyond the edge get the edge state.

    ``edge`` is ``_branch_edge(temperature)`` when the caller has it already.
    """
    v_edge, alpha_edge = edge or _branch_edge(temperature)
    v = v_edge if alpha >= alpha_edge else brentq(lambda w: _branch(w, temperature)[1] - alpha, 0.0, v_edge,
                                                  xtol=_XTOL, rtol=_RTOL)
    u, _, q, c = _branch(v, temperature)
    susceptibility = c / temperature
    return u * temperature, q / (1.0 - susceptibility) ** 2, susceptibility


@functools.cache
def _retrieval_peak() -> tuple[float, float]:
    """``(alpha, T)`` where ``alpha_M(T)`` is largest: the RS retrieval region is re-entrant, ``alpha_M`` rises
    from ``alpha_c`` at ``T = 0`` to this maximum, then falls to 0 at ``T = 1``."""
    best = minimize_scalar(lambda t: -_branch_edge(t)[1], bounds=(0.0, 1.0), method="bounded",
                           options={"xatol": 1e-10})
    return float(-best.fun), float(best.x)


def _each(fn: Callable[..., float], *arrays: NDArray[np.float64]) -> NDArray[np.float64]:
    """``fn`` of scalars applied to every point of the broadcast ``arrays``; float64 of the broadcast shape."""
    grid = np.broadcast_arrays(*arrays)
    values = [fn(*(float(g.flat[i]) for g in grid)) for i in range(grid[0].size)]
    return np.array(values, dtype=np.float64).reshape(grid[0].shape)


def retrieval_load(temperature: ArrayLike) -> NDArray[np.float64]:
    """Largest load ``alpha_M(T)`` at which a retrieval state exists at temperature ``T``.

    Traces the whole retrieval boundary of the phase diagram (the T_M line) as a function of ``T``, including the
    re-entrant part near ``alpha_c`` that `retrieval_temperature` cannot express.

    Parameters
    ----------
    temperature : array_like of float
        Temperatures ``T >= 0``, any shape.

    Returns
    -------
    ndarray of float64
        ``alpha_M(T)`` with the shape of ``temperature``: ``alpha_c`` (`critical_load`) at ``T = 0``, rising slightly
        to a maximum (`phase_diagram_points`: 0.13819 at ``T = 0.023``; RS re-entrance), then falling to 0 as
        ``T -> 1``; NaN for ``T >= 1``, where only ``m = 0`` solutions exist.

    Raises
    ------
    ValidationError
        If any temperature is negative.

    Notes
    -----
    At fixed ``T`` every ``m > 0`` solution is ``(u(v), v)`` with ``u`` the root of ``m(u, v) = T u`` (one
    positive root: ``m`` is concave in ``u``), and its load ``alpha(v) = v^2 (T - c)^2 / q`` is explicit. ``alpha``
    vanishes at both ends of ``0 <= v <= v_limit(T)`` (``<sech^2(v z)> = T``), and its maximum, found with
    bounded Brent minimisation, is ``alpha_M(T)``: there the retrieval state and its unstable partner merge.
    The edge agrees with where `rs_finite_temperature` stops finding a retrieval state (to ~1e-6 in load).

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 5 (doi:10.1016/0003-4916(87)90092-3): T_M(alpha).
    """
    t = _as_temperature(temperature)
    alpha_c = critical_load()[0]

    def one(temp: float) -> float:
        if temp == 0.0:
            return alpha_c
        return _branch_edge(temp)[1] if temp < 1.0 else np.nan

    return _each(one, t)


def _onset(alpha: float) -> float:
    """``T_M(alpha)`` of one load: the root of ``alpha_M(T) = alpha`` above the peak of ``alpha_M``."""
    if alpha == 0.0:
        return 1.0
    alpha_max, t_peak = _retrieval_peak()
    if not alpha <= alpha_max:
        return np.nan
    return brentq(lambda t: (0.0 if t == 1.0 else _branch_edge(t)[1]) - alpha, t_peak, 1.0, xtol=1e-13,
                  rtol=_RTOL)


def retrieval_temperature(alpha: ArrayLike) -> NDArray[np.float64]:
    """Temperature ``T_M(alpha)`` above which no retrieval state exists.

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, any shape, ``alpha >= 0``.

    Returns
    -------
    ndarray of float64
        ``T_M`` with the shape of ``alpha``: 1 at ``alpha = 0`` (the Curie-Weiss point), about
        ``1 - 1.954 sqrt(alpha)`` for small ``alpha``, falling towards 0 near ``alpha_c``; NaN above the largest
        retrieval load (0.13819, `phase_diagram_points`). Because the RS boundary is re-entrant, ``T_M(alpha_c)``
        is 0.046, not 0, and for ``alpha_c < alpha <= 0.13819`` retrieval states exist only between a lower
        temperature and ``T_M`` (see `retrieval_load`).

    Raises
    ------
    ValidationError
        If any ``alpha`` is negative.

    Notes
    -----
    The root in ``T`` of ``retrieval_load(T) = alpha`` on the falling side of `retrieval_load`, found with
    Brent's method to ~1e-13. The small-``alpha`` slope follows from expanding the RS equations about
    ``m = 0, T = 1``: ``1 - T = m^2 / 3 + alpha r`` with ``r = 9 q / (4 m^4)`` and ``q = m^2 + alpha r``, whose
    smallest ``1 - T`` over ``m`` is ``1.954 sqrt(alpha)``.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 5 (doi:10.1016/0003-4916(87)90092-3): T_M(alpha).
    """
    return _each(_onset, _as_load(alpha))


def _spin_glass(alpha: float, temperature: float) -> tuple[float, float, float]:
    """``(q, r, C)`` of the RS spin-glass state (``m = 0``, ``q > 0``) at one point; NaN where it does not exist."""
    if alpha == 0.0 or not temperature < 1.0 + np.sqrt(alpha):
        return np.nan, np.nan, np.nan
    if temperature == 0.0:
        # q = 1, C = sqrt(2 / (pi alpha r)), r = 1 / (1 - C)^2: C = a / (1 + a) with a = sqrt(2 / (pi alpha))
        a = np.sqrt(2.0 / (np.pi * alpha))
        return 1.0, (1.0 + a) ** 2, a / (1.0 + a)

    def excess(v: float) -> float:
        # the m = 0 equations in v = beta sqrt(alpha r) give alpha(v) = v^2 (T - c)^2 / q, c = <sech^2(v z)>,
        # which rises from 0 at v_limit(T) (T < 1), or from (T - 1)^2 at v = 0 (T >= 1), without bound
        if v == 0.0:
            return (temperature - 1.0) ** 2 - alpha
        _, q, c, _ = _moments(0.0, v)
        return float(v * v * (temperature - c) ** 2 / q) - alpha

    low = _width_limit(temperature) if temperature < 1.0 else 0.0
    high = max(1.0, 2.0 * low)
    while excess(high) < 0.0:
        high *= 2.0
    v = brentq(excess, low, high, xtol=_XTOL, rtol=_RTOL)
    _, q, c, _ = (float(x) for x in _moments(0.0, v))
    susceptibility = c / temperature
    return q, q / (1.0 - susceptibility) ** 2, susceptibility


def rs_spin_glass_state(alpha: ArrayLike, temperature: ArrayLike) -> dict[str, NDArray[np.float64]]:
    """The replica-symmetric spin-glass state: no macroscopic overlap (``m = 0``), frozen (``q > 0``).

    Parameters
    ----------
    alpha, temperature : array_like of float
        Load ``alpha >= 0`` and temperature ``T >= 0``, broadcast against each other.

    Returns
    -------
    dict of str to ndarray
        Float64 arrays ``"m"`` (0), ``"q"``, ``"r"``, ``"C"`` of the broadcast shape, NaN where the state does not
        exist: ``alpha = 0`` or ``T >= T_g = 1 + sqrt(alpha)`` (`spin_glass_temperature`). At ``T = 0``:
        ``q = 1``, ``C = a / (1 + a)``, ``r = (1 + a)^2`` with ``a = sqrt(2 / (pi alpha))``.

    Raises
    ------
    ValidationError
        If any ``alpha`` or temperature is negative.

    Notes
    -----
    In ``v = beta sqrt(alpha r)`` the ``m = 0`` equations give ``alpha(v) = v^2 (T - c)^2 / q`` explicitly
    (``q = <tanh^2(v z)>``, ``c = 1 - q``); the state is its root, bracketed and found with Brent's method.

    References
    ----------
    AGS87 Sec. 5 (doi:10.1016/0003-4916(87)90092-3): the spin-glass solution and T_g.
    """
    a = _as_load(alpha)
    t = _as_temperature(temperature)
    grid = np.broadcast_arrays(a, t)
    states = np.array([_spin_glass(float(x), float(y)) for x, y in zip(grid[0].flat, grid[1].flat, strict=True)],
                      dtype=np.float64).reshape(*grid[0].shape, 3)
    out = {key: states[..., i] for i, key in enumerate(("q", "r", "C"))}
    out["m"] = np.where(np.isnan(out["q"]), np.nan, 0.0)
    return out


def _free_energy_gap(alpha: float, temperature: float, edge: tuple[float, float] | None = None) -> float:
    """``f_retrieval - f_spin_glass`` at one point of the retrieval region (``T < 1``)."""
    if temperature == 0.0:
        ret = rs_zero_temperature_full(alpha)
        m, r, c = ret["m"], ret["r"], ret["C"]
    else:
        m, r, c = _retrieval_on_branch(alpha, temperature, edge)
    _, r_sg, c_sg = _spin_glass(alpha, temperature)
    return float(rs_free_energy(alpha, temperature, m, r, c) - rs_free_energy(alpha, temperature, 0.0, r_sg, c_sg))


def _global_load(temperature: float) -> float:
    """``alpha_G(T)``: the load where retrieval and spin-glass free energies are equal, ``0 <= T < 1``."""
    if not temperature < 1.0:
        return np.nan
    # f_retrieval - f_spin_glass rises with the load: negative as alpha -> 0 (the spin-glass free energy tends to
    # that of the m = 0, q = 1 - T state, above the Curie-Weiss one), positive at the edge alpha_M(T).
    if temperature == 0.0:
        edge, top = None, critical_load()[0] * (1.0 - 1e-9)
    else:
        edge = _branch_edge(temperature)
        top = edge[1]
    return brentq(lambda a: _free_energy_gap(a, temperature, edge), 1e-9 * top, top, xtol=_XTOL, rtol=_RTOL)


@functools.cache
def _global_peak() -> tuple[float, float]:
    """``(alpha, T)`` where ``alpha_G(T)`` is largest (re-entrant like ``alpha_M``)."""
    best = minimize_scalar(lambda t: -_global_load(t), bounds=(0.0, 1.0), method="bounded",
                           options={"xatol": 1e-10})
    return float(-best.fun), float(best.x)


def global_minimum_load(temperature: ArrayLike) -> NDArray[np.float64]:
    """Load ``alpha_G(T)`` below which retrieval states are global minima of the RS free energy at ``T``.

    Traces the whole T_c line of the phase diagram as a function of ``T``, including its re-entrant part.

    Parameters
    ----------
    temperature : array_like of float
        Temperatures ``T >= 0``, any shape.

    Returns
    -------
    ndarray of float64
        ``alpha_G(T)`` with the shape of ``temperature``: 0.0519 at ``T = 0`` (AGS quote ~0.05), rising to a
        maximum of 0.0531 near ``T = 0.085`` (`phase_diagram_points`), then falling to 0 as ``T -> 1``; NaN for
        ``T >= 1``.

    Raises
    ------
    ValidationError
        If any temperature is negative.

    Notes
    -----
    The root in ``alpha`` of ``f_retrieval - f_spin_glass`` (`rs_free_energy`) on ``(0, alpha_M(T)]``, by Brent's
    method; the retrieval state comes from the exact ``(u, v)`` branch of `retrieval_load`, the spin-glass state
    from `rs_spin_glass_state` (``T < 1 < T_g``, so it exists). At ``T = 0`` the free energies are the energies
    ``-(m^2 + alpha (r - 1)) / 2`` and ``-sqrt(2 alpha / pi) - 1 / pi``. The re-entrance, like that of
    `retrieval_load`, comes with replica symmetry: the RS spin glass has negative entropy at low ``T``.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 5 (doi:10.1016/0003-4916(87)90092-3): T_c(alpha).
    """
    t = _as_temperature(temperature)
    return _each(_global_load, t)


def _coexistence(alpha: float) -> float:
    """``T_c(alpha)`` of one load: the root of ``f_retrieval = f_spin_glass`` above the peak of ``alpha_G``."""
    if alpha == 0.0:
        return 1.0
    alpha_max, t_peak = _global_peak()
    if not alpha <= alpha_max:
        return np.nan
    return brentq(lambda t: _free_energy_gap(alpha, t), t_peak, _onset(alpha), xtol=1e-13, rtol=_RTOL)


def global_minimum_temperature(alpha: ArrayLike) -> NDArray[np.float64]:
    """Temperature ``T_c(alpha)`` below which retrieval states are global minima of the RS free energy.

    Parameters
    ----------
    alpha : array_like of float
        Load ``P / N``, any shape, ``alpha >= 0``.

    Returns
    -------
    ndarray of float64
        ``T_c`` with the shape of ``alpha``: 1 at ``alpha = 0``, below `retrieval_temperature` for ``alpha > 0``,
        reaching 0 at 0.0519; NaN above 0.0531 (`phase_diagram_points`), where the retrieval states are at best
        metastable. Between the two the T_c line is re-entrant and this is its upper branch (see
        `global_minimum_load`).

    Raises
    ------
    ValidationError
        If any ``alpha`` is negative.

    Notes
    -----
    The root in ``T`` of ``f_retrieval - f_spin_glass`` between the peak of `global_minimum_load` (where it is
    negative) and ``T_M(alpha)`` (positive: there the retrieval state is only metastable), by Brent's method.

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 5 (doi:10.1016/0003-4916(87)90092-3): T_c(alpha).
    """
    return _each(_coexistence, _as_load(alpha))


def phase_diagram_points() -> dict[str, float]:
    """Landmarks of the RS phase diagram (loads dimensionless, temperatures in coupling units).

    Returns
    -------
    dict of str to float
        ``alpha_c``, ``m_c``: the T = 0 capacity and overlap there (`critical_load`; 0.1379, 0.9674).
        ``retrieval_load_max``, ``retrieval_load_max_temperature``: the largest load with a retrieval state and its
        temperature (0.13819 at 0.023: the T_M line is re-entrant).
        ``global_load_zero``: the load where T_c reaches 0 (0.0519).
        ``global_load_max``, ``global_load_max_temperature``: the largest load where retrieval states are global
        minima, and its temperature (0.0531 at 0.085).

    Notes
    -----
    The maxima come from bounded Brent minimisation over ``T`` and are cached (the first call takes ~2 s).

    References
    ----------
    AGS85 (doi:10.1103/PhysRevLett.55.1530); AGS87 Sec. 5 (doi:10.1016/0003-4916(87)90092-3).
    """
    alpha_c, m_c = critical_load()
    retrieval_max, retrieval_t = _retrieval_peak()
    global_max, global_t = _global_peak()
    return {"alpha_c": alpha_c, "m_c": m_c, "retrieval_load_max": retrieval_max,
            "retrieval_load_max_temperature": retrieval_t, "global_load_zero": _global_load(0.0),
            "global_load_max": global_max, "global_load_max_temperature": global_t}
