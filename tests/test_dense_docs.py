"""The dense family's documentation runs as written: README.md's "Dense associative memories" commands and Python
example, the dense studies load and validate, and (opt in with --runslow) every command of their READMEs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from amsim.sweep.spec import load_study

STUDIES = sorted(p.parent.name for p in (ROOT / "analysis").glob("*/study.toml")
                 if p.parent.name.startswith(("dense-", "modern-hopfield-")))


def _section(text: str, title: str) -> str:
    start = text.index(f"### {title}\n")
    end = text.find("\n### ", start + 1)
    return text[start:end if end >= 0 else None]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def _commands(text: str) -> list[str]:
    """The shell commands of the bash blocks, comments dropped."""
    return [line.split("  #")[0].strip() for block in _blocks(text, "bash") for line in block.splitlines()
            if line.strip() and not line.startswith("#")]


def _run(command: str, cwd: Path, env: dict[str, str]) -> None:
    args = command.split()
    assert args[0] in ("amsim", "python"), command
    executable = [sys.executable, "-m", "amsim"] if args[0] == "amsim" else [sys.executable]
    result = subprocess.run([*executable, *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def test_readme_dense_section_commands_and_example_run(tmp_path, cli_env):
    section = _section((ROOT / "README.md").read_text(), "Dense associative memories")
    commands = _commands(section)
    assert len(commands) >= 8
    shutil.copytree(ROOT / "analysis" / "dense-basins", tmp_path / "analysis" / "dense-basins")
    for command in commands:
        _run(command, tmp_path, cli_env)
    assert (tmp_path / "results" / "dense-basins.png").stat().st_size > 1000
    (example,) = _blocks(section, "python")
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, env=cli_env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.split()
    assert printed[0] == "1.0" and float(printed[1]) < 1e-6 and printed[2] == "1.0"


@pytest.mark.parametrize("study", STUDIES)
def test_dense_studies_load_and_have_a_readme_with_a_figure(study):
    folder = ROOT / "analysis" / study
    loaded = load_study(folder)
    assert loaded.family == "dense" and loaded.tasks
    text = (folder / "README.md").read_text()
    for word in ("**Claim.**", "**Source.**", "**Run**", "```bash"):
        assert word in text, (study, word)
    for image in re.findall(r"!\[[^]]*\]\(([^)]+)\)", text):
        assert (folder / image).stat().st_size > 1000, (study, image)


@pytest.mark.slow
@pytest.mark.parametrize("study", STUDIES)
def test_dense_study_readme_commands_run(study, tmp_path, cli_env):
    """Every command of the study's README, in a copy of the repository's analysis folder (minutes each)."""
    shutil.copytree(ROOT / "analysis", tmp_path / "analysis")
    for command in _commands((ROOT / "analysis" / study / "README.md").read_text()):
        _run(command, tmp_path, cli_env)
