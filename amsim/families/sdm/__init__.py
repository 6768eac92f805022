"""Kanerva's Sparse Distributed Memory: hard locations with bit-packed addresses, saturating counters, Hamming or
Jaeckel activation, single and iterated reading, and its relation to softmax attention."""

from amsim.families.sdm.model import SparseDistributedMemory
from amsim.families.sdm.params import SDMParams
from amsim.family import Recall
from amsim.patterns import flip_bits, hamming_distances, random_bits
from amsim.registry import register_family

FAMILY = register_family("sdm", SDMParams, "Kanerva's Sparse Distributed Memory", models=(SparseDistributedMemory,),
                         kernels="amsim.families.sdm")

from amsim.families.sdm import experiments  # noqa: E402  (registers after the family exists)

__all__ = ["FAMILY", "Recall", "SDMParams", "SparseDistributedMemory", "experiments", "flip_bits",
           "hamming_distances", "random_bits"]
