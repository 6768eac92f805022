"""Numba CPU kernels of Sparsey's Code Selection Algorithm, twins of :mod:`amsim.families.sparsey.reference`
(same names, arguments and integers; see there for the CSA's steps and symbols).

Learning is sequential over items (each item's code depends on what the items before it wrote); within an item
the support of all M units is summed over the rows of the active inputs, contiguous in ``weights`` (N, M).
Retrieval and read-out are parallel over items (``prange``). The roulette accumulates psi in unit order, as
``numpy.cumsum`` does, so the winners are the reference's.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_CHUNK = 64  # items per parallel task of retrieval


@njit(cache=True, nogil=True)
def _support(weights, indices, lo, hi, u):
    """CSA step 1: u (M,) = sum of the weight rows of the active inputs ``indices[lo:hi]``."""
    u[:] = 0
    for a in range(lo, hi):
        row = weights[indices[a]]
        for i in range(u.size):
            u[i] += row[i]


@njit(cache=True, nogil=True)
def learn(weights, indices, offsets, sigmoid, draws, units, g_min, eta_max, gamma, codes, familiarity):
    n_modules = codes.shape[1]
    u = np.empty(weights.shape[1], np.int64)
    psi = np.empty(units, np.float64)
    for b in range(codes.shape[0]):
        lo, hi = offsets[b], offsets[b + 1]
        n = hi - lo
        _support(weights, indices, lo, hi, u)
        total_max = 0
        for q in range(n_modules):
            best = 0
            for k in range(units):
                best = max(best, u[q * units + k])
            total_max += best
        g = total_max / (n_modules * n) if n else 0.0
        eta = eta_max * ((g - g_min) / (1.0 - g_min)) ** gamma if g > g_min else 0.0
        for q in range(n_modules):
            running = 0.0
            for k in range(units):
                running += 1.0 + eta * sigmoid[b, u[q * units + k]]
                psi[k] = running
            target = draws[b, q] * running
            winner = units - 1
            for k in range(units):
                if target < psi[k]:
                    winner = k
                    break
            codes[b, q] = winner
            column = q * units + winner
            for a in range(lo, hi):
                weights[indices[a], column] = 1
        familiarity[b] = g


@njit(cache=True, nogil=True, parallel=True)
def recognise(weights, indices, offsets, units, codes, familiarity):
    n_items, n_modules = codes.shape
    n_chunks = (n_items + _CHUNK - 1) // _CHUNK
    for c in prange(n_chunks):
        u = np.empty(weights.shape[1], np.int64)  # one support vector per chunk of items, not per item
        for b in range(c * _CHUNK, min(n_items, (c + 1) * _CHUNK)):
            lo, hi = offsets[b], offsets[b + 1]
            _support(weights, indices, lo, hi, u)
            total_max = 0
            for q in range(n_modules):
                best, winner = u[q * units], 0
                for k in range(1, units):
                    if u[q * units + k] > best:
                        best, winner = u[q * units + k], k
                codes[b, q] = winner
                total_max += best
            familiarity[b] = total_max / (n_modules * (hi - lo)) if hi > lo else 0.0


@njit(cache=True, nogil=True, parallel=True)
def read_out(weights, codes, units, threshold, states):
    n_modules = codes.shape[1]
    for b in prange(codes.shape[0]):
        for j in range(weights.shape[0]):
            count = 0
            for q in range(n_modules):
                count += weights[j, q * units + codes[b, q]]
            states[b, j] = 1 if count >= threshold else 0
