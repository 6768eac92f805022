"""Memory estimates made before large allocations, so a request that cannot fit fails fast."""

from __future__ import annotations

import os

from amsim.exceptions import ValidationError


def physical_memory() -> int:
    """Bytes of physical memory on this machine (0 when the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    raise AssertionError("unreachable")


def require_memory(nbytes: int, what: str, alternative: str, fraction: float = 0.8) -> None:
    """Raise :class:`ValidationError` if ``nbytes`` exceeds ``fraction`` of physical memory.

    Parameters
    ----------
    nbytes : int
        Estimated bytes of the allocation.
    what : str
        What is being allocated and why, e.g. ``"HopfieldParams.n_neurons: the N x N int32 weights"``.
    alternative : str
        What the user can do instead (a smaller size, another engine).
    """
    limit = physical_memory() * fraction
    if limit and nbytes > limit:
        raise ValidationError(f"{what}: needs {format_bytes(nbytes)}, more than {format_bytes(limit)} "
                              f"available (got {format_bytes(nbytes)}; {alternative})")
