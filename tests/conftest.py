"""Shared fixtures and the opt-in markers: ``--runslow`` for long checks, ``--rungpu`` for a real GPU."""

from __future__ import annotations

import os
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
    return env
