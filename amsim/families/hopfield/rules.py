"""Learning rules: the weights ``W`` (couplings ``J = W / N``) and bias of a Hopfield network from its patterns.

Host code shared by every backend, so the weights are identical everywhere. Hebbian counts (and their clipped
and diluted forms) stay integers, in the smallest dtype that holds them; the real-valued rules (Storkey,
projection, covariance) give float64 weights rounded to a power-of-two grid (see :func:`on_grid`) on which every
field, energy and incremental update is an exact sum in any order, so the ±1 dynamics are identical on the NumPy,
Numba and CUDA backends. All rules are scaled so that for orthogonal ±1 patterns they give the Hebbian counts
``W_ij = sum_mu xi_i^mu xi_j^mu``.

Symbols: N neurons, P patterns, ``xi`` (P, N) ±1 patterns, ``a`` activity, ``theta`` threshold.
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np

#: Largest |W_ij| each integer weight dtype may hold, smallest first.
INTEGER_DTYPES = ((127, np.int8), (32767, np.int16), (2**31 - 1, np.int32))


def count_dtype(n_patterns: int) -> type[np.signedinteger]:
    """The smallest integer dtype that holds every Hebbian count ``|W_ij| <= P``."""
    return next(dtype for top, dtype in INTEGER_DTYPES if n_patterns <= top)


def hebbian(patterns: np.ndarray, kernels: ModuleType) -> np.ndarray:
    """Hebbian counts ``W_ij = sum_mu xi_i^mu xi_j^mu`` (N, N), zero diagonal, in :func:`count_dtype`.

    References
    ----------
    J. J. Hopfield, PNAS 79, 2554 (1982), doi:10.1073/pnas.79.8.2554.
    """
    n_patterns, n = patterns.shape
    weights = np.empty((n, n), dtype=count_dtype(n_patterns))
    kernels.hebbian_weights(patterns, weights)
    return weights


def clipped(patterns: np.ndarray, kernels: ModuleType) -> np.ndarray:
    """Clipped (binary) synapses ``W_ij = sign(sum_mu xi_i^mu xi_j^mu)`` in {-1, 0, 1}, int8, zero diagonal.

    References
    ----------
    H. Sompolinsky, Phys. Rev. A 34, 2571 (1986), doi:10.1103/PhysRevA.34.2571 (clipped synapses, alpha_c ~ 0.1).
    """
    return np.sign(hebbian(patterns, kernels)).astype(np.int8)


def storkey(patterns: np.ndarray) -> np.ndarray:
    """Storkey's incremental rule, float64 (N, N) with the rule's own diagonal, scaled by N.

    With ``w = W / N`` and patterns learnt one at a time from ``w = 0``::

        w_ij <- w_ij + (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N,   h_ij = sum_{k != i, j} w_ik xi_k

    In matrix form, with ``g_i = sum_{k != i} W_ik xi_k``: ``W <- W + xi xi^T - (xi g^T + g xi^T) / N +
    (W + W^T) / N`` off the diagonal and ``W_ii <- W_ii + 1 - 2 xi_i g_i / N`` on it.

    References
    ----------
    A. Storkey, Increasing the capacity of a Hopfield network without sacrificing functionality, ICANN 1997,
    Lecture Notes in Computer Science 1327, 451; A. J. Storkey & R. Valabregue, Neural Networks 12, 869 (1999).
    """
    n = patterns.shape[1]
    w = np.zeros((n, n))
    for xi in patterns.astype(np.float64):
        diag = w.diagonal().copy()
        g = w @ xi - diag * xi
        new_diag = diag + 1.0 - 2.0 * xi * g / n
        w += (w + w.T) / n
        w += np.outer(xi, xi - g / n)
        w -= np.outer(g / n, xi)
        np.fill_diagonal(w, new_diag)
    return w


def projection(patterns: np.ndarray) -> np.ndarray:
    """Projection (pseudo-inverse) rule ``W = N Xi^+ Xi``, float64 (N, N) with its diagonal.

    ``Xi^+ Xi`` is the orthogonal projector onto the span of the patterns, so ``W xi^mu = N xi^mu`` for every
    stored pattern (any P <= N of linearly independent patterns); computed from the SVD of ``Xi`` and made
    exactly symmetric.

    References
    ----------
    L. Personnaz, I. Guyon & G. Dreyfus, J. Physique Lett. 46, L-359 (1985); I. Kanter & H. Sompolinsky,
    Phys. Rev. A 35, 380 (1987), doi:10.1103/PhysRevA.35.380 (zero diagonal: every pattern stable up to P = N).
    """
    xi = patterns.astype(np.float64)
    _, sv, vt = np.linalg.svd(xi, full_matrices=False)
    rank = int((sv > sv.max(initial=0.0) * max(xi.shape) * np.finfo(np.float64).eps).sum())
    basis = vt[:rank]
    w = patterns.shape[1] * (basis.T @ basis)
    return (w + w.T) / 2


def covariance(patterns: np.ndarray, activity: float) -> np.ndarray:
    """Covariance rule for 0/1 patterns ``V = (xi + 1) / 2`` of activity a, float64 (N, N) with its diagonal.

    ``W_ij = sum_mu (V_i^mu - a)(V_j^mu - a) / (a (1 - a))``, i.e. couplings ``J = W / N`` of Tsodyks & Feigel'man;
    at a = 1/2 this is the Hebb rule.

    References
    ----------
    M. V. Tsodyks & M. V. Feigel'man, Europhys. Lett. 6, 101 (1988), doi:10.1209/0295-5075/6/2/002.
    """
    c = (patterns.astype(np.float64) + 1.0) / 2.0 - activity
    return (c.T @ c) / (activity * (1.0 - activity))


def covariance_bias(weights: np.ndarray, activity: float, threshold: float) -> np.ndarray:
    """Bias of the covariance rule in ±1 variables, float64 (N,).

    A neuron fires, ``V_i = 1``, when ``sum_j J_ij V_j > theta`` with ``theta = threshold - a`` (threshold a
    fraction of the gap between the inactive, -a, and active, 1 - a, retrieval signals). With ``V = (1 + s) / 2``
    and ``J = W / N`` this is ``sum_j W_ij s_j + b_i > 0`` with ``b_i = sum_j W_ij - 2 N theta``.
    """
    n = weights.shape[0]
    return weights.sum(axis=1) - 2.0 * n * (threshold - activity)


def dilute(weights: np.ndarray, dilution: float, symmetric: bool, rng: np.random.Generator) -> None:
    """Remove a fraction ``dilution`` of the off-diagonal synapses at random, in place.

    ``symmetric``: ``W_ij`` and ``W_ji`` are removed together; otherwise independently (an asymmetric network).

    References
    ----------
    B. Derrida, E. Gardner & A. Zippelius, Europhys. Lett. 4, 167 (1987), doi:10.1209/0295-5075/4/2/007
    (extremely diluted asymmetric networks, alpha_c = 2 / pi per remaining connection).
    """
    n = weights.shape[0]
    keep = rng.random((n, n), dtype=np.float32) >= dilution
    if symmetric:
        keep = np.triu(keep, 1)
        keep |= keep.T
    np.fill_diagonal(keep, True)
    weights *= keep


def grid_quantum(total: float) -> float:
    """The power of two ``q`` with ``2 total < 2**53 q``: any sum of grid values bounded by ``2 total`` is exact."""
    return math.ldexp(1.0, math.frexp(2.0 * total)[1] - 53) if total > 0 else 1.0


def on_grid(weights: np.ndarray, bias: np.ndarray) -> None:
    """Round float64 weights and bias, in place, to multiples of :func:`grid_quantum` of ``sum |W| + sum |b|``.

    Every field ``sum_j W_ij s_j + b_i``, every energy ``s W s / 2 + b . s`` and every incremental update (``±2
    W_ij``) of ±1 states is then a sum of grid values bounded by twice that total, hence exact in float64 in any
    summation order (BLAS, SIMD, GPU threads). Each value moves by at most half a quantum, about ``2**-53`` of the
    total, below the rounding of any single float64 field.
    """
    q = grid_quantum(float(np.abs(weights).sum() + np.abs(bias).sum()))
    for a in (weights, bias):  # in place, without temporaries; dividing by a power of two is exact
        np.divide(a, q, out=a)
        np.rint(a, out=a)
        np.multiply(a, q, out=a)


def build(rule: str, patterns: np.ndarray, kernels: ModuleType, *, activity: float, threshold: float,
          self_coupling: bool, dilution: float, dilution_symmetric: bool,
          rng: np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    """Weights (outgoing layout, ``weights[j, i] = W_ij``) and bias of a network of the given rule.

    Order: the rule, the diagonal (zero unless ``self_coupling``), dilution, the covariance bias, the float grid.

    Returns
    -------
    weights : ndarray, (N, N) int8/int16/int32 (hebb, clipped) or float64
    bias : ndarray, (N,) int32 (integer weights) or float64
    """
    n_patterns, n = patterns.shape
    if rule in ("hebb", "clipped"):
        weights = hebbian(patterns, kernels) if rule == "hebb" else clipped(patterns, kernels)
        if self_coupling:
            np.fill_diagonal(weights, n_patterns if rule == "hebb" else 1)
    else:
        if rule == "storkey":
            weights = storkey(patterns)
        elif rule == "projection":
            weights = projection(patterns)
        else:
            weights = covariance(patterns, activity)
        if not self_coupling:
            np.fill_diagonal(weights, 0.0)
    if dilution:
        dilute(weights, dilution, dilution_symmetric, rng)
    if weights.dtype.kind == "f":
        bias = covariance_bias(weights, activity, threshold) if rule == "covariance" else np.zeros(n)
        on_grid(weights, bias)
    else:
        bias = np.zeros(n, np.int32)
    if dilution and not dilution_symmetric:
        weights = np.ascontiguousarray(weights.T)
    return weights, bias
