#!/usr/bin/env bash
# The main job: install amsim into .venv (made if absent, reused otherwise), run the Hopfield capacity study
# with the replica-symmetric theory overlaid, and print the dataset and figure paths.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
.venv/bin/amsim sweep analysis/hopfield-capacity --out results/hopfield-capacity.nc --overwrite \
    --figure results/hopfield-capacity.png "$@"
