"""Classical Hopfield networks: Hebb, Storkey, projection, covariance and clipped rules with optional dilution and
self-coupling; dense, pattern and bit-packed engines; synchronous, asynchronous, Glauber and Metropolis dynamics
with annealing and energy/overlap traces."""

from amsim.families.hopfield.params import HopfieldParams
from amsim.registry import register_family

FAMILY = register_family("hopfield", HopfieldParams, "Classical Hopfield network (Hebb, Storkey, projection, "
                         "covariance and clipped rules)")

from amsim.families.hopfield import experiments  # noqa: E402  (registers after the family exists)
from amsim.families.hopfield.model import HopfieldNetwork, Retrieval, corrupt, random_patterns  # noqa: E402

__all__ = ["FAMILY", "HopfieldNetwork", "HopfieldParams", "Retrieval", "corrupt", "experiments", "random_patterns"]
