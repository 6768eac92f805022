"""Study files (``analysis/<name>/study.toml``): one experiment swept over a grid of parameters.

::

    experiment = "hopfield.retrieval"
    card = "models/hopfield/ags1985.toml"   # base parameters (optional)
    seed = 1
    trials = 20
    theory = "hopfield-rs"                   # optional: theory curve added beside the simulation
    [params]                                 # fixed overrides
    noise = 0.0
    [axes]                                   # swept; one dataset dimension each, in this order
    load = { start = 0.02, stop = 0.20, num = 19 }
    n_neurons = [250, 500, 1000, 2000]

An axis is a list of values or a range ``{start, stop, num}`` (evenly spaced, both ends included; add
``scale = "log"`` for geometric spacing). Every grid point is validated when the study is loaded, so a bad
value fails before anything runs or is written.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from amsim import registry
from amsim.cards import check_keys, load_card, read_toml
from amsim.exceptions import ValidationError
from amsim.params import Params
from amsim.plotting import figure_options
from amsim.runner import check_run_settings

STUDY_KEYS = ("experiment", "card", "seed", "trials", "title", "theory", "params", "axes", "references", "figure")
RANGE_KEYS = ("start", "stop", "num", "scale")


@dataclass(frozen=True)
class Task:
    """One grid point: its index in the grid, its coordinates, its validated parameters."""

    index: tuple[int, ...]
    coords: dict[str, Any]
    params: Params


@dataclass(frozen=True)
class Study:
    """A loaded, fully validated study."""

    path: Path
    experiment: str
    family: str
    title: str
    references: tuple[str, ...]
    seed: int
    trials: int
    base: Params
    axes: dict[str, list[Any]]
    theory: str | None
    tasks: tuple[Task, ...]
    figure: dict[str, Any] | None = None  # how `amsim sweep --figure` draws it: amsim.plotting.figure_options

    @property
    def name(self) -> str:
        """The study's name: its folder name (``analysis/<name>/study.toml``) or file stem."""
        return self.path.parent.name if self.path.name == "study.toml" else self.path.stem

    def fingerprint(self) -> str:
        """Hash of everything that determines the numbers (not the backend or executor)."""
        text = json.dumps({"experiment": self.experiment, "base": self.base.to_dict(), "seed": self.seed,
                           "trials": self.trials, "axes": self.axes}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def axis_values(name: str, spec: Any, where: str) -> list[Any]:
    """Values of an axis given as a list or a ``{start, stop, num[, scale]}`` range (see the module doc)."""
    if isinstance(spec, list):
        if not spec:
            raise ValidationError(f"{where}: axes.{name}: must list at least one value (got [])")
        if len(set(map(repr, spec))) != len(spec):
            raise ValidationError(f"{where}: axes.{name}: values must be distinct (got {spec!r})")
        return spec
    if not isinstance(spec, dict):
        raise ValidationError(f"{where}: axes.{name}: must be a list or {{start, stop, num}} (got {spec!r})")
    check_keys(spec, RANGE_KEYS, f"{where}: axes.{name}")
    missing = [k for k in ("start", "stop", "num") if k not in spec]
    if missing:
        raise ValidationError(f"{where}: axes.{name}: missing {', '.join(missing)} (got {spec!r}; "
                              "allowed: {start, stop, num, scale})")
    num, scale = spec["num"], spec.get("scale", "linear")
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise ValidationError(f"{where}: axes.{name}.num: must be an integer >= 1 (got {num!r})")
    if scale not in ("linear", "log"):
        raise ValidationError(f"{where}: axes.{name}.scale: must be one of 'linear', 'log' (got {scale!r})")
    if scale == "log" and (spec["start"] <= 0 or spec["stop"] <= 0):
        raise ValidationError(f"{where}: axes.{name}: a log range needs start, stop > 0 (got {spec!r})")
    space = np.geomspace if scale == "log" else np.linspace
    # 12 significant digits: coordinates read 0.05, not 0.05000000000000001, and stay distinct
    return [float(f"{v:.12g}") for v in space(spec["start"], spec["stop"], num)]


def load_study(path: str | os.PathLike[str]) -> Study:
    """Load and validate a study from its ``study.toml`` or the folder holding it.

    Raises
    ------
    ValidationError, UnknownNameError
        One-line messages naming the file, the key and the value.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "study.toml"
    data = read_toml(path, "study")
    path = path.resolve()
    where = str(path)
    check_keys(data, STUDY_KEYS, where)
    if "experiment" not in data:
        raise ValidationError(f"{where}: missing key 'experiment' (allowed: "
                              + ", ".join(e.name for e in registry.experiments()) + ")")
    exp = registry.experiment(data["experiment"])
    cls = exp.family.params
    seed, trials = data.get("seed", 0), data.get("trials", 10)
    try:
        check_run_settings(trials, seed)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None
    fixed = dict(data.get("params", {}))
    axes_spec = dict(data.get("axes", {}))
    cls.check_names(fixed, f"{where}: [params]")
    cls.check_names(axes_spec, f"{where}: [axes]")
    both = sorted(set(fixed) & set(axes_spec))
    if both:
        raise ValidationError(f"{where}: {both[0]!r} is both fixed in [params] and swept in [axes] (got both; "
                              "allowed: one of them)")
    card = load_card(data["card"], base=path.parent) if "card" in data else None
    if card is not None and card.family != exp.family.name:
        raise ValidationError(f"{where}: card {card.name!r} is a {card.family!r} card (got it for experiment "
                              f"{exp.name!r}; allowed: a {exp.family.name!r} card)")
    base_values = {**(card.params if card else {}), **fixed}
    try:
        base = cls.from_dict(base_values, where=where)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None
    axes = {name: axis_values(name, spec, where) for name, spec in axes_spec.items()}
    tasks = []
    for index in itertools.product(*(range(len(v)) for v in axes.values())):
        coords = {name: values[i] for (name, values), i in zip(axes.items(), index, strict=True)}
        try:
            tasks.append(Task(index, coords, exp.validate(cls.from_dict({**base_values, **coords}, where=where))))
        except ValidationError as exc:
            raise ValidationError(f"{where}: axes: {exc}") from None
    theory = data.get("theory")
    if theory is not None:
        registry.theory(theory)
    title = data.get("title", card.title if card else exp.family.title)
    refs = tuple(data.get("references", card.references if card else ()))
    figure = figure_options(data["figure"], f"{where}: [figure]") if "figure" in data else None
    return Study(path=path, experiment=exp.name, family=exp.family.name, title=str(title), references=refs,
                 seed=seed, trials=trials, base=base, axes=axes, theory=theory, tasks=tuple(tasks), figure=figure)
