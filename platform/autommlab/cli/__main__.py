"""`python -m autommlab.cli` == the `autommlab` command."""

from autommlab.cli.app import main

main()
