"""Every CUDA kernel compiles to real PTX for sm_80 (A100) and sm_90 (H100/H200), without a GPU.

``numba.cuda.compile_ptx`` runs NVVM on the host, so this catches what the simulator cannot: untyped or
unsupported constructs, allocations, NumPy calls and non-constant shared array sizes inside kernels.
"""

from __future__ import annotations

import os

import pytest

if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
    pytest.skip("PTX compilation needs the real numba-cuda target, not the CUDA simulator", allow_module_level=True)

cuda = pytest.importorskip("numba.cuda", reason="numba-cuda is not installed (the 'cuda' extra)")


def _nvvm_problem() -> str | None:
    """Why PTX cannot be compiled here, or None when NVVM works."""

    def probe(a):
        a[0] = 1

    try:
        cuda.compile_ptx(probe, "void(int32[::1])", cc=(8, 0))
    except Exception as exc:  # missing NVVM/libdevice shows up as various errors
        return f"{type(exc).__name__}: {exc}"
    return None


_problem = _nvvm_problem()
if _problem is not None:
    pytest.skip(f"NVVM is not usable, cannot compile PTX ({_problem})", allow_module_level=True)

import importlib  # noqa: E402
import importlib.util  # noqa: E402

from numba.cuda.dispatcher import CUDADispatcher  # noqa: E402

from amsim import registry  # noqa: E402

CCS = [(8, 0), (9, 0)]
#: Each registered family's CUDA kernel module, by family name (families without one are left out), and the shared
#: kernels' (``kernels``).
CUDA_MODULES = {fam.name: importlib.import_module(f"amsim.families.{fam.name}._cuda") for fam in registry.families()
                if importlib.util.find_spec(f"amsim.families.{fam.name}._cuda") is not None}
CUDA_MODULES["kernels"] = importlib.import_module("amsim.kernels._cuda")
KERNELS = [pytest.param(kernel, sig, id=f"{name}.{kernel.py_func.__name__}.{i}")
           for name, module in CUDA_MODULES.items() for i, (kernel, sig) in enumerate(module.PTX_KERNELS)]


def test_hopfield_sdm_and_shared_kernels_are_collected():
    assert {"hopfield", "sdm", "kernels"} <= set(CUDA_MODULES)


@pytest.mark.parametrize("family", sorted(CUDA_MODULES))
def test_every_kernel_is_listed(family):
    module = CUDA_MODULES[family]
    jitted = {name for name, obj in vars(module).items()  # device functions compile inside the kernels' PTX
              if isinstance(obj, CUDADispatcher) and not obj.targetoptions.get("device")}
    listed = {kernel.py_func.__name__ for kernel, _ in module.PTX_KERNELS}
    assert jitted, "no @cuda.jit kernels found"
    assert jitted == listed, f"kernels missing from PTX_KERNELS: {sorted(jitted - listed)}"


@pytest.mark.parametrize("cc", CCS, ids=lambda cc: f"sm_{cc[0]}{cc[1]}")
@pytest.mark.parametrize(("kernel", "sig"), KERNELS)
def test_kernel_compiles_to_ptx(kernel, sig, cc):
    ptx, _ = cuda.compile_ptx(kernel.py_func, sig, cc=cc)
    assert f".target sm_{cc[0]}{cc[1]}" in ptx
    assert ".entry" in ptx
