"""Model families; importing this package registers each one (explicit list, in the order shown)."""

from amsim.families import hopfield, sdm

__all__ = ["hopfield", "sdm"]
