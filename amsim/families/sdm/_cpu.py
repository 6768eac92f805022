"""Numba CPU kernels of Kanerva's Sparse Distributed Memory, twins of :mod:`amsim.families.sdm.reference`.

Same names, arguments and (integer, hence identical) results as the reference. Outputs are preallocated by the
caller and nothing is validated. See the reference for the bit layout.

Symbols
-------
N  address bits, W = ceil(N / 64) address words
M  hard locations, Mw = ceil(M / 64) activation words per address
D  data bits
B  batch of addresses (writes or reads)
r  inclusive activation radius
C  counters (M, D), int16 or int32, saturating at ``[low, high]``

Speed notes
-----------
* Activation is bit-packed XOR + popcount (``amsim.bits.popcount``: LLVM ``ctpop``, VPOPCNTQ with AVX-512).
  Threads take blocks of 64 locations; a block's addresses stay in L1 while every address of the batch is compared with
  them, so the M x W address table streams from memory once per batch instead of once per address, and the
  innermost loop runs over the batch (cues transposed to (W, B)) so it vectorises.
* Writes and reads touch only the active locations (about ``p M`` per address), found by walking the set bits of
  the packed activations.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from amsim.backends import FASTMATH
from amsim.bits import popcount

_FM = set(FASTMATH)  # Numba accepts a set of flags, not a frozenset


@njit(cache=True, fastmath=_FM)
def _lowest_bit(word):
    """Position (0 .. 63) of the lowest set bit of a non-zero uint64."""
    return np.int64(popcount((word & (~word + np.uint64(1))) - np.uint64(1)))


@njit(parallel=True, cache=True, fastmath=_FM)
def activate(addresses, cues, radius, active):
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
    n_locations, n_words = addresses.shape
    n_cues = cues.shape[0]
    cues_t = np.ascontiguousarray(cues.T)  # (W, B): the innermost loop over the batch reads contiguously
    last = n_words - 1
    for blk in prange(active.shape[1]):
        # Iteration blk reads locations 64 blk .. 64 blk + 63 and writes only column blk of active: race-free.
        lo = blk * 64
        hi = min(lo + 64, n_locations)
        words = np.zeros(n_cues, np.uint64)
        distance = np.zeros(n_cues, np.int64)  # stays 0 when addresses have a single word
        for m in range(lo, hi):
            for w in range(last):  # every word but the last: partial distances (the first word assigns)
                a = addresses[m, w]
                c = cues_t[w]
                if w == 0:
                    for b in range(n_cues):
                        distance[b] = np.int64(popcount(a ^ c[b]))
                else:
                    for b in range(n_cues):
                        distance[b] += np.int64(popcount(a ^ c[b]))
            a = addresses[m, last]  # the last word completes the distance and sets the activation bit
            c = cues_t[last]
            shift = np.uint64(m - lo)
            for b in range(n_cues):
                words[b] |= np.uint64(distance[b] + np.int64(popcount(a ^ c[b])) <= radius) << shift
        for b in range(n_cues):
            active[b, blk] = words[b]


@njit(parallel=True, cache=True, fastmath=_FM)
def activate_selected(masks, values, cues, active):
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
    n_locations, n_words = masks.shape
    n_cues = cues.shape[0]
    cues_t = np.ascontiguousarray(cues.T)
    for blk in prange(active.shape[1]):
        # Iteration blk reads locations 64 blk .. 64 blk + 63 and writes only column blk of active: race-free.
        lo = blk * 64
        hi = min(lo + 64, n_locations)
        words = np.zeros(n_cues, np.uint64)
        miss = np.zeros(n_cues, np.uint64)
        for m in range(lo, hi):
            miss[:] = 0
            for w in range(n_words):
                mask = masks[m, w]
                value = values[m, w]
                c = cues_t[w]
                for b in range(n_cues):
                    miss[b] |= (c[b] ^ value) & mask
            shift = np.uint64(m - lo)
            for b in range(n_cues):
                words[b] |= np.uint64(miss[b] == 0) << shift
        for b in range(n_cues):
            active[b, blk] = words[b]


@njit(cache=True, fastmath=_FM)
def _add_int16_saturating(row, delta):
    """``row <- clip(row + delta)`` to the int16 range, in int16 lanes: the wrapped sum overflowed exactly when it
    differs in sign from both operands, and then the limit on the side of ``row`` is taken."""
    for i in range(row.shape[0]):
        r = row[i]
        d = delta[i]
        t = np.int16(r + d)
        overflow = np.int16((r ^ t) & (d ^ t)) < 0
        row[i] = (np.int16(-32768) if r < 0 else np.int16(32767)) if overflow else t


@njit(cache=True, fastmath=_FM)
def _add_clipped(row, delta, low, high):
    """``row <- clip(row + delta, low, high)`` in 64-bit arithmetic (any counter type, any weight)."""
    for i in range(row.shape[0]):
        row[i] = min(max(np.int64(row[i]) + delta[i], low), high)


@njit(parallel=True, cache=True, fastmath=_FM)
def write(counters, active, signs, weights, low, high):
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
        Integer weight of each write.
    low, high : int
        Saturation limits (the counter type's range): counters never wrap around.

    Notes
    -----
    int16 counters saturating at the int16 limits, with ``|w| <= 32767``, are updated in int16 lanes (32 per
    AVX-512 vector) with overflow detection; every other case goes through 64-bit arithmetic and a clip.
    """
    n_bits = counters.shape[1]
    int16_limits = counters.itemsize == 2 and low == -32768 and high == 32767
    for blk in prange(active.shape[1]):
        # Iteration blk updates only the counter rows of locations 64 blk .. 64 blk + 63, taking the writes in
        # batch order, so each row sees the same sequence of saturating additions as sequential writes: race-free.
        base = blk * 64
        delta16 = np.empty(n_bits, np.int16)
        delta64 = np.empty(n_bits, np.int64)
        for b in range(active.shape[0]):
            word = active[b, blk]
            if word == 0:
                continue
            w = np.int64(weights[b])
            narrow = int16_limits and abs(w) <= 32767
            for i in range(n_bits):
                if narrow:
                    delta16[i] = np.int16(w * signs[b, i])
                else:
                    delta64[i] = w * signs[b, i]
            while word != 0:
                row = counters[base + _lowest_bit(word)]
                word &= word - np.uint64(1)
                if narrow:
                    _add_int16_saturating(row, delta16)
                else:
                    _add_clipped(row, delta64, low, high)


@njit(cache=True, fastmath=_FM)
def _accumulate(counters, active_row, acc):
    """``acc += C_m`` for every location m whose bit is set in the packed row (acc zeroed by the caller)."""
    for blk in range(active_row.shape[0]):
        word = active_row[blk]
        base = blk * 64
        while word != 0:
            row = counters[base + _lowest_bit(word)]
            word &= word - np.uint64(1)
            for i in range(acc.shape[0]):
                acc[i] += row[i]


@njit(parallel=True, cache=True, fastmath=_FM)
def read(counters, active, sums):
    """Sum the counters of the locations active for each read address.

    Parameters
    ----------
    counters : ndarray, (M, D) int16 or int32
        Counters C.
    active : ndarray, (B, Mw) uint64
        Packed activations of the B read addresses.
    sums : ndarray, (B, D) int64, out
        ``sums[b] = sum over active m of C_m`` (0 where no location is active).

    Notes
    -----
    With int16 counters and at most 65536 active locations the sum fits int32 (``|sum| <= 2^15 * 2^16``), so it
    is accumulated in int32 lanes (twice as many per vector) and widened once at the end.
    """
    n_bits = counters.shape[1]
    for b in prange(active.shape[0]):
        # Iteration b writes only row b of sums; counters are only read: race-free.
        n_active = 0
        for blk in range(active.shape[1]):
            n_active += np.int64(popcount(active[b, blk]))
        if counters.itemsize == 2 and n_active <= 65536:
            acc32 = np.zeros(n_bits, np.int32)
            _accumulate(counters, active[b], acc32)
            for i in range(n_bits):
                sums[b, i] = acc32[i]
        else:
            sums[b] = 0
            _accumulate(counters, active[b], sums[b])
