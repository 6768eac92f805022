"""Symmetric mixture states of the Hebbian Hopfield network at vanishing load (``alpha = P / N -> 0``).

A symmetric ``n``-mixture overlaps equally, ``m``, with ``n`` of the stored patterns and not with the others. With
finitely many patterns the mean-field (Curie-Weiss-like) theory is exact, and averages over the pattern bits
``xi^1 ... xi^n`` reduce to averages over ``z = xi^1 + ... + xi^n``, a sum of ``n`` random signs (binomial). The
``n = 1`` mixture is the retrieval state, whose overlap solves the Curie-Weiss equation ``m = tanh(m / T)``.

Symbols
-------
=====  ==========================================================================================
n      number of patterns in the mixture (``size``)
T      temperature in units of the Hebbian coupling (Curie point ``T = 1``); ``beta = 1 / T``
m      overlap with each of the ``n`` mixed patterns
z      ``xi^1 + ... + xi^n``, with ``P(z = n - 2k) = C(n, k) / 2^n``
q      ``<tanh^2(beta m z)>``
Q      ``<xi^1 xi^2 tanh^2(beta m z)> = <(z^2 - n) tanh^2(beta m z)> / (n (n - 1))``
=====  ==========================================================================================

Equations::

    m = <z tanh(beta m z)> / n
    f = n m^2 / 2 - T <ln 2 cosh(beta m z)>

The Hessian of ``f`` in the overlaps has the eigenvalues ``1 - beta (1 - q) + beta (n - 1) Q`` (along the mixture),
``1 - beta (1 - q) - beta Q`` (``n - 1`` directions that unbalance the mixed overlaps) and ``1 - beta (1 - q)``
(towards the other patterns); the state is stable where all are positive.

References
----------
.. [AGS85a] D. J. Amit, H. Gutfreund and H. Sompolinsky, "Spin-glass models of neural networks", Phys. Rev. A 32,
   1007 (1985), doi:10.1103/PhysRevA.32.1007. Finite numbers of patterns: the retrieval (Mattis) states below
   T = 1 and the symmetric mixtures, of which the odd ones become stable at low temperature (the 3-mixture below
   T ~ 0.46, per the abstract).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import comb

from amsim.exceptions import ValidationError

__all__ = ["mixture_free_energy", "mixture_overlap", "mixture_stability", "mixture_stability_temperature"]

_XTOL = 1e-15
_RTOL = 4 * np.finfo(float).eps


def _check(size: int, temperature: ArrayLike) -> NDArray[np.float64]:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValidationError(f"size must be an integer >= 1 (got {size!r})")
    t = np.asarray(temperature, dtype=np.float64)
    if np.any(t < 0):
        raise ValidationError(f"temperature must be non-negative (got {t[t < 0].flat[0]!r})")
    return t


def _sums(size: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Values of ``z`` and their probabilities, shape (n + 1,)."""
    k = np.arange(size + 1)
    return (size - 2.0 * k), comb(size, k) / 2.0**size


def _overlap(size: int, temperature: float) -> float:
    z, p = _sums(size)
    top = p @ np.abs(z) / size  # the T = 0 overlap; at T > 0 the right-hand side never exceeds it
    if temperature == 0.0:
        return float(top)
    if temperature >= 1.0:
        return 0.0
    # g(m) = <z tanh(beta m z)> / (n m) - 1 falls from beta - 1 > 0 at m -> 0 to below 0 at m = top (concavity)
    def excess(m: float) -> float:
        return float(p @ (z * np.tanh(z * m / temperature))) / (size * m) - 1.0 if m > 0 else 1.0 / temperature - 1.0

    return brentq(excess, 0.0, top, xtol=_XTOL, rtol=_RTOL)


def mixture_overlap(size: int, temperature: ArrayLike) -> NDArray[np.float64]:
    """Overlap ``m`` of the symmetric ``size``-mixture with each of its patterns, at ``alpha = 0``.

    Parameters
    ----------
    size : int
        Patterns in the mixture, ``n >= 1`` (``n = 1``: the retrieval state, Curie-Weiss).
    temperature : array_like of float
        Temperatures ``T >= 0``, any shape.

    Returns
    -------
    ndarray of float64
        ``m`` with the shape of ``temperature``: ``<|z|> / n`` at ``T = 0`` (1, 1/2, 3/8, 5/16 for n = 1, 3, 5, 7;
        ``C(n - 1, (n - 1) / 2) / 2^(n - 1)`` for odd ``n``), falling continuously to 0 at ``T = 1`` (0 above).

    Raises
    ------
    ValidationError
        If ``size`` is not an integer >= 1 or a temperature is negative.

    References
    ----------
    AGS85a (doi:10.1103/PhysRevA.32.1007): the mean-field equations of the symmetric mixtures.
    """
    t = _check(size, temperature)
    return np.array([_overlap(size, float(x)) for x in t.ravel()], dtype=np.float64).reshape(t.shape)


def mixture_free_energy(size: int, temperature: ArrayLike) -> NDArray[np.float64]:
    """Free energy per neuron of the symmetric ``size``-mixture at ``alpha = 0`` (units of the coupling).

    Parameters
    ----------
    size : int
        Patterns in the mixture, ``n >= 1``.
    temperature : array_like of float
        Temperatures ``T >= 0``, any shape.

    Returns
    -------
    ndarray of float64
        ``f = n m^2 / 2 - T <ln 2 cosh(m z / T)>`` with the shape of ``temperature``; at ``T = 0`` the energy
        ``-n m^2 / 2`` (-1/2, -3/8, -0.352 for n = 1, 3, 5, tending to ``-1/pi`` as ``n -> infinity``).

    Raises
    ------
    ValidationError
        If ``size`` is not an integer >= 1 or a temperature is negative.

    References
    ----------
    AGS85a (doi:10.1103/PhysRevA.32.1007).
    """
    t = _check(size, temperature)
    z, p = _sums(size)
    m = mixture_overlap(size, t)
    x = np.abs(m[..., None] * z)
    with np.errstate(divide="ignore", invalid="ignore"):
        thermal = np.where(t[..., None] > 0, t[..., None] * np.log1p(np.exp(-2.0 * x / t[..., None])), 0.0)
    # T ln 2 cosh(x / T) = |x| + T ln(1 + exp(-2 |x| / T)), exact also at T = 0
    return size * m**2 / 2 - (x + thermal) @ p


def _eigenvalues(size: int, temperature: float) -> tuple[float, float, float]:
    """``(symmetric, unbalancing, outside)`` Hessian eigenvalues of ``f`` at the mixture (module docstring)."""
    z, p = _sums(size)
    m = _overlap(size, temperature)
    if temperature == 0.0:
        # beta sech^2(beta m z) -> 0 where z != 0, -> infinity where z = 0 (even n)
        flat = np.inf if size % 2 == 0 else 0.0
        return 1.0 - flat, 1.0 - flat, 1.0 - flat
    beta = 1.0 / temperature
    x = beta * m * z
    sech2 = 4.0 * np.exp(-2.0 * np.abs(x)) / (1.0 + np.exp(-2.0 * np.abs(x))) ** 2
    diagonal = 1.0 - beta * float(p @ sech2)
    pair = beta * float(p @ ((z * z - size) * (1.0 - sech2))) / (size * (size - 1)) if size > 1 else 0.0
    return diagonal + (size - 1) * pair, diagonal - pair, diagonal


def mixture_stability(size: int, temperature: ArrayLike) -> NDArray[np.float64]:
    """Smallest Hessian eigenvalue of the free energy at the symmetric ``size``-mixture (stable where > 0).

    Parameters
    ----------
    size : int
        Patterns in the mixture, ``n >= 1``.
    temperature : array_like of float
        Temperatures ``T >= 0``, any shape.

    Returns
    -------
    ndarray of float64
        ``min`` of the three eigenvalues of the module docstring, with the shape of ``temperature``. At ``T = 0``:
        1 for odd ``n`` (stable), ``-inf`` for even ``n`` (sites with ``z = 0`` have no field). For ``T >= 1``
        (``m = 0``, the paramagnet): ``1 - beta``.

    Raises
    ------
    ValidationError
        If ``size`` is not an integer >= 1 or a temperature is negative.

    References
    ----------
    AGS85a (doi:10.1103/PhysRevA.32.1007): stability of the mixture states.
    """
    t = _check(size, temperature)
    return np.array([min(_eigenvalues(size, float(x))) for x in t.ravel()], dtype=np.float64).reshape(t.shape)


def mixture_stability_temperature(size: int) -> float:
    """Temperature below which the symmetric ``size``-mixture is a stable state (a local free-energy minimum).

    Parameters
    ----------
    size : int
        Patterns in the mixture, ``n >= 1``.

    Returns
    -------
    float
        1 for ``n = 1`` (the retrieval state is stable wherever it exists); for odd ``n >= 3`` the highest
        temperature where `mixture_stability` changes sign (0.460 for n = 3; AGS quote ~0.46), decreasing with
        ``n``; NaN for even ``n``, which are unstable at every temperature.

    Raises
    ------
    ValidationError
        If ``size`` is not an integer >= 1.

    Notes
    -----
    The root of the smallest eigenvalue on ``(0, 1)``; for odd ``n`` it is positive at ``T = 0`` and negative just
    below ``T = 1``, and is scanned on a grid of 200 temperatures first, so that Brent's method refines the
    highest sign change.

    References
    ----------
    AGS85a (doi:10.1103/PhysRevA.32.1007): "below T ~ 0.46 additional dynamically stable states appear" (abstract).
    """
    _check(size, 0.0)
    if size == 1:
        return 1.0
    grid = np.linspace(0.0, 1.0, 201)[:-1]
    lowest = mixture_stability(size, grid)
    stable = np.flatnonzero(lowest > 0)
    if stable.size == 0:
        return np.nan
    k = stable[-1]
    return brentq(lambda x: float(mixture_stability(size, x)), grid[k], grid[k + 1], xtol=_XTOL, rtol=_RTOL)
