"""Benchmark suite (same as ``amsim bench``): ``python scripts/bench.py [--sizes 1000,4000] [--json out.json]``."""

from amsim.cli import main

if __name__ == "__main__":
    import sys

    main(["bench", *sys.argv[1:]])
