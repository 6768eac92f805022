"""Sparsey benchmark workloads for ``amsim bench``: single-trial learning of 1000 random inputs of 256 bits into
Q = 64 CMs of K = 16 units (the issue's target: under 0.5 s on one thread, at least 20x the NumPy reference), and
retrieval of 1000 codes from fields holding 100 and 1000 stored inputs (the time per item must not grow with the
number stored: the CSA never visits the stored items)."""

from __future__ import annotations

from typing import Any

import numpy as np

from amsim.bench import Workload
from amsim.families.sparsey.model import Sparsey
from amsim.patterns import random_sdrs, sdr_bits

N, Q, K, ACTIVE = 256, 64, 16, 24


def _items(count: int, seed: int) -> np.ndarray:
    return sdr_bits(random_sdrs(count, N, ACTIVE, np.random.default_rng(seed)), N)


def _learning(count: int) -> Workload:
    """``count`` inputs learned one by one into a fresh field."""

    def setup() -> dict[str, Any]:
        return {"items": _items(count, 1)}

    def learn(backend: str):
        def run(inputs: dict[str, Any]) -> np.ndarray:
            return Sparsey(input_bits=N, modules=Q, units=K, backend=backend, random_state=7).learn(inputs["items"])

        return run

    return Workload(name=f"sparsey learn {count} inputs N={N} ({ACTIVE} active) Q={Q} K={K}", setup=setup,
                    amsim=learn("cpu"), reference=learn("numpy"), limit="bandwidth",
                    work=lambda i: float(count * ACTIVE * Q * K))


def _retrieval(stored: int, count: int) -> Workload:
    """``count`` codes retrieved (no learning) from a field holding ``stored`` inputs."""

    def setup() -> dict[str, Any]:
        models = {b: Sparsey(input_bits=N, modules=Q, units=K, backend=b, random_state=7) for b in ("cpu", "numpy")}
        items = _items(stored, 2)
        for model in models.values():
            model.store(items)
        return {"models": models, "cues": items[np.arange(count) % stored]}

    def encode(backend: str):
        return lambda inputs: inputs["models"][backend].encode(inputs["cues"])

    return Workload(name=f"sparsey retrieve {count} codes, {stored} stored, N={N} Q={Q} K={K}", setup=setup,
                    amsim=encode("cpu"), reference=encode("numpy"), limit="bandwidth",
                    work=lambda i: float(count * ACTIVE * Q * K))


def workloads(quick: bool = False) -> list[Workload]:
    """Learning 1000 inputs (200 when ``quick``); retrieving 1000 codes (200) from 100 and 1000 stored inputs."""
    count = 200 if quick else 1000
    return [_learning(count), _retrieval(100, count), _retrieval(1000, count)]
