"""The family contract: how every model family is constructed, seeded, asked to recall, and reported.

A **family** is a subpackage of ``amsim/families/`` that registers itself (:func:`amsim.registry.register_family`)
with its validated parameters (a :class:`~amsim.params.Params` subclass), its user-facing model classes
(subclasses of :class:`Model`; usually one) and its kernel package (``reference.py``, ``_cpu.py``,
``_cuda.py``), then registers its experiments (:func:`amsim.registry.register_experiment`). The conformance
suite (``tests/test_families.py``) checks every registered family against this contract:

* **Construction.** ``Model(params=None, *, backend="auto", random_state=None, **settings)``: ``settings`` are fields
  of the family's Params, validated at once (a bad value raises :class:`~amsim.exceptions.ValidationError`
  naming ``<Params>.<field>``); ``params`` is a validated Params instance that ``settings`` override. The
  constructor does no other work: nothing is drawn or allocated, and learned state (attributes ending in ``_``)
  appears only when the model is first used.
* **Randomness.** One source per model: ``random_state`` (an integer seed, a ``numpy.random.Generator``, or None
  for fresh entropy), turned into the generator :attr:`Model.rng_` on first use. A Generator passed in is used as
  is, so an experiment hands the model its task's generator and one stream serves the whole run. Kernels never
  draw: every random number is drawn on the host from ``rng_`` and passed in, so all backends give the same numbers.
* **Items** are rows of one kind (``Model.items``): ``spins`` (±1 int8), ``bits`` (0/1 uint8) or ``reals``
  (float64), shape (B, ``Model.width``).
* **Verbs.** ``store(items) -> self`` and ``recall(cues, **settings) -> Recall``; families add their own verbs
  (``energy``, ``overlaps``, ``read``, ...). ``recall``'s keyword settings are fields of the family's Params that
  override the model's for that call (validated the same way).
* **Result.** :class:`Recall` (``states``, ``steps``, ``converged``, optional traces) for every family.
* **Protocol parameters.** Every family's Params declares the shared protocol fields of :data:`PROTOCOL` with
  :func:`protocol_field`: one name and one meaning each (``noise``, ``cues``, ``max_steps``, ``success_overlap``),
  each family choosing its default.
* **Experiments** declare their memory estimate, their protocol check, the parameters they ignore and a tiny
  example (see :class:`amsim.registry.Experiment`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import ModuleType
from typing import Any, ClassVar

import numpy as np

from amsim import backends
from amsim.exceptions import ValidationError
from amsim.params import Params, param

#: The protocol parameters every family shares: name -> (doc, units, bounds). Each family declares them with
#: :func:`protocol_field` and its own default, so the meaning is written once.
PROTOCOL: dict[str, dict[str, Any]] = {
    "noise": {"doc": "fraction of cue bits flipped away from the stored item (exactly round(noise N) bits)",
              "ge": 0, "le": 1},
    "cues": {"doc": "cues per trial (cue k starts from stored item k mod the number stored)", "ge": 1},
    "max_steps": {"doc": "update limit per cue: sweeps of sequential dynamics, steps of synchronous dynamics, "
                         "or reads", "units": "steps", "ge": 1},
    "success_overlap": {"doc": "overlap with the stored item at or above which a recall counts as a success",
                        "gt": 0, "le": 1},
}


def protocol_field(name: str, default: Any) -> Any:
    """Declare the shared protocol parameter ``name`` (a key of :data:`PROTOCOL`) with this family's default."""
    return param(default, **PROTOCOL[name])


def no_protocol_check(params: Params) -> None:
    """The protocol runs every setting its family allows (the declared check of such experiments)."""


@dataclass(frozen=True)
class Recall:
    """Outcome of ``Model.recall`` for B cues, the same type for every family.

    Attributes
    ----------
    states : ndarray, (B, N)
        Final states, of the dtype of the family's items (int8 ±1 spins, uint8 0/1 bits, float64 reals).
    steps : ndarray, (B,) int32
        Updates that changed the state: synchronous steps, sweeps of sequential dynamics, or reads (stochastic
        dynamics: the sweeps run).
    converged : ndarray, (B,) bool
        Reached a fixed point within the limit (always False for stochastic dynamics, which have none).
    energy_trace : ndarray, (B, S + 1) float64, optional
        When the recall was traced: the energy per neuron of the cue (column 0) and after each of the S steps
        (a state that stopped keeps its last value).
    overlap_trace : ndarray, (B, S + 1) float64, optional
        When traced: the overlap with each cue's target, likewise.
    """

    states: np.ndarray
    steps: np.ndarray
    converged: np.ndarray
    energy_trace: np.ndarray | None = None
    overlap_trace: np.ndarray | None = None


@lru_cache(maxsize=512)
def _replaced(params: Params, changes: tuple[tuple[str, Any], ...]) -> Params:
    """``params.replace(**dict(changes))``, memoised: models validate their per-call settings at every call, and
    building a Params costs more than a small recall."""
    return params.replace(**dict(changes))


class Model:
    """Base of every family's model class (see the module docstring for the contract it implements).

    Parameters
    ----------
    params : Params, optional
        Validated settings of the family (its ``params_class``); ``settings`` override them.
    backend : {"auto", "numpy", "cpu", "cuda"}
        Compute backend, resolved on first use (:attr:`backend_`).
    random_state : int, numpy.random.Generator or None
        The model's one source of randomness (:attr:`rng_`).
    **settings
        Fields of ``params_class``.

    Attributes
    ----------
    params : Params
        The validated settings.
    backend_ : str
        The resolved backend (on first use).
    rng_ : numpy.random.Generator
        The model's generator (on first use).
    """

    #: The family's validated parameters.
    params_class: ClassVar[type[Params]]
    #: Package holding the family's kernel twins (``reference``, ``_cpu``, ``_cuda``).
    kernel_package: ClassVar[str]
    #: What ``store`` and ``recall`` take, shape (B, width): ``"spins"`` (±1 int8), ``"bits"`` (0/1 uint8) or
    #: ``"reals"`` (float64 vectors, for continuous models).
    items: ClassVar[str]

    def __init__(self, params: Params | None = None, *, backend: str = "auto",
                 random_state: int | np.random.Generator | None = None, **settings: Any) -> None:
        cls = self.params_class
        if params is not None and not isinstance(params, cls):
            raise ValidationError(f"{type(self).__name__}: params must be a {cls.__name__} (got "
                                  f"{type(params).__name__}; allowed: a {cls.__name__}, or its fields as keywords)")
        self.params = params.replace(**settings) if params is not None else \
            cls.from_dict(settings, where=type(self).__name__)
        self.backend = backend
        self.random_state = random_state

    @cached_property
    def backend_(self) -> str:
        """The backend in use (``auto`` resolved); raises BackendUnavailableError when it cannot run here."""
        return backends.resolve(self.backend)

    @cached_property
    def rng_(self) -> np.random.Generator:
        """The model's generator, made from ``random_state`` on first use (a Generator is used as is)."""
        return np.random.default_rng(self.random_state)

    @property
    def kernels_(self) -> ModuleType:
        """Kernel module of the resolved backend."""
        return backends.kernels(self.kernel_package, self.backend_)

    @property
    def width(self) -> int:
        """Length N of the items the model stores and recalls."""
        raise NotImplementedError

    def settings(self, **changes: Any) -> Params:
        """The model's params with ``changes`` applied (validated; None values keep the model's own)."""
        given = tuple(sorted((k, v) for k, v in changes.items() if v is not None))
        if not given:
            return self.params
        try:
            return _replaced(self.params, given)
        except TypeError:  # an unhashable value: validate without the cache
            return self.params.replace(**dict(given))

    def store(self, items: np.ndarray) -> Model:
        """Store ``items`` (P, width); returns ``self``."""
        raise NotImplementedError

    def recall(self, cues: np.ndarray, **settings: Any) -> Recall:
        """Recall from each cue (B, width); ``settings`` override the model's params for this call."""
        raise NotImplementedError

    def __repr__(self) -> str:
        changed = {f.name: getattr(self.params, f.name) for f in dataclasses.fields(self.params)
                   if getattr(self.params, f.name) != f.default}
        text = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"{type(self).__name__}({text}{', ' if text else ''}backend={self.backend!r})"
