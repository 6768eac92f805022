"""Lesson helpers: drawing ±1 patterns and SDRs as images, and saving figures only when asked."""

from __future__ import annotations

import numpy as np
import pytest

from amsim import datasets
from amsim.classroom import FIGURES_ENV, draw_sdr, save_figure, show_patterns


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


def test_draw_sdr_colours_the_overlap_with_the_reference_cell_by_cell():
    import matplotlib.pyplot as plt

    reference = np.array([0, 5, 9, 14])  # index sets of 16 bits, drawn 4 x 4
    sdrs = np.array([[0, 5, 9, 14], [0, 5, 10, 15], [1, 2, 3, 4]])
    fig = draw_sdr(sdrs, 16, (4, 4), ["same", "half", "none"], reference=reference, title="three")
    assert fig.get_suptitle() == "three" and [ax.get_title() for ax in fig.axes[:3]] == ["same", "half", "none"]
    cells = [ax.get_images()[0].get_array() for ax in fig.axes[:3]]
    # 0 off, 1 active only here, 2 active in both, 3 active only in the reference
    assert [np.bincount(np.asarray(c).ravel(), minlength=4).tolist() for c in cells] == \
        [[12, 0, 4, 0], [10, 2, 2, 2], [8, 4, 0, 4]]
    assert cells[1][2, 2] == 1 and cells[1][2, 1] == 3 and cells[1][1, 1] == 2  # bits 10, 9 and 5
    # bitmaps draw the same; given axes are used as they are; shapes too small are refused
    bits = np.zeros((1, 16), np.uint8)
    bits[0, reference] = 1
    _, axes = plt.subplots(1, 2)
    assert draw_sdr(bits, 16, (4, 4), reference=bits[0], axes=axes) is axes[0].figure
    assert (axes[0].get_images()[0].get_array() == cells[0]).all() and not axes[1].get_images()
    with pytest.raises(ValueError, match="fewer than n_bits"):
        draw_sdr(sdrs, 16, (3, 5))
    with pytest.raises(ValueError, match="index sets or 0/1 bitmaps"):
        draw_sdr(np.array([[0.5, 1.5]]), 16)
    plt.close("all")
