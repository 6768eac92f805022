"""amsim: associative-memory simulator with NumPy reference, Numba CPU and Numba CUDA engines.

Public API::

    import amsim
    amsim.run("hopfield.retrieval", {"n_neurons": 500, "load": 0.1}, trials=5, seed=1)
    amsim.sweep("analysis/hopfield-capacity", out="results/capacity.nc")

``import amsim`` loads no CUDA code, Dask or matplotlib.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("amsim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from amsim.exceptions import AmsimError, BackendUnavailableError, UnknownNameError, ValidationError  # noqa: E402
from amsim.params import Params, param  # noqa: E402
from amsim.runner import run  # noqa: E402
from amsim.sweep import load_study, sweep  # noqa: E402

__all__ = ["AmsimError", "BackendUnavailableError", "Params", "UnknownNameError", "ValidationError",
           "__version__", "load_study", "param", "run", "sweep"]
