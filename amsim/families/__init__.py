"""Model families; importing this package registers each one (explicit list, in the order shown)."""

from amsim.families import dense, hopfield, sdm, sparsey

__all__ = ["dense", "hopfield", "sdm", "sparsey"]
