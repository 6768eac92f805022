"""Deprecated name of :mod:`amsim.theory.hopfield_mixtures` (theory modules are named after their family)."""

import warnings

from amsim.theory.hopfield_mixtures import *  # noqa: F403
from amsim.theory.hopfield_mixtures import __all__  # noqa: F401

warnings.warn("amsim.theory.mixtures is deprecated; import amsim.theory.hopfield_mixtures", DeprecationWarning,
              stacklevel=2)
