"""Pattern sets for lessons and demos: hand-drawn letters and digits, scikit-learn's digits, random and correlated
sets, each a :class:`PatternSet` of ±1 images.

The letters (A-Z) and digits (0-9) are 10 x 10 bitmaps drawn as text art in ``amsim/data/letters.txt`` and
``amsim/data/digits.txt``, shipped inside the package (package data), so they load from an installed amsim as
from the source tree; ``amsim/data/README.md`` gives their source and format.

>>> import numpy as np
>>> from amsim import datasets
>>> abc = datasets.letters("ABC")
>>> abc.patterns.shape, abc.patterns.dtype, abc.names, abc.shape
((3, 100), dtype('int8'), ('A', 'B', 'C'), (10, 10))
>>> family = datasets.correlated_set(4, (10, 10), 0.6, np.random.default_rng(0))
>>> family.patterns.astype(int) @ family.parent / 100     # each child's overlap with the parent
array([0.6, 0.6, 0.6, 0.6])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from amsim.exceptions import UnknownNameError, ValidationError
from amsim.patterns import corrupt, random_patterns

__all__ = ["PatternSet", "correlated_set", "digits", "letters", "random_set", "read_bitmaps", "sklearn_digits"]

INK, PAPER = "#", "."


@dataclass(frozen=True)
class PatternSet:
    """P named ±1 patterns that are images.

    Attributes
    ----------
    patterns : ndarray, (P, N) int8
        The patterns, +1 for ink and -1 for paper, each image flattened row by row (N = rows x columns).
    names : tuple of str
        One name per pattern (``"A"``, ``"7"``, ``"r0"``, ...).
    shape : tuple of int
        The image shape (rows, columns).
    parent : ndarray, (N,) int8, optional
        The common parent of a correlated set (:func:`correlated_set`).
    """

    patterns: np.ndarray
    names: tuple[str, ...]
    shape: tuple[int, int]
    parent: np.ndarray | None = None

    def images(self) -> np.ndarray:
        """The patterns as images, (P, rows, columns) int8."""
        return self.patterns.reshape(-1, *self.shape)

    def select(self, names: Iterable[str]) -> PatternSet:
        """The patterns with the given names, in that order (a string selects one name per character); for sets
        whose names are unique (in :func:`sklearn_digits` they repeat: select rows by index there)."""
        index = {name: k for k, name in enumerate(self.names)}
        if len(index) != len(self.names):
            raise ValidationError("PatternSet.select: the names of this set repeat (select rows by index instead)")
        chosen = list(names)
        unknown = [name for name in chosen if name not in index]
        if unknown:
            raise UnknownNameError(f"PatternSet.select: no pattern named {unknown[0]!r} (allowed: "
                                   f"{', '.join(self.names)})")
        return PatternSet(self.patterns[[index[name] for name in chosen]], tuple(chosen), self.shape, self.parent)


def read_bitmaps(text: str, where: str = "bitmaps") -> PatternSet:
    """Parse bitmaps drawn as text: a line with each bitmap's name, then its rows of ``#`` (ink, +1) and ``.``
    (paper, -1); blank lines and lines starting with ``"# "`` are ignored. Every bitmap must have the same shape.

    Returns
    -------
    PatternSet
        The bitmaps in file order.

    Raises
    ------
    ValidationError
        A line that is neither a new name nor a row, or bitmaps of different shapes (or none), named with ``where``
        (and the line number).
    """
    names: list[str] = []
    rows: list[list[str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip()
        if not line or line.startswith("# "):
            continue
        if set(line) <= {INK, PAPER} and names:
            rows[-1].append(line)
        elif line.replace("_", "").isalnum() and line not in names:
            names.append(line)
            rows.append([])
        else:
            raise ValidationError(f"{where}, line {number}: expected a new name (letters and digits) or a row of "
                                  f"'{INK}' and '{PAPER}' after a name (got {line!r})")
    heights, widths = {len(r) for r in rows}, {len(row) for r in rows for row in r}
    if len(heights) != 1 or len(widths) != 1 or 0 in heights:
        raise ValidationError(f"{where}: every bitmap must have the same, non-zero number of rows and columns (got "
                              f"{len(names)} bitmaps of {sorted(heights)} rows and {sorted(widths)} columns)")
    shape = (heights.pop(), widths.pop())
    patterns = np.array([[1 if c == INK else -1 for c in "".join(r)] for r in rows], dtype=np.int8)
    return PatternSet(patterns, tuple(names), shape)


def _bundled(filename: str, names: Iterable[str] | None) -> PatternSet:
    text = (resources.files("amsim") / "data" / filename).read_text(encoding="utf-8")
    full = read_bitmaps(text, f"amsim/data/{filename}")
    return full if names is None else full.select(names)


def letters(names: Iterable[str] | None = None) -> PatternSet:
    """The hand-drawn capital letters, 10 x 10 pixels: patterns (26, 100) int8 ±1 in A-Z order, or those named
    (``letters("HELO")``)."""
    return _bundled("letters.txt", names)


def digits(names: Iterable[str] | None = None) -> PatternSet:
    """The hand-drawn digits, 10 x 10 pixels: patterns (10, 100) int8 ±1 in 0-9 order, or those named."""
    return _bundled("digits.txt", names)


def sklearn_digits(threshold: float = 8.0) -> PatternSet:
    """scikit-learn's bundled handwritten digits (1,797 images of 8 x 8 pixels, grey levels 0-16), as ±1 patterns.

    Parameters
    ----------
    threshold : float
        Grey level (0-16) from which a pixel is ink (+1); the rest is paper (-1).

    Returns
    -------
    PatternSet
        Patterns (1797, 64) int8, named by their digit (``"0"`` .. ``"9"``, repeated), shape (8, 8).

    Raises
    ------
    ImportError
        When scikit-learn is not installed (the data ship with it; nothing is downloaded).

    References
    ----------
    E. Alpaydin and C. Kaynak, Optical Recognition of Handwritten Digits, UCI Machine Learning Repository (1998),
    doi:10.24432/C50P49 (the test set, as scikit-learn's ``load_digits``).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("amsim.datasets.sklearn_digits needs scikit-learn: pip install scikit-learn") from None
    data = load_digits()
    patterns = np.where(data.data >= threshold, 1, -1).astype(np.int8)
    return PatternSet(patterns, tuple(str(d) for d in data.target), (8, 8))


def _image_shape(shape: int | tuple[int, int]) -> tuple[int, int]:
    rows, columns = (1, shape) if isinstance(shape, (int, np.integer)) else shape
    if rows < 1 or columns < 1:
        raise ValidationError(f"shape: must be positive (got {shape!r})")
    return int(rows), int(columns)


def random_set(n_patterns: int, shape: int | tuple[int, int], rng: np.random.Generator,
               activity: float = 0.5) -> PatternSet:
    """Random ±1 images (:func:`amsim.patterns.random_patterns`), named ``r0``, ``r1``, ...

    Parameters
    ----------
    n_patterns : int
        P.
    shape : int or (rows, columns)
        Image shape; an int N gives one row of N pixels.
    rng : numpy.random.Generator
    activity : float
        Probability of ink (+1) at each pixel.

    Returns
    -------
    PatternSet
        Patterns (P, N) int8.
    """
    shape = _image_shape(shape)
    patterns = random_patterns(n_patterns, shape[0] * shape[1], rng, activity)
    return PatternSet(patterns, tuple(f"r{k}" for k in range(n_patterns)), shape)


def correlated_set(n_patterns: int, shape: int | tuple[int, int], overlap: float, rng: np.random.Generator
                   ) -> PatternSet:
    """Children of one random parent: each a copy of the parent with exactly ``round((1 - overlap) N / 2)`` pixels
    flipped (:func:`amsim.patterns.corrupt`), independently chosen, so each child has overlap ``overlap`` with the
    parent and two children overlap by ``overlap**2`` on average.

    Parameters
    ----------
    n_patterns : int
        P children.
    shape : int or (rows, columns)
        Image shape; an int N gives one row of N pixels.
    overlap : float
        Overlap of each child with the parent, ``m = 1 - 2 (flipped pixels) / N``, in [0, 1].
    rng : numpy.random.Generator

    Returns
    -------
    PatternSet
        Patterns (P, N) int8 named ``c0``, ``c1``, ..., with ``parent`` (N,) int8.
    """
    if not 0 <= overlap <= 1:
        raise ValidationError(f"correlated_set: overlap must be between 0 and 1 (got {overlap!r})")
    shape = _image_shape(shape)
    parent = random_patterns(1, shape[0] * shape[1], rng)
    children = corrupt(np.repeat(parent, n_patterns, axis=0), (1 - overlap) / 2, rng)
    return PatternSet(children, tuple(f"c{k}" for k in range(n_patterns)), shape, parent[0])
