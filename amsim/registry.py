"""The one registry: model families, their experiments, and theory curves, looked up by name.

Families register when ``amsim.families`` is imported; every lookup imports it first, so ``import amsim``
stays cheap and a name is always found whichever module asks first. Modules named in the environment variable
``AMSIM_PLUGINS`` (comma-separated) are imported too, so a user's own families plug in without editing amsim.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amsim.exceptions import UnknownNameError
from amsim.params import Params, did_you_mean


@dataclass(frozen=True)
class Family:
    """A model family: its name, its validated parameter class and a one-line title."""

    name: str
    params: type[Params]
    title: str


@dataclass(frozen=True)
class Experiment:
    """A registered protocol ``fn(params, *, trials, rng, backend) -> xr.Dataset`` of one family.

    ``memory(params, trials) -> bytes``, when given, estimates the peak memory of one run, so sweeps can refuse
    a task that cannot fit before anything starts. ``check(params)``, when given, raises
    :class:`~amsim.exceptions.ValidationError` for settings the family allows but this protocol does not; runs
    and sweeps call it (:meth:`validate`) before anything starts.
    """

    name: str
    family: Family
    fn: Callable[..., Any]
    memory: Callable[[Params, int], int] | None = None
    check: Callable[[Params], None] | None = None

    def validate(self, params: Params) -> Params:
        """``params``, after the protocol's own check (if any)."""
        if self.check is not None:
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


def register_family(name: str, params: type[Params], title: str) -> Family:
    """Register a family; called once from the family's ``__init__``."""
    family = Family(name, params, title)
    _FAMILIES[name] = family
    params.family = name
    return family


def register_experiment(name: str, memory: Callable[[Params, int], int] | None = None,
                        check: Callable[[Params], None] | None = None
                        ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator registering ``fn`` as experiment ``"<family>.<protocol>"``; the family must be registered.

    ``memory(params, trials)`` optionally estimates the bytes one run needs; ``check(params)`` optionally rejects
    settings this protocol cannot run (see :class:`Experiment`).
    """
    family_name = name.split(".", 1)[0]

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _EXPERIMENTS[name] = Experiment(name, _FAMILIES[family_name], fn, memory, check)
        return fn

    return decorate


def register_theory(name: str, inputs: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator registering a theory curve that takes the coordinates named in ``inputs``."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _THEORIES[name] = Theory(name, fn, inputs)
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
