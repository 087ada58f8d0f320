"""`python -m layers …`: the command line in `layers/cli.py`."""

from layers.cli import run

run()
