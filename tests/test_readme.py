"""Every command in README.md and in each study's README runs as written, so the documentation cannot rot.

Each README's ``bash`` and ``python`` code blocks are extracted and run in order, in a fresh folder that holds the
studies (``analysis/<name>/study.toml``) and sees the model cards, like a clone after the quickstart. Commands run
in this process (``amsim ...`` through :func:`amsim.cli.main`, ``python -m MODULE ...`` through :mod:`runpy`,
Python with ``exec``), and must exit 0. Three tables
keep the cost to seconds while a renamed or broken command still fails:

* ``SHRINK``: each study runs on a smaller grid with fewer trials (the command itself is unchanged);
* ``SUBSTITUTE``: the few commands whose written sizes take minutes run with smaller sizes (``amsim run`` on
  N = 200, ``amsim bench --quick``), and text replacements in Python blocks;
* ``SKIP``: commands that cannot run here (a Dask cluster at a made-up address, the test suite itself), each with
  its reason.

Every entry of the tables must match a command in a README (a stale entry fails), every study must have a
``SHRINK`` entry, and the process-pool executor runs tasks in this process (same numbers: tests/test_sweep.py).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import runpy
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from amsim.cards import tomllib
from amsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
READMES = [ROOT / "README.md", *sorted((ROOT / "analysis").glob("*/README.md"))]

SHRINK: dict[str, dict[str, Any]] = {
    "dendrites-noise": {"trials": 2, "params": {"n_stored": 5, "cues": 10},
                        "axes": {"theta": [4, 8], "swap": [0.0, 0.4]}},
    "hopfield-capacity": {"trials": 3, "params": {"cues": 2},
                          "axes": {"load": [0.05, 0.14, 0.3], "n_neurons": [100, 200]}},
    "hopfield-finite-size": {"trials": 8, "params": {"cues": 4, "max_steps": 20},
                             "axes": {"load": [0.06, 0.12, 0.2, 0.3, 0.45], "n_neurons": [100, 200, 400]}},
    "hopfield-phase-diagram": {"trials": 3, "params": {"n_neurons": 200, "max_steps": 20},
                               "axes": {"load": [0.02, 0.1], "temperature": [0.1, 0.5, 0.9]}},
    "hopfield-rules": {"trials": 2, "params": {"n_neurons": 100},
                       "axes": {"load": {"start": 0.05, "stop": 0.95, "num": 3}}},
    "hopfield-spin-glass": {"trials": 2, "params": {"n_neurons": 200, "cues": 2},
                            "axes": {"load": [0.05, 0.12], "temperature": [0.6, 1.2, 1.8]}},
    "sdm-attention": {"trials": 2, "params": {"n_stored": 100, "cues": 5}, "axes": {"noise": [0.0, 0.2]}},
    "sdm-critical-distance": {"trials": 2, "params": {"address_bits": 256, "n_locations": 5000, "n_stored": 50,
                                                      "cues": 5, "max_steps": 5},
                              "axes": {"noise": [0.1, 0.3]}},
    "sdm-recall": {"trials": 2, "params": {"cues": 5}, "axes": {"n_stored": [50, 500], "noise": [0.0, 0.2]}},
    "dense-capacity": {"trials": 3, "params": {"cues": 10},
                       "axes": {"degree": [2, 3], "n_neurons": [24, 48], "n_patterns": [2, 8, 32, 128, 512]}},
    "dense-exponential-capacity": {"trials": 3, "params": {"cues": 10},
                                   "axes": {"n_neurons": [10, 20], "n_patterns": [2, 16, 128, 1024]}},
    "dense-basins": {"trials": 3, "params": {"cues": 5}, "axes": {"degree": [2, 3], "noise": [0.0, 0.3, 0.5]}},
    "dense-basins-exponential": {"trials": 3, "params": {"cues": 5}, "axes": {"noise": [0.0, 0.3, 0.5]}},
    "modern-hopfield-beta": {"trials": 2, "params": {"cues": 4}, "axes": {"beta": [2.0, 50.0]}},
    "modern-hopfield-patterns": {"trials": 2, "params": {"cues": 4}, "axes": {"n_patterns": [10, 300]}},
    "modern-hopfield-outlier": {"trials": 2, "params": {"cues": 4}, "axes": {"outlier": [1.0, 3.0]}},
    "sparsey-similarity": {"trials": 2, "params": {"n_stored": 10}, "axes": {"swap": [0.0, 1.0], "units": [16]}},
    "sparsey-capacity": {"trials": 2, "params": {"cues": 5},
                         "axes": {"modules": [32], "units": [8], "n_stored": [10, 80]}},
    "sparsey-digits": {"trials": 1, "params": {"cues": 20}, "axes": {"n_stored": [50], "units": [16]}},
}

SMALL_RUN = "n_neurons=200 --trials 2"
SUBSTITUTE = {
    "amsim bench": "amsim bench --quick --repeats 1 --threads 1",
    "amsim bench --family sdm": "amsim bench --family sdm --quick --repeats 1 --threads 1",
    "amsim bench --family sparsey": "amsim bench --family sparsey --quick --repeats 1 --threads 1",
    "amsim bench --family dense --quick --repeats 1": "amsim bench --family dense --quick --repeats 1 --threads 1",
    "amsim run hopfield.retrieval rule=storkey load=0.3 noise=0.1 --trials 10":
        f"amsim run hopfield.retrieval rule=storkey load=0.3 noise=0.1 {SMALL_RUN}",
    "amsim run hopfield.retrieval --card hopfield/derrida1987-diluted":
        f"amsim run hopfield.retrieval --card hopfield/derrida1987-diluted {SMALL_RUN}",
    "amsim run hopfield.retrieval update=glauber temperature=0.05 anneal_from=1.5 noise=0.5 trace=true":
        f"amsim run hopfield.retrieval update=glauber temperature=0.05 anneal_from=1.5 noise=0.5 trace=true "
        f"{SMALL_RUN}",
    "amsim run hopfield.stability rule=projection load=0.9 --trials 5":
        f"amsim run hopfield.stability rule=projection load=0.9 {SMALL_RUN}",
    "amsim run hopfield.glass update=glauber temperature=1.0 load=0.1":
        f"amsim run hopfield.glass update=glauber temperature=1.0 load=0.1 {SMALL_RUN}",
    "amsim theory hopfield-phases load=0:0.14:29": "amsim theory hopfield-phases load=0:0.14:5",
    "amsim theory hopfield-rs load=0:0.14:29 temperature=0:1:21":
        "amsim theory hopfield-rs load=0:0.14:8 temperature=0:1:6",
}
# Python blocks: (README, text) -> replacement; the text must occur in that README's Python code
PYTHON_SUBSTITUTE = {
    ("README.md", "n_locations=1_000_000, radius=451"): "n_locations=20_000, radius=451",
    ("README.md", "items = random_bits(2000, 1000, rng)"): "items = random_bits(200, 1000, rng)",
    ("hopfield-finite-size", "n_boot=1000"): "n_boot=50",
}
SKIP = {
    "amsim sweep analysis/hopfield-capacity --executor dask --scheduler tcp://10.1.2.3:40123 --out "
    "results/cap.nc": "needs a Dask cluster at that address; the dask executor is tested in test_sweep.py and "
                      "test_faults.py",
    "bash scripts/test.sh": "the test suite itself",
    ("hopfield-capacity", "bash scripts/quickstart.sh"): "an alternative to the next command, which writes the same "
                                                          "files; the quickstart runs in README.md's check",
    ("lessons", "bash scripts/quickstart.sh"): "the quickstart runs in README.md's check",
    ("lessons", ".venv/bin/python -m pip install jupyterlab"): "installs a Jupyter front end from the network",
    ("lessons", ".venv/bin/jupyter lab analysis/lessons"): "starts an interactive server",
    ("lessons", ".venv/bin/python scripts/lessons.py run --figures"): "executes every lesson notebook, which "
                                                                       "tests/test_lessons.py does",
    ("lessons", ".venv/bin/python scripts/lessons.py build"): "rewrites the committed notebooks from their sources; "
                                                              "tests/test_lessons.py checks that they match",
    ("lessons", ".venv/bin/python scripts/lessons.py check"): "the check tests/test_lessons.py runs",
    ("lessons", ".venv/bin/ruff check analysis/lessons"): "the linter, run over the whole tree by developers",
    ("lessons", ".venv/bin/python -m pytest tests/test_lessons.py"): "a test file of this suite",
}
# Python blocks skipped: text they contain -> reason
PYTHON_SKIP = {"from dask_jobqueue import SLURMCluster": "starts a SLURM cluster (dask-jobqueue and a batch system)"}


def code_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, code)`` of each fenced block."""
    return re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)


def shell_commands(code: str) -> list[str]:
    """Commands of a bash block: comments dropped, continuations joined; a ``python - <<'EOF'`` heredoc becomes
    ``python:<its code>``."""
    commands, lines = [], iter(code.splitlines())
    for line in lines:
        while line.endswith("\\"):
            line = line[:-1] + next(lines)
        heredoc = re.match(r"python - <<'(\w+)'", line)
        if heredoc:
            body = []
            for inner in lines:
                if inner.strip() == heredoc.group(1):
                    break
                body.append(inner)
            commands.append("python:" + "\n".join(body))
            continue
        words = shlex.split(line, comments=True)
        if words:
            commands.append(shlex.join(words))
    return commands


def readme_commands(readme: Path) -> list[str]:
    """Every command of a README in order: shell commands, and each Python block as ``python:<code>``."""
    commands = []
    for language, code in code_blocks(readme.read_text()):
        if language == "bash":
            commands += shell_commands(code)
        elif language == "python":
            commands.append("python:" + code)
    return commands


def quickstart_command() -> str:
    """The amsim command that scripts/quickstart.sh runs (its arguments, without the extra "$@")."""
    text = (ROOT / "scripts" / "quickstart.sh").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if "bin/amsim " in line)
    return " ".join(w for w in shlex.split(line) if w != "$@").replace(".venv/bin/amsim", "amsim")


def key(readme: Path) -> str:
    return "README.md" if readme.parent == ROOT else readme.parent.name


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else repr(value).lower() if isinstance(value, bool) else repr(value)


def shrunk_study(name: str) -> str:
    """The study file with SHRINK's trials, fixed parameters and axes in place of the written ones (under the
    name the study uses)."""
    data = tomllib.loads((ROOT / "analysis" / name / "study.toml").read_text())
    change = SHRINK[name]
    params = dict(change["params"])
    data["trials"] = change["trials"]
    data["params"] = {**data.get("params", {}), **params}
    data["axes"] = {**data.get("axes", {}), **change["axes"]}
    tables = {k: data.pop(k) for k in ("params", "axes")}
    lines = [f"{k} = {_toml(v)}" for k, v in data.items()]
    for table, values in tables.items():
        lines += [f"[{table}]", *(f"{k} = {_toml(v)}" for k, v in values.items())]
    return "\n".join(lines) + "\n"


def plan(readme: Path) -> list[tuple[str, str]]:
    """``(what the README says, what runs)`` for each command; what runs is None for a skipped one."""
    steps = []
    for written in readme_commands(readme):
        runs: str | None = written
        if written in SKIP or (key(readme), written) in SKIP or \
                (written.startswith("python:") and any(text in written for text in PYTHON_SKIP)):
            runs = None
        elif written == "bash scripts/quickstart.sh":
            runs = quickstart_command()
        elif written in SUBSTITUTE:
            runs = SUBSTITUTE[written]
        elif written.startswith("python:"):
            for (where, old), new in PYTHON_SUBSTITUTE.items():
                if where == key(readme) and old in runs:
                    runs = runs.replace(old, new)
        steps.append((written, runs))
    return steps


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder like a clone: the shrunk studies, the model cards; the process pool runs tasks in this process."""
    sweeps = importlib.import_module("amsim.sweep")  # the package (amsim.sweep is also the function's name)
    for name in SHRINK:
        folder = tmp_path / "analysis" / name
        folder.mkdir(parents=True)
        (folder / "study.toml").write_text(shrunk_study(name))
    (tmp_path / "models").symlink_to(ROOT / "models")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AMSIM_MODELS", str(ROOT / "models"))
    monkeypatch.setenv("AMSIM_STUDIES", str(tmp_path / "analysis"))
    make = sweeps.make_executor
    monkeypatch.setattr(sweeps, "make_executor",
                        lambda name, *args, **kwargs: make("serial" if name == "processes" else name, *args, **kwargs))
    return tmp_path


@contextlib.contextmanager
def _argv(argv: list[str]):
    """``sys.argv`` set to ``argv`` for a module run as a script, then restored."""
    saved = sys.argv
    sys.argv = list(argv)
    try:
        yield
    finally:
        sys.argv = saved


def run_step(command: str) -> str:
    """Run one command here; returns its output; fails the test on a non-zero exit or an exception."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        if command.startswith("python:"):
            exec(compile(command[len("python:"):], "<readme>", "exec"), {"__name__": "__main__"})
            return out.getvalue()
        argv = shlex.split(command)
        if argv[:2] == ["python", "-m"]:  # a module's command line (a family's figures), run as __main__
            with _argv(argv[2:]):
                runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
            return out.getvalue()
        assert argv[0] == "amsim", f"not an amsim command: {command}"
        try:
            main(argv[1:])
        except SystemExit as exc:
            assert exc.code in (0, None), f"{command}\n{out.getvalue()}"
    return out.getvalue()


@pytest.mark.parametrize("readme", READMES, ids=[key(r) for r in READMES])
def test_every_command_runs_as_written(clone, readme):
    steps = plan(readme)
    for written, runs in steps:
        if runs is not None:
            output = run_step(runs)
            if written == "amsim sweep analysis/hopfield-capacity --resume":
                assert "nothing to do" in output, output
    assert steps, f"no command found in {readme}"


def test_the_tables_match_the_readmes():
    written = {(key(r), c) for r in READMES for c in readme_commands(r)}
    commands = {c for _, c in written}
    for command in SUBSTITUTE:
        assert command in commands, f"stale SUBSTITUTE entry: {command}"
    for entry in SKIP:
        assert (entry in written) if isinstance(entry, tuple) else (entry in commands), f"stale SKIP entry: {entry}"
    python = {(k, c) for k, c in written if c.startswith("python:")}
    for text in PYTHON_SKIP:
        assert any(text in c for _, c in python), f"stale PYTHON_SKIP entry: {text}"
    for where, old in PYTHON_SUBSTITUTE:
        assert any(k == where and old in c for k, c in python), f"stale PYTHON_SUBSTITUTE entry: {old}"
    studies = {p.parent.name for p in (ROOT / "analysis").glob("*/study.toml")}
    assert studies == set(SHRINK), "every study needs a SHRINK entry (and only those)"
    assert quickstart_command().startswith("amsim sweep analysis/hopfield-capacity")


def test_the_toml_examples_are_valid_studies(tmp_path, monkeypatch):
    from amsim.sweep import load_study

    monkeypatch.setenv("AMSIM_MODELS", str(ROOT / "models"))
    examples = [code for r in READMES for lang, code in code_blocks(r.read_text())
                if lang == "toml" and code.startswith("experiment")]
    assert examples
    for i, code in enumerate(examples):
        (tmp_path / f"example{i}.toml").write_text(code)
        assert load_study(tmp_path / f"example{i}.toml").tasks
