"""Brute-force oracles of the Sparse Distributed Memory in plain Python loops on unpacked bits: obviously correct,
for tiny sizes only (to be merged into ``tests/naive.py``).

Symbols: N address bits, M hard locations, D data bits, r inclusive radius, k specified bits; addresses, data
words and cues are sequences of 0/1; counters are lists of lists of ints.
"""

from __future__ import annotations

import itertools
import math


def hamming_naive(a, b):
    """Number of positions where two bit sequences differ."""
    return sum(int(x) != int(y) for x, y in zip(a, b, strict=True))


def active_naive(addresses, cue, radius):
    """Indices m with hamming(addresses[m], cue) <= radius, ascending."""
    return [m for m, a in enumerate(addresses) if hamming_naive(a, cue) <= radius]


def active_selected_naive(masks, values, cue):
    """Indices m whose specified coordinates (mask bit 1) all hold the location's value in the cue."""
    return [m for m, (mask, value) in enumerate(zip(masks, values, strict=True))
            if all(int(c) == int(v) for c, v, s in zip(cue, value, mask, strict=True) if s)]


def write_naive(counters, active_lists, data, weights, low, high):
    """Writes in order; each adds weight * (+1 for a 1 bit, -1 for a 0 bit) to every active location's counters and
    clips to [low, high] after each addition. Returns new counters (list of lists)."""
    c = [list(map(int, row)) for row in counters]
    for rows, word, w in zip(active_lists, data, weights, strict=True):
        for m in rows:
            for i, bit in enumerate(word):
                c[m][i] = min(max(c[m][i] + int(w) * (1 if int(bit) else -1), low), high)
    return c


def read_naive(counters, rows):
    """Column sums of the counters of the locations in ``rows``; a list of ints."""
    width = len(counters[0])
    return [sum(int(counters[m][i]) for m in rows) for i in range(width)]


def threshold_naive(sums, tie_bits):
    """1 for a positive sum, 0 for a negative one, tie_bits[i] for a zero sum."""
    return [1 if s > 0 else 0 if s < 0 else int(t) for s, t in zip(sums, tie_bits, strict=True)]


def activation_probability_naive(n, radius):
    """Fraction of all 2^n points within distance ``radius`` of the origin, by enumeration."""
    return sum(1 for z in itertools.product((0, 1), repeat=n) if sum(z) <= radius) / 2**n


def intersection_naive(n, radius, d):
    """Fraction of all 2^n points within ``radius`` of both x = 0...0 and y = 1^d 0^(n-d), by enumeration."""
    y = [1] * d + [0] * (n - d)
    count = 0
    for z in itertools.product((0, 1), repeat=n):
        if sum(z) <= radius and hamming_naive(z, y) <= radius:
            count += 1
    return count / 2**n


def selected_intersection_naive(n, k, d):
    """Probability that a random selected-coordinate location (k distinct coordinates, uniform values) is active
    for both x = 0...0 and y = 1^d 0^(n-d): enumerate every coordinate set and every value assignment."""
    y = [1] * d + [0] * (n - d)
    hits = 0
    for coords in itertools.combinations(range(n), k):
        for values in itertools.product((0, 1), repeat=k):
            if all(v == 0 for v in values) and all(y[c] == v for c, v in zip(coords, values, strict=True)):
                hits += 1
    return hits / (math.comb(n, k) * 2**k)
