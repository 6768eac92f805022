"""Hundreds of bad inputs across every command: each gives one line ``error: ...`` on stderr, exit status 2, no
traceback, nothing written, within seconds.

The cases are a generated table (no randomness, so a failure reproduces): every parameter of every family with
values of the wrong type or out of range, sizes far beyond any machine's memory, damaged and foreign files,
study and card files with every key of the wrong type, grids too large to enumerate, and every option of
``run``, ``sweep``, ``theory``, ``plot``, ``boundary``, ``demo`` and ``bench`` misused. They run in this process
through :func:`amsim.cli.main` (a few hundred subprocesses would take minutes).
"""

from __future__ import annotations

import time
import typing
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from amsim import registry
from amsim.cli import main
from amsim.io import label, save_dataset

# Hopfield's update limit, under its name before or after the rename to max_steps
STEPS = "max_steps"
SECONDS = 5.0  # per case; bad input must fail before any real work
HUGE = 10**10  # far beyond any machine's memory in every size parameter


def _bad_values(kind: type, default: object, rule: typing.Any) -> list[str]:
    """Command-line values that a parameter of this type and rule must refuse."""
    values = {int: ["abc", "1.5", "true", "[1]", "0x10", "nan", "1e400", "2024-01-01"],
              float: ["abc", "true", "[0.1]", "0x10", "nan", "{a = 1}"],
              bool: ["1", "yes", "[true]", "0.5"],
              str: ["no-such-choice", "1", '["x"]']}[kind]
    if kind in (int, float):
        if rule.ge is not None:
            values.append(str(rule.ge - 1))
        if rule.gt is not None:
            values.append(str(rule.gt))
        if rule.le is not None:
            values.append(str(rule.le + 1))
        if rule.lt is not None:
            values.append(str(rule.lt))
    return values


def parameter_cases() -> list[list[str]]:
    """``run`` with each parameter of each family given a bad value (through one experiment of the family)."""
    cases = []
    for exp in (registry.experiment("hopfield.retrieval"), registry.experiment("sdm.recall")):
        cls = exp.family.params
        hints = typing.get_type_hints(cls)
        for name, (default, rule) in cls.constraints().items():
            for value in _bad_values(hints[name], default, rule):
                cases.append(["run", exp.name, f"{name}={value}"])
    return cases


STUDY_HEAD = 'experiment = "hopfield.retrieval"\ntrials = 2\n[params]\nn_neurons = 20\ncues = 2\n'
BAD_STUDIES = {
    "garbage": b"\x00\x9f\x92\x96\xff\xfe binary \x00\x01",
    "utf16": 'experiment = "hopfield.retrieval"\n'.encode("utf-16"),
    "empty": "",
    "malformed": "experiment = [\n",
    "experiment_int": "experiment = 5\n",
    "experiment_list": 'experiment = ["hopfield.retrieval"]\n',
    "experiment_table": "[experiment]\nname = 1\n",
    "experiment_unknown": 'experiment = "hopfield.retreival"\n',
    "card_int": 'experiment = "hopfield.retrieval"\ncard = 5\n',
    "card_missing": 'experiment = "hopfield.retrieval"\ncard = "hopfield/nope"\n',
    "card_garbage": 'experiment = "hopfield.retrieval"\ncard = "../../cards/garbage.toml"\n',
    "card_utf16": 'experiment = "hopfield.retrieval"\ncard = "../../cards/utf16.toml"\n',
    "card_references": 'experiment = "hopfield.retrieval"\ncard = "../../cards/references.toml"\n',
    "card_params": 'experiment = "hopfield.retrieval"\ncard = "../../cards/params.toml"\n',
    "card_family": 'experiment = "hopfield.retrieval"\ncard = "../../cards/family.toml"\n',
    "card_value": 'experiment = "hopfield.retrieval"\ncard = "../../cards/value.toml"\n',
    "card_other_family": 'experiment = "hopfield.retrieval"\ncard = "sdm/classroom"\n',
    "theory_int": 'experiment = "hopfield.retrieval"\ntheory = 5\n',
    "theory_unknown": 'experiment = "hopfield.retrieval"\ntheory = "hopfield-RS"\n',
    "theory_foreign_sdm": 'experiment = "hopfield.retrieval"\ntheory = "sdm-intersection"\n',
    "theory_foreign_recall": 'experiment = "hopfield.retrieval"\ntheory = "sdm-recall"\n',
    "theory_foreign_hopfield": 'experiment = "sdm.recall"\ntheory = "hopfield-rs"\n',
    "references_string": 'experiment = "hopfield.retrieval"\nreferences = "doi:x"\n',
    "references_ints": 'experiment = "hopfield.retrieval"\nreferences = [1, 2]\n',
    "title_int": 'experiment = "hopfield.retrieval"\ntitle = 5\n',
    "claim_list": 'experiment = "hopfield.retrieval"\nclaim = ["a"]\n',
    "runtime_int": 'experiment = "hopfield.retrieval"\nruntime = 3\n',
    "params_int": 'experiment = "hopfield.retrieval"\nparams = 5\n',
    "params_string": 'experiment = "hopfield.retrieval"\nparams = "n_neurons=5"\n',
    "params_unknown": STUDY_HEAD + "noize = 0.1\n",
    "params_value": STUDY_HEAD + "noise = 2.0\n",
    "params_type": STUDY_HEAD + 'noise = "low"\n',
    "params_date": STUDY_HEAD + "noise = 2024-01-01\n",
    "params_memory": STUDY_HEAD.replace("cues = 2", f"cues = {HUGE}"),
    "params_stochastic_zero": STUDY_HEAD + "update = \"glauber\"\n",
    "axes_int": 'experiment = "hopfield.retrieval"\naxes = 5\n',
    "axes_value_int": STUDY_HEAD + "[axes]\nload = 5\n",
    "axes_empty": STUDY_HEAD + "[axes]\nload = []\n",
    "axes_nested": STUDY_HEAD + "[axes]\nload = [[0.1]]\n",
    "axes_table_value": STUDY_HEAD + "[axes]\nload = [{a = 1}]\n",
    "axes_duplicate": 'experiment = "hopfield.retrieval"\n[axes]\nn_neurons = [100, 100.0]\n',
    "axes_duplicate_string": STUDY_HEAD + '[axes]\nrule = ["hebb", "hebb"]\n',
    "axes_start_string": STUDY_HEAD + '[axes]\nload = {start = "a", stop = 0.2, num = 3}\n',
    "axes_stop_inf": STUDY_HEAD + "[axes]\nload = {start = 0.1, stop = inf, num = 3}\n",
    "axes_num_float": STUDY_HEAD + "[axes]\nload = {start = 0.1, stop = 0.2, num = 1e8}\n",
    "axes_num_huge": STUDY_HEAD + "[axes]\nload = {start = 0.1, stop = 0.2, num = 100000000}\n",
    "axes_num_zero": STUDY_HEAD + "[axes]\nload = {start = 0.1, stop = 0.2, num = 0}\n",
    "axes_missing_num": STUDY_HEAD + "[axes]\nload = {start = 0.1, stop = 0.2}\n",
    "axes_scale": STUDY_HEAD + '[axes]\nload = {start = 0.1, stop = 0.2, num = 3, scale = "cubic"}\n',
    "axes_log_zero": STUDY_HEAD + '[axes]\nnoise = {start = 0.0, stop = 0.2, num = 3, scale = "log"}\n',
    "axes_range_key": STUDY_HEAD + "[axes]\nload = {start = 0.1, stop = 0.2, num = 3, step = 1}\n",
    "axes_product": STUDY_HEAD + "[axes]\nload = {start = 0.01, stop = 0.2, num = 1000}\n"
                                 "noise = {start = 0.0, stop = 0.5, num = 1000}\n",
    "axes_range_duplicates": STUDY_HEAD + "[axes]\nload = {start = 0.1, stop = 0.1000000000001, num = 3}\n",
    "axes_unknown": STUDY_HEAD + "[axes]\nloads = [0.1]\n",
    "axes_bad_value": STUDY_HEAD + "[axes]\nnoise = [0.1, 1.5]\n",
    "axes_memory": STUDY_HEAD.replace("cues = 2\n", "") + f"[axes]\ncues = [2, {HUGE}]\n",
    "both": STUDY_HEAD + "load = 0.1\n[axes]\nload = [0.1, 0.2]\n",
    "stochastic_zero": STUDY_HEAD + 'update = "glauber"\n[axes]\nload = [0.1]\n',
    "seed_negative": 'experiment = "hopfield.retrieval"\nseed = -1\n',
    "seed_float": 'experiment = "hopfield.retrieval"\nseed = 1.5\n',
    "seed_string": 'experiment = "hopfield.retrieval"\nseed = "1"\n',
    "seed_huge": 'experiment = "hopfield.retrieval"\nseed = 18446744073709551616\n',
    "trials_zero": 'experiment = "hopfield.retrieval"\ntrials = 0\n',
    "trials_huge": f'experiment = "hopfield.retrieval"\ntrials = {HUGE}\n',
    "trials_bool": 'experiment = "hopfield.retrieval"\ntrials = true\n',
    "unknown_key": 'experiment = "hopfield.retrieval"\nseeed = 1\n',
    "glass_update": 'experiment = "hopfield.glass"\n',
}
BAD_CARDS = {
    "garbage": b"\xff\x00\xfe\x12 not toml",
    "utf16": 'family = "hopfield"\n'.encode("utf-16"),
    "references": 'family = "hopfield"\nreferences = "doi:x"\n[params]\nn_neurons = 50\n',
    "params": 'family = "hopfield"\nparams = 5\n',
    "family": "family = 5\n",
    "value": 'family = "hopfield"\n[params]\nn_neurons = "many"\n',
}
GOOD_STUDY = STUDY_HEAD + "[axes]\nload = [0.1, 0.2]\n"


def sweep_cases() -> list[list[str]]:
    cases = [["sweep", f"studies/{name}"] for name in BAD_STUDIES]
    good = ["sweep", "studies/good", "--executor", "serial"]
    options = [
        ["--set", "noise=0.1", "--set", "noise=0.2"], ["--set", "noize=0.1"], ["--set", "load=0.3"],
        ["--set", "noise=2"], ["--set", "noise"], ["--set", "n_neurons=0x20"], ["--set", f"cues={HUGE}"],
        ["--trials", "0"], ["--trials", "-3"], ["--trials", "x"], ["--trials", str(HUGE)], ["--seed", "-1"],
        ["--seed", str(2**64)], ["--max-memory", "lots"], ["--max-memory", "0"], ["--max-memory", "-1GB"],
        ["--max-memory", "1kB"], ["--max-memory", "1e30GB"], ["--workers", "0"], ["--workers", "-2"],
        ["--format", "hdf4"], ["--executor", "spark"], ["--scheduler", "tcp://127.0.0.1:1"], ["--out", "x.txt"],
        ["--out", "x.zarr"], ["--out", "blocker/x.nc"], ["--figure", "x.txt"], ["--figure", "existing.png"],
        ["--resume", "--overwrite"], ["--out", "other.nc"], ["--out", "other.nc", "--resume"],
        ["--format", "zarr", "--out", "x.nc"], ["--backend", "gpu"], ["--bogus"],
    ]
    cases += [[*good, *option] for option in options]
    cases += [["sweep", "missing"], ["sweep", "studies"], ["sweep", "studies/garbage/study.toml"],
              ["sweep", "cards/garbage.toml"], ["sweep"]]
    return cases


def run_cases() -> list[list[str]]:
    base = ["run", "hopfield.retrieval"]
    return [
        ["run", "hopfield.retreival"], ["run", "nope"], ["run", ""], ["run"], [*base, "n_neuron=10"],
        [*base, "n_neurons"], [*base, "=5"], [*base, "n_neurons=10", "n_neurons=20"],
        [*base, "n_neurons=10", "n_neurons=10"], [*base, f"cues={HUGE}"], [*base, "--trials", str(HUGE)],
        [*base, "--trials", "0"], [*base, "--trials", "-1"], [*base, "--trials", "many"], [*base, "--seed", "-1"],
        [*base, "--seed", str(2**64)], [*base, "--seed", "1.5"], [*base, "--card", "hopfield/ags"],
        [*base, "--card", "cards/garbage.toml"], [*base, "--card", "cards/utf16.toml"],
        [*base, "--card", "cards/references.toml"], [*base, "--card", "cards/value.toml"],
        [*base, "--card", "sdm/classroom"], [*base, "--card", "cards"], [*base, "--out", "x.txt"],
        [*base, "--out", "existing.nc"], [*base, "--out", "blocker/r.nc"], [*base, "--backend", "gpu"],
        [*base, "update=glauber"], [*base, "update=sync", "order=fixed"], [*base, "load=3"],
        [*base, "n_neurons=100000", "load=0.5"], ["run", "hopfield.glass"], ["run", "hopfield.glass", f"{STEPS}=1",
                                                                              "update=glauber", "temperature=1"],
        ["run", "sdm.recall", "radius=5000"], ["run", "sdm.recall", "association=hetero", "max_steps=3"],
        ["run", "sdm.attention", "max_steps=3"], ["run", "sdm.recall", "design=selected", "radius=3"],
        *optional_run_cases(),
    ]


def optional_run_cases() -> list[list[str]]:
    """Cases that need what the family contract declares: the parameters an experiment ignores, and a memory
    estimate for every experiment (without one, an SDM of 10^10 bits is only caught by the allocation failing)."""
    cases = []
    if "temperature" in getattr(registry.experiment("hopfield.stability"), "ignores", ()):
        cases.append(["run", "hopfield.stability", "update=glauber", "temperature=2"])
    for name in ("sdm.recall", "sdm.attention"):
        if getattr(registry.experiment(name), "memory", None) is not None:
            cases += [["run", name, f"{size}={HUGE}"] for size in ("address_bits", "n_stored", "cues", "n_locations")]
    return cases


def theory_cases() -> list[list[str]]:
    cases = [["theory", "hopfield-rz"], ["theory", "nope"], ["theory", "hopfield-rs"], ["theory", "hopfield-rs",
                                                                                          "alpha=0.1"]]
    for name, inputs in (("hopfield-rs", ["load", "temperature"]), ("hopfield-sg", ["load", "temperature"]),
                         ("hopfield-phases", ["load"]), ("hopfield-mixtures", ["temperature"])):
        for key in inputs:
            others = [f"{k}=0.1" for k in inputs if k != key]
            for value in ("-1", "nan", "inf", "-inf", "0x1", "abc", "0:1", "0:1:2:3", "a:b:3", "0:1:0", "0:1:-5",
                          "0:1:1.5", "0:1:100000000", "0.1,0.1", "0.1,abc", "0:nan:3", ",", ""):
                cases.append(["theory", name, f"{key}={value}", *others])
    cases += [["theory", "hopfield-rs", "load=0.1", "load=0.2"],
              ["theory", "hopfield-rs", "load=0:0.1:1000", "temperature=0:1:1000"],
              ["theory", "hopfield-rs", "load=0.1", "--out", "x.png"],
              ["theory", "hopfield-rs", "load=0.1", "--out", "existing.nc"],
              ["theory", "hopfield-rs", "load=0.1", "--out", "blocker/t.nc"]]
    for args in (["radius=-5"], ["distance=-1"], ["distance=0.5"], ["distance=2000"], ["address_bits=0"],
                 [f"address_bits={HUGE}"], ["n_locations=0"], ["radius=2000"], ["distance=nan"],
                 ["radius=1.5"], ["address_bits=10,20"], ["frobnicate=1"]):
        cases.append(["theory", "sdm-intersection", *args])
    for args in (["address_bits=1000000"], ["noise=2"], ["noise=nan"], ["n_stored=0"], ["n_stored=-5"],
                 [f"max_steps={HUGE}"], ["activation_probability=0"], ["activation_probability=nan"],
                 ["design=round"], ["radius=999", "address_bits=10"], ["cues=abc"], ["frobnicate=1"]):
        cases.append(["theory", "sdm-recall", *args])
    return cases


def file_cases() -> list[list[str]]:
    files = ["missing.nc", "empty.nc", "garbage.nc", "truncated.nc", "text.nc", "flipped.nc", "folder.nc",
             "novars.nc"]
    cases = [["plot", f] for f in files] + [["boundary", f] for f in files]
    cases += [["plot", "sweep.nc", "--x", "trial"], ["plot", "sweep.nc", "--x", "cue"],
              ["plot", "sweep.nc", "--x", "nope"], ["plot", "sweep.nc", "--y", "nope"],
              ["plot", "sweep.nc", "--y", "label"], ["plot", "sweep.nc", "--out", "x.txt"],
              ["plot", "sweep.nc", "--out", "existing.png"], ["plot", "sweep.nc", "--out", "blocker/p.png"],
              ["plot", "run.nc"], ["plot", "sweep.nc", "--bogus"]]
    cases += [["boundary", "sweep.nc", "--along", "trial"], ["boundary", "sweep.nc", "--along", "cue"],
              ["boundary", "sweep.nc", "--along", "nope"], ["boundary", "sweep.nc", "--along", "rule"],
              ["boundary", "sweep.nc", "--var", "nope"], ["boundary", "sweep.nc", "--var", "label"],
              ["boundary", "sweep.nc", "--var", "n_patterns"], ["boundary", "theory.nc", "--var", "overlap_theory"],
              ["boundary", "sweep.nc", "--level", "nan"], ["boundary", "sweep.nc", "--level", "inf"],
              ["boundary", "sweep.nc", "--level", "x"], ["boundary", "sweep.nc", "--boot", "5"],
              ["boundary", "sweep.nc", "--boot", str(HUGE)], ["boundary", "sweep.nc", "--theory", "nope"],
              ["boundary", "sweep.nc", "--along", "load", "--theory", "hopfield-mixtures"],
              ["boundary", "sweep.nc", "--out", "x.png"], ["boundary", "sweep.nc", "--out", "existing.nc"],
              ["boundary", "run.nc"], ["boundary", "descending.nc", "--along", "load"]]
    return cases


def misc_cases() -> list[list[str]]:
    cases = [["demo", "--noise", v] for v in ("nan", "-0.1", "1.5", "abc", "inf", "-inf")]
    cases += [["demo", "--seed", "-1"], ["demo", "--seed", str(2**64)], ["demo", "--update", "glauber"],
              ["demo", "--backend", "gpu"], ["demo", "extra"], ["demo", "lettres"], ["demo", "sdm", "--noise", "0.1"],
              ["demo", "letters", "--out", "existing.json"], ["demo", "--show"]]
    cases += [["bench", "--threads", v] for v in ("0", "-1", "x", "1,,2", str(HUGE), "1.5", "")]
    cases += [["bench", "--repeats", "0"], ["bench", "--repeats", str(HUGE)], ["bench", "--family", "nope"],
              ["bench", "--match", "no workload has this name"], ["bench", "--quick", "--json", "x.txt"],
              ["bench", "--quick", "--json", "existing.json"], ["bench", "--quick", "--json", "blocker/b.json"]]
    cases += [["swep"], ["--bogus"], ["models", "hopfield/nope"], ["models", "cards/garbage.toml"],
              ["experiments", "hopfield.nope"], ["info", "extra"], ["studies", "extra"]]
    return cases


def all_cases() -> list[list[str]]:
    return [*parameter_cases(), *run_cases(), *sweep_cases(), *theory_cases(), *file_cases(), *misc_cases()]


def _sweep_dataset(loads: list[float]) -> xr.Dataset:
    """A labelled sweep result like ``hopfield.retrieval``'s (no simulation: built directly)."""
    rng = np.random.default_rng(0)
    dims = ("load", "rule", "trial", "cue")
    shape = (len(loads), 2, 4, 3)
    overlap = np.clip(1.0 - np.asarray(loads)[:, None, None, None] * 5 + rng.normal(0, 0.05, shape), -1, 1)
    return xr.Dataset(
        {"overlap": label(xr.DataArray(overlap, dims=dims), "overlap with the cued pattern"),
         "success": label(xr.DataArray(overlap >= 0.9, dims=dims), "retrieval success"),
         "n_patterns": label(xr.DataArray(np.array([[5, 5]] * len(loads)), dims=("load", "rule")), "patterns"),
         "label": label(xr.DataArray(np.array(["a", "b"]), dims="rule"), "a string variable")},
        coords={"load": label(xr.DataArray(loads, dims="load"), "memory load", "1"),
                "rule": label(xr.DataArray(["hebb", "clipped"], dims="rule"), "learning rule"),
                "trial": label(xr.DataArray(np.arange(4), dims="trial"), "trial"),
                "cue": label(xr.DataArray(np.arange(3), dims="cue"), "cue")},
        attrs={"title": "fuzz fixture"})


def make_fixtures(root: Path) -> Path:
    """The files the cases act on: good, damaged and foreign datasets, bad studies and cards, existing outputs."""
    save_dataset(_sweep_dataset([0.05, 0.1, 0.15, 0.2]), root / "sweep.nc")
    save_dataset(_sweep_dataset([0.2, 0.1]), root / "descending.nc")
    run = _sweep_dataset([0.1]).isel(load=0, rule=0, drop=True)[["overlap", "success"]]
    save_dataset(run, root / "run.nc")
    save_dataset(xr.Dataset({"overlap_theory": label(xr.DataArray([1.0, 0.9], dims="load"), "theory")},
                            coords={"load": label(xr.DataArray([0.1, 0.2], dims="load"), "load")}),
                 root / "theory.nc")
    save_dataset(xr.Dataset(attrs={"title": "no variables"}), root / "novars.nc")
    good = (root / "sweep.nc").read_bytes()
    (root / "empty.nc").write_bytes(b"")
    (root / "garbage.nc").write_bytes(bytes(range(256)) * 8)
    (root / "truncated.nc").write_bytes(good[:300])
    (root / "text.nc").write_text("not a dataset\n")
    (root / "folder.nc").mkdir()
    flipped = bytearray(good)
    import h5py

    with h5py.File(root / "sweep.nc") as f:
        info = f["overlap"].id.get_chunk_info(0)
    flipped[info.byte_offset:info.byte_offset + 256] = bytes(b ^ 0xFF for b in flipped[info.byte_offset:
                                                                                        info.byte_offset + 256])
    (root / "flipped.nc").write_bytes(bytes(flipped))
    for name in ("existing.nc", "existing.png", "existing.json"):
        (root / name).write_text("precious")
    (root / "blocker").write_text("a file where a folder is needed")
    (root / "cards").mkdir()
    for name, text in BAD_CARDS.items():
        (root / "cards" / f"{name}.toml").write_bytes(text if isinstance(text, bytes) else text.encode())
    for name, text in {**BAD_STUDIES, "good": GOOD_STUDY}.items():
        (root / "studies" / name).mkdir(parents=True)
        (root / "studies" / name / "study.toml").write_bytes(text if isinstance(text, bytes) else text.encode())
    other = STUDY_HEAD.replace("trials = 2", "trials = 3") + "[axes]\nload = [0.1, 0.2]\n"
    (root / "studies" / "other").mkdir()
    (root / "studies" / "other" / "study.toml").write_text(other)
    ds = _sweep_dataset([0.1, 0.2]).assign_attrs(fingerprint="0123456789abcdef")
    save_dataset(ds, root / "other.nc")
    return root


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixtures(tmp_path_factory.mktemp("fuzz"))


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


CASES = all_cases()


def test_the_table_is_large_and_covers_every_command():
    assert len(CASES) >= 300
    assert {case[0] for case in CASES} >= {"run", "sweep", "theory", "plot", "boundary", "demo", "bench"}


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(c)[:90] for c in CASES])
def test_bad_input_gives_one_line_exit_2_no_traceback_and_writes_nothing(fixtures, monkeypatch, capsys, argv):
    monkeypatch.chdir(fixtures)
    monkeypatch.setenv("AMSIM_MODELS", str(Path(__file__).resolve().parents[1] / "models"))
    monkeypatch.setenv("COLUMNS", "100")
    before = snapshot(fixtures)
    start = time.perf_counter()
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert exit_info.value.code == 2, (out, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err + out
    assert snapshot(fixtures) == before
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
