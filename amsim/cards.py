"""Model cards (``models/**.toml``): named, validated parameter presets with the published values they reproduce.

A card holds ``family``, ``title``, ``references``, ``[params]`` and optionally ``[expect]``::

    family = "hopfield"
    title = "Hopfield network, Hebbian storage (Amit, Gutfreund & Sompolinsky 1985)"
    references = ["doi:10.1103/PhysRevLett.55.1530"]
    [params]
    n_neurons = 1000
    [expect]
    alpha_c = 0.138
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amsim import registry
from amsim.exceptions import UnknownNameError, ValidationError
from amsim.params import Params, did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CARD_KEYS = ("family", "title", "references", "params", "expect", "notes")


def read_toml(path: str | os.PathLike[str], what: str) -> dict[str, Any]:
    """Parse a TOML file; missing files and syntax errors become one-line :class:`ValidationError`."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"{what}: no such file (got {str(path)!r}; allowed: an existing .toml file)")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{path}: malformed TOML ({exc})") from None


def check_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Reject the first key of ``table`` not in ``allowed``, with a suggestion."""
    for key in table:
        if key not in allowed:
            raise UnknownNameError(f"{where}: unknown key {key!r}" + did_you_mean(key, list(allowed)))


def models_dir() -> Path:
    """Folder of the model cards: ``$AMSIM_MODELS``, else ``./models``, else the source tree's ``models/``."""
    if "AMSIM_MODELS" in os.environ:
        return Path(os.environ["AMSIM_MODELS"])
    here = Path.cwd() / "models"
    return here if here.is_dir() else Path(__file__).resolve().parents[1] / "models"


@dataclass(frozen=True)
class Card:
    """A parsed and validated model card."""

    path: Path
    family: str
    title: str
    references: tuple[str, ...]
    params: dict[str, Any]
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Card name relative to the models folder, without ``.toml`` (e.g. ``hopfield/ags1985``)."""
        try:
            return self.path.resolve().relative_to(models_dir().resolve()).with_suffix("").as_posix()
        except ValueError:
            return self.path.stem

    def build(self, **overrides: Any) -> Params:
        """The card's validated parameters with ``overrides`` applied."""
        cls = registry.family(self.family).params
        return cls.from_dict({**self.params, **overrides}, where=str(self.path))


def resolve_card_path(ref: str | os.PathLike[str], base: Path | None = None) -> Path:
    """A card given as a path (absolute, or relative to ``base`` or the working folder) or a name like
    ``hopfield/ags1985``."""
    ref = Path(ref)
    candidates = [ref] if ref.is_absolute() else [*(base / ref for base in [base] if base), Path.cwd() / ref]
    candidates += [models_dir() / ref, models_dir() / ref.with_suffix(".toml")]
    for path in candidates:
        if path.is_file():
            return path
    names = [c.name for c in list_cards()]
    raise UnknownNameError(f"card: no card {str(ref)!r}" + did_you_mean(str(ref), names))


def load_card(ref: str | os.PathLike[str], base: Path | None = None) -> Card:
    """Load, check and validate a card (its parameters are built once to validate them)."""
    path = resolve_card_path(ref, base)
    data = read_toml(path, "card")
    check_keys(data, CARD_KEYS, str(path))
    if "family" not in data:
        raise ValidationError(f"{path}: missing key 'family' (allowed: " +
                              ", ".join(f.name for f in registry.families()) + ")")
    registry.family(data["family"])
    card = _card(path, data)
    card.build()
    return card


def _card(path: Path, data: dict[str, Any]) -> Card:
    return Card(path=path, family=str(data.get("family", "?")), title=str(data.get("title", path.stem)),
                references=tuple(data.get("references", ())), params=dict(data.get("params", {})),
                expect=dict(data.get("expect", {})))


def list_cards() -> list[Card]:
    """Every card under :func:`models_dir`, sorted by path, parsed but not validated."""
    root = models_dir()
    paths = sorted(root.rglob("*.toml")) if root.is_dir() else []
    return [_card(path, read_toml(path, "card")) for path in paths]
