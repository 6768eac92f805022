"""Compute backends and the Numba settings every kernel compiles with.

``numpy``  the readable reference kernels (``reference.py`` of each family);
``cpu``    Numba ``@njit`` kernels, parallel over independent trials (``_cpu.py``);
``cuda``   numba.cuda kernels (``_cuda.py``), needing an NVIDIA GPU and the ``cuda`` extra;
``auto``   ``cuda`` where a real GPU is present, else ``cpu``.

Kernel modules are imported only when first asked for, so ``import amsim`` loads no CUDA code.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

from amsim.exceptions import BackendUnavailableError, ValidationError

BACKENDS = ("numpy", "cpu", "cuda")
CHOICES = ("auto", *BACKENDS)

# Fast-math flags for every @njit kernel. Never 'nnan'/'ninf': NaN marks "no solution" in results.
# No 'afn' either: approximate exp would break exact parity of Glauber dynamics between backends.
FASTMATH = frozenset({"nsz", "arcp", "contract", "reassoc"})

# Threads per CUDA block, read by host wrappers at call time (tests patch it small under the simulator).
CUDA_THREADS_PER_BLOCK = 128

_MODULE_OF = {"numpy": "reference", "cpu": "_cpu", "cuda": "_cuda"}
_CUDA_HINT = "install the GPU extra with: pip install 'amsim[cuda]'"


def cuda_available() -> bool:
    """True when numba-cuda is installed and a real GPU (not the simulator) is visible."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return False
    try:
        from numba import cuda
    except ImportError:
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # driver errors mean "no usable GPU", never a crash of `auto`
        return False


def _cuda_usable() -> bool:
    """The cuda backend can run: a real GPU, or the simulator enabled for testing."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return importlib.util.find_spec("numba.cuda") is not None
    return cuda_available()


def available() -> list[str]:
    """Backends that can run here, in preference order."""
    return ["numpy", "cpu", *(["cuda"] if _cuda_usable() else [])]


def resolve(name: str) -> str:
    """Map a requested backend (``auto``/``numpy``/``cpu``/``cuda``) to one that runs here.

    Raises
    ------
    ValidationError
        ``name`` is not a backend.
    BackendUnavailableError
        ``cuda`` was requested without numba-cuda or without a GPU.
    """
    if name not in CHOICES:
        raise ValidationError(f"backend: must be one of {', '.join(CHOICES)} (got {name!r})")
    if name == "auto":
        return "cuda" if cuda_available() else "cpu"
    if name == "cuda" and not _cuda_usable():
        if importlib.util.find_spec("numba.cuda") is None:
            raise BackendUnavailableError(f"backend: 'cuda' needs numba-cuda (got 'cuda'; {_CUDA_HINT})")
        raise BackendUnavailableError("backend: 'cuda' found no NVIDIA GPU (got 'cuda'; allowed here: "
                                      + ", ".join(available()) + ")")
    return name


def kernels(family_package: str, backend: str) -> ModuleType:
    """The kernel module of a family for a resolved backend, e.g. ``amsim.families.hopfield._cpu``."""
    return importlib.import_module(f"{family_package}.{_MODULE_OF[backend]}")


def kernels_like(package: str, module: ModuleType) -> ModuleType:
    """The kernel module of ``package`` for the backend of the kernel module ``module``, e.g. the shared kernels
    ``amsim.kernels._cpu`` for ``amsim.families.hopfield._cpu`` (twin modules have the same file name)."""
    return importlib.import_module(f"{package}.{module.__name__.rpartition('.')[2]}")


def gpu_count() -> int:
    """Number of usable GPUs (the simulator counts as one); 0 without CUDA."""
    if not _cuda_usable():
        return 0
    from numba import cuda

    return max(1, len(cuda.gpus)) if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1" else 1


def set_threads(n: int | None) -> int:
    """Set the number of Numba CPU threads (``None``: leave as is); returns the number in use."""
    import numba

    if n is not None:
        numba.set_num_threads(max(1, min(int(n), numba.config.NUMBA_NUM_THREADS)))
    return numba.get_num_threads()
