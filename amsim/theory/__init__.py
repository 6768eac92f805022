"""Theory curves (replica, signal-to-noise, ...) on the same coordinates as the simulations.

Importing this package registers every named theory (``amsim theory --help`` lists them).
"""

from amsim.theory import hopfield, sdm_curves

__all__ = ["hopfield", "sdm_curves"]
