"""Shared fixtures and the opt-in markers: ``--runslow`` for long checks, ``--rungpu`` for a real GPU."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/naive.py importable as `naive`


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow (minutes each)")
    parser.addoption("--rungpu", action="store_true", help="also run tests that need a real NVIDIA GPU")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "slow" in item.keywords and not config.getoption("--runslow"):
            item.add_marker(pytest.mark.skip(reason="slow: opt in with --runslow"))
        if "gpu" in item.keywords and not config.getoption("--rungpu"):
            item.add_marker(pytest.mark.skip(reason="needs a real GPU: opt in with --rungpu"))


def run_under_cudasim(script: str) -> None:
    """Run ``tests/<script>`` in a subprocess with ``NUMBA_ENABLE_CUDASIM=1`` (Numba reads it at import time, so
    the rest of the suite runs without it) and assert it reports that every kernel matched the reference."""
    pytest.importorskip("numba.cuda")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / script)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "all kernels match the reference" in proc.stdout


@pytest.fixture(params=["numpy", "cpu"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each CPU-side backend in turn (CUDA runs under the simulator in its own subprocess tests)."""
    return request.param


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty temporary folder, with the repository's model cards visible."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AMSIM_MODELS", str(ROOT / "models"))
    return tmp_path


@pytest.fixture(scope="session")
def cli_env() -> dict[str, str]:
    """Environment for running the `amsim` console script in subprocesses."""
    env = dict(os.environ)
    env["AMSIM_MODELS"] = str(ROOT / "models")
    env["COLUMNS"] = "100"  # listings wrap to the terminal: one width, whatever runs the tests
    return env
