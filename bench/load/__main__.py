"""`python -m bench.load`: see bench/load/orchestrate.py."""

from bench.load.orchestrate import main

main()
