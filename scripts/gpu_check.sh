#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: make (or reuse) .venv, install amsim with the test and cuda extras, run the
# GPU-marked tests (the cuda backend for real against the cpu backend: exact for the zero-temperature dynamics and
# the SDM kernels, statistical for Glauber and Metropolis, every family's experiment examples), then time Hopfield,
# dense and SDM workloads on the GPU beside the CPU. Under 10 minutes on an A100/H100-class GPU. Extra arguments go to
# pytest.
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
timeout 330 "$PY" -m pytest --rungpu -q tests/test_gpu.py "$@"
timeout 150 "$PY" - <<'PY'
"""GPU timing: median of 3 after a warm-up (JIT), the cuda backend beside the cpu backend, same inputs."""
import numpy as np

from amsim.bench import median_time
from amsim.families.hopfield import HopfieldNetwork
from amsim.families.sdm import SparseDistributedMemory
from amsim.patterns import corrupt, random_bits, random_patterns

print(f"{'workload':52s} {'cpu s':>8s} {'cuda s':>8s} {'ratio':>6s}")


def line(name, make, run):
    times = {backend: median_time(run, make(backend), 3) for backend in ("cpu", "cuda")}
    print(f"{name:52s} {times['cpu']:8.3f} {times['cuda']:8.3f} {times['cpu'] / times['cuda']:5.1f}x", flush=True)


for n, update, engine, cues in ((4000, "sync", "auto", 100), (4000, "async", "auto", 100),
                                (4000, "glauber", "dense", 64), (100_000, "sync", "patterns", 16)):
    rng = np.random.default_rng(n)
    patterns = random_patterns(n // 10 if n < 10_000 else 5000, n, rng)
    x = corrupt(patterns[np.arange(cues) % len(patterns)], 0.1, rng)
    settings = {"update": update, "max_steps": 20, "temperature": 0.5 if update == "glauber" else 0.0}
    line(f"{update} N={n} P={len(patterns)} B={cues} engine={engine}",
         lambda b: HopfieldNetwork(n_neurons=n, backend=b, engine=engine, random_state=1).store(patterns),
         lambda net: net.recall(x, **settings))
from amsim.families.dense import DenseAssociativeMemory, ModernHopfield

for energy, n, n_patterns, cues in (("polynomial", 1000, 2000, 100), ("exponential", 256, 1_000_000, 1000)):
    rng = np.random.default_rng(n)
    patterns = random_patterns(n_patterns, n, rng)
    x = corrupt(patterns[:cues], 0.1, rng)
    line(f"dense {energy} async N={n} P={n_patterns} B={cues}",
         lambda b: DenseAssociativeMemory(n_neurons=n, energy=energy, backend=b, random_state=1).store(patterns),
         lambda memory: memory.recall(x))
rng = np.random.default_rng(512)
keys, values = (rng.standard_normal((100_000, 512), dtype=np.float32) for _ in range(2))
queries = keys[:1000] + 0.5 * rng.standard_normal((1000, 512), dtype=np.float32)
line("modern Hopfield attention d=512 P=1e5 B=1000 float32",
     lambda b: ModernHopfield(n_neurons=512, beta=512**-0.5, backend=b), lambda net: net.attend(queries, keys, values))
rng = np.random.default_rng(0)
items = random_bits(256, 1000, rng)
line("SDM Kanerva N=1000 M=1e6 r=451: 256 writes + 256 reads",
     lambda b: SparseDistributedMemory(address_bits=1000, n_locations=1_000_000, radius=451, backend=b,
                                       random_state=1).store(items[:1]),
     lambda sdm: sdm.clear().write(items).read(items))
PY
