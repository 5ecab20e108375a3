"""`autommlab select`: request -> chosen dataset and model, with reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from autommlab.understand import get_parser


def select(
    request: Annotated[str, typer.Argument(help="The request text.")],
    backend: Annotated[str, typer.Option(help="Parser backend.")] = "rules",
    zoo_dir: Annotated[Path | None, typer.Option(help="Card directory (default: built-in zoo).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
) -> None:
    """Parse a request, then choose a dataset (its matching classes) and a model, explained.

    Example: autommlab select "classify sneakers, sandals and boots, under 5M params"
    """
    from autommlab.select import select as run_select
    from autommlab.zoo.catalog import load_cards

    parsed = get_parser(backend).parse(request)
    catalog = load_cards(zoo_dir)
    selection = run_select(parsed.config, catalog.datasets, catalog.models)
    if as_json:
        typer.echo(json.dumps({"parse": parsed.to_json_dict(),
                               "selection": selection.model_dump(mode="json")}, indent=2))
        return
    console = Console()
    data, model = selection.data, selection.model
    console.print(f"[bold]task[/]: {data.task}")
    console.print(f"[bold]dataset[/]: {data.dataset}  classes: {', '.join(data.classes)}")
    for reason in data.reasons:
        console.print(f"  - {reason}")
    console.print(f"[bold]model[/]: {model.model} ({model.architecture}, "
                  f"{model.params_m:.2f} M params, {model.gflops:.2f} GFLOPs)")
    for reason in model.reasons:
        console.print(f"  - {reason}")
    for f in model.filtered_out:
        console.print(f"  - filtered out {f.name}: {f.why}")
