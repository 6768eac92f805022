"""The one registry: model families, their experiments, and theory curves, looked up by name.

Families register when ``amsim.families`` is imported; every lookup imports it first, so ``import amsim``
stays cheap and a name is always found whichever module asks first. Modules named in the environment variable
``AMSIM_PLUGINS`` (comma-separated) are imported too, so a user's own families plug in without editing amsim.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from amsim.exceptions import AmsimError, UnknownNameError
from amsim.params import Params, did_you_mean


@dataclass(frozen=True)
class Family:
    """A model family: its name, validated parameter class, title, model classes and kernel package.

    ``models`` are the user-facing classes (:class:`amsim.family.Model` subclasses; most families have one, a
    family with a discrete and a continuous form has two) and ``kernels`` the package holding the kernel twins
    (``reference``, ``_cpu``, ``_cuda``); both are empty only for plugin families that have neither (the
    conformance suite requires them of every family under ``amsim.families``).
    """

    name: str
    params: type[Params]
    title: str
    models: tuple[type, ...] = ()
    kernels: str | None = None

    @property
    def model(self) -> type | None:
        """The family's (first) model class."""
        return self.models[0] if self.models else None


@dataclass(frozen=True)
class Experiment:
    """A registered protocol ``fn(params, *, trials, rng, backend) -> xr.Dataset`` of one family.

    Every experiment declares (see :func:`register_experiment`):

    * ``memory(params, trials) -> bytes``: the peak memory of one run, so runs and sweeps refuse what cannot fit
      before anything is allocated;
    * ``check(params)``: raises :class:`~amsim.exceptions.ValidationError` for settings the family allows but this
      protocol cannot run (:func:`amsim.family.no_protocol_check` when there are none); runs and sweeps call it
      through :meth:`validate` before anything starts;
    * ``ignores``: the family's parameters this protocol does not use (setting one changes nothing);
    * ``example``: settings of a run that takes about a second, for the documentation and the conformance suite.
    """

    name: str
    family: Family
    fn: Callable[..., Any]
    memory: Callable[[Params, int], int]
    check: Callable[[Params], None]
    ignores: tuple[str, ...] = ()
    example: Mapping[str, Any] = field(default_factory=dict)

    def validate(self, params: Params) -> Params:
        """``params``, after the protocol's own check."""
        self.check(params)
        return params

    @property
    def summary(self) -> str:
        """First line of the experiment's docstring."""
        return (inspect.getdoc(self.fn) or "").splitlines()[0] if self.fn.__doc__ else ""


@dataclass(frozen=True)
class Theory:
    """A registered theory curve ``fn(**inputs) -> xr.Dataset``; ``inputs`` are coordinate names it takes."""

    name: str
    fn: Callable[..., Any]
    inputs: tuple[str, ...]

    @property
    def summary(self) -> str:
        """First line of the theory's docstring."""
        return (inspect.getdoc(self.fn) or "").splitlines()[0] if self.fn.__doc__ else ""


_FAMILIES: dict[str, Family] = {}
_EXPERIMENTS: dict[str, Experiment] = {}
_THEORIES: dict[str, Theory] = {}


def _load(package: str = "amsim.families") -> None:
    """Import ``package`` (families, or theories: those load only when asked for, as they pull in SciPy's solvers),
    then the plugins: modules named in ``AMSIM_PLUGINS`` that register their own families, experiments or
    theories. Workers inherit the environment, so they load the same plugins."""
    importlib.import_module(package)
    for module in filter(None, (m.strip() for m in os.environ.get("AMSIM_PLUGINS", "").split(","))):
        importlib.import_module(module)


def _add(table: dict[str, Any], kind: str, name: str, entry: Any) -> None:
    """Register ``entry`` under a new ``name``; a name registered twice is refused (two modules claiming one name
    would silently replace each other's work)."""
    if name in table:
        raise AmsimError(f"{kind}: {name!r} is registered already (got a second registration; allowed: a new name)")
    table[name] = entry


def register_family(name: str, params: type[Params], title: str, *, models: tuple[type, ...] = (),
                    kernels: str | None = None) -> Family:
    """Register a family; called once from the family's ``__init__`` (see :mod:`amsim.family`)."""
    family = Family(name, params, title, tuple(models), kernels)
    _add(_FAMILIES, "family", name, family)
    params.family = name
    return family


def register_experiment(name: str, *, memory: Callable[[Params, int], int], check: Callable[[Params], None],
                        example: Mapping[str, Any], ignores: tuple[str, ...] = ()
                        ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator registering ``fn`` as experiment ``"<family>.<protocol>"``; the family must be registered.

    Parameters
    ----------
    name : str
        ``"<family>.<protocol>"``.
    memory : callable
        ``memory(params, trials)``: estimated peak bytes of one run.
    check : callable
        ``check(params)``: raises ValidationError for settings this protocol cannot run
        (:func:`amsim.family.no_protocol_check` when there are none).
    example : mapping
        Settings of a run of about a second (documentation, conformance suite).
    ignores : tuple of str
        Parameters of the family this protocol does not use.
    """
    family_name = name.split(".", 1)[0]
    fam = _FAMILIES[family_name]
    fam.params.check_names(list(ignores) + list(example), f"experiment {name}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _add(_EXPERIMENTS, "experiment", name,
             Experiment(name, fam, fn, memory, check, tuple(ignores), dict(example)))
        return fn

    return decorate


def register_theory(name: str, inputs: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator registering a theory curve that takes the coordinates named in ``inputs``."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _add(_THEORIES, "theory", name, Theory(name, fn, inputs))
        return fn

    return decorate


def _lookup(table: dict[str, Any], kind: str, name: str) -> Any:
    _load("amsim.theory" if table is _THEORIES else "amsim.families")
    if name not in table:
        raise UnknownNameError(f"{kind}: unknown name {name!r}" + did_you_mean(name, list(table)))
    return table[name]


def family(name: str) -> Family:
    """The family called ``name``; :class:`UnknownNameError` with a suggestion otherwise."""
    return _lookup(_FAMILIES, "family", name)


def experiment(name: str) -> Experiment:
    """The experiment called ``name`` (e.g. ``"hopfield.retrieval"``)."""
    return _lookup(_EXPERIMENTS, "experiment", name)


def theory(name: str) -> Theory:
    """The theory curve called ``name`` (e.g. ``"hopfield-rs"``)."""
    return _lookup(_THEORIES, "theory", name)


def families() -> list[Family]:
    """All registered families, by name."""
    _load()
    return [_FAMILIES[k] for k in sorted(_FAMILIES)]


def experiments() -> list[Experiment]:
    """All registered experiments, by name."""
    _load()
    return [_EXPERIMENTS[k] for k in sorted(_EXPERIMENTS)]


def theories() -> list[Theory]:
    """All registered theory curves, by name."""
    _load("amsim.theory")
    return [_THEORIES[k] for k in sorted(_THEORIES)]
