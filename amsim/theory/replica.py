"""Deprecated name of :mod:`amsim.theory.hopfield_replica` (theory modules are named after their family)."""

import warnings

from amsim.theory.hopfield_replica import *  # noqa: F403
from amsim.theory.hopfield_replica import __all__  # noqa: F401

warnings.warn("amsim.theory.replica is deprecated; import amsim.theory.hopfield_replica", DeprecationWarning,
              stacklevel=2)
