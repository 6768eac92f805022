"""Classical Hopfield networks: Hebbian storage, synchronous, asynchronous and Glauber dynamics."""

from amsim.families.hopfield.params import HopfieldParams
from amsim.registry import register_family

FAMILY = register_family("hopfield", HopfieldParams, "Classical Hopfield network (Hebbian storage)")

from amsim.families.hopfield import experiments  # noqa: E402  (registers after the family exists)
from amsim.families.hopfield.model import HopfieldNetwork, Retrieval, corrupt, random_patterns  # noqa: E402

__all__ = ["FAMILY", "HopfieldNetwork", "HopfieldParams", "Retrieval", "corrupt", "experiments", "random_patterns"]
