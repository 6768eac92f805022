"""Pattern tools every family uses: random patterns and sparse distributed representations, corruption, overlaps,
Hamming distances, unions and k-winners-take-all.

Three representations of a binary pattern of N bits:

* **spins**: ±1, int8, shape (B, N) (Hopfield networks, dense associative memories);
* **bits**: 0/1, uint8, shape (B, N) (SDM words, SDRs as bitmaps);
* **packed**: uint64 words, shape (B, ceil(N / 64)), bit i at bit ``i % 64`` of word ``i // 64``, padding zero
  (:func:`pack_bits`); overlaps and distances are XOR + popcount on these.

A sparse distributed representation (SDR) of N bits with a active ones is also held as an **index set**: the
sorted positions of its active bits, int32, shape (B, a).

Every random function draws from the ``numpy.random.Generator`` it is given, so a model's or a task's one
generator serves all of a run.

>>> import numpy as np
>>> from amsim import patterns
>>> rng = np.random.default_rng(0)
>>> xi = patterns.random_patterns(3, 100, rng)            # (3, 100) int8 of ±1
>>> cues = patterns.corrupt(xi, 0.1, rng)                  # exactly 10 bits flipped in each
>>> patterns.overlaps(cues, xi).diagonal()                 # 1 - 2 * 10 / 100
array([0.8, 0.8, 0.8])
>>> sdrs = patterns.random_sdrs(2, 2048, 40, rng)          # (2, 40) int32 active positions
>>> patterns.sdr_bits(sdrs, 2048).sum(axis=1)
array([40, 40])
"""

from __future__ import annotations

import numpy as np

from amsim import backends
from amsim.bits import pack_bits, unpack_bits
from amsim.exceptions import ValidationError

__all__ = ["corrupt", "flip_bits", "flip_count", "hamming_distances", "kwta", "overlaps", "pack_bits",
           "packed_distances", "random_bits", "random_patterns", "random_sdrs", "sdr_bits", "sdr_indices",
           "swap_active", "union", "unpack_bits"]

_CHUNK = 1 << 22  # random keys drawn at once by the index-set tools (32 MiB of float64)


def random_patterns(n_patterns: int, n_neurons: int, rng: np.random.Generator, activity: float = 0.5) -> np.ndarray:
    """Random ±1 patterns, shape (n_patterns, n_neurons), dtype int8, each bit +1 with probability ``activity``."""
    if activity == 0.5:
        return (rng.integers(0, 2, size=(n_patterns, n_neurons), dtype=np.int8) * 2 - 1).astype(np.int8)
    return np.where(rng.random((n_patterns, n_neurons)) < activity, 1, -1).astype(np.int8)


def random_bits(n_items: int, n_bits: int, rng: np.random.Generator, activity: float = 0.5) -> np.ndarray:
    """Random words of 0/1, shape (n_items, n_bits), dtype uint8, each bit 1 with probability ``activity``."""
    if activity == 0.5:
        return rng.integers(0, 2, size=(n_items, n_bits), dtype=np.uint8)
    return (rng.random((n_items, n_bits)) < activity).astype(np.uint8)


def _check_active(n_bits: int, n_active: int, where: str) -> None:
    if not 0 <= n_active <= n_bits:
        raise ValidationError(f"{where}: n_active must be between 0 and n_bits = {n_bits} (got {n_active})")


def _smallest_keys(keys: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k smallest keys of each row, (B, k), in no particular order."""
    if k == 0:
        return np.empty((keys.shape[0], 0), np.intp)
    return np.argpartition(keys, k - 1, axis=1)[:, :k]


def random_sdrs(n_items: int, n_bits: int, n_active: int, rng: np.random.Generator) -> np.ndarray:
    """Random SDRs as index sets: each row a uniformly random set of ``n_active`` of ``n_bits`` positions.

    Returns
    -------
    ndarray, (n_items, n_active) int32
        Active positions of each SDR, sorted ascending.
    """
    _check_active(n_bits, n_active, "random_sdrs")
    out = np.empty((n_items, n_active), np.int32)
    rows = max(1, _CHUNK // max(n_bits, 1))
    for lo in range(0, n_items, rows):
        hi = min(lo + rows, n_items)
        out[lo:hi] = np.sort(_smallest_keys(rng.random((hi - lo, n_bits)), n_active), axis=1)
    return out


def sdr_bits(indices: np.ndarray, n_bits: int) -> np.ndarray:
    """Index sets (B, a) to bitmaps (B, n_bits) uint8 of 0/1."""
    indices = np.asarray(indices)
    if indices.size and (indices.min() < 0 or indices.max() >= n_bits):
        raise ValidationError(f"sdr_bits: indices must lie in 0 .. {n_bits - 1} (got {indices.min()} .. "
                              f"{indices.max()})")
    bits = np.zeros((indices.shape[0], n_bits), np.uint8)
    np.put_along_axis(bits, indices.astype(np.intp), 1, axis=1)
    return bits


def sdr_indices(bits: np.ndarray) -> np.ndarray:
    """Bitmaps (B, N) of 0/1 with the same number a of ones in every row to index sets (B, a) int32, sorted."""
    bits = np.asarray(bits)
    counts = np.count_nonzero(bits, axis=1)
    if counts.size and (counts != counts[0]).any():
        raise ValidationError(f"sdr_indices: every row must have the same number of active bits (got "
                              f"{counts.min()} .. {counts.max()})")
    active = int(counts[0]) if counts.size else 0
    return np.nonzero(bits)[1].reshape(bits.shape[0], active).astype(np.int32)


def flip_count(n_bits: int, noise: float) -> int:
    """Bits flipped by a corruption of ``noise``: ``round(noise * n_bits)``."""
    if not 0 <= noise <= 1:
        raise ValidationError(f"noise: must be between 0 and 1 (got {noise!r})")
    return round(noise * n_bits)


def _flip_positions(b: int, n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """(b, k) distinct uniformly random positions in 0 .. n - 1 per row."""
    return np.argsort(rng.random((b, n)), axis=1)[:, :k]


def corrupt(states: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Copies of ±1 ``states`` (B, N) int8 with exactly ``round(noise * N)`` bits flipped in each row.

    The flipped positions are a uniformly random subset per row, so the cue overlap is exactly ``1 - 2 k / N``.
    """
    b, n = states.shape
    k = flip_count(n, noise)
    cues = np.array(states, dtype=np.int8)
    if k:
        np.negative.at(cues, (np.arange(b)[:, None], _flip_positions(b, n, k, rng)))
    return cues


def flip_bits(bits: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Copies of 0/1 ``bits`` (B, N) uint8 with exactly ``round(noise * N)`` bits flipped in each row (the same
    positions :func:`corrupt` flips for the same generator)."""
    b, n = bits.shape
    k = flip_count(n, noise)
    out = np.array(bits, dtype=np.uint8)
    if k:
        np.bitwise_xor.at(out, (np.arange(b)[:, None], _flip_positions(b, n, k, rng)), np.uint8(1))
    return out


def swap_active(indices: np.ndarray, n_bits: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """SDR noise: in each index set (B, a), ``k`` active bits chosen at random move to ``k`` random inactive
    positions, so every noisy SDR keeps a active bits and shares exactly a - k of them with the original.

    Returns
    -------
    ndarray, (B, a) int32
        The noisy index sets, sorted.
    """
    indices = np.asarray(indices)
    b, a = indices.shape
    if not 0 <= k <= min(a, n_bits - a):
        raise ValidationError(f"swap_active: k must be between 0 and min(a, n_bits - a) = {min(a, n_bits - a)} "
                              f"(got {k})")
    out = np.empty((b, a), np.int32)
    rows = max(1, _CHUNK // max(n_bits, 1))
    for lo in range(0, b, rows):
        hi = min(lo + rows, b)
        bits = sdr_bits(indices[lo:hi], n_bits).astype(bool)
        keys = rng.random((hi - lo, n_bits))
        leave = _smallest_keys(np.where(bits, keys, np.inf), k)      # k of the active bits
        enter = _smallest_keys(np.where(bits, np.inf, keys), k)      # k of the inactive ones
        row = np.arange(hi - lo)[:, None]
        bits[row, leave] = False
        bits[row, enter] = True
        out[lo:hi] = np.nonzero(bits)[1].reshape(hi - lo, a)
    return out


def overlaps(states: np.ndarray, patterns: np.ndarray, *, backend: str = "cpu") -> np.ndarray:
    """Overlaps ``m = s . xi / N`` of each ±1 state (B, N) with each ±1 pattern (P, N); returns (B, P) float64
    (exact integer dot products, then one division)."""
    states = np.ascontiguousarray(states, dtype=np.int8)
    patterns = np.ascontiguousarray(patterns, dtype=np.int8)
    if states.ndim != 2 or patterns.ndim != 2 or states.shape[1] != patterns.shape[1]:
        raise ValidationError(f"overlaps: states and patterns must be (B, N) and (P, N) (got {states.shape} and "
                              f"{patterns.shape})")
    out = np.empty((states.shape[0], patterns.shape[0]), np.float64)
    backends.kernels("amsim.kernels", backends.resolve(backend)).overlaps(patterns, states, out)
    return out


def hamming_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise Hamming distances between two (B, N) arrays of bits or spins; returns (B,) int64."""
    return (np.asarray(a) != np.asarray(b)).sum(axis=1, dtype=np.int64)


def packed_distances(a: np.ndarray, b: np.ndarray, *, backend: str = "cpu") -> np.ndarray:
    """Pairwise Hamming distances of packed rows (A, W) and (B, W) uint64 by XOR + popcount; returns (A, B) int32.

    Rows packed by :func:`pack_bits` from 0/1 bits or ±1 spins (+1 is a set bit).
    """
    a = np.ascontiguousarray(a, dtype=np.uint64)
    b = np.ascontiguousarray(b, dtype=np.uint64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValidationError(f"packed_distances: rows must be (A, W) and (B, W) words (got {a.shape} and "
                              f"{b.shape})")
    out = np.empty((a.shape[0], b.shape[0]), np.int32)
    backends.kernels("amsim.kernels", backends.resolve(backend)).packed_distances(a, b, out)
    return out


def union(items: np.ndarray, axis: int = 0) -> np.ndarray:
    """Bitwise OR along ``axis`` of 0/1 bits (uint8) or packed words (uint64): the union of the patterns."""
    items = np.asarray(items)
    if items.dtype.kind not in "bu":
        raise ValidationError(f"union: items must be 0/1 bits or packed uint64 words (got dtype {items.dtype})")
    return np.bitwise_or.reduce(items, axis=axis)


def kwta(values: np.ndarray, k: int) -> np.ndarray:
    """k-winners-take-all: 1 at the ``k`` largest values of each row (B, N), 0 elsewhere; returns (B, N) uint8.

    Ties go to the lower index, so the result is deterministic and has exactly k ones per row.
    """
    values = np.asarray(values)
    if values.ndim != 2 or not 0 <= k <= values.shape[1]:
        raise ValidationError(f"kwta: k must be between 0 and the row length (got k={k} for shape {values.shape})")
    winners = np.argsort(-values.astype(np.float64), axis=1, kind="stable")[:, :k]
    out = np.zeros(values.shape, np.uint8)
    np.put_along_axis(out, winners, 1, axis=1)
    return out
