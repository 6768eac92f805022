"""The user-facing Sparse Distributed Memory: write items, read them back from noisy cues, iterate to a fixed point.

>>> import numpy as np
>>> from amsim.families.sdm import SparseDistributedMemory
>>> from amsim.patterns import flip_bits, random_bits
>>> rng = np.random.default_rng(0)
>>> items = random_bits(50, 256, rng)                       # (T, N) uint8 of 0/1
>>> sdm = SparseDistributedMemory(address_bits=256, n_locations=20_000, radius=108, backend="cpu",
...                               random_state=1).store(items)
>>> recalled = sdm.recall(flip_bits(items, 0.1, rng), max_steps=10)
>>> (recalled.states == items).all(axis=1).mean()          # doctest: +SKIP
1.0

Conventions
-----------
Addresses and data are rows of 0/1 bits (uint8). A write adds +1 to the counter of a 1 bit and -1 to that of a 0
bit (times the write's integer weight) in every active location; counters saturate at the limits of their type
(int16 by default: -32768 .. 32767), never wrapping around. A read sums the counters of the active locations and
thresholds at zero: a positive sum reads 1, a negative one 0, and a zero sum (a tie, including "no location
active") follows ``tie``: ``random`` draws the bit from the memory's own generator (``random_state``), so results
are reproducible and identical on every backend; ``one`` and ``zero`` are fixed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from amsim.bits import pack_bits
from amsim.exceptions import ValidationError
from amsim.families.sdm.params import SDMParams
from amsim.family import Model, Recall
from amsim.resources import format_bytes, require_memory

_BITMAP_BYTES = 32 * 2**20  # packed activations held at once (rows of a batch are processed in chunks)
_MAX_CHUNK = 1024  # rows per kernel call: the batch's transposed cues stay in the L2 cache


class SparseDistributedMemory(Model):
    """Kanerva's Sparse Distributed Memory with M hard locations and bit-packed N-bit addresses.

    Constructed as every family's model (:mod:`amsim.family`): the constructor validates the settings (through
    :class:`SDMParams`) and does no work; the first write or read draws the hard locations from ``random_state``
    and allocates the counters (see :meth:`nbytes`). ``store``/``recall`` are the contract's verbs; ``write``
    (with data words and weights) and ``read`` (one read) are Kanerva's.

    Parameters
    ----------
    params : SDMParams, optional
        Memory settings; keywords override them. Only the memory fields matter here (address_bits, n_locations,
        design, radius, strict, specified_bits, activation_probability, data_bits, counter_dtype, tie), and
        ``association="hetero"`` where data words are wider or narrower than addresses, and ``max_steps``, the
        default of :meth:`recall`.
    backend : {"auto", "numpy", "cpu", "cuda"}
        Compute backend; resolved at the first use.
    random_state : int or numpy.random.Generator, optional
        Source of the hard-location addresses and of tie coins.
    **settings
        Fields of :class:`SDMParams`, e.g. ``address_bits=1000, n_locations=1_000_000, radius=451``.

    Attributes
    ----------
    addresses_ : ndarray, (M, W) uint64
        Packed hard-location addresses (``hamming`` design).
    masks_, values_ : ndarray, (M, W) uint64
        Packed specified coordinates and their values (Jaeckel's designs).
    counters_ : ndarray, (M, D) int16 or int32
        The counters.

    References
    ----------
    P. Kanerva, *Sparse Distributed Memory*, MIT Press (1988). L. A. Jaeckel, RIACS TR 89.28 and 89.30 (1989).
    """

    params_class = SDMParams
    kernel_package = "amsim.families.sdm"
    items = "bits"

    @property
    def width(self) -> int:
        """Address bits N."""
        return self.params.address_bits

    # ------------------------------------------------------------------------------------------------------------
    # state
    # ------------------------------------------------------------------------------------------------------------

    def nbytes(self) -> int:
        """Bytes of the memory's state: packed addresses (twice for Jaeckel's masks and values) and counters.

        Kanerva's N = 1000, M = 1,000,000 with int16 counters: 128,000,000 + 2,000,000,000 bytes.
        """
        p = self.params
        words = (p.address_bits + 63) // 64
        tables = 1 if p.design == "hamming" else 2
        return tables * p.n_locations * words * 8 + p.n_locations * p.word_bits * np.dtype(p.counter_dtype).itemsize

    def initialize(self) -> SparseDistributedMemory:
        """Draw the hard locations and zero the counters (done by the first write or read); returns ``self``."""
        p = self.params
        require_memory(self.nbytes(), f"SparseDistributedMemory.n_locations: {p.n_locations} locations of "
                       f"{p.address_bits}-bit addresses and {p.word_bits} {p.counter_dtype} counters",
                       "use fewer n_locations or data_bits, or int16 counters")
        self.backend_  # resolve now: a missing backend fails before the counters are allocated  # noqa: B018
        m, n = p.n_locations, p.address_bits
        words = (n + 63) // 64
        pad = np.uint64((1 << (n - 64 * (words - 1))) - 1) if n % 64 else np.uint64(2**64 - 1)
        if p.design == "hamming":
            self.addresses_ = self.rng_.integers(0, 2**64 - 1, size=(m, words), dtype=np.uint64, endpoint=True)
            self.addresses_[:, -1] &= pad
        else:
            self.masks_ = self._specified_coordinates(m, n, p.specified_bits_used)
            if p.design == "selected":
                self.values_ = self.rng_.integers(0, 2**64 - 1, size=(m, words), dtype=np.uint64,
                                                  endpoint=True) & self.masks_
            else:
                self.values_ = self.masks_.copy()
        self.counters_ = np.zeros((m, p.word_bits), dtype=p.counter_dtype)
        info = np.iinfo(self.counters_.dtype)
        self.limits_ = (int(info.min), int(info.max))
        return self

    def _specified_coordinates(self, m: int, n: int, k: int) -> np.ndarray:
        """Packed masks (M, W) of k distinct uniformly random coordinates per location (partial Fisher-Yates
        shuffles, vectorised over chunks of locations)."""
        masks = np.zeros((m, (n + 63) // 64), np.uint64)
        chunk = max(1, 2**22 // n)
        for lo in range(0, m, chunk):
            rows = min(chunk, m - lo)
            perm = np.broadcast_to(np.arange(n, dtype=np.int32), (rows, n)).copy()
            index = np.arange(rows)
            for j in range(k):
                pick = self.rng_.integers(j, n, size=rows)
                perm[index, j], perm[index, pick] = perm[index, pick], perm[index, j].copy()
            chosen = perm[:, :k]
            np.bitwise_or.at(masks, (lo + index[:, None], chosen // 64),
                             np.left_shift(np.uint64(1), (chosen % 64).astype(np.uint64)))
        return masks

    def clear(self) -> SparseDistributedMemory:
        """Zero the counters (the hard locations stay); returns ``self``."""
        self._ensure()
        self.counters_[...] = 0
        return self

    def _ensure(self) -> None:
        if not hasattr(self, "counters_"):
            self.initialize()

    # ------------------------------------------------------------------------------------------------------------
    # boundary checks
    # ------------------------------------------------------------------------------------------------------------

    def _bits(self, name: str, bits: Any, width: int) -> np.ndarray:
        """``bits`` as a C-contiguous (B, width) uint8 array of 0/1, or a ValidationError naming ``name``."""
        a = np.asarray(bits)
        if a.ndim == 1:
            a = a[None, :]
        if a.ndim != 2 or a.shape[1] != width:
            raise ValidationError(f"SparseDistributedMemory.{name}: must have shape (B, {width}) "
                                  f"(got {tuple(np.shape(bits))})")
        if not ((a == 0) | (a == 1)).all():
            raise ValidationError(f"SparseDistributedMemory.{name}: must hold only 0 and 1 "
                                  f"(got values {np.unique(a)[:5].tolist()})")
        return np.ascontiguousarray(a, dtype=np.uint8)

    # ------------------------------------------------------------------------------------------------------------
    # operations
    # ------------------------------------------------------------------------------------------------------------

    def _chunks(self, rows: int) -> list[slice]:
        """Row slices of a batch, sized so the packed activations of one slice stay within ``_BITMAP_BYTES``."""
        words = (self.params.n_locations + 63) // 64
        step = max(1, min(_MAX_CHUNK, _BITMAP_BYTES // (8 * words)))
        return [slice(lo, min(lo + step, rows)) for lo in range(0, rows, step)]

    def _activate(self, packed: np.ndarray) -> np.ndarray:
        """Packed activations (B, Mw) of packed addresses (B, W)."""
        active = np.empty((packed.shape[0], (self.params.n_locations + 63) // 64), np.uint64)
        if self.params.design == "hamming":
            self.kernels_.activate(self.addresses_, packed, self.params.inclusive_radius, active)
        else:
            self.kernels_.activate_selected(self.masks_, self.values_, packed, active)
        return active

    def write(self, addresses: Any, data: Any = None, weights: Any = None) -> SparseDistributedMemory:
        """Write B items: ``data`` (B, D) at ``addresses`` (B, N), in row order; returns ``self``.

        Parameters
        ----------
        addresses : array_like, (B, N) or (N,), 0/1
            Write addresses.
        data : array_like, (B, D) or (D,), 0/1, optional
            Data words (heteroassociative); default: the addresses themselves (autoassociative, D = N).
        weights : array_like of int, (B,), optional
            Integer weight of each write (default 1; 0 skips, negative erases); the counters saturate.
        """
        p = self.params
        addr = self._bits("addresses", addresses, p.address_bits)
        words = addr if data is None else self._bits("data", data, p.word_bits)
        if words.shape != (addr.shape[0], p.word_bits):
            raise ValidationError(f"SparseDistributedMemory.data: must have one word of {p.word_bits} bits per "
                                  f"address (got shape {words.shape} for {addr.shape[0]} addresses)")
        w = np.ones(addr.shape[0], np.int64) if weights is None else np.asarray(weights)
        if w.shape != (addr.shape[0],) or w.dtype.kind not in "iub" or \
                (w.size and (w.min() < -(2**31) + 1 or w.max() > 2**31 - 1)):
            raise ValidationError(f"SparseDistributedMemory.weights: must be {addr.shape[0]} integers of magnitude "
                                  f"< 2**31 (got {np.asarray(weights).dtype} shape {w.shape})")
        self._ensure()
        signs = (2 * words.astype(np.int8) - 1).astype(np.int8)
        packed = pack_bits(addr)
        weights32 = w.astype(np.int32)
        low, high = self.limits_
        for rows in self._chunks(addr.shape[0]):
            self.kernels_.write(self.counters_, self._activate(packed[rows]), signs[rows], weights32[rows], low, high)
        return self

    def active_counts(self, addresses: Any) -> np.ndarray:
        """Number of locations each address (B, N) activates; returns (B,) int64."""
        addr = self._bits("addresses", addresses, self.params.address_bits)
        self._ensure()
        packed = pack_bits(addr)
        counts = np.empty(addr.shape[0], np.int64)
        for rows in self._chunks(addr.shape[0]):
            counts[rows] = np.bitwise_count(self._activate(packed[rows])).sum(axis=1)
        return counts

    def read_sums(self, addresses: Any) -> np.ndarray:
        """Counter sums over the locations each address (B, N) activates; returns (B, D) int64."""
        addr = self._bits("addresses", addresses, self.params.address_bits)
        self._ensure()
        return self._sums(pack_bits(addr))

    def _sums(self, packed: np.ndarray) -> np.ndarray:
        sums = np.empty((packed.shape[0], self.params.word_bits), np.int64)
        for rows in self._chunks(packed.shape[0]):
            self.kernels_.read(self.counters_, self._activate(packed[rows]), sums[rows])
        return sums

    def _threshold(self, sums: np.ndarray) -> np.ndarray:
        """Read-out bits of counter sums under the tie rule (the coins are drawn for every bit, tie or not, so the
        generator advances the same way whatever the sums)."""
        tie = self.params.tie
        if tie == "random":
            fill = self.rng_.integers(0, 2, size=sums.shape, dtype=np.uint8)
        else:
            fill = np.uint8(tie == "one")
        return np.where(sums == 0, fill, sums > 0).astype(np.uint8)

    def read(self, addresses: Any) -> np.ndarray:
        """One read at each address (B, N): the thresholded counter sums; returns (B, D) uint8 of 0/1."""
        addr = self._bits("addresses", addresses, self.params.address_bits)
        self._ensure()
        return self._threshold(self._sums(pack_bits(addr)))

    def store(self, items: Any, data: Any = None) -> SparseDistributedMemory:
        """The contract's storing verb: :meth:`write` the items (B, N) 0/1 at their own addresses, or ``data``
        (B, D) at them; returns ``self``."""
        return self.write(items, data)

    def recall(self, cues: Any, *, max_steps: int | None = None) -> Recall:
        """Iterated reading: read at the cue, then at the word read, ... until a read returns its own address (a
        fixed point) or ``max_steps`` reads; needs D = N.

        Parameters
        ----------
        cues : array_like, (B, N), 0/1
            Starting addresses.
        max_steps : int, optional
            Largest number of reads per cue (1: a single read); default: the memory's ``max_steps``.
        """
        p = self.settings(max_steps=max_steps)
        if p.word_bits != p.address_bits:
            raise ValidationError(f"SparseDistributedMemory.data_bits: must equal address_bits for iterated reading "
                                  f"(got {p.word_bits} and {p.address_bits})")
        states = self._bits("cues", cues, p.address_bits).copy()
        self._ensure()
        steps = np.zeros(states.shape[0], np.int32)
        converged = np.zeros(states.shape[0], np.bool_)
        moving = np.arange(states.shape[0])
        for _ in range(p.max_steps):
            if moving.size == 0:
                break
            new = self._threshold(self._sums(pack_bits(states[moving])))
            changed = (new != states[moving]).any(axis=1)
            states[moving] = new
            steps[moving[changed]] += 1
            converged[moving[~changed]] = True
            moving = moving[changed]
        return Recall(states, steps, converged)

    def __repr__(self) -> str:
        p = self.params
        return (f"SparseDistributedMemory(N={p.address_bits}, M={p.n_locations}, design={p.design!r}, "
                f"radius={p.effective_radius}, {p.counter_dtype} counters, {format_bytes(self.nbytes())})")
