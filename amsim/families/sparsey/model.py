"""Sparsey's coding field: Q competitive modules of K binary units over N binary inputs, coding each input by one
winner per module, chosen by the Code Selection Algorithm and learned in a single trial.

>>> import numpy as np
>>> from amsim.families.sparsey import Sparsey
>>> from amsim.patterns import random_sdrs, sdr_bits
>>> rng = np.random.default_rng(0)
>>> items = sdr_bits(random_sdrs(200, 256, 24, rng), 256)     # (P, N) uint8 of 0/1
>>> model = Sparsey(input_bits=256, modules=64, units=16, random_state=1).store(items)
>>> codes, g = model.encode(items)                             # retrieval: (P, Q) int32 and (P,) familiarity
>>> (codes == model.codes_).all(axis=1).mean()                 # doctest: +SKIP
1.0

Conventions
-----------
Items are rows of 0/1 bits (uint8). A code is a row of Q winners (int32, 0 .. K - 1, one per CM). ``store`` runs
the CSA (:mod:`amsim.families.sparsey.reference`) on each item in turn, drawing the soft-max numbers from the
model's generator, and wires every active input to every winner; ``encode`` retrieves codes without learning;
``recall`` retrieves the code and reads the input back out through the same binary weights.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from amsim.exceptions import ValidationError
from amsim.families.sparsey.params import SparseyParams
from amsim.family import Model, Recall
from amsim.resources import require_memory


def active_lists(bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Active inputs of each row of ``bits`` (B, N) 0/1 as CSR: (indices int64, offsets (B + 1,) int64)."""
    rows, cols = np.nonzero(bits)
    offsets = np.zeros(bits.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=bits.shape[0]), out=offsets[1:])
    return cols.astype(np.int64), offsets


def sigmoid_table(counts: np.ndarray, center: float, slope: float) -> np.ndarray:
    """The CSA's sigmoid ``1 / (1 + exp(-slope (u / n - center)))`` for u = 0 .. max n, one row per item with n
    active inputs (``counts`` (B,)); entries beyond an item's n are never read. Returns (B, max n + 1) float64."""
    width = int(counts.max()) + 1 if counts.size else 1
    u = np.arange(width, dtype=np.float64)
    ratio = u[None, :] / np.maximum(counts, 1)[:, None].astype(np.float64)
    return 1.0 / (1.0 + np.exp(-slope * (ratio - center)))


class Sparsey(Model):
    """Rinkus' Sparsey coding field (the spatial case: one level, bottom-up input only).

    Constructed as every family's model (:mod:`amsim.family`); the first store or retrieval allocates the weights
    (N, Q K) uint8. ``store`` learns one code per item with the CSA; ``encode`` retrieves codes and familiarity;
    ``recognise`` says which inputs are familiar; ``recall`` (the contract's verb) reads the input back out.

    Parameters
    ----------
    params : SparseyParams, optional
        Settings; keywords override them (input_bits, modules, units, the CSA's g_min, eta_max, gamma, center,
        slope, and readout and recognition).
    backend : {"auto", "numpy", "cpu", "cuda"}
    random_state : int or numpy.random.Generator, optional
        Source of the soft-max draws.

    Attributes
    ----------
    weights_ : ndarray, (N, Q K) uint8
        Binary input-to-field weights.
    codes_ : ndarray, (P, Q) int32
        The codes learned, in the order stored.
    familiarity_ : ndarray, (P,) float64
        Each stored item's familiarity G when it was learned.

    References
    ----------
    G. Rinkus, "Sparsey: event recognition via deep hierarchical sparse distributed codes", Front. Comput.
    Neurosci. 8:160 (2014). G. Rinkus, "Superposed Episodic and Semantic Memory via Sparse Distributed
    Representation", arXiv:1710.07829 (2017).
    """

    params_class = SparseyParams
    kernel_package = "amsim.families.sparsey"
    items = "bits"

    @property
    def width(self) -> int:
        """Input bits N."""
        return self.params.input_bits

    def nbytes(self) -> int:
        """Bytes of the weights: N Q K."""
        return self.params.input_bits * self.params.field_units

    def _ensure(self) -> None:
        if not hasattr(self, "weights_"):
            p = self.params
            require_memory(self.nbytes(), f"Sparsey.modules: {p.modules} x {p.units} units over {p.input_bits} "
                           "inputs", "use fewer modules, units or input_bits")
            self.backend_  # resolve now: a missing backend fails before allocating  # noqa: B018
            self.weights_ = np.zeros((p.input_bits, p.field_units), np.uint8)
            self.codes_ = np.zeros((0, p.modules), np.int32)
            self.familiarity_ = np.zeros(0, np.float64)

    def _bits(self, name: str, bits: Any) -> np.ndarray:
        """``bits`` as a C-contiguous (B, N) uint8 array of 0/1, or a ValidationError naming ``name``."""
        n = self.params.input_bits
        a = np.asarray(bits)
        if a.ndim == 1:
            a = a[None, :]
        if a.ndim != 2 or a.shape[1] != n:
            raise ValidationError(f"Sparsey.{name}: must have shape (B, {n}) (got {tuple(np.shape(bits))})")
        if not ((a == 0) | (a == 1)).all():
            raise ValidationError(f"Sparsey.{name}: must hold only 0 and 1 (got values {np.unique(a)[:5].tolist()})")
        return np.ascontiguousarray(a, dtype=np.uint8)

    def learn(self, items: Any) -> np.ndarray:
        """Choose and learn a code for each item (B, N) in turn (single trial); returns the codes (B, Q) int32."""
        p = self.params
        bits = self._bits("items", items)
        self._ensure()
        indices, offsets = active_lists(bits)
        sigmoid = sigmoid_table(np.diff(offsets), p.center, p.slope)
        draws = self.rng_.random((bits.shape[0], p.modules))
        codes = np.zeros((bits.shape[0], p.modules), np.int32)
        familiarity = np.zeros(bits.shape[0], np.float64)
        self.kernels_.learn(self.weights_, indices, offsets, sigmoid, draws, p.units, p.g_min, p.eta_max, p.gamma,
                            codes, familiarity)
        self.codes_ = np.concatenate([self.codes_, codes])
        self.familiarity_ = np.concatenate([self.familiarity_, familiarity])
        return codes

    def store(self, items: Any) -> Sparsey:
        """The contract's storing verb: :meth:`learn` the items (B, N); returns ``self``."""
        self.learn(items)
        return self

    def encode(self, items: Any) -> tuple[np.ndarray, np.ndarray]:
        """Retrieve the code of each item (B, N) without learning: (codes (B, Q) int32, familiarity G (B,))."""
        bits = self._bits("items", items)
        self._ensure()
        indices, offsets = active_lists(bits)
        codes = np.zeros((bits.shape[0], self.params.modules), np.int32)
        familiarity = np.zeros(bits.shape[0], np.float64)
        self.kernels_.recognise(self.weights_, indices, offsets, self.params.units, codes, familiarity)
        return codes, familiarity

    def recognise(self, items: Any) -> np.ndarray:
        """Whether each item (B, N) is familiar: G >= ``recognition``; returns (B,) bool."""
        return self.encode(items)[1] >= self.params.recognition

    def decode(self, codes: Any, *, readout: float | None = None) -> np.ndarray:
        """Read the inputs of codes (B, Q) back out through the weights: bit j reads 1 when it is wired to at least
        ``ceil(readout Q)`` of the code's units (``readout`` defaults to the model's). Returns (B, N) uint8."""
        p = self.settings(readout=readout)
        c = np.asarray(codes)
        if c.ndim == 1:
            c = c[None, :]
        if c.ndim != 2 or c.shape[1] != p.modules or c.dtype.kind not in "iu" or \
                (c.size and (c.min() < 0 or c.max() >= p.units)):
            raise ValidationError(f"Sparsey.codes: must be integers in 0 .. {p.units - 1} of shape (B, {p.modules}) "
                                  f"(got {c.dtype} shape {c.shape})")
        self._ensure()
        c = np.ascontiguousarray(c, dtype=np.int32)
        states = np.zeros((c.shape[0], p.input_bits), np.uint8)
        self.kernels_.read_out(self.weights_, c, p.units, math.ceil(p.readout * p.modules - 1e-9), states)
        return states

    def recall(self, cues: Any, *, readout: float | None = None) -> Recall:
        """Retrieve each cue's code and read its input back out (one pass: ``steps`` = 1); ``converged`` where
        the input read out retrieves the same code again (a fixed point of encode-then-decode).

        Parameters
        ----------
        cues : array_like, (B, N), 0/1
        readout : float, optional
            Fraction of the code's Q units a bit must be wired to (default: the model's ``readout``).
        """
        codes, _ = self.encode(cues)
        states = self.decode(codes, readout=readout)
        again, _ = self.encode(states)
        return Recall(states, np.ones(states.shape[0], np.int32), (again == codes).all(axis=1))

    def __repr__(self) -> str:
        p = self.params
        return f"Sparsey(N={p.input_bits}, Q={p.modules}, K={p.units}, backend={self.backend!r})"
