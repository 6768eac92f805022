"""Readable NumPy kernels of Kanerva's Sparse Distributed Memory: the reference the Numba and CUDA twins match.

Every kernel writes into caller-allocated outputs and validates nothing (validation happens upstream). Counters
and sums are integers, so all backends give identical results.

Bit layout (shared by every backend, :func:`amsim.bits.pack_bits`): an n-bit vector is packed into
``W = ceil(n / 64)`` uint64 words, bit i in word ``i // 64`` at position ``i % 64`` (least significant first),
padding bits zero. Activations are packed the same way over the locations: bit m of row b of ``active`` says
whether location m is active for address b.

Symbols
-------
N  address bits, W = ceil(N / 64) address words
M  hard locations, Mw = ceil(M / 64) activation words per address
D  data bits
B  batch of addresses (writes or reads)
r  inclusive activation radius: location m is active for address x when ``popcount(A_m XOR x) <= r``
C  counters (M, D), int16 or int32, saturating at ``[low, high]``
"""

from __future__ import annotations

import numpy as np

from amsim.bits import pack_bits, unpack_bits


def _active_locations(active_row: np.ndarray) -> np.ndarray:
    """Indices of the set bits of one packed activation row, ascending."""
    return np.flatnonzero(unpack_bits(active_row))


def activate(addresses: np.ndarray, cues: np.ndarray, radius: int, active: np.ndarray) -> None:
    """Hamming activation: location m is active for cue b when ``popcount(addresses[m] XOR cues[b]) <= radius``.

    Parameters
    ----------
    addresses : ndarray, (M, W) uint64
        Packed hard-location addresses.
    cues : ndarray, (B, W) uint64
        Packed addresses to activate for.
    radius : int
        Inclusive radius r (a negative radius activates nothing).
    active : ndarray, (B, Mw) uint64, out
        Packed activations; every word is overwritten.
    """
    for b in range(cues.shape[0]):
        distance = np.bitwise_count(addresses ^ cues[b]).sum(axis=1, dtype=np.int64)
        active[b] = pack_bits(distance <= radius)


def activate_selected(masks: np.ndarray, values: np.ndarray, cues: np.ndarray, active: np.ndarray) -> None:
    """Jaeckel activation: location m is active for cue b when the cue equals ``values[m]`` on every bit of
    ``masks[m]`` (the location's specified coordinates).

    Parameters
    ----------
    masks : ndarray, (M, W) uint64
        Packed specified coordinates of each location.
    values : ndarray, (M, W) uint64
        Packed required values (zero outside the mask).
    cues : ndarray, (B, W) uint64
        Packed addresses to activate for.
    active : ndarray, (B, Mw) uint64, out
        Packed activations; every word is overwritten.
    """
    for b in range(cues.shape[0]):
        match = ~(((cues[b] ^ values) & masks) != 0).any(axis=1)
        active[b] = pack_bits(match)


def write(counters: np.ndarray, active: np.ndarray, signs: np.ndarray, weights: np.ndarray, low: int,
          high: int) -> None:
    """Add ``weights[b] * signs[b]`` to the counters of every location active for write b, in the order
    b = 0, 1, ..., saturating after each addition: ``C_m <- clip(C_m + w_b s_b, low, high)``.

    Parameters
    ----------
    counters : ndarray, (M, D) int16 or int32, in/out
        Counters C.
    active : ndarray, (B, Mw) uint64
        Packed activations of the B write addresses.
    signs : ndarray, (B, D) int8
        Data words as ±1 (+1 for a 1 bit).
    weights : ndarray, (B,) int32
        Integer weight of each write (1 for Kanerva's rule; negative weights erase).
    low, high : int
        Saturation limits (the counter type's range): counters never wrap around.
    """
    for b in range(active.shape[0]):
        rows = _active_locations(active[b])
        updated = counters[rows].astype(np.int64) + np.int64(weights[b]) * signs[b].astype(np.int64)
        counters[rows] = np.clip(updated, low, high)


def read(counters: np.ndarray, active: np.ndarray, sums: np.ndarray) -> None:
    """Sum the counters of the locations active for each read address.

    Parameters
    ----------
    counters : ndarray, (M, D) int16 or int32
        Counters C.
    active : ndarray, (B, Mw) uint64
        Packed activations of the B read addresses.
    sums : ndarray, (B, D) int64, out
        ``sums[b] = sum over active m of C_m`` (0 where no location is active).
    """
    for b in range(active.shape[0]):
        sums[b] = counters[_active_locations(active[b])].sum(axis=0, dtype=np.int64)
