"""Bit-level helpers shared by the Numba kernels of every family: popcount of 64-bit words, bit packing.

Symbols: W words per packed row (``ceil(N / 64)``), N bits per row.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import intrinsic


@intrinsic
def popcount(typingctx, x):
    """Number of set bits of a uint64 (LLVM ``ctpop``: POPCNT, or VPOPCNTQ when vectorised)."""
    if x != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """Pack rows of 0/1 (or ±1, where +1 is a set bit) into uint64 words, least significant bit first.

    Parameters
    ----------
    bits : ndarray, (..., N) integer or bool
        Values; a bit is set where the value is > 0.

    Returns
    -------
    ndarray, (..., ceil(N / 64)) uint64
        Padding bits past N are zero.
    """
    n = bits.shape[-1]
    packed = np.packbits(bits > 0, axis=-1, bitorder="little")  # the last byte zero-padded
    words = np.zeros((*bits.shape[:-1], -(-n // 64) * 8), dtype=np.uint8)
    words[..., :packed.shape[-1]] = packed
    return words.view(np.uint64)


def unpack_bits(words: np.ndarray, n: int | None = None) -> np.ndarray:
    """Inverse of :func:`pack_bits`: uint64 words (..., W) to 0/1 values (..., n) uint8 (default n = 64 W)."""
    return np.unpackbits(np.ascontiguousarray(words, dtype="<u8").view(np.uint8), axis=-1, count=n,
                         bitorder="little")
