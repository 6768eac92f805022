"""Lesson helpers: drawing ±1 patterns as images, and saving figures only when asked."""

from __future__ import annotations

import numpy as np

from amsim import datasets
from amsim.classroom import FIGURES_ENV, save_figure, show_patterns


def test_show_patterns_draws_every_state_with_its_title_in_one_axes():
    s = datasets.letters("ABCDE")
    fig = show_patterns(s.patterns, s.shape, s.names, columns=2, title="five")
    (ax,) = fig.axes
    images = ax.get_images()
    assert len(images) == 5
    assert (images[3].get_array() == s.images()[3]).all()
    assert [t.get_text() for t in ax.texts] == list("ABCDE")
    assert fig.get_suptitle() == "five"
    tops = sorted({round(image.get_extent()[3], 6) for image in images})
    assert len(tops) == 3  # 2 per row: three rows
    lone = show_patterns(s.patterns[0], s.shape)
    assert len(lone.axes[0].get_images()) == 1 and not lone.axes[0].texts


def test_save_figure_writes_only_when_the_environment_names_a_folder(tmp_path, monkeypatch):
    fig = show_patterns(np.ones((1, 4), np.int8), (2, 2))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(FIGURES_ENV, raising=False)
    save_figure(fig, "nothing")
    assert not list(tmp_path.rglob("*"))
    monkeypatch.setenv(FIGURES_ENV, str(tmp_path / "figures"))
    save_figure(fig, "01-one")
    assert (tmp_path / "figures" / "01-one.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
