"""Brute-force oracles in plain Python loops: obviously correct, for tiny sizes only.

Symbols: N neurons, P patterns; ``W`` weights with ``w[i][j] = W_ij``, ``s`` a ±1 state, ``h`` a local field,
``b`` a bias.
"""

from __future__ import annotations

import itertools
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


def _py(x):
    """A Python int or float (NumPy integers would wrap around in their own width)."""
    return x.item() if hasattr(x, "item") else x


def field_naive(w, s, i, bias=None):
    """Local field h_i = sum_j W_ij s_j (+ b_i), with ``w[i][j] = W_ij``."""
    h = sum(_py(w[i][j]) * int(s[j]) for j in range(len(s)))
    return h + _py(bias[i]) if bias is not None else h


def decide_naive(h, si):
    """+1 for a positive field, -1 for a negative one, the current spin si for a zero field."""
    if h > 0:
        return 1
    if h < 0:
        return -1
    return int(si)


def sync_step_naive(w, s, bias=None):
    """One synchronous update: every neuron decides from the fields of the old state; returns a new list."""
    return [decide_naive(field_naive(w, s, i, bias), s[i]) for i in range(len(s))]


def shuffle_naive(words):
    """Inside-out Fisher-Yates from 32-bit words: position k takes index j = (words[k] * (k + 1)) >> 32."""
    order = [0] * len(words)
    for k in range(len(words)):
        j = (int(words[k]) * (k + 1)) >> 32
        order[k] = order[j]
        order[j] = k
    return order


def visit_naive(mode, si, h, beta, word, n):
    """The spin after a visit: mode 0 zero temperature, 1 heat bath, 2 Metropolis, with u = word / 2**32."""
    if mode == 0:
        return decide_naive(h, si)
    u = int(word) / 2**32
    try:
        if mode == 1:
            return 1 if u < 1.0 / (1.0 + math.exp(-2.0 * beta * h / n)) else -1
        return -si if u < math.exp(-2.0 * beta * (si * h) / n) else si
    except OverflowError:  # exp overflows: heat bath p_up = 0; Metropolis always flips
        return -1 if mode == 1 else -si


def sweep_naive(w, s, order, words, beta, mode, bias=None):
    """One sequential sweep in ``order``, each field recomputed from scratch; ``words[k]`` is used at position k
    (ignored at zero temperature). Returns (new list, number of flips)."""
    s = [int(x) for x in s]
    flips = 0
    for k, i in enumerate(order):
        new = visit_naive(mode, s[i], field_naive(w, s, i, bias), beta, words[k] if mode else 0, float(len(s)))
        flips += new != s[i]
        s[i] = new
    return s, flips


def energy_naive(w, s, bias=None):
    """Energy per neuron -(1 / N^2) (sum_ij W_ij s_i s_j / 2 + sum_i b_i s_i), from the exact double sum."""
    n = len(s)
    total = 0
    for i in range(n):
        for j in range(n):
            total += _py(w[i][j]) * int(s[i]) * int(s[j])
    linear = sum(_py(bias[i]) * int(s[i]) for i in range(n)) if bias is not None else 0
    return -(total / 2 + linear) / (n * n)


def overlap_naive(pattern, s):
    """Overlap m = (1/N) sum_i xi_i s_i."""
    n = len(s)
    return sum(int(pattern[i]) * int(s[i]) for i in range(n)) / n


def fixed_point_naive(w, s, bias=None):
    """No neuron's field opposes its spin (a zero field keeps it)."""
    return all(field_naive(w, s, i, bias) * int(s[i]) >= 0 for i in range(len(s)))


def storkey_naive(patterns):
    """Storkey's rule, literally (Storkey 1997): w_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N with
    h_ij = sum_{k != i, j} w_ik xi_k, pattern by pattern from w = 0; returns W = N w (the rule's own diagonal)."""
    n = len(patterns[0])
    w = [[0.0] * n for _ in range(n)]
    for xi in patterns:
        x = [int(v) for v in xi]

        def local(i, j, w=w, x=x):
            return sum(w[i][k] * x[k] for k in range(n) if k != i and k != j)

        h = [[local(i, j) for j in range(n)] for i in range(n)]
        w = [[w[i][j] + (x[i] * x[j] - x[i] * h[j][i] - h[i][j] * x[j]) / n for j in range(n)] for i in range(n)]
    return [[n * v for v in row] for row in w]


def covariance_naive(patterns, activity):
    """W_ij = sum_mu (V_i - a)(V_j - a) / (a (1 - a)) with V = (xi + 1) / 2 (the rule's own diagonal)."""
    n = len(patterns[0])
    v = [[(int(x) + 1) / 2 - activity for x in xi] for xi in patterns]
    return [[sum(c[i] * c[j] for c in v) / (activity * (1 - activity)) for j in range(n)] for i in range(n)]


def projection_naive(patterns):
    """W = N times the orthogonal projector onto the span of the patterns, from Gram-Schmidt (with diagonal)."""
    n = len(patterns[0])
    basis = []
    for xi in patterns:
        v = [float(x) for x in xi]
        for e in basis:
            dot = sum(a * b for a, b in zip(v, e, strict=True))
            v = [a - dot * b for a, b in zip(v, e, strict=True)]
        norm = math.sqrt(sum(a * a for a in v))
        if norm > 1e-9:
            basis.append([a / norm for a in v])
    return [[n * sum(e[i] * e[j] for e in basis) for j in range(n)] for i in range(n)]


# --------------------------------------------------------------------------------------------------
# Sparse Distributed Memory: plain loops on unpacked 0/1 bits
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Dense associative memory (Krotov & Hopfield 2016): the update rule from its definition
# --------------------------------------------------------------------------------------------------


def dense_interaction_naive(energy, degree, x):
    """F(x): x**p, max(x, 0)**p (Python integers, exact) or exp(x) (a float)."""
    if energy == "exponential":
        return math.exp(x)
    return max(x, 0) ** degree if energy == "rectified" else x**degree


def dense_difference_naive(patterns, s, i, energy, degree):
    """sum_mu [F(xi_i + sum_{j != i} xi_j s_j) - F(-xi_i + sum_{j != i} xi_j s_j)] (Krotov & Hopfield 2016, eq. 3):
    exact for the integer energies, math.fsum of the terms for the exponential one."""
    terms = []
    for xi in patterns:
        rest = sum(int(xi[j]) * int(s[j]) for j in range(len(s)) if j != i)
        terms.append(dense_interaction_naive(energy, degree, int(xi[i]) + rest)
                     - dense_interaction_naive(energy, degree, -int(xi[i]) + rest))
    return math.fsum(terms) if energy == "exponential" else sum(terms)


def dense_sweep_naive(patterns, s, order, energy, degree):
    """One zero-temperature sweep in ``order``: each neuron takes the sign of its difference, keeping its spin on
    zero. Returns (new list, flips)."""
    s = [int(x) for x in s]
    flips = 0
    for i in order:
        new = decide_naive(dense_difference_naive(patterns, s, i, energy, degree), s[i])
        flips += new != s[i]
        s[i] = new
    return s, flips


def dense_sync_step_naive(patterns, s, energy, degree):
    """One synchronous zero-temperature step: every neuron decides from the same state."""
    return [decide_naive(dense_difference_naive(patterns, s, i, energy, degree), s[i]) for i in range(len(s))]


def dense_energy_naive(patterns, s, energy, degree):
    """Energy per neuron: -sum_mu F(xi . s) / (p N^p) (polynomial, rectified) or -sum_mu exp(xi . s - N) / N."""
    n = len(s)
    dots = [sum(int(x) * int(v) for x, v in zip(xi, s, strict=True)) for xi in patterns]
    if energy == "exponential":
        return -math.fsum(math.exp(d - n) for d in dots) / n
    return -sum(dense_interaction_naive(energy, degree, d) for d in dots) / (degree * n**degree)


# --------------------------------------------------------------------------------------------------
# Modern Hopfield network: separation functions from their definitions
# --------------------------------------------------------------------------------------------------


def softmax_naive(z, offset=0.0):
    """exp(z_i) / (offset + sum_j exp(z_j)) (offset 1: softmax_1), in plain floats."""
    e = [math.exp(v) for v in z]
    return [v / (offset + math.fsum(e)) for v in e]


def simplex_projection_naive(z, alpha=2.0, tol=1e-13):
    """alpha-entmax by its definition: weights [(alpha - 1) z_i - tau]_+^(1/(alpha - 1)) summing to 1, tau found by
    plain bisection over a bracket; alpha = 2 is sparsemax, the Euclidean projection onto the simplex."""
    x = [(alpha - 1.0) * v for v in z]

    def total(tau):
        return math.fsum(max(v - tau, 0.0) ** (1.0 / (alpha - 1.0)) for v in x)

    lo, hi = max(x) - 1.0, max(x)
    while hi - lo > tol * max(1.0, abs(hi)):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if total(mid) >= 1.0 else (lo, mid)
    w = [max(v - lo, 0.0) ** (1.0 / (alpha - 1.0)) for v in x]
    return [v / math.fsum(w) for v in w]
# --------------------------------------------------------------------------------------------------
# Shared kernels (amsim.kernels): plain loops on unpacked bits and spins
# --------------------------------------------------------------------------------------------------


def packed_distances_naive(a_bits, b_bits):
    """``out[i][j]`` = Hamming distance between bit row i of ``a_bits`` and bit row j of ``b_bits`` (lists of ints)."""
    return [[hamming_naive(x, y) for y in b_bits] for x in a_bits]


def overlap_count_naive(pattern, s):
    """Overlap count m = sum_i xi_i s_i of a ±1 pattern and a ±1 state (an exact int)."""
    return sum(int(pattern[i]) * int(s[i]) for i in range(len(s)))


# --------------------------------------------------------------------------------------------------
# Sparsey
# --------------------------------------------------------------------------------------------------


def sparsey_csa_naive(w, x, draws, modules, units, g_min, eta_max, gamma, center, slope):
    """One item through Rinkus' Code Selection Algorithm, straight from the steps: w[j][i] binary weights (N x M,
    lists, updated in place by learning), x a 0/1 input, draws Q uniform numbers. Returns (code, G)."""
    n = sum(int(v) for v in x)
    big_u = [sum(int(x[j]) * int(w[j][i]) for j in range(len(x))) / n if n else 0.0
             for i in range(modules * units)]
    mu = [max(big_u[q * units:(q + 1) * units]) for q in range(modules)]
    g = sum(mu) / modules
    eta = eta_max * ((g - g_min) / (1 - g_min)) ** gamma if g > g_min else 0.0
    code = []
    for q in range(modules):
        psi = [1 + eta / (1 + math.exp(-slope * (big_u[q * units + k] - center))) for k in range(units)]
        rho = [p / sum(psi) for p in psi]
        winner, running = units - 1, 0.0
        for k in range(units):
            running += rho[k]
            if draws[q] < running:
                winner = k
                break
        code.append(winner)
        for j in range(len(x)):
            if x[j]:
                w[j][q * units + winner] = 1
    return code, g


# --------------------------------------------------------------------------------------------------
# Active dendrites (sparse distributed representations)
# --------------------------------------------------------------------------------------------------


def false_match_naive(n, a, s, theta):
    """Fraction of all a-subsets of range(n) holding >= theta of the segment's synapses range(s); a Fraction."""
    from fractions import Fraction

    subsets = list(itertools.combinations(range(n), a))
    return Fraction(sum(sum(i < s for i in x) >= theta for x in subsets), len(subsets))


def false_negative_naive(a, s, theta, moved):
    """Fraction of the ways to move `moved` of a pattern's a bits that leave < theta of the s synapses (on bits
    range(s) of the pattern) active; a Fraction."""
    from fractions import Fraction

    choices = list(itertools.combinations(range(a), moved))
    return Fraction(sum(s - sum(i < s for i in c) < theta for c in choices), len(choices))


def union_false_match_naive(n, a, s, theta, m):
    """Fraction, over every m-tuple of s-subsets (the segment's synapses) and every a-subset (the input), of the
    pairs whose overlap reaches theta; a Fraction."""
    from fractions import Fraction

    segments = list(itertools.combinations(range(n), s))
    inputs = [set(x) for x in itertools.combinations(range(n), a)]
    hits = total = 0
    for tup in itertools.product(segments, repeat=m):
        synapses = set().union(*tup)
        for x in inputs:
            hits += len(synapses & x) >= theta
            total += 1
    return Fraction(hits, total)


def segment_overlaps_naive(segment_bits, input_bits):
    """Active synapses: for each input row b and segment row k, the positions set in both; a list of lists."""
    return [[sum(int(x) and int(y) for x, y in zip(seg, inp, strict=True)) for seg in segment_bits]
            for inp in input_bits]
