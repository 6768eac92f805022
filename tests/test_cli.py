"""The command line: help, the happy paths, and every kind of bad input (one line, exit 2, nothing written)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from amsim.io import load_dataset, unlabelled

SMALL_STUDY = """
experiment = "hopfield.retrieval"
seed = 2
trials = 2
theory = "hopfield-rs"
[params]
n_neurons = 50
cues = 2
[axes]
load = [0.05, 0.1, 0.3]
"""


def amsim(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "amsim", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def assert_user_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in lines[0], lines[0]


@pytest.mark.parametrize("command", [[], ["--help"], ["run", "--help"], ["sweep", "--help"], ["plot", "--help"],
                                     ["theory", "--help"], ["models"], ["experiments"], ["info"], ["theory"],
                                     ["demo"]])
def test_help_and_listings(in_tmp, cli_env, command):
    result = amsim(*command, cwd=in_tmp, env=cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert list(in_tmp.iterdir()) == []


def test_listings_show_cards_experiments_and_parameters(in_tmp, cli_env):
    assert "hopfield/ags1985" in amsim("models", cwd=in_tmp, env=cli_env).stdout
    text = amsim("experiments", cwd=in_tmp, env=cli_env).stdout
    assert "hopfield.retrieval" in text and "n_neurons" in text and "one of 'async', 'sync', 'glauber'" in text


def test_run_writes_a_labelled_dataset(in_tmp, cli_env):
    result = amsim("run", "hopfield.retrieval", "n_neurons=80", "load=0.05", "update=sync", "--trials", "2",
                   "--card", "hopfield/ags1985", "--out", "r.nc", cwd=in_tmp, env=cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "dataset: r.nc"
    ds = load_dataset(in_tmp / "r.nc")
    assert ds.sizes["trial"] == 2 and unlabelled(ds) == []
    assert '"update": "sync"' in ds.attrs["params_json"]


def test_sweep_plot_and_theory(in_tmp, cli_env):
    (in_tmp / "small").mkdir()
    (in_tmp / "small" / "study.toml").write_text(SMALL_STUDY)
    result = amsim("sweep", "small", "--executor", "serial", "--figure", "fig.png", cwd=in_tmp, env=cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["dataset: results/small.nc", "figure: fig.png"]
    ds = load_dataset(in_tmp / "results" / "small.nc")
    assert "overlap_theory" in ds and ds["overlap_theory"].dims == ("load",)
    assert (in_tmp / "fig.png").read_bytes()[:4] == b"\x89PNG"
    result = amsim("plot", "results/small.nc", "--y", "steps", "--out", "steps.png", cwd=in_tmp, env=cli_env)
    assert result.returncode == 0 and (in_tmp / "steps.png").stat().st_size > 1000
    result = amsim("theory", "hopfield-rs", "load=0.01:0.2:20", "--out", "th.nc", cwd=in_tmp, env=cli_env)
    assert result.returncode == 0, result.stderr
    assert "alpha_c = 0.1379" in result.stdout
    assert load_dataset(in_tmp / "th.nc").sizes["load"] == 20


BAD_INPUTS = [
    (["run", "hopfield.retreival"], "did you mean 'hopfield.retrieval'"),
    (["run", "hopfield.retrieval", "n_neuron=10"], "did you mean 'n_neurons'"),
    (["run", "hopfield.retrieval", "n_neurons=1"], "HopfieldParams.n_neurons: must be >= 2 (got 1)"),
    (["run", "hopfield.retrieval", "load=-0.1"], "HopfieldParams.load: must be > 0 (got -0.1)"),
    (["run", "hopfield.retrieval", "update=parallel"], "must be one of 'async', 'sync', 'glauber'"),
    (["run", "hopfield.retrieval", "n_neurons"], "expected NAME=VALUE"),
    (["run", "hopfield.retrieval", "--trials", "0"], "trials: must be an integer >= 1 (got 0)"),
    (["run", "hopfield.retrieval", "--trials", "many"], "'many' is not a valid integer"),
    (["run", "hopfield.retrieval", "--card", "hopfield/ags"], "no card"),
    (["run", "hopfield.retrieval", "--backend", "gpu"], "'gpu' is not one of"),
    (["run", "hopfield.retrieval", "--out", "blocker/r.nc"], "cannot write"),
    (["run", "hopfield.glass"], "HopfieldParams.update: must be one of glauber, metropolis for hopfield.glass"),
    (["swep", "study"], "did you mean 'sweep'"),
    (["sweep", "missing"], "no such file"),
    (["sweep", "bad"], "malformed TOML"),
    (["sweep", "badaxis"], "did you mean 'load'"),
    (["sweep", "range"], "HopfieldParams.noise: must be <= 1 (got 1.5)"),
    (["sweep", "good", "--executor", "spark"], "'spark' is not one of"),
    (["sweep", "good", "--max-memory", "lots"], "--max-memory: must be a size such as 4GB"),
    (["sweep", "good", "--scheduler", "tcp://127.0.0.1:1"], "scheduler: applies to --executor dask only"),
    (["sweep", "good", "--max-memory", "1kB"], "needs about"),
    (["sweep", "good", "--format", "hdf4"], "'hdf4' is not one of"),
    (["sweep", "good", "--out", "blocker/x.nc"], "cannot write"),
    (["plot", "nothing.nc"], "no such file"),
    (["theory", "hopfield-rs", "alpha=0.1"], "unknown input 'alpha'"),
    (["theory", "hopfield-rz"], "did you mean 'hopfield-rs'"),
    (["theory", "hopfield-rs"], "missing input 'load'"),
    (["theory", "hopfield-rs", "load=0.1", "temperature=-1"], "theory hopfield-rs:"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(in_tmp, cli_env, args, fragment):
    studies = {"bad": "experiment = [\n", "badaxis": 'experiment = "hopfield.retrieval"\n[axes]\nloads = [0.1]\n',
               "range": 'experiment = "hopfield.retrieval"\n[axes]\nnoise = [0.1, 1.5]\n',
               "good": 'experiment = "hopfield.retrieval"\n[params]\nn_neurons = 20\n'}
    for name, text in studies.items():
        (in_tmp / name).mkdir()
        (in_tmp / name / "study.toml").write_text(text)
    (in_tmp / "blocker").write_text("a file where a folder is needed")
    before = sorted(p.relative_to(in_tmp) for p in in_tmp.rglob("*"))
    assert_user_error(amsim(*args, cwd=in_tmp, env=cli_env), fragment)
    assert sorted(p.relative_to(in_tmp) for p in in_tmp.rglob("*")) == before


def test_existing_output_is_not_overwritten_without_asking(in_tmp, cli_env):
    (in_tmp / "r.nc").write_text("precious")
    assert_user_error(amsim("run", "hopfield.retrieval", "--out", "r.nc", cwd=in_tmp, env=cli_env), "exists")
    assert (in_tmp / "r.nc").read_text() == "precious"


def test_demo_draws_and_restores_letters(in_tmp, cli_env):
    from amsim.demos.text import LETTERS, letter_patterns, run_demo
    from amsim.families.hopfield import HopfieldNetwork

    result = amsim("demo", "--noise", "0.2", cwd=in_tmp, env=cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("overlap with") == len(LETTERS)
    # the demo's premise: every stored letter is a fixed point of both dynamics
    xi = letter_patterns()
    net = HopfieldNetwork(n_neurons=100, backend="cpu").store(xi)
    for update in ("async", "sync"):
        assert (net.recall(xi, update=update).states == xi).all()
    # and most noisy letters come back: at least 20 of 25 over five seeds (about 1 in 25 fails at 20% noise)
    restored = sum(run_demo(noise=0.2, seed=s, backend="cpu").count("(restored)") for s in range(5))
    assert restored >= 20


def test_bench_match_selects_workloads_and_rates_them_against_their_limit(in_tmp, cli_env):
    from amsim.bench import all_workloads

    names = [w.name for w in all_workloads(quick=True, match="GLAUBER")]
    assert names and all("glauber" in name for name in names)
    assert len(names) < len(all_workloads(quick=True))
    result = amsim("bench", "--quick", "--threads", "1", "--repeats", "1", "--match", "glauber dense", cwd=in_tmp,
                   env=cli_env)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("hopfield glauber")]
    assert len(rows) == 1 and "% bandwidth" in rows[0] and "GB/s" in rows[0]
