#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: make (or reuse) .venv, install amsim with the test and cuda extras, run the
# GPU-marked tests (the cuda backend for real against the cpu backend: exact for the zero-temperature dynamics,
# statistical for Glauber and Metropolis), then time the Hopfield kernels on the GPU beside the CPU. Under 10
# minutes on an A100/H100-class GPU. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# AMSIM_PYTHON: an interpreter that already has amsim's dependencies (an offline GPU machine); amsim is then
# imported from this checkout, and nothing is installed.
if [ -n "${AMSIM_PYTHON:-}" ]; then
    PY=$AMSIM_PYTHON
    export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
else
    PYTHON=${PYTHON:-python3}
    [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,cuda]"
    PY=.venv/bin/python
fi
"$PY" -c "import sys; from amsim import backends
sys.exit(0 if backends.cuda_available() else 'gpu_check: no usable NVIDIA GPU (nothing to check)')"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
timeout 420 "$PY" -m pytest --rungpu -q tests/test_gpu.py "$@"
timeout 150 "$PY" - <<'PY'
"""GPU timing: median of 3 after a warm-up (JIT), the cuda backend beside the cpu backend, same inputs."""
import numpy as np

from amsim.bench import median_time
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import corrupt, random_patterns

print(f"{'workload':52s} {'cpu s':>8s} {'cuda s':>8s} {'ratio':>6s}")
for n, update, engine, cues in ((4000, "sync", "auto", 100), (4000, "async", "auto", 100),
                                (4000, "glauber", "dense", 64), (100_000, "sync", "patterns", 16)):
    rng = np.random.default_rng(n)
    patterns = random_patterns(n // 10 if n < 10_000 else 5000, n, rng)
    x = corrupt(patterns[np.arange(cues) % len(patterns)], 0.1, rng)
    settings = {"update": update, "max_steps": 20, "temperature": 0.5 if update == "glauber" else 0.0}
    times = {}
    for backend in ("cpu", "cuda"):
        net = HopfieldNetwork(n_neurons=n, backend=backend, engine=engine, random_state=1).store(patterns)
        times[backend] = median_time(lambda net: net.recall(x, **settings), net, 3)
    name = f"{update} N={n} P={len(patterns)} B={cues} engine={engine}"
    print(f"{name:52s} {times['cpu']:8.3f} {times['cuda']:8.3f} {times['cpu'] / times['cuda']:5.1f}x")
PY
