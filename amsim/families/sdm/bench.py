"""SDM benchmark workloads for ``amsim bench``: Kanerva's canonical memory at full scale, and a classroom-sized
write-and-read workload against the plain NumPy implementation a user would write (unpacked bits, BLAS distances).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from amsim.bench import Workload
from amsim.bits import unpack_bits
from amsim.families.sdm.model import SparseDistributedMemory
from amsim.patterns import flip_bits, random_bits

BATCH = 256  # addresses per timed call at Kanerva's scale


def numpy_blas_sdm(signed_addresses: np.ndarray, items: np.ndarray, cues: np.ndarray, radius: int) -> np.ndarray:
    """Write ``items`` autoassociatively, then read once at each cue, the vectorised NumPy way: ±1 float32 bits,
    Hamming distances from one BLAS product (``d = (N - X A^T) / 2``), counters as ``act^T X`` and sums as
    ``act C`` (float32 is exact: every value is an integer below 2**24).

    Parameters
    ----------
    signed_addresses : ndarray, (M, N) float32
        Hard-location addresses as ±1.
    items : ndarray, (T, N) uint8
        Items to write (0/1).
    cues : ndarray, (B, N) uint8
        Read addresses (0/1).
    radius : int
        Inclusive activation radius.

    Returns
    -------
    ndarray, (B, N) bool
        The words read (zero sums read 1).
    """
    n = items.shape[1]
    x = 2.0 * items.astype(np.float32) - 1.0
    written = ((n - x @ signed_addresses.T) * 0.5 <= radius).astype(np.float32)
    counters = written.T @ x
    q = 2.0 * cues.astype(np.float32) - 1.0
    read = ((n - q @ signed_addresses.T) * 0.5 <= radius).astype(np.float32)
    return (read @ counters) >= 0


def _write_and_read(backend: str) -> Callable[[dict[str, Any]], np.ndarray]:
    def run(inputs: dict[str, Any]) -> np.ndarray:
        sdm = inputs["memories"][backend].clear().write(inputs["items"])
        return sdm.read(inputs["cues"])

    return run


def _classroom(n: int, m: int, t: int) -> Workload:
    """N-bit addresses, M locations, activation probability 0.01: T writes, then T reads from 10%-noisy cues."""

    def setup() -> dict[str, Any]:
        rng = np.random.default_rng(n + m)
        memories = {b: SparseDistributedMemory(address_bits=n, n_locations=m, activation_probability=0.01,
                                               tie="one", backend=b, random_state=7).initialize()
                    for b in ("cpu", "numpy")}
        items = random_bits(t, n, rng)
        signed = 2.0 * unpack_bits(memories["cpu"].addresses_, n).astype(np.float32) - 1.0
        return {"memories": memories, "items": items, "cues": flip_bits(items, 0.1, rng), "signed": signed,
                "radius": memories["cpu"].params.inclusive_radius}

    return Workload(
        name=f"sdm {t} writes + {t} reads N={n} M={m} p=0.01",
        setup=setup,
        amsim=_write_and_read("cpu"),
        reference=_write_and_read("numpy"),
        baseline=("NumPy float32 BLAS distances + act^T X, act C",
                  lambda i: numpy_blas_sdm(i["signed"], i["items"], i["cues"], i["radius"])),
        limit="popcount",
        work=lambda i: 2.0 * t * m * ((n + 63) // 64),
    )


@functools.lru_cache(maxsize=1)
def _kanerva_memory(m: int) -> SparseDistributedMemory:
    """Kanerva's memory (N = 1000, r = 451) with M locations and 1000 items written (shared by both lines)."""
    rng = np.random.default_rng(1988)
    sdm = SparseDistributedMemory(address_bits=1000, n_locations=m, radius=451, backend="cpu", random_state=1)
    return sdm.write(random_bits(1000, 1000, rng))


def _kanerva(m: int, operation: str) -> Workload:
    """BATCH writes of new items, or BATCH reads from 10%-noisy cues, in one call each."""

    def setup() -> dict[str, Any]:
        rng = np.random.default_rng(m)
        items = random_bits(BATCH, 1000, rng)
        return {"memory": _kanerva_memory(m), "items": items, "cues": flip_bits(items, 0.1, rng)}

    def write(inputs: dict[str, Any]) -> Any:
        return inputs["memory"].write(inputs["items"])

    def read(inputs: dict[str, Any]) -> Any:
        return inputs["memory"].read(inputs["cues"])

    return Workload(
        name=f"sdm Kanerva N=1000 M={m:.0e} r=451: {BATCH} {operation}s",
        setup=setup,
        amsim=write if operation == "write" else read,
        limit="popcount",
        work=lambda i: float(BATCH * m * 16),
    )


def workloads(quick: bool = False) -> list[Workload]:
    """Kanerva's N = 1000, M = 1,000,000, r = 451 memory (M = 20,000 when ``quick``): batches of writes and of reads;
    and N = 256, M = 10,000: 1000 writes + 1000 reads against NumPy/BLAS (N = 256, M = 2000, 200 items when
    ``quick``)."""
    m = 20_000 if quick else 1_000_000
    small = _classroom(256, 2000, 200) if quick else _classroom(256, 10_000, 1000)
    return [_kanerva(m, "write"), _kanerva(m, "read"), small]
