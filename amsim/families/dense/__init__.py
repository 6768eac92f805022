"""Dense associative memories and modern Hopfield networks: ±1 neurons with polynomial, rectified or exponential
interaction functions (capacity growing as N^(p-1), or exponentially), and the continuous modern Hopfield network
with softmax, softmax_1, sparsemax and alpha-entmax separation, whose one-step update is attention."""

from amsim.families.dense.model import DenseAssociativeMemory, ModernHopfield
from amsim.families.dense.params import DenseParams
from amsim.family import Recall
from amsim.registry import register_family

FAMILY = register_family("dense", DenseParams, "Dense associative memory (Krotov & Hopfield 2016) and modern "
                         "Hopfield network (Ramsauer et al. 2020)", models=(DenseAssociativeMemory, ModernHopfield),
                         kernels="amsim.families.dense")

from amsim.families.dense import experiments  # noqa: E402  (registers after the family exists)

__all__ = ["FAMILY", "DenseAssociativeMemory", "DenseParams", "ModernHopfield", "Recall", "experiments"]
