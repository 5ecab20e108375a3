"""`autommlab zoo ...`: list, build and measure the zoo's datasets and models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from autommlab.tasks import TASKS

app = typer.Typer(help="The dataset and model zoo (data cards and model cards).",
                  no_args_is_help=True)
_KINDS = ("datasets", "models")


@app.command("list")
def list_cards(
    kind: Annotated[str, typer.Argument(help="datasets or models")],
    task: Annotated[str | None, typer.Option(help="Only this task: " + ", ".join(TASKS))]
    = None,
    zoo_dir: Annotated[Path | None, typer.Option(help="Directory with datasets/ and models/ "
                                                      "card folders (default: the built-in zoo)")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the cards as JSON.")] = False,
) -> None:
    """List data cards or model cards.

    Example: autommlab zoo list models --task detection
    """
    from autommlab.zoo.catalog import load_cards

    if kind not in _KINDS:
        raise typer.BadParameter(f"kind must be one of {', '.join(_KINDS)}, not '{kind}'")
    if task is not None and task not in TASKS:
        raise typer.BadParameter(f"task must be one of {', '.join(TASKS)}, not '{task}'")
    catalog = load_cards(zoo_dir)
    cards = catalog.datasets if kind == "datasets" else catalog.models
    cards = [c for c in cards if task is None or c.task == task]
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in cards], indent=2))
        return
    table = Table(title=f"{kind} ({len(cards)})")
    if kind == "datasets":
        for col in ("name", "task", "classes", "train/val/test", "license"):
            table.add_column(col)
        for d in cards:
            table.add_row(d.name, d.task, ", ".join(d.class_names),  # type: ignore[union-attr]
                          f"{d.sizes.train}/{d.sizes.val}/{d.sizes.test}",  # type: ignore[union-attr]
                          d.license)
    else:
        for col in ("name", "task", "architecture", "params M", "GFLOPs", "CPU ms", "reference"):
            table.add_column(col)
        for m in cards:
            meas = m.measured  # type: ignore[union-attr]
            ref = m.reference_accuracy  # type: ignore[union-attr]
            table.add_row(m.name, m.task, m.architecture,  # type: ignore[union-attr]
                          f"{meas.params_m:.2f}", f"{meas.flops_g:.2f}",
                          f"{meas.latency_ms_cpu:.1f}" if meas.latency_ms_cpu else "-",
                          f"{ref.metric} {ref.value:.3f} ({ref.dataset})" if ref else "-")
    Console().print(table)


@app.command("build")
def build(
    name: Annotated[list[str] | None, typer.Argument(help="Datasets to build (default: all).")]
    = None,
    store: Annotated[str | None, typer.Option(help="Store URL: a directory or s3://bucket/prefix "
                                                   "(default: $AUTOMMLAB_STORE or ~/.autommlab)")]
    = None,
    scale: Annotated[float, typer.Option(help="Fraction of the card's image counts (fast tries).")]
    = 1.0,
    zoo_dir: Annotated[Path | None, typer.Option(help="Card directory (default: built-in zoo).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the published manifests' "
                                                        "locations as JSON.")] = False,
) -> None:
    """Generate the built-in datasets deterministically and publish them to the store.

    Example: autommlab zoo build fashion-mnist --scale 0.1
    """
    from autommlab.store import open_store
    from autommlab.zoo.build import build_dataset
    from autommlab.zoo.catalog import load_cards

    catalog = load_cards(zoo_dir)
    cards = [catalog.dataset(n) for n in name] if name else catalog.datasets
    target = open_store(store)
    published = []
    for i, card in enumerate(cards, 1):
        typer.echo(f"[{i}/{len(cards)}] building {card.name} ({card.task}) ...", err=True)
        manifest = build_dataset(card, target, scale=scale)
        published.append({"dataset": card.name, "store": target.url, "prefix": manifest.prefix,
                          "files": len(manifest.files)})
        if not as_json:
            typer.echo(f"  published {len(manifest.files)} files to "
                       f"{target.url}/{manifest.prefix}")
    if as_json:
        typer.echo(json.dumps(published, indent=2))


@app.command("measure")
def measure(
    cards: Annotated[list[Path], typer.Argument(help="Model card YAML files to (re)measure.")],
    write: Annotated[bool, typer.Option(help="Write the measured figures back into the cards.")]
    = False,
) -> None:
    """Measure params, FLOPs and CPU latency of model cards by building the models.

    Example: autommlab zoo measure zoo/models/resnet-18.yaml
    """
    from autommlab.zoo.measure import main_measure

    main_measure(list(cards), write=write)
