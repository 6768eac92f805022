"""JIT start-up: kernels are cached on disk, so a second process compiles nothing."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json
import amsim
from numba.core.registry import CPUDispatcher
from amsim.families.hopfield import _cpu
from amsim.kernels import _cpu as shared
for update in ("async", "sync"):
    amsim.run("hopfield.retrieval", {"n_neurons": 64, "load": 0.05, "update": update}, trials=1, backend="cpu")
print(json.dumps({f"{m.__name__}.{name}": sum(d.stats.cache_misses.values()) for m in (_cpu, shared)
                  for name, d in vars(m).items() if isinstance(d, CPUDispatcher)}))
"""


def test_second_process_loads_every_kernel_from_the_cache():
    first = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    misses = json.loads(second.stdout.splitlines()[-1])
    assert misses, first.stdout
    assert sum(misses.values()) == 0, misses
