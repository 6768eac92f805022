"""SDM CUDA kernels against the NumPy reference, under the CUDA simulator.

Not collected by pytest: ``tests/test_sdm_kernels.py`` runs it in a subprocess with ``NUMBA_ENABLE_CUDASIM=1``
(Numba reads the variable at import time). Threads per block are patched small
(``amsim.backends.CUDA_THREADS_PER_BLOCK``) and neither M nor D is a multiple of them, so partial blocks, strided
slices and grid striding are exercised. Exits non-zero on the first mismatch.
Symbols: N address bits, M locations, D data bits, B addresses per batch.
"""

from __future__ import annotations

import os
import sys
import time

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    sys.exit("cudasim_sdm.py must run with NUMBA_ENABLE_CUDASIM=1")

import numpy as np  # noqa: E402

import amsim  # noqa: E402
from amsim import backends  # noqa: E402
from amsim.bits import pack_bits  # noqa: E402
from amsim.families.sdm import _cuda, reference  # noqa: E402


def _same(name, got, want):
    if not np.array_equal(got, want):
        raise AssertionError(f"{name}: cuda differs from reference\ncuda:\n{got}\nreference:\n{want}")


def check_problem(tpb, m, n, d, b, seed):
    """Every kernel on one random problem with ``tpb`` threads per block."""
    backends.CUDA_THREADS_PER_BLOCK = tpb
    rng = np.random.default_rng(seed)
    addresses = pack_bits(rng.integers(0, 2, size=(m, n)))
    cue_bits = rng.integers(0, 2, size=(b, n))
    cues = pack_bits(cue_bits)
    cues[0] = addresses[m - 1]  # the last location (in the last, partial word) is active for cue 0
    words = (m + 63) // 64
    for radius in (-1, 0, n // 2):
        got, want = np.full((b, words), 3, np.uint64), np.full((b, words), 4, np.uint64)
        _cuda.activate(addresses, cues, radius, got)
        reference.activate(addresses, cues, radius, want)
        _same(f"activate r={radius}", got, want)
    mask_bits = np.zeros((m, n), np.uint8)
    for row in mask_bits:
        row[rng.choice(n, 2, replace=False)] = 1
    masks, values = pack_bits(mask_bits), pack_bits(mask_bits * rng.integers(0, 2, size=(m, n)))
    got, want = np.full((b, words), 3, np.uint64), np.full((b, words), 4, np.uint64)
    _cuda.activate_selected(masks, values, cues, got)
    reference.activate_selected(masks, values, cues, want)
    _same("activate_selected", got, want)

    active = np.empty((b, words), np.uint64)
    reference.activate(addresses, cues, n // 2, active)
    signs = (2 * rng.integers(0, 2, size=(b, d)) - 1).astype(np.int8)
    for dtype in (np.int16, np.int32):
        info = np.iinfo(dtype)
        weights = rng.integers(-3, 4, size=b).astype(np.int32)
        weights[0] = 2**31 - 1  # saturates
        start = rng.integers(-50, 50, size=(m, d)).astype(dtype)
        got, want = start.copy(), start.copy()
        _cuda.write(got, active, signs, weights, int(info.min), int(info.max))
        reference.write(want, active, signs, weights, int(info.min), int(info.max))
        _same(f"write {dtype.__name__}", got, want)
        s_got, s_want = np.full((b, d), 1, np.int64), np.full((b, d), 2, np.int64)
        _cuda.read(got, active, s_got)
        reference.read(want, active, s_want)
        _same(f"read {dtype.__name__}", s_got, s_want)
    return int(np.bitwise_count(active).sum())


def check_experiment():
    """The recall experiment end to end (model, batching, tie coins) gives the reference's dataset."""
    backends.CUDA_THREADS_PER_BLOCK = 16
    p = {"address_bits": 40, "n_locations": 150, "activation_probability": 0.1, "n_stored": 12, "noise": 0.1,
         "cues": 4, "max_steps": 3}
    got, want = (amsim.run("sdm.recall", p, trials=1, seed=5, backend=b) for b in ("cuda", "numpy"))
    for name in want.data_vars:
        _same(f"sdm.recall {name}", got[name].values, want[name].values)


def main():
    t0 = time.perf_counter()
    check_experiment()
    hits = 0
    for tpb, m, n, d, b, seed in ((8, 70, 9, 5, 3, 1), (16, 130, 65, 19, 4, 2), (32, 20, 128, 33, 2, 3)):
        hits += check_problem(tpb, m, n, d, b, seed)
    if hits == 0:
        raise AssertionError("no location was active: the write and read paths went untested")
    print(f"cudasim sdm: all kernels match the reference ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
