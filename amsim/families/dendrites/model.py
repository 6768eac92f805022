"""The user-facing population of dendritic segments: store SDRs on segments, recognise inputs.

>>> import numpy as np
>>> from amsim.families.dendrites import DendriticSegments
>>> from amsim.patterns import random_sdrs, sdr_bits
>>> rng = np.random.default_rng(0)
>>> items = sdr_bits(random_sdrs(5, 1024, 20, rng), 1024)          # (P, n) uint8 of 0/1
>>> neuron = DendriticSegments(n=1024, a=20, s=10, theta=6, backend="cpu", random_state=1).store(items)
>>> bool((neuron.recall(items).states == items).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from amsim.bits import pack_bits
from amsim.exceptions import ValidationError
from amsim.families.dendrites.params import DendritesParams
from amsim.family import Model, Recall


class DendriticSegments(Model):
    """Dendritic segments with threshold ``theta``, each holding ``s`` synapses per stored pattern.

    ``store`` groups the items into segments of ``patterns_per_segment`` consecutive rows and, for each row,
    draws ``s`` of its active bits (all of them if it has fewer) from ``random_state`` as synapses. ``overlaps``
    counts the active synapses of every segment (the kernels, bit-packed AND + popcount); ``recall`` returns, for
    each cue, the union of the items of the segment with the most active synapses when it reaches ``theta``
    (ties: the first segment), else all zeros.

    Attributes
    ----------
    segments_ : ndarray, (S, W) uint64
        Packed synapse sets.
    items_ : ndarray, (P, n) uint8
        The stored items; segment k holds rows ``k * patterns_per_segment`` onwards.
    """

    params_class = DendritesParams
    kernel_package = "amsim.families.dendrites"
    items = "bits"

    @property
    def width(self) -> int:
        """SDR size n."""
        return self.params.n

    def _bits(self, name: str, bits: Any) -> np.ndarray:
        a = np.asarray(bits)
        if a.ndim == 1:
            a = a[None, :]
        if a.ndim != 2 or a.shape[1] != self.width:
            raise ValidationError(f"DendriticSegments.{name}: must have shape (B, {self.width}) "
                                  f"(got {tuple(np.shape(bits))})")
        if not ((a == 0) | (a == 1)).all():
            raise ValidationError(f"DendriticSegments.{name}: must hold only 0 and 1")
        return np.ascontiguousarray(a, dtype=np.uint8)

    def store(self, items: np.ndarray) -> DendriticSegments:
        """Add segments for ``items`` (P, n) 0/1; returns ``self``."""
        items = self._bits("items", items)
        p = self.params
        self.backend_  # noqa: B018  (resolve now: a missing backend fails before any draw)
        synapses = np.zeros(items.shape, np.uint8)
        for row, item in enumerate(items):
            active = np.flatnonzero(item)
            synapses[row, active[self.rng_.permutation(active.size)[:p.s]]] = 1
        k = p.patterns_per_segment
        groups = [synapses[lo:lo + k].max(axis=0) for lo in range(0, items.shape[0], k)]
        new = pack_bits(np.array(groups, np.uint8).reshape(len(groups), p.n))
        if hasattr(self, "segments_"):
            self.segments_ = np.concatenate([self.segments_, new])
            self.items_ = np.concatenate([self.items_, items])
        else:
            self.segments_, self.items_ = new, items
        return self

    def overlaps(self, inputs: np.ndarray) -> np.ndarray:
        """Active synapses of every segment for every input (B, n) 0/1 or packed (B, W) uint64; (B, S) int32."""
        inputs = np.asarray(inputs)
        packed = inputs if inputs.dtype == np.uint64 else pack_bits(self._bits("inputs", inputs))
        if not hasattr(self, "segments_"):
            raise ValidationError("DendriticSegments.overlaps: store items first (no segments yet)")
        out = np.empty((packed.shape[0], self.segments_.shape[0]), np.int32)
        self.kernels_.segment_overlaps(self.segments_, np.ascontiguousarray(packed), out)
        return out

    def recall(self, cues: np.ndarray, **settings: Any) -> Recall:
        """Recognise each cue (B, n): the items of the best segment reaching theta (``converged``: recognised).

        ``steps`` is 1 for every cue (one read).
        """
        p = self.settings(**settings)
        counts = self.overlaps(cues)
        best = counts.argmax(axis=1)
        fired = counts[np.arange(counts.shape[0]), best] >= p.theta
        k = self.params.patterns_per_segment
        states = np.zeros((counts.shape[0], self.width), np.uint8)
        for b in np.flatnonzero(fired):
            states[b] = self.items_[best[b] * k:(best[b] + 1) * k].max(axis=0)
        return Recall(states=states, steps=np.ones(counts.shape[0], np.int32), converged=fired)
