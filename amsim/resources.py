"""Memory estimates made before large allocations, so a request that cannot fit fails fast.

A request is compared with the memory *available* now (not the machine's total), less a headroom: a run that
would take nearly all of it starts allocating, thrashes or is killed instead of being refused.
"""

from __future__ import annotations

import os

from amsim.exceptions import ValidationError

#: Fraction of the available memory one run (or all of a sweep's workers together) may plan to use.
HEADROOM = 0.8


def physical_memory() -> int:
    """Bytes of physical memory on this machine (0 when the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def available_memory() -> int:
    """Bytes of memory available for new allocations without swapping (``MemAvailable`` on Linux); the physical
    memory where the OS does not say; 0 when neither is known."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return physical_memory()


def memory_limit(workers: int = 1, max_memory: int | None = None) -> int:
    """Bytes one of ``workers`` concurrent runs may use: ``max_memory`` when given, else :data:`HEADROOM` of the
    available memory shared among the workers (0: unknown, no limit)."""
    return max_memory or int(HEADROOM * available_memory() / max(1, workers))


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    raise AssertionError("unreachable")


def require_memory(nbytes: int, what: str, alternative: str, fraction: float = HEADROOM) -> None:
    """Raise :class:`ValidationError` if ``nbytes`` exceeds ``fraction`` of the available memory.

    Parameters
    ----------
    nbytes : int
        Estimated bytes of the allocation.
    what : str
        What is being allocated and why, e.g. ``"HopfieldParams.n_neurons: the N x N int32 weights"``.
    alternative : str
        What the user can do instead (a smaller size, another engine).
    fraction : float
        Share of the available memory the allocation may take (the rest is headroom).
    """
    limit = available_memory() * fraction
    if limit and nbytes > limit:
        raise ValidationError(f"{what}: needs {format_bytes(nbytes)}, more than the {format_bytes(limit)} that "
                              f"may be used ({fraction:.0%} of the memory available now) (got "
                              f"{format_bytes(nbytes)}; {alternative})")
