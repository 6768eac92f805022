"""Build, check, run and render the lessons in ``analysis/lessons``.

Each lesson is written once, as a Python file in the "percent" format that Jupyter's jupytext and most editors read
(``analysis/lessons/src/NN-name.py``: a cell starts at a line ``# %%``, a markdown cell at ``# %% [markdown]``, its
lines commented with ``# ``). From it this script writes two notebooks without outputs: the student's
(``analysis/lessons/NN-name.ipynb``) and the teacher's (``analysis/lessons/teacher/NN-name.ipynb``). A cell whose
marker ends with ``teacher`` (``# %% teacher``, ``# %% [markdown] teacher``) appears only in the teacher's
notebook, one ending with ``student`` only in the student's.

    python scripts/lessons.py build             # write the notebooks from their sources
    python scripts/lessons.py check             # exit 1 if a notebook differs from what its source gives
    python scripts/lessons.py run               # execute every notebook; print the seconds each took
    python scripts/lessons.py run --figures     # the same, saving the figures to analysis/lessons/figures/
    python scripts/lessons.py run 06            # only lesson 6 (student's and teacher's)

Executing needs ``nbclient``, ``nbformat`` and ``ipykernel`` (the ``test`` extra); the kernel is this interpreter's.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from amsim.classroom import FIGURES_ENV

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "analysis" / "lessons"
SOURCES = LESSONS / "src"
FIGURES = LESSONS / "figures"
VERSIONS = {"student": LESSONS, "teacher": LESSONS / "teacher"}
MARKER = re.compile(r"^# %%(?: \[(?P<kind>markdown)\])?(?: (?P<only>student|teacher))?\s*$")
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
          "language_info": {"name": "python"}}
CELL_TIMEOUT = 120  # seconds; a lesson must run in well under a minute on 2 cores
# One thread per kernel (Numba and BLAS): the lessons' networks are small, and on a busy machine parallel regions
# wait for cores that other work holds (2-3 times slower on the shared 2-core development machine); two kernels at a
# time (execute_all) use two cores instead.
KERNEL_ENV = {"NUMBA_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def parse(text: str, where: str) -> list[tuple[str, str | None, str]]:
    """Cells of a percent-format source: (``"code"`` or ``"markdown"``, the version it is only in or None, source)."""
    cells: list[tuple[str, str | None, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if match:
            cells.append(("markdown" if match["kind"] else "code", match["only"], []))
        elif line.startswith("# %%"):
            raise ValueError(f"{where}, line {number}: unknown cell marker {line!r} (allowed: '# %%' or "
                             "'# %% [markdown]', optionally followed by 'student' or 'teacher')")
        elif cells:
            kind, _, lines = cells[-1]
            if kind == "markdown" and line and not line.startswith("#"):
                raise ValueError(f"{where}, line {number}: markdown lines start with '# ' (got {line!r})")
            lines.append(re.sub(r"^# ?", "", line) if kind == "markdown" else line)
        elif line.strip():
            raise ValueError(f"{where}, line {number}: text before the first cell marker")
    return [(kind, only, "\n".join(lines).strip("\n")) for kind, only, lines in cells]


def notebook(source: Path, version: str) -> nbformat.NotebookNode:
    """The ``version`` ("student" or "teacher") notebook of a lesson source, without outputs, with stable cell ids."""
    nb = nbformat.v4.new_notebook(metadata=KERNEL)
    for kind, only, text in parse(source.read_text(encoding="utf-8"), str(source)):
        if only in (None, version):
            make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
            nb.cells.append(make(text, id=f"{source.stem[:2]}-{len(nb.cells):03d}"))
    return nb


def targets() -> dict[Path, tuple[Path, str]]:
    """Every notebook the sources give: path -> (source, version)."""
    return {VERSIONS[version] / f"{source.stem}.ipynb": (source, version)
            for source in sorted(SOURCES.glob("[0-9][0-9]-*.py")) for version in VERSIONS}


def stale() -> list[Path]:
    """Notebooks that are missing or differ from what their source gives."""
    return [path for path, (source, version) in targets().items()
            if not path.is_file() or path.read_text(encoding="utf-8") != nbformat.writes(notebook(source, version))
            + "\n"]


def build() -> None:
    """Write every notebook from its source."""
    for path, (source, version) in targets().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(notebook(source, version)) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


def execute(path: Path) -> float:
    """Run a notebook in a fresh single-threaded kernel in its own folder; returns the seconds taken. Outputs are
    not written back.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        A cell raised; the message names the cell and the error.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env={**os.environ, **KERNEL_ENV})
    return time.perf_counter() - start


def execute_all(paths: list[Path], workers: int = 2) -> dict[Path, float | Exception]:
    """Run notebooks ``workers`` at a time (:func:`execute`); each one's seconds, or the error it raised."""

    def one(path: Path) -> float | Exception:
        try:
            return execute(path)
        except Exception as exc:  # reported per notebook by the caller
            return exc

    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(paths, pool.map(one, paths), strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("build", "check", "run"))
    parser.add_argument("lessons", nargs="*", help="run: only the lessons whose names start with these (e.g. 06)")
    parser.add_argument("--figures", action="store_true", help="run: save the figures to analysis/lessons/figures/")
    args = parser.parse_args(argv)
    if args.command == "build":
        build()
    elif args.command == "check":
        for path in stale():
            print(f"stale: {path.relative_to(ROOT)} (run: python scripts/lessons.py build)")
        return 1 if stale() else 0
    else:
        if args.figures:
            os.environ[FIGURES_ENV] = str(FIGURES)
        for path in sorted(targets()):
            if args.lessons and not path.name.startswith(tuple(args.lessons)):
                continue
            print(f"{execute(path):6.1f} s  {path.relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
