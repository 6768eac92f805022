"""NumPy reference kernels of Sparsey's Code Selection Algorithm (CSA), written for clarity; the twins in
:mod:`._cpu` and :mod:`._cuda` take the same arguments and give the same integers.

The CSA, as published (Rinkus 2014, *Front. Comput. Neurosci.* 8:160, Table 1, steps 1-9; Rinkus 2017,
arXiv:1710.07829, Fig. 3 and its equations), for the purely spatial, single-source case (bottom-up input only: no
horizontal or top-down signals, so Rinkus' V equals U):

1. input summation (2014 eq. 1): ``u_i = sum_j x_j w_ji``, the active inputs wired to unit i;
2. normalisation (eq. 2): ``U_i = u_i / n``, n the number of active inputs (Rinkus bounds n from below and above;
   we take n itself, and ``U = 0`` for an empty input);
3. (eq. 3, the product of the U, H and D signals) ``V_i = U_i`` with a single source;
4. the max support of each CM (eq. 4): ``mu_q = max_{i in CM q} V_i``;
5. familiarity (eq. 5): ``G = mean_q mu_q``, computed here as ``(sum_q max u) / (Q n)``, exact in every backend;
6. expansivity (eq. 6): ``eta = eta_max ((G - g_min) / (1 - g_min))**gamma`` for ``G > g_min``, else 0 (Rinkus
   writes ``1 + ...`` with ``chi K`` for our ``eta_max``; our sigmoid adds the 1 below);
7. relative win likelihood (eq. 7): ``psi_i = 1 + eta / (1 + exp(-slope (V_i - center)))``, Rinkus' sigmoid with
   sigma_1 = sigma_4 = 1. A novel input (G <= g_min) makes every psi 1, a uniform choice: a new random code; a
   familiar one makes the best-supported unit of each CM win almost surely: its old code;
8. within-CM normalisation (eq. 8): ``rho_i = psi_i / sum_{k in CM} psi_k``;
9. soft-max choice (eq. 9): one winner per CM drawn from rho, by roulette against a uniform number drawn on the
   host (the first unit whose running sum of psi exceeds ``draw * total``).

Learning is single-trial and Hebbian on binary weights: every active input is wired (``w_ji = 1``) to every
winner. Where we chose: the sigmoid's values ``1 / (1 + exp(-slope (u / n - center)))`` for u = 0 .. n are
computed on the host (``sigmoid``, one row per item), so the kernels only multiply and add and every backend sees
the same numbers. Retrieval (:func:`recognise`) is the CSA with eta -> infinity: the best-supported unit of each
CM (the first on ties). Read-out (:func:`read_out`) sends the code back down the same binary weights: input bit j
reads 1 when it is wired to at least ``threshold`` of the code's Q units.

Not implemented (yet): the horizontal (H, sequences) and top-down (D) signals of eq. 3, Rinkus' bounds on n, the
critical period that freezes a field's learning, and hierarchies of fields over small receptive fields.

Symbols
-------
N  input bits, the rows of ``weights`` (N, M) uint8; M = Q K coding-field units, CM q owning units qK .. qK + K - 1
B  items; their active inputs are ``indices[offsets[b]:offsets[b + 1]]`` (int64, CSR)
A  the largest number of active inputs of an item; ``sigmoid`` (B, A + 1) float64
"""

from __future__ import annotations

import numpy as np


def _support(weights: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Input summation u (M,) int64 of the active inputs (CSA step 1)."""
    return weights[active].sum(axis=0, dtype=np.int64)


def learn(weights: np.ndarray, indices: np.ndarray, offsets: np.ndarray, sigmoid: np.ndarray, draws: np.ndarray,
          units: int, g_min: float, eta_max: float, gamma: float, codes: np.ndarray,
          familiarity: np.ndarray) -> None:
    """Choose a code for each of B items in turn with the CSA and learn it at once (single trial).

    Parameters
    ----------
    weights : ndarray, (N, M) uint8 of 0/1
        Binary input-to-field weights, updated in place (item b sees the learning of items 0 .. b - 1).
    indices, offsets : ndarray, int64
        The items' active inputs (CSR).
    sigmoid : ndarray, (B, A + 1) float64
        ``1 / (1 + exp(-slope (u / n_b - center)))`` for u = 0 .. n_b (row b).
    draws : ndarray, (B, Q) float64 in [0, 1)
        Host-drawn uniform numbers of the soft-max choice.
    units : int
        K.
    g_min, eta_max, gamma : float
        The familiarity-to-expansivity map (step 6).
    codes : ndarray, (B, Q) int32
        Output: the winner of each CM (0 .. K - 1).
    familiarity : ndarray, (B,) float64
        Output: G of each item before it was learned.
    """
    n_modules = codes.shape[1]
    for b in range(codes.shape[0]):
        active = indices[offsets[b]:offsets[b + 1]]
        n = active.size
        u = _support(weights, active).reshape(n_modules, units)
        g = u.max(axis=1).sum() / (n_modules * n) if n else 0.0
        eta = eta_max * ((g - g_min) / (1.0 - g_min)) ** gamma if g > g_min else 0.0
        psi = 1.0 + eta * sigmoid[b, u]  # (Q, K)
        running = np.cumsum(psi, axis=1)
        for q in range(n_modules):
            target = draws[b, q] * running[q, -1]
            codes[b, q] = min(int(np.searchsorted(running[q], target, side="right")), units - 1)
        familiarity[b] = g
        weights[np.ix_(active, np.arange(n_modules) * units + codes[b])] = 1


def recognise(weights: np.ndarray, indices: np.ndarray, offsets: np.ndarray, units: int, codes: np.ndarray,
              familiarity: np.ndarray) -> None:
    """Retrieve the code of each of B items without learning: the best-supported unit of each CM (the first on
    ties), and the items' familiarity G.

    Parameters
    ----------
    weights : ndarray, (N, M) uint8 of 0/1
    indices, offsets : ndarray, int64
        The items' active inputs (CSR).
    units : int
        K.
    codes : ndarray, (B, Q) int32
        Output: the winner of each CM.
    familiarity : ndarray, (B,) float64
        Output: G (0 for an item with no active input).
    """
    n_modules = codes.shape[1]
    for b in range(codes.shape[0]):
        active = indices[offsets[b]:offsets[b + 1]]
        u = _support(weights, active).reshape(n_modules, units)
        codes[b] = u.argmax(axis=1)
        familiarity[b] = u.max(axis=1).sum() / (n_modules * active.size) if active.size else 0.0


def read_out(weights: np.ndarray, codes: np.ndarray, units: int, threshold: int, states: np.ndarray) -> None:
    """Send each code back down the binary weights: input bit j reads 1 when it is wired to at least
    ``threshold`` of the code's Q units.

    Parameters
    ----------
    weights : ndarray, (N, M) uint8 of 0/1
    codes : ndarray, (B, Q) int32
    units : int
        K.
    threshold : int
        Units of the code (1 .. Q) a bit must be wired to.
    states : ndarray, (B, N) uint8
        Output: the bits read.
    """
    columns = np.arange(codes.shape[1]) * units + codes  # (B, Q) field units of each code
    counts = weights[:, columns].sum(axis=2, dtype=np.int64)  # (N, B)
    states[...] = (counts.T >= threshold).astype(np.uint8)
