"""Kernels several families need, and the argument groups of the families' dynamics kernels.

The shared kernels exist three times with the same names and arguments, loaded like a family's:
``amsim.backends.kernels("amsim.kernels", backend)`` gives :mod:`amsim.kernels.reference` (readable NumPy),
:mod:`amsim.kernels._cpu` (Numba) or :mod:`amsim.kernels._cuda` (numba.cuda):

* ``overlaps(patterns, states, out)``: overlaps of ±1 states with ±1 patterns, ``s . xi / N``;
* ``overlap_counts(bits_n, states, counts)``: overlap counts ``s . xi`` by XOR + popcount on packed patterns;
* ``packed_distances(a, b, out)``: pairwise Hamming distances of bit-packed rows by XOR + popcount.

:mod:`amsim.kernels.layout` prepares pattern layouts on the host (the tiled transpose of a pattern engine).

A dynamics kernel's arguments come in three groups, the same for every family and backend, so the twins read as
``sweeps(weights, bias, states, fields, schedule, convergence, trace)``: :class:`Schedule` (what the sequential
sweeps do), :class:`Convergence` (what each state did) and :class:`Trace` (what is recorded along the way). The
groups are plain named tuples of NumPy arrays (and the mode): each twin unpacks them on the host, their fields in the
order its compiled kernels take them flat, and no compiled kernel sees a group.

Symbols: B states in the batch, N neurons, S sweeps (sequential) or steps (synchronous).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Schedule(NamedTuple):
    """What the sequential sweeps of a batch do: their visiting orders, random words and temperatures.

    Attributes
    ----------
    order_bits : ndarray, (B, S, N) or (B, 0, N) uint32
        Random words of the visiting orders: sweep t of state b visits the neurons in the inside-out
        Fisher-Yates shuffle drawn by ``order_bits[b, t]``; no sweeps on the second axis: the fixed order 0 .. N-1.
    uniform_bits : ndarray, (B, S, N) uint32, or (B, 0, N) when ``mode == 0``
        Random words of the acceptance tests: the visit at position k of sweep t of state b uses
        ``u = uniform_bits[b, t, k] * 2**-32``.
    betas : ndarray, (S,) float64
        Inverse temperature of each sweep (unused when ``mode == 0``); S is the number of sweeps.
    mode : int
        0 zero temperature, 1 Glauber (heat bath), 2 Metropolis.
    """

    order_bits: np.ndarray
    uniform_bits: np.ndarray
    betas: np.ndarray
    mode: int


class Convergence(NamedTuple):
    """Per state of the batch, how its dynamics ended (outputs, overwritten by the kernel).

    Attributes
    ----------
    steps : ndarray, (B,) int32, out
        Steps or sweeps that changed the state (zero temperature); S for the stochastic modes; the limit for a
        synchronous 2-cycle.
    converged : ndarray, (B,) bool, out
        The state reached a fixed point within the limit (always False for the stochastic modes).
    """

    steps: np.ndarray
    converged: np.ndarray


class Trace(NamedTuple):
    """What is recorded after every step or sweep: the energy per neuron and a readout overlap.

    Attributes
    ----------
    readout : ndarray, (B, N) float64 (or (B, 0) when not tracing)
        Weights of the traced overlap ``sum_i readout[b, i] s_bi``.
    energy : ndarray, (B, S) float64, or (B, 0) when not tracing, out
        ``energy[b, t]``: energy per neuron of state b after step or sweep t; a stopped state keeps its last value.
    overlap : ndarray, (B, S) float64, or (B, 0) when not tracing, out
        ``overlap[b, t]``: the readout overlap of state b after step or sweep t, likewise.
    """

    readout: np.ndarray
    energy: np.ndarray
    overlap: np.ndarray
