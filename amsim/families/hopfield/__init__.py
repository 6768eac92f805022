"""Classical Hopfield networks: Hebb, Storkey, projection, covariance and clipped rules with optional dilution and
self-coupling; dense, pattern and bit-packed engines; synchronous, asynchronous, Glauber and Metropolis dynamics
with annealing and energy/overlap traces."""

from typing import Any

from amsim.families.hopfield.model import HopfieldNetwork
from amsim.families.hopfield.params import HopfieldParams
from amsim.family import Recall
from amsim.patterns import corrupt, random_patterns
from amsim.registry import register_family

FAMILY = register_family("hopfield", HopfieldParams, "Classical Hopfield network (Hebb, Storkey, projection, "
                         "covariance and clipped rules)", models=(HopfieldNetwork,), kernels="amsim.families.hopfield")

from amsim.families.hopfield import experiments  # noqa: E402  (registers after the family exists)

__all__ = ["FAMILY", "HopfieldNetwork", "HopfieldParams", "Recall", "corrupt", "experiments", "random_patterns"]


def __getattr__(name: str) -> Any:
    """``Retrieval``, the former name of :class:`amsim.family.Recall`, with a deprecation warning."""
    if name == "Retrieval":
        import warnings

        warnings.warn("amsim.families.hopfield.Retrieval is deprecated; use amsim.family.Recall", DeprecationWarning,
                      stacklevel=2)
        return Recall
    raise AttributeError(f"module 'amsim.families.hopfield' has no attribute {name!r}")
