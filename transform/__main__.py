"""`python -m transform`: the `edition` program without its console script."""

from transform.cli import main

main()
