"""Rinkus' Sparsey: sparse distributed codes of Q competitive modules, chosen by the familiarity-driven Code
Selection Algorithm and learned in a single trial."""

from amsim.families.sparsey.model import Sparsey
from amsim.families.sparsey.params import SparseyParams
from amsim.family import Recall
from amsim.registry import register_family

FAMILY = register_family("sparsey", SparseyParams, "Rinkus' Sparsey (sparse distributed codes, single-trial)",
                         models=(Sparsey,), kernels="amsim.families.sparsey")

from amsim.families.sparsey import experiments  # noqa: E402  (registers after the family exists)

__all__ = ["FAMILY", "Recall", "Sparsey", "SparseyParams", "experiments"]
