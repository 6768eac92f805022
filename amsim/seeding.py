"""Seeds derived from (sweep seed, task coordinates), never from a task's position in a queue.

Two tasks with the same coordinates get the same stream on any executor, any worker count, after any resume;
tasks with different coordinates get statistically independent streams (NumPy ``SeedSequence`` spawn keys).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np


def _canonical(value: Any) -> Any:
    """JSON-stable form of a coordinate value: floats by ``repr`` (exact round trip), NumPy scalars unwrapped."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return value


def coordinate_key(coords: Mapping[str, Any]) -> tuple[int, ...]:
    """Four 32-bit words hashing the coordinates (order of the mapping does not matter)."""
    text = json.dumps({k: _canonical(v) for k, v in coords.items()}, sort_keys=True)
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4))


def task_rng(seed: int, coords: Mapping[str, Any]) -> np.random.Generator:
    """The random generator of the task at ``coords`` in a sweep seeded with ``seed``.

    Parameters
    ----------
    seed : int
        The sweep (study) seed, >= 0.
    coords : mapping of str to scalar
        The task's swept parameter values, e.g. ``{"load": 0.1, "n_neurons": 500}``; empty for a single run.
    """
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=coordinate_key(coords)))
