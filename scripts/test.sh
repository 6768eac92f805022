#!/usr/bin/env bash
# The test command: install amsim with its test extra into .venv (made if absent), then run pytest.
# Extra arguments go to pytest (e.g. --runslow for the long checks). Tests run in two worker processes
# (pytest-xdist; AMSIM_TEST_WORKERS=N for another count, 0 for one process) since CI machines have 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
exec .venv/bin/python -m pytest -n "${AMSIM_TEST_WORKERS:-2}" "$@"
