"""Model families; importing this package registers each one (explicit list, in the order shown)."""

from amsim.families import dendrites, dense, hopfield, sdm, sparsey

__all__ = ["dendrites", "dense", "hopfield", "sdm", "sparsey"]
