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

#: Largest study or card file read (a TOML preset is a few hundred bytes; anything this big is a wrong file).
MAX_TOML_BYTES = 1 << 20

_KINDS = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list",
          dict: "a table"}


def shorten(value: Any, width: int = 60) -> str:
    """``repr(value)`` cut to ``width`` characters, for error messages about values that may be huge."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def read_toml(path: str | os.PathLike[str], what: str) -> dict[str, Any]:
    """Parse a TOML file (UTF-8); a missing, unreadable, oversized, non-UTF-8 or malformed file becomes a one-line
    :class:`ValidationError` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"{what}: no such file (got {str(path)!r}; allowed: an existing .toml file)")
    try:
        size = path.stat().st_size
        if size > MAX_TOML_BYTES:
            raise ValidationError(f"{path}: too large for a {what} file (got {size} bytes; allowed: up to "
                                  f"{MAX_TOML_BYTES} bytes of TOML)")
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = "it looks like UTF-16; " if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ValidationError(f"{path}: not UTF-8 text (got byte 0x{data[exc.start]:02x} at offset {exc.start}; "
                              f"allowed: a TOML file saved as UTF-8; {hint}is it the right file?)") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{path}: malformed TOML ({exc})") from None


def typed(table: dict[str, Any], key: str, kind: type, where: str, default: Any = None) -> Any:
    """``table[key]`` checked to be of ``kind`` (an int is a number; a bool is neither), or ``default`` when absent.

    Raises :class:`ValidationError` naming the file (``where``), the key, the type wanted and the value found.
    """
    if key not in table:
        return default
    value = table[key]
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, float))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        raise ValidationError(f"{where}: {key}: must be {_KINDS[kind]} (got {shorten(value)})")
    return value


def string_list(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """``table[key]`` as a tuple of strings (``references = ["doi:...", ...]``); empty when absent."""
    values = typed(table, key, list, where, [])
    for value in values:
        if not isinstance(value, str):
            raise ValidationError(f"{where}: {key}: must be a list of strings (got {shorten(value)} in the list)")
    return tuple(values)


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
    notes: str = ""

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
    ``hopfield/ags1985``; a path through a ``models`` folder that is not there is looked up in :func:`models_dir`."""
    ref = Path(ref)
    candidates = [ref] if ref.is_absolute() else [*(base / ref for base in [base] if base), Path.cwd() / ref]
    candidates += [models_dir() / ref, models_dir() / ref.with_suffix(".toml")]
    if "models" in ref.parts[:-1]:  # a study copied elsewhere: "../../models/hopfield/x.toml" names card hopfield/x
        parts = ref.parts
        candidates.append(models_dir().joinpath(*parts[len(parts) - parts[::-1].index("models"):]))
    for path in candidates:
        if path.is_file():
            return path
    names = [c.name for c in list_cards()]
    raise UnknownNameError(f"card: no card {str(ref)!r}" + did_you_mean(str(ref), names))


def load_card(ref: str | os.PathLike[str], base: Path | None = None) -> Card:
    """Load, check and validate a card (its parameters are built once to validate them)."""
    path = resolve_card_path(ref, base)
    card = _card(path, read_toml(path, "card"))
    registry.family(card.family)
    try:
        card.build()
    except ValidationError as exc:
        message = str(exc)
        raise ValidationError(message if message.startswith(str(path)) else f"{path}: {message}") from None
    return card


def _card(path: Path, data: dict[str, Any]) -> Card:
    """A card's fields, type-checked (values of ``[params]`` are checked by the family's Params on build)."""
    where = str(path)
    check_keys(data, CARD_KEYS, where)
    family = typed(data, "family", str, where)
    if family is None:
        raise ValidationError(f"{where}: missing key 'family' (allowed: "
                              + ", ".join(f.name for f in registry.families()) + ")")
    return Card(path=path, family=family, title=typed(data, "title", str, where, path.stem),
                references=string_list(data, "references", where), params=dict(typed(data, "params", dict, where, {})),
                expect=dict(typed(data, "expect", dict, where, {})), notes=typed(data, "notes", str, where, ""))


def list_cards() -> list[Card]:
    """Every card under :func:`models_dir`, sorted by path, parsed but not validated."""
    root = models_dir()
    paths = sorted(root.rglob("*.toml")) if root.is_dir() else []
    return [_card(path, read_toml(path, "card")) for path in paths]


def describe_card(card: Card) -> list[str]:
    """The lines ``amsim models NAME`` prints: title, file, references, notes, parameters (with what each means
    and its units) and the published values the card reproduces."""
    fields = registry.family(card.family).params.constraints()
    lines = [f"{card.name} ({card.family}): {card.title}", f"file: {card.path}"]
    lines += [f"reference: {ref}" for ref in card.references]
    if card.notes:
        lines.append("notes: " + " ".join(card.notes.split()))
    lines.append("params:")
    width = max(map(len, card.params), default=0)
    for name, value in card.params.items():
        _, rule = fields[name]
        units = "" if rule.units == "1" else f" [{rule.units}]"
        lines.append(f"  {name:{width}s} = {value!r}  ({rule.doc}{units})")
    if card.expect:
        lines.append("expect (published values this configuration reproduces):")
        width = max(map(len, card.expect))
        lines += [f"  {name:{width}s} = {value!r}" for name, value in card.expect.items()]
    return lines
