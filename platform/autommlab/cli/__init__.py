"""The `autommlab` command line. `main()` is the console-script entry point."""

from autommlab.cli.app import main

__all__ = ["main"]
