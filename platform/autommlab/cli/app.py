"""Root Typer app: wires the command groups and turns AutommlabError into clean exits."""

from __future__ import annotations

import os
import sys

import typer

from autommlab.cli import lamp_cmd, llm_cmd, parse_cmd, run_cmd, select_cmd, zoo_cmd
from autommlab.errors import AutommlabError

app = typer.Typer(
    name="autommlab",
    help="Turn a natural-language request for a vision model into a trained, exported model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("parse")(parse_cmd.parse)
app.command("select")(select_cmd.select)
app.command("run")(run_cmd.run)
app.add_typer(run_cmd.runs_app, name="runs")
app.add_typer(lamp_cmd.app, name="lamp")
app.add_typer(zoo_cmd.app, name="zoo")
app.add_typer(llm_cmd.app, name="llm")


def main() -> None:
    # Training code imports torch later; with the default OpenMP wait policy a busy second
    # core made steps 20-45x slower (DESIGN.md). Must be set before torch is imported.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        app()
    except AutommlabError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
