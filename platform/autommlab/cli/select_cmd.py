"""`autommlab select`: request -> chosen dataset and model, with reasons."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from autommlab.understand import get_parser
from autommlab.zoo.cards import DataCard


def select(
    request: Annotated[str, typer.Argument(help="The request text.")],
    backend: Annotated[str, typer.Option(help="Parser backend.")] = "rules",
    zoo_dir: Annotated[Path | None, typer.Option(help="Card directory (default: built-in zoo).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
    subset: Annotated[Path | None, typer.Option(
        help="Also write the sub-dataset of the chosen classes into this directory (the "
             "dataset is built into the store first if it is not there yet).")] = None,
    store: Annotated[str | None, typer.Option(help="Store URL for --subset (default: "
                                                   "$AUTOMMLAB_STORE or ~/.autommlab)")] = None,
    scale: Annotated[float, typer.Option(help="Build scale when --subset must build the "
                                              "dataset (1.0 = the card's sizes).")] = 1.0,
) -> None:
    """Parse a request, then choose a dataset (its matching classes) and a model, explained.

    Example: autommlab select "classify sneakers, sandals and boots, under 5M params"
    """
    from autommlab.select import select as run_select
    from autommlab.zoo.catalog import load_cards

    parsed = get_parser(backend).parse(request)
    catalog = load_cards(zoo_dir)
    selection = run_select(parsed.config, catalog.datasets, catalog.models)
    subset_dir = None
    if subset is not None:
        subset_dir = _write_subset(catalog.dataset(selection.data.dataset),
                                   selection.data.classes, subset, store, scale)
    if as_json:
        typer.echo(json.dumps({"parse": parsed.to_json_dict(),
                               "selection": selection.model_dump(mode="json"),
                               "subset": str(subset_dir) if subset_dir else None}, indent=2))
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
    if subset_dir:
        console.print(f"[bold]sub-dataset[/]: {subset_dir}")


def _write_subset(card: DataCard, classes: list[str], dest: Path, store_url: str | None,
                  scale: float) -> Path:
    """Build the dataset into the store if absent, fetch it (checksums verified), cut it."""
    from autommlab.select.subset import make_subset
    from autommlab.store import open_store
    from autommlab.zoo.build import build_dataset, dataset_prefix

    target = open_store(store_url)
    prefix = dataset_prefix(card.name)
    if target.read_manifest(prefix) is None:
        typer.echo(f"building {card.name} into {target.url} ...", err=True)
        build_dataset(card, target, scale=scale)
    with tempfile.TemporaryDirectory() as tmp:
        target.fetch_artifact(prefix, Path(tmp) / card.name)
        if dest.exists():
            shutil.rmtree(dest)
        return make_subset(Path(tmp) / card.name, classes, dest)
