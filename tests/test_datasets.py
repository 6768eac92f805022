"""Pattern sets: the hand-drawn letters and digits, scikit-learn's digits, random and correlated sets."""

from __future__ import annotations

import fnmatch
import string
import sys

import numpy as np
import pytest
from conftest import ROOT

from amsim import datasets
from amsim.cards import read_toml
from amsim.exceptions import UnknownNameError, ValidationError
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import corrupt, random_patterns


@pytest.mark.parametrize(("loader", "names"), [(datasets.letters, string.ascii_uppercase),
                                               (datasets.digits, string.digits)])
def test_bundled_sets_are_distinct_10_by_10_spin_images(loader, names):
    s = loader()
    assert s.names == tuple(names)
    assert s.shape == (10, 10)
    assert s.patterns.shape == (len(names), 100) and s.patterns.dtype == np.int8
    assert set(np.unique(s.patterns)) == {-1, 1}
    assert s.images().shape == (len(names), 10, 10)
    assert (s.images()[:, 2] == s.patterns[:, 20:30]).all()  # row by row
    overlaps = s.patterns.astype(int) @ s.patterns.T / 100
    np.fill_diagonal(overlaps, 0)
    assert overlaps.max() <= 0.84  # the closest pair (O, Q) still differs in 8 pixels
    ink = (s.patterns == 1).sum(axis=1)
    assert ink.min() >= 20 and ink.max() <= 70  # strokes two pixels wide: 30-64 pixels of ink


def test_all_26_letters_overload_a_100_neuron_network_but_chosen_sets_are_fixed_points():
    every = HopfieldNetwork(n_neurons=100, backend="cpu").store(datasets.letters().patterns)
    assert every.stable().mean() < 0.5  # in fact only O survives: the letters share most of their paper
    digits = HopfieldNetwork(n_neurons=100, backend="cpu").store(datasets.digits().patterns)
    assert not digits.stable().all()
    for chosen in ("ALCXT", "AILRSVX", "BJKNQTVX"):
        xi = datasets.letters(chosen).patterns
        net = HopfieldNetwork(n_neurons=100, backend="cpu", random_state=0).store(xi)
        assert net.stable().all(), chosen
        for update in ("async", "sync"):
            assert (net.recall(xi, update=update).states == xi).all(), (chosen, update)


def test_seven_chosen_letters_come_back_from_ten_percent_noise():
    xi = datasets.letters("AILRSVX").patterns
    net = HopfieldNetwork(n_neurons=100, backend="cpu", random_state=0).store(xi)
    rng = np.random.default_rng(3)
    restored = sum((net.recall(corrupt(xi, 0.1, rng)).states == xi).all(axis=1).sum() for _ in range(10))
    assert restored >= 65  # of 70


def test_select_keeps_the_order_asked_for_and_names_the_unknown():
    s = datasets.letters()
    assert datasets.letters("TAX").names == ("T", "A", "X")
    assert (datasets.letters(["T", "A"]).patterns == s.patterns[[19, 0]]).all()
    with pytest.raises(UnknownNameError, match="'a'"):
        s.select("a")


def test_read_bitmaps_parses_text_art_and_refuses_broken_files():
    s = datasets.read_bitmaps("# two tiny images\n\nup\n#.\n.#\n\ndown\n.#\n#.\n")
    assert s.names == ("up", "down") and s.shape == (2, 2)
    assert s.patterns.tolist() == [[1, -1, -1, 1], [-1, 1, 1, -1]]
    bad = {"x\n#.\n.o\n": "line 3", "#.\n": "line 1", "x\n#.\nx\n.#\n": "line 3",
           "x\n#.\ny\n#..\n": r"\[1\] rows and \[2, 3\] columns", "x\n#.\ny\n#.\n.#\n": r"\[1, 2\] rows",
           "x\n": r"\[0\] rows", "": "0 bitmaps"}
    for text, fragment in bad.items():
        with pytest.raises(ValidationError, match=fragment):
            datasets.read_bitmaps(text, "test.txt")


def test_the_bundled_files_are_package_data():
    globs = read_toml(ROOT / "pyproject.toml", "pyproject")["tool"]["setuptools"]["package-data"]["amsim"]
    files = [p.relative_to(ROOT / "amsim").as_posix() for p in (ROOT / "amsim" / "data").iterdir()]
    assert files and all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files)


def test_sklearn_digits_are_thresholded_8_by_8_images():
    pytest.importorskip("sklearn")
    s = datasets.sklearn_digits()
    assert s.patterns.shape == (1797, 64) and s.patterns.dtype == np.int8 and s.shape == (8, 8)
    assert set(np.unique(s.patterns)) == {-1, 1}
    assert set(s.names) == set(string.digits)
    assert (datasets.sklearn_digits(threshold=0).patterns == 1).all()
    with pytest.raises(ValidationError, match="repeat"):
        s.select("3")


def test_sklearn_digits_without_scikit_learn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # makes the import fail
    with pytest.raises(ImportError, match="needs scikit-learn: pip install scikit-learn"):
        datasets.sklearn_digits()


def test_random_set_draws_with_amsim_patterns():
    s = datasets.random_set(4, (5, 6), np.random.default_rng(7))
    assert s.names == ("r0", "r1", "r2", "r3") and s.shape == (5, 6)
    assert (s.patterns == random_patterns(4, 30, np.random.default_rng(7))).all()
    assert datasets.random_set(2, 50, np.random.default_rng(0)).shape == (1, 50)
    with pytest.raises(ValidationError, match="shape"):
        datasets.random_set(2, (0, 3), np.random.default_rng(0))


def test_correlated_children_overlap_the_parent_exactly_and_each_other_by_its_square():
    s = datasets.correlated_set(6, 10_000, 0.6, np.random.default_rng(1))
    assert s.parent.shape == (10_000,) and s.parent.dtype == np.int8
    assert np.allclose(s.patterns @ s.parent.astype(int) / 10_000, 0.6)
    pairs = s.patterns.astype(int) @ s.patterns.T / 10_000
    assert np.allclose(pairs[np.triu_indices(6, 1)], 0.36, atol=0.04)  # sd of one pair ~0.01
    clones = datasets.correlated_set(3, 20, 1.0, np.random.default_rng(0))
    assert (clones.patterns == clones.parent).all()
    with pytest.raises(ValidationError, match="overlap"):
        datasets.correlated_set(2, 10, 1.5, np.random.default_rng(0))
