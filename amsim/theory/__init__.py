"""Theory curves (replica, signal-to-noise, ...) on the same coordinates as the simulations.

Modules are named after the family they describe: ``<family>.py`` or ``<family>_<topic>.py`` hold the functions
(``hopfield_replica``, ``hopfield_mixtures``, ``sdm``, ``dense``), and ``<family>_curves.py`` registers the named
curves that ``amsim theory`` and studies evaluate. Importing this package registers every named curve.
"""

from amsim.theory import dendrites_curves, dense_curves, hopfield_curves, sdm_curves

__all__ = ["dendrites_curves", "dense_curves", "hopfield_curves", "sdm_curves"]
