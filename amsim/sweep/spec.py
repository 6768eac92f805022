"""Study files (``analysis/<name>/study.toml``): one experiment swept over a grid of parameters.

::

    experiment = "hopfield.retrieval"
    card = "models/hopfield/ags1985.toml"   # base parameters (optional)
    seed = 1
    trials = 20
    theory = "hopfield-rs"                   # optional: theory curve added beside the simulation
    claim = "..."                            # optional: the study's point in one line (`amsim studies`)
    runtime = "about 1 minute on 2 cores"    # optional: how long it takes (`amsim studies`)
    [params]                                 # fixed overrides
    noise = 0.0
    [axes]                                   # swept; one dataset dimension each, in this order
    load = { start = 0.02, stop = 0.20, num = 19 }
    n_neurons = [250, 500, 1000, 2000]

An axis is a list of distinct values or a range ``{start, stop, num}`` (evenly spaced, both ends included; add
``scale = "log"`` for geometric spacing); a grid holds at most :data:`MAX_GRID_POINTS` points. Every grid point's
full parameter set (card, ``[params]`` and its swept values together) is validated when the study is loaded, so a
bad value fails before anything runs or is written, and a fixed value that only makes sense with the swept ones
(``update = "glauber"`` with a swept ``temperature``) is accepted.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from amsim import registry
from amsim.cards import check_keys, load_card, read_toml, shorten, string_list, typed
from amsim.exceptions import ValidationError
from amsim.params import Params
from amsim.plotting import figure_options
from amsim.runner import check_ignored, check_seed, check_trials

STUDY_KEYS = ("experiment", "card", "seed", "trials", "title", "claim", "runtime", "theory", "params", "axes",
              "references", "figure")
RANGE_KEYS = ("start", "stop", "num", "scale")
#: Largest grid of a study or of ``amsim theory`` (points, all axes together): beyond it a typo (``num = 1e8``)
#: would hang the loading instead of failing.
MAX_GRID_POINTS = 100_000


@dataclass(frozen=True)
class Task:
    """One grid point: its index in the grid, its coordinates, its validated parameters."""

    index: tuple[int, ...]
    coords: dict[str, Any]
    params: Params


@dataclass(frozen=True)
class Study:
    """A loaded, fully validated study.

    ``fixed`` holds every parameter that is not swept, as resolved for the tasks (card, ``[params]``, ``--set``
    and the family defaults); ``overrides`` the command-line settings that changed the file's study.
    """

    path: Path
    experiment: str
    family: str
    title: str
    references: tuple[str, ...]
    seed: int
    trials: int
    fixed: dict[str, Any]
    axes: dict[str, list[Any]]
    theory: str | None
    tasks: tuple[Task, ...]
    claim: str = ""
    runtime: str = ""
    overrides: tuple[str, ...] = ()
    figure: dict[str, Any] | None = None  # how `amsim sweep --figure` draws it: amsim.plotting.figure_options

    @property
    def name(self) -> str:
        """The study's name: its folder name (``analysis/<name>/study.toml``) or file stem."""
        return self.path.parent.name if self.path.name == "study.toml" else self.path.stem

    def fixed_json(self) -> str:
        """The fixed parameters as canonical JSON (sorted keys), for the ``params_json`` provenance attribute."""
        return json.dumps(self.fixed, sort_keys=True)

    def fingerprint(self) -> str:
        """Hash of everything that determines the numbers (not the backend or executor)."""
        text = json.dumps({"experiment": self.experiment, "fixed": self.fixed, "seed": self.seed,
                           "trials": self.trials, "axes": self.axes}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _distinct_key(value: Any, where: str) -> tuple[str, Any]:
    """What makes two grid values the same point: ``100`` and ``100.0`` are one number."""
    if isinstance(value, (bool, str)):
        return type(value).__name__, value
    if isinstance(value, (int, float)):
        return "number", float(value)
    raise ValidationError(f"{where}: values must be numbers, strings or true/false (got {shorten(value)})")


def check_grid_size(sizes: Mapping[str, int], where: str) -> None:
    """Refuse a grid of more than :data:`MAX_GRID_POINTS` points, with the count."""
    total = math.prod(sizes.values())
    if total > MAX_GRID_POINTS:
        shape = " x ".join(f"{n:,} {name}" for name, n in sizes.items())
        raise ValidationError(f"{where}: the grid has {total:,} points ({shape}) (got {total:,}; allowed: at most "
                              f"{MAX_GRID_POINTS:,})")


def axis_values(name: str, spec: Any, where: str) -> list[Any]:
    """Values of an axis given as a list or a ``{start, stop, num[, scale]}`` range (see the module doc).

    Raises
    ------
    ValidationError
        A malformed range, a non-scalar or repeated value (``100`` and ``100.0`` are the same point), or more than
        :data:`MAX_GRID_POINTS` values.
    """
    here = f"{where}: axes.{name}"
    if isinstance(spec, list):
        if not spec:
            raise ValidationError(f"{here}: must list at least one value (got [])")
        check_grid_size({name: len(spec)}, here)
        values = spec
    elif isinstance(spec, dict):
        values = _range_values(spec, here)
    else:
        raise ValidationError(f"{here}: must be a list or {{start, stop, num}} (got {shorten(spec)})")
    seen: dict[tuple[str, Any], Any] = {}
    for value in values:
        key = _distinct_key(value, here)
        if key in seen:
            raise ValidationError(f"{here}: values must be distinct (got {seen[key]!r} and {value!r}, the same "
                                  "point)")
        seen[key] = value
    return values


def _range_values(spec: dict[str, Any], here: str) -> list[float]:
    """The values of a ``{start, stop, num[, scale]}`` range, checked before anything is generated."""
    check_keys(spec, RANGE_KEYS, here)
    missing = [k for k in ("start", "stop", "num") if k not in spec]
    if missing:
        raise ValidationError(f"{here}: missing {', '.join(missing)} (got {shorten(spec)}; "
                              "allowed: {start, stop, num, scale})")
    for key in ("start", "stop"):
        value = typed(spec, key, float, here)
        if not math.isfinite(value):
            raise ValidationError(f"{here}: {key}: must be a finite number (got {value!r})")
    num, scale = typed(spec, "num", int, here), typed(spec, "scale", str, here, "linear")
    if num < 1:
        raise ValidationError(f"{here}: num: must be an integer >= 1 (got {num!r})")
    check_grid_size({here.rsplit(".", 1)[-1]: num}, here)
    if scale not in ("linear", "log"):
        raise ValidationError(f"{here}: scale: must be one of 'linear', 'log' (got {scale!r})")
    if scale == "log" and (spec["start"] <= 0 or spec["stop"] <= 0):
        raise ValidationError(f"{here}: a log range needs start, stop > 0 (got {shorten(spec)})")
    space = np.geomspace if scale == "log" else np.linspace
    # 12 significant digits: coordinates read 0.05, not 0.05000000000000001 (repeats are refused by the caller)
    return [float(f"{v:.12g}") for v in space(spec["start"], spec["stop"], num)]


def study_path(path: str | os.PathLike[str]) -> Path:
    """A study's ``study.toml``, given the file or the folder holding it."""
    path = Path(path)
    return path / "study.toml" if path.is_dir() else path


def load_study(path: str | os.PathLike[str], *, overrides: Mapping[str, Any] | None = None,
               trials: int | None = None, seed: int | None = None) -> Study:
    """Load and validate a study from its ``study.toml`` or the folder holding it.

    Parameters
    ----------
    path : path
        The study file or its folder.
    overrides : mapping, optional
        Fixed parameters set on the command line (``--set NAME=VALUE``), over the file's ``[params]``; a swept
        parameter cannot be set.
    trials, seed : int, optional
        Replace the file's ``trials`` and ``seed``.

    Raises
    ------
    ValidationError, UnknownNameError
        One-line messages naming the file, the key and the value.
    """
    path = study_path(path)
    data = read_toml(path, "study")
    path = path.resolve()
    where = str(path)
    check_keys(data, STUDY_KEYS, where)
    name = typed(data, "experiment", str, where)
    if name is None:
        raise ValidationError(f"{where}: missing key 'experiment' (allowed: "
                              + ", ".join(e.name for e in registry.experiments()) + ")")
    exp = registry.experiment(name)
    cls = exp.family.params
    given = {"trials": trials, "seed": seed}
    if trials is None:
        trials = typed(data, "trials", int, where, 10)
        check_trials(trials, f"{where}: trials")
    else:
        check_trials(trials, "sweep: --trials")
    if seed is None:
        seed = typed(data, "seed", int, where, 0)
        check_seed(seed, f"{where}: seed")
    else:
        check_seed(seed, "sweep: --seed")
    fixed = dict(typed(data, "params", dict, where, {}))
    axes_spec = dict(typed(data, "axes", dict, where, {}))
    cls.check_names(fixed, f"{where}: [params]")
    cls.check_names(axes_spec, f"{where}: [axes]")
    fixed, axes_spec = cls.current_names(fixed, where), cls.current_names(axes_spec, where)
    both = sorted(set(fixed) & set(axes_spec))
    if both:
        raise ValidationError(f"{where}: {both[0]!r} is both fixed in [params] and swept in [axes] (got both; "
                              "allowed: one of them)")
    overrides = dict(overrides or {})
    cls.check_names(overrides, "sweep: --set")
    swept = sorted(set(overrides) & set(axes_spec))
    if swept:
        raise ValidationError(f"sweep: --set {swept[0]}: {swept[0]!r} is swept in [axes] of {where} (got "
                              f"{swept[0]}={overrides[swept[0]]!r}; allowed: the fixed parameters)")
    fixed.update(overrides)
    card_ref = typed(data, "card", str, where)
    card = load_card(card_ref, base=path.parent) if card_ref is not None else None
    if card is not None and card.family != exp.family.name:
        raise ValidationError(f"{where}: card {card.name!r} is a {card.family!r} card (got it for experiment "
                              f"{exp.name!r}; allowed: a {exp.family.name!r} card)")
    theory = typed(data, "theory", str, where)
    if theory is not None:
        check_theory(theory, exp, where)
    axes = {axis: axis_values(axis, spec, where) for axis, spec in axes_spec.items()}
    check_grid_size({axis: len(values) for axis, values in axes.items()}, f"{where}: axes")
    tasks = _tasks(exp, {**(card.params if card else {}), **fixed}, axes, where)
    explicit = [*fixed, *axes]
    for task in tasks:
        check_ignored(exp, explicit, task.params, where)
    resolved = {k: v for k, v in tasks[0].params.to_dict().items() if k not in axes}
    title = typed(data, "title", str, where, card.title if card else exp.family.title)
    refs = string_list(data, "references", where) if "references" in data else (card.references if card else ())
    settings = tuple([*(f"--set {k}={v!r}" for k, v in overrides.items()),
                      *(f"--{k} {v}" for k, v in given.items() if v is not None)])
    return Study(path=path, experiment=exp.name, family=exp.family.name, title=title, references=tuple(refs),
                 seed=seed, trials=trials, fixed=resolved, axes=axes, theory=theory, tasks=tasks,
                 claim=typed(data, "claim", str, where, ""), runtime=typed(data, "runtime", str, where, ""),
                 overrides=settings,
                 figure=figure_options(data["figure"], f"{where}: [figure]") if "figure" in data else None)


def _tasks(exp: registry.Experiment, base: dict[str, Any], axes: dict[str, list[Any]], where: str
           ) -> tuple[Task, ...]:
    """Every grid point with its full parameter set validated (base values and swept ones together)."""
    cls = exp.family.params
    tasks = []
    for index in itertools.product(*(range(len(v)) for v in axes.values())):
        coords = {name: values[i] for (name, values), i in zip(axes.items(), index, strict=True)}
        try:
            tasks.append(Task(index, coords, exp.validate(cls.from_dict({**base, **coords}, where=where))))
        except ValidationError as exc:
            at = ", ".join(f"{k}={v!r}" for k, v in coords.items())
            raise ValidationError(f"{where}: " + (f"at {at}: " if at else "") + str(exc)) from None
    return tuple(tasks)


def compatible_theories(exp: registry.Experiment) -> list[str]:
    """Theories a study of ``exp`` can carry: those whose every input is a parameter of its family."""
    fields = set(exp.family.params.constraints())
    return [th.name for th in registry.theories() if set(th.inputs) <= fields]


def check_theory(name: str, exp: registry.Experiment, where: str) -> None:
    """Refuse a study theory that belongs to another family (an input that is not one of the experiment's
    parameters), before anything runs."""
    th = registry.theory(name)
    fields = exp.family.params.constraints()
    foreign = [key for key in th.inputs if key not in fields]
    if foreign:
        raise ValidationError(f"{where}: theory {name!r} takes {', '.join(foreign)}, not parameters of {exp.name} "
                              f"(got theory = {name!r}; allowed: {', '.join(compatible_theories(exp)) or 'none'})")


def studies_dir() -> Path:
    """Folder of the studies: ``$AMSIM_STUDIES``, else ``./analysis``, else the source tree's ``analysis/``."""
    if "AMSIM_STUDIES" in os.environ:
        return Path(os.environ["AMSIM_STUDIES"])
    here = Path.cwd() / "analysis"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "analysis"


def study_files() -> list[Path]:
    """Every ``<name>/study.toml`` under :func:`studies_dir`, sorted by name."""
    root = studies_dir()
    return sorted(root.glob("*/study.toml")) if root.is_dir() else []
