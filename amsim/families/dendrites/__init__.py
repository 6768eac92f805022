"""Active dendrites (Ahmad & Hawkins 2016): segments of a few synapses with an NMDA-like threshold recognising
sparse distributed representations, false matches of random inputs, noise and the union property."""

from amsim.families.dendrites.model import DendriticSegments
from amsim.families.dendrites.params import DendritesParams
from amsim.family import Recall
from amsim.registry import register_family

FAMILY = register_family("dendrites", DendritesParams, "Active dendrites on sparse distributed representations",
                         models=(DendriticSegments,), kernels="amsim.families.dendrites")

from amsim.families.dendrites import experiments  # noqa: E402  (registers after the family exists)

__all__ = ["FAMILY", "DendriticSegments", "DendritesParams", "Recall", "experiments"]
