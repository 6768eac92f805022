"""Validated parameter sets: frozen dataclasses whose field constraints are declared as data.

A family declares its parameters once::

    @dataclass(frozen=True)
    class HopfieldParams(Params):
        n_neurons: int = param(1000, "number of neurons N", ge=2)
        update: str = param("async", "dynamics", choices=("async", "sync", "glauber"))

and every construction (Python API, card, study, CLI) is checked by :meth:`Params.__post_init__`, raising
:class:`~amsim.exceptions.ValidationError` with ``<Class>.<field>: <rule> (got <value>)``.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import operator
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, get_type_hints

from amsim.exceptions import UnknownNameError, ValidationError


@cache
def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of a Params class (resolving string annotations is slow; sweeps build many)."""
    return get_type_hints(cls)


_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Constraint:
    """The declared rule of one parameter: bounds, allowed choices, documentation and units."""

    doc: str
    units: str = "1"
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    choices: tuple[Any, ...] | None = None

    def describe(self) -> str:
        """Human-readable rule, e.g. ``>= 2`` or ``one of 'async', 'sync'``."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        parts = [f"{op} {bound:g}" for op, bound in
                 ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt)) if bound is not None]
        return " and ".join(parts) if parts else "any"

    def violation(self, value: Any) -> str | None:
        """The rule ``value`` breaks, phrased for an error message, or None."""
        if self.choices is not None:
            return None if value in self.choices else f"must be {self.describe()}"
        for op, bound in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt)):
            if bound is not None and not _COMPARE[op](value, bound):
                return f"must be {op} {bound:g}"
        return None


def param(default: Any, doc: str, *, units: str = "1", ge: float | None = None, gt: float | None = None,
          le: float | None = None, lt: float | None = None, choices: tuple[Any, ...] | None = None) -> Any:
    """Declare a parameter field with its default and its constraint (stored in the field metadata)."""
    rule = Constraint(doc=doc, units=units, ge=ge, gt=gt, le=le, lt=lt, choices=choices)
    return dataclasses.field(default=default, metadata={"constraint": rule})


def did_you_mean(name: str, candidates: list[str] | tuple[str, ...]) -> str:
    """Suffix suggesting the closest candidate (ignoring case), or listing them all when none is close."""
    lowered = {str(c).lower(): c for c in candidates}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {lowered[close[0]]!r}?"
    return "; allowed: " + ", ".join(sorted(candidates))


def _coerce(cls_name: str, name: str, kind: type, value: Any) -> Any:
    """Convert ``value`` to the declared type where that loses nothing; raise otherwise."""
    where = f"{cls_name}.{name}"
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise ValidationError(f"{where}: must be true or false (got {value!r})")
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, float) and (
                not math.isfinite(value) or value != int(value)):
            raise ValidationError(f"{where}: must be an integer (got {value!r})")
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError(f"{where}: must be a number (got {value!r})")
        if math.isnan(value):
            raise ValidationError(f"{where}: must be a number, not NaN (got {value!r})")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ValidationError(f"{where}: must be a string (got {value!r})")
        return value
    return value


@dataclass(frozen=True)
class Params:
    """Base of every family's parameters. Subclasses are frozen dataclasses whose fields use :func:`param`.

    Validation runs in ``__post_init__``: types are coerced (an integer-valued float to int, an int to float),
    then each field's :class:`Constraint` is checked, then :meth:`check` runs the cross-field rules.
    """

    family: ClassVar[str] = ""
    #: Former parameter names still accepted, with a DeprecationWarning: old name -> current name.
    renamed: ClassVar[dict[str, str]] = {}

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for f in dataclasses.fields(self):
            value = _coerce(type(self).__name__, f.name, hints[f.name], getattr(self, f.name))
            object.__setattr__(self, f.name, value)
            problem = f.metadata["constraint"].violation(value)
            if problem:
                raise ValidationError(f"{type(self).__name__}.{f.name}: {problem} (got {value!r})")
        self.check()

    def check(self) -> None:
        """Cross-field rules; subclasses override and raise :class:`ValidationError`."""

    def fail(self, field_name: str, rule: str) -> None:
        """Raise the house-style error for ``field_name`` breaking ``rule``."""
        raise ValidationError(f"{type(self).__name__}.{field_name}: {rule} (got {getattr(self, field_name)!r})")

    @classmethod
    def constraints(cls) -> dict[str, tuple[Any, Constraint]]:
        """Field name -> (default, constraint), in declaration order."""
        return {f.name: (f.default, f.metadata["constraint"]) for f in dataclasses.fields(cls)}

    @classmethod
    def check_names(cls, names: Mapping[str, Any] | list[str], where: str) -> None:
        """Raise :class:`UnknownNameError` for the first name that is not a field (or a former name of one), with
        a suggestion."""
        known = list(cls.constraints())
        for name in names:
            if name not in known and name not in cls.renamed:
                raise UnknownNameError(f"{where}: unknown parameter {name!r} for {cls.__name__}"
                                       + did_you_mean(name, known))

    @classmethod
    def current_names(cls, values: Mapping[str, Any], where: str = "params") -> dict[str, Any]:
        """``values`` with former parameter names replaced by the current ones (a DeprecationWarning each)."""
        out = {}
        for name, value in values.items():
            if name in cls.renamed:
                new = cls.renamed[name]
                warnings.warn(f"{where}: {cls.__name__}.{name} is deprecated; use {new}", DeprecationWarning,
                              stacklevel=3)
                if new in values:
                    raise ValidationError(f"{where}: {name!r} and {new!r} name the same parameter (got both; "
                                          f"allowed: {new!r})")
                name = new
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], where: str = "params") -> Params:
        """Build from a mapping (card, study, CLI), rejecting unknown names with a did-you-mean hint."""
        cls.check_names(values, where)
        return cls(**cls.current_names(values, where))

    def to_dict(self) -> dict[str, Any]:
        """Field name -> value (plain Python types)."""
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys) for provenance attributes."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def replace(self, **changes: Any) -> Params:
        """A validated copy with some fields changed."""
        cls = type(self)
        cls.check_names(changes, cls.__name__)
        return dataclasses.replace(self, **cls.current_names(changes, cls.__name__))
