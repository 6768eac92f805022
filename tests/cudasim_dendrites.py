"""Active-dendrite CUDA kernels against the NumPy reference, under the CUDA simulator.

Not collected by pytest: ``tests/test_dendrites_model.py`` runs it in a subprocess with ``NUMBA_ENABLE_CUDASIM=1``.
Threads per block are patched small and neither the pair count nor n is a multiple of them, so partial blocks,
padding words and grid striding are exercised. Exits non-zero on the first mismatch.
"""

from __future__ import annotations

import os
import sys

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    sys.exit("cudasim_dendrites.py must run with NUMBA_ENABLE_CUDASIM=1")

import numpy as np  # noqa: E402

import amsim  # noqa: E402
from amsim import backends  # noqa: E402
from amsim.bits import pack_bits  # noqa: E402
from amsim.families.dendrites import _cuda, reference  # noqa: E402

for tpb, (s, n, b) in ((8, (5, 70, 7)), (16, (3, 130, 11))):
    backends.CUDA_THREADS_PER_BLOCK = tpb
    rng = np.random.default_rng(tpb)
    segments, inputs = pack_bits(rng.integers(0, 2, (s, n))), pack_bits(rng.integers(0, 2, (b, n)))
    got, want = np.full((b, s), -1, np.int32), np.full((b, s), -2, np.int32)
    _cuda.segment_overlaps(segments, inputs, got)
    reference.segment_overlaps(segments, inputs, want)
    if not np.array_equal(got, want):
        raise AssertionError(f"segment_overlaps: cuda differs from reference\n{got}\n{want}")
example = {"n": 128, "a": 8, "s": 6, "theta": 3, "n_stored": 5, "n_inputs": 40, "swap": 0.25, "cues": 5}
got, want = (amsim.run("dendrites.recognition", example, trials=1, seed=3, backend=b) for b in ("cuda", "numpy"))
for name in want.data_vars:
    if not np.array_equal(got[name].values, want[name].values):
        raise AssertionError(f"dendrites.recognition {name}: cuda differs from numpy")
print("all kernels match the reference")
