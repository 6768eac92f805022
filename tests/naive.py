"""Brute-force oracles in plain Python loops: obviously correct, for tiny sizes only.

Symbols: N neurons, P patterns; ``W`` Hebbian weight counts, ``s`` a ±1 state, ``h`` a local field.
"""

from __future__ import annotations

import math

# --------------------------------------------------------------------------------------------------
# Hopfield
# --------------------------------------------------------------------------------------------------


def hebbian_weights_naive(patterns):
    """W[i][j] = sum over patterns of xi_i xi_j for i != j, 0 on the diagonal; a list of lists of ints."""
    n = len(patterns[0])
    w = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j:
                for xi in patterns:
                    w[i][j] += int(xi[i]) * int(xi[j])
    return w


def field_naive(w, s, i):
    """Local field h_i = sum_j W_ij s_j, an int."""
    return sum(int(w[i][j]) * int(s[j]) for j in range(len(s)))


def decide_naive(h, si):
    """+1 for a positive field, -1 for a negative one, the current spin si for a zero field."""
    if h > 0:
        return 1
    if h < 0:
        return -1
    return int(si)


def sync_step_naive(w, s):
    """One synchronous update: every neuron decides from the fields of the old state; returns a new list."""
    return [decide_naive(field_naive(w, s, i), s[i]) for i in range(len(s))]


def async_sweep_naive(w, s, order):
    """One asynchronous sweep in ``order``, each field recomputed from scratch; returns (new list, flips)."""
    s = [int(x) for x in s]
    flips = 0
    for i in order:
        new = decide_naive(field_naive(w, s, i), s[i])
        if new != s[i]:
            s[i] = new
            flips += 1
    return s, flips


def energy_naive(w, s):
    """Energy per neuron -(1 / (2 N^2)) sum_i sum_j W_ij s_i s_j, from the exact integer double sum."""
    n = len(s)
    total = 0
    for i in range(n):
        for j in range(n):
            total += int(w[i][j]) * int(s[i]) * int(s[j])
    return -total / (2 * n * n)


def overlap_naive(pattern, s):
    """Overlap m = (1/N) sum_i xi_i s_i."""
    n = len(s)
    return sum(int(pattern[i]) * int(s[i]) for i in range(n)) / n


def glauber_sweep_naive(w, s, order, uniforms, beta):
    """One heat-bath sweep in ``order``, each field recomputed from scratch; ``uniforms[k]`` is used at position k.

    Neuron i becomes +1 when uniforms[k] < 1 / (1 + exp(-2 beta h_i / N)), else -1; returns a new list.
    """
    s = [int(x) for x in s]
    n = float(len(s))
    for k, i in enumerate(order):
        try:
            p_up = 1.0 / (1.0 + math.exp(-2.0 * beta * field_naive(w, s, i) / n))
        except OverflowError:  # exp overflows: p_up is 0
            p_up = 0.0
        s[i] = 1 if uniforms[k] < p_up else -1
    return s
