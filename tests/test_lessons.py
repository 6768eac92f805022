"""The lessons in analysis/lessons: each notebook is built from its source, committed without outputs, runs without
error (student and teacher versions), and has its figures and its line in the lessons README."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import ROOT

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")

_spec = importlib.util.spec_from_file_location("lessons", ROOT / "scripts" / "lessons.py")
lessons = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lessons)

NOTEBOOKS = sorted(lessons.targets())
SOURCES = sorted(lessons.SOURCES.glob("[0-9][0-9]-*.py"))


def test_every_lesson_has_a_student_and_a_teacher_notebook_built_from_its_source_without_outputs():
    assert len(SOURCES) >= 4 and len(NOTEBOOKS) == 2 * len(SOURCES)
    assert lessons.stale() == []  # python scripts/lessons.py build
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        assert code and all(not cell.outputs and cell.execution_count is None for cell in code), path


def test_teacher_cells_stay_out_of_the_students_notebook(tmp_path):
    source = tmp_path / "src" / "09-demo.py"
    source.parent.mkdir()
    source.write_text("# %% [markdown]\n# # Title\n# %%\nx = 1\n# %% student\n# your code here\n# %% teacher\n"
                      "print(x)\n# %% [markdown] teacher\n# **Answer.** one\n")
    parsed = lessons.parse(source.read_text(), "demo")
    assert parsed == [("markdown", None, "# Title"), ("code", None, "x = 1"), ("code", "student", "# your code here"),
                      ("code", "teacher", "print(x)"), ("markdown", "teacher", "**Answer.** one")]
    student = [c.source for c in lessons.notebook(source, "student").cells]
    teacher = [c.source for c in lessons.notebook(source, "teacher").cells]
    assert student == ["# Title", "x = 1", "# your code here"]
    assert teacher == ["# Title", "x = 1", "print(x)", "**Answer.** one"]
    for text, fragment in (("# %% answer\n", "unknown cell marker"), ("x = 1\n", "before the first cell marker"),
                           ("# %% [markdown]\nplain\n", "markdown lines start with")):
        with pytest.raises(ValueError, match=fragment):
            lessons.parse(text, "demo")


def test_every_saved_figure_is_committed_small_and_named_by_a_lesson():
    named = {name for source in SOURCES for name in re.findall(r'save_figure\(\w+, "([\w-]+)"\)', source.read_text())}
    committed = {path.stem: path.stat().st_size for path in lessons.FIGURES.glob("*.png")}
    assert named and set(committed) == named
    assert all(size < 80_000 for size in committed.values()), committed
    assert sum(committed.values()) < 1_000_000


def test_every_teachers_notebook_opens_with_notes_for_the_teacher():
    for source in SOURCES:
        cells = lessons.parse(source.read_text(), source.name)
        first_code = next(k for k, (kind, _, _) in enumerate(cells) if kind == "code")
        notes = [text for kind, only, text in cells[:first_code] if kind == "markdown" and only == "teacher"]
        assert notes and notes[0].startswith("## Notes for the teacher"), source.name
        assert all(part in notes[0] for part in ("**Plan (", "**Points to make.**", "**Exercises.**")), source.name


def test_the_lessons_readme_lists_every_lesson_with_its_running_time():
    readme = (lessons.LESSONS / "README.md").read_text()
    for source in SOURCES:
        row = next((line for line in readme.splitlines() if f"[{source.stem}.ipynb]" in line), None)
        assert row is not None, f"no row for {source.stem} in analysis/lessons/README.md"
        assert re.search(r"\| \d+(-\d+)? s / \d+(-\d+)? s \|", row), row


@pytest.fixture(scope="module")
def executed() -> dict:
    """Every notebook run once, two at a time (single-threaded kernels): its seconds, or the error it raised."""
    return lessons.execute_all(NOTEBOOKS, workers=2)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(lessons.LESSONS)) for p in NOTEBOOKS])
def test_notebook_runs_without_error(path, executed):
    if isinstance(executed[path], Exception):
        raise executed[path]  # a CellExecutionError names the cell and its error


def test_the_teachers_demo_commands_run(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from amsim.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPLAY", raising=False)
    section = (ROOT / "README.md").read_text().split("## For teachers")[1].split("\n## ")[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    commands = [line.split("#")[0].split() for block in blocks for line in block.splitlines()]
    assert commands
    for words in commands:
        assert words[0] == "amsim", words
        result = CliRunner().invoke(cli, words[1:] + ([] if "--list" in words else ["--backend", "cpu"]))
        assert result.exit_code == 0, result.output
        name = words[2] if words[1:2] == ["demo"] and len(words) > 2 and not words[2].startswith("-") else None
        if "--list" in words:
            assert "letters" in result.output
        elif name is None:  # the text demo
            assert result.output.count("overlap with") == 5
        else:  # a picture demo: each file it names is written
            named = re.findall(r"(?:figure|animation): (\S+)", result.output)
            assert named and all((tmp_path / path).is_file() for path in named), result.output
    # every picture the section shows is committed and small
    pictures = re.findall(r"\]\(((?:docs/images|analysis/lessons/figures)/[^)]+)\)", section)
    assert any(p.endswith(".gif") for p in pictures)
    for picture in pictures:
        assert (ROOT / picture).stat().st_size < 150_000, picture
