"""``amsim demo NAME``: every demo runs and writes valid pictures, the letters demo's frames are the network's own
recall and converge, the overloaded network really leaves the letters, and misuse is one line with exit status 2."""

from __future__ import annotations

import numpy as np
import pytest

from amsim.cli import main

PNG, GIF = b"\x89PNG\r\n\x1a\n", (b"GIF87a", b"GIF89a")


def amsim(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``amsim ARGS`` in this process; returns the exit status, stdout and stderr."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def test_list_names_every_demo_with_a_line(in_tmp, capsys):
    from amsim.demos import DEMOS

    code, out, _ = amsim(capsys, "demo", "--list")
    assert code == 0
    for name, d in DEMOS.items():
        assert any(line.startswith(f"{name} ") for line in out.splitlines()), out
        assert d.summary and d.outputs
    assert set(DEMOS) >= {"letters", "capacity", "sdm", "dense", "dendrites", "sparsey"}
    assert list(in_tmp.iterdir()) == []


@pytest.mark.parametrize("name", ["letters", "capacity", "sdm", "dense", "dendrites", "sparsey"])
def test_each_demo_writes_valid_pictures_and_says_where(in_tmp, capsys, name):
    from PIL import Image

    from amsim.demos import DEMOS

    code, out, err = amsim(capsys, "demo", name, "--out", "pics", "--backend", "cpu")
    assert code == 0, err
    written = sorted(p.name for p in (in_tmp / "pics").iterdir())
    assert written == sorted(DEMOS[name].outputs)
    for file in written:
        path = in_tmp / "pics" / file
        assert str(path.relative_to(in_tmp)) in out
        head = path.read_bytes()[:8]
        with Image.open(path) as image:
            assert image.width >= 100 and image.height >= 100
            if file.endswith(".gif"):
                assert head[:6] in GIF and image.n_frames >= 5
            else:
                assert head == PNG
    # a second run refuses to replace them, before computing anything; --overwrite replaces them
    stamps = {p: p.stat().st_mtime_ns for p in (in_tmp / "pics").iterdir()}
    code, out, err = amsim(capsys, "demo", name, "--out", "pics")
    assert code == 2 and err.startswith("error: output:") and "exists" in err and not out
    assert stamps == {p: p.stat().st_mtime_ns for p in (in_tmp / "pics").iterdir()}


def test_letters_frames_are_the_networks_recall_and_converge_to_the_letters():
    from amsim.datasets import letters
    from amsim.demos.letters import async_frames
    from amsim.demos.text import LETTERS
    from amsim.families.hopfield import HopfieldNetwork
    from amsim.patterns import corrupt

    rng = np.random.default_rng(5)
    xi = letters(LETTERS).patterns
    net = HopfieldNetwork(n_neurons=100, engine="dense", backend="cpu", random_state=0).store(xi)
    cues = corrupt(xi, 0.25, rng)
    # in the order 0 .. N-1, the hand-run frames end where the network's engine ends
    frames, updates = async_frames(net.weights_, cues, rng, fixed=True)
    assert (frames[-1] == net.recall(cues, update="async", order="fixed").states).all()
    # in random orders: the cues first, one neuron changed at most per update, the stored letters at the end
    frames, updates = async_frames(net.weights_, cues, rng, every=1)
    assert (frames[0] == cues).all() and updates[:3] == [0, 1, 2]
    assert (np.abs(np.diff(frames.astype(int), axis=0)).sum(axis=2) <= 2).all()
    assert (frames[-1] == xi).all()
    assert not (frames[0] == xi).all(axis=1).any()
    # the energy never rises along the frames
    energies = np.array([net.energy(f) for f in frames])
    assert (np.diff(energies, axis=0) <= 1e-12).all()


def test_the_overloaded_network_ends_in_states_that_are_no_letter():
    from amsim.datasets import letters
    from amsim.demos.letters import overloaded
    from amsim.families.hopfield import HopfieldNetwork

    finals, overlaps = overloaded(seed=0, backend="cpu")
    every = letters().patterns
    spurious = [not (f == every).all(axis=1).any() for f in finals]
    assert sum(spurious) >= 3, overlaps.max(axis=1)
    assert (overlaps[spurious].max(axis=1) < 1).all()
    # they are fixed points of the network that stores all 26 letters (where recall ended, not where it stopped)
    net = HopfieldNetwork(n_neurons=100, backend="cpu", random_state=0).store(every)
    assert (net.recall(finals, update="sync", max_steps=1).states == finals).all()


def test_the_dense_demo_separates_the_energies():
    from amsim.demos.dense import recall_all

    patterns, _, finals = recall_all(seed=1, backend="cpu")
    exact = {label: int((states == patterns).all(axis=1).sum()) for label, states in finals.items()}
    assert exact["x^2 (Hopfield)"] <= 2 and exact["exp(x)"] == 36, exact
    assert exact["x^2 (Hopfield)"] < exact["x^3"] < exact["x^4"] < 36, exact


def test_show_without_a_display_warns_and_still_writes(in_tmp, capsys):
    code, out, err = amsim(capsys, "demo", "dense", "--show", "--backend", "cpu")
    assert code == 0
    assert err.startswith("warning: --show: no display") and len(err.strip().splitlines()) == 1
    assert (in_tmp / "amsim-demo" / "dense.png").is_file() and "amsim-demo/dense.png" in out


@pytest.mark.parametrize(("args", "fragment"), [
    (["lettres"], "did you mean 'letters'"),
    (["nope"], "allowed: capacity, dendrites, dense, letters, sdm, sparsey"),
    (["sdm", "--noise", "0.1"], "--noise applies to the demos letters only"),
    (["capacity", "--update", "sync"], "--update applies"),
    (["letters", "--noise", "1.5"], "--noise"),
    (["letters", "--noise", "nan"], "--noise"),
    (["letters", "--seed", "-1"], "--seed"),
    (["--out", "x"], "--out needs a demo NAME"),
    (["--list", "letters"], "--list takes no NAME"),
    (["letters", "--out", "afile"], "must be a folder"),
])
def test_misuse_is_one_line_and_status_2(in_tmp, capsys, args, fragment):
    (in_tmp / "afile").write_text("x")
    code, out, err = amsim(capsys, "demo", *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert fragment in lines[0], lines[0]
    assert sorted(p.name for p in in_tmp.iterdir()) == ["afile"]


def test_the_sparsey_demo_draws_one_winner_per_module():
    from amsim.demos.sparsey import code_bits

    code = np.array([3, 0, 15, 7])
    grid = code_bits(code, 16).reshape(16, 4)
    assert (grid.sum(axis=0) == 1).all() and (grid.argmax(axis=0) == code).all()


def test_morph_moves_one_more_active_bit_each_frame_until_none_is_left():
    from amsim.demos.dendrites import morph
    from amsim.patterns import random_sdrs, sdr_bits

    start = random_sdrs(1, 64, 12, np.random.default_rng(0))[0]
    frames = morph(start, 64, np.random.default_rng(1))
    bits = sdr_bits(frames, 64)
    assert frames.shape == (13, 12) and (bits.sum(axis=1) == 12).all() and (frames[0] == start).all()
    assert ((bits & bits[0]).sum(axis=1) == np.arange(12, -1, -1)).all()  # frame k shares 12 - k bits
    assert ((bits[1:] & bits[:-1]).sum(axis=1) == 11).all()  # each frame moves one bit more than the last
