"""``import amsim`` stays light: no CUDA code, Dask or matplotlib until they are used."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
before = set(sys.modules)
import amsim
import amsim.families
new = set(sys.modules) - before
heavy = sorted(m for m in new if m.split('.')[0] in {'dask', 'distributed', 'matplotlib', 'numba_cuda'}
               or m.startswith('numba.cuda') or m.endswith('._cuda'))
print(','.join(heavy))
"""


def test_import_loads_no_cuda_dask_or_matplotlib():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_public_api():
    import amsim

    assert callable(amsim.run) and callable(amsim.sweep) and amsim.__version__
    ds = amsim.run("hopfield.retrieval", {"n_neurons": 40, "load": 0.05}, trials=2, seed=1, backend="numpy")
    assert ds.attrs["experiment"] == "hopfield.retrieval" and ds.attrs["backend"] == "numpy"
