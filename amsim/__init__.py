"""amsim: associative-memory simulator with NumPy reference, Numba CPU and Numba CUDA engines.

Public API::

    import amsim
    amsim.run("hopfield.retrieval", {"n_neurons": 500, "load": 0.1}, trials=5, seed=1)
    amsim.sweep("analysis/hopfield-capacity", out="results/capacity.nc")

``import amsim`` loads no CUDA code, Dask or matplotlib.
"""

from amsim.exceptions import AmsimError, BackendUnavailableError, UnknownNameError, ValidationError
from amsim.params import Params, param
from amsim.runner import run
from amsim.sweep import load_study, sweep
from amsim.version import __version__

__all__ = ["AmsimError", "BackendUnavailableError", "Params", "UnknownNameError", "ValidationError",
           "__version__", "load_study", "param", "run", "sweep"]
