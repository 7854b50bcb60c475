"""``python -m simulator`` runs the ``mlasim`` command line."""

from simulator.cli import main

main()
