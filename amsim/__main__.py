"""``python -m amsim`` is the ``amsim`` command."""

from amsim.cli import main

main()
