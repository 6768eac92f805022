"""Active-dendrites benchmark workload for ``amsim bench``: the overlap of every dendritic segment with every random
input SDR (n = 2048, a = 40 active bits, segments of s = 20 synapses), the inner loop of false-match estimation, on
bit-packed words. Compared with the NumPy reference twin (a loop over inputs) and with the broadcast
AND + ``np.bitwise_count`` a NumPy user would write, in chunks so that it fits in memory."""

from __future__ import annotations

from typing import Any

import numpy as np

from amsim.backends import kernels
from amsim.bench import Workload
from amsim.bits import pack_bits
from amsim.patterns import random_sdrs, sdr_bits

N, ACTIVE, SYNAPSES, SEGMENTS = 2048, 40, 20, 100
CHUNK = 1000  # inputs per broadcast in the NumPy baseline: a (1000, 100, 32) uint64 temporary, 26 MB


def _numpy_broadcast(inputs: dict[str, Any]) -> np.ndarray:
    segments, packed = inputs["segments"], inputs["inputs"]
    out = np.empty((packed.shape[0], segments.shape[0]), dtype=np.int32)
    for start in range(0, packed.shape[0], CHUNK):
        block = packed[start:start + CHUNK, None, :] & segments[None, :, :]
        out[start:start + CHUNK] = np.bitwise_count(block).sum(axis=2)
    return out


def _overlaps(count: int) -> Workload:
    """``count`` random inputs against ``SEGMENTS`` segments."""

    def setup() -> dict[str, Any]:
        rng = np.random.default_rng(3)
        stored = random_sdrs(SEGMENTS, N, ACTIVE, rng)
        synapses = np.stack([rng.choice(row, SYNAPSES, replace=False) for row in stored])
        return {"segments": pack_bits(sdr_bits(synapses, N)),
                "inputs": pack_bits(sdr_bits(random_sdrs(count, N, ACTIVE, rng), N))}

    def run(backend: str):
        module = kernels("amsim.families.dendrites", backend)

        def overlaps(inputs: dict[str, Any]) -> np.ndarray:
            out = np.empty((inputs["inputs"].shape[0], SEGMENTS), dtype=np.int32)
            module.segment_overlaps(inputs["segments"], inputs["inputs"], out)
            return out

        return overlaps

    return Workload(name=f"dendrites segment overlaps n={N} a={ACTIVE} s={SYNAPSES}, {SEGMENTS} segments x {count} "
                         "inputs", setup=setup, amsim=run("cpu"), reference=run("numpy"),
                    baseline=("NumPy broadcast AND + bitwise_count", _numpy_broadcast), limit="popcount",
                    work=lambda i: float(i["inputs"].shape[0] * SEGMENTS * i["inputs"].shape[1]))


def workloads(quick: bool = False) -> list[Workload]:
    """Segment overlaps of 20,000 random inputs (2,000 when ``quick``)."""
    return [_overlaps(2_000 if quick else 20_000)]
