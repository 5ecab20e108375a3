"""`autommlab lamp ...`: the LAMP benchmark (request understanding for now)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from autommlab.lamp.dataset import read_lamp_jsonl
from autommlab.lamp.ru import evaluate_parser
from autommlab.understand import get_parser

app = typer.Typer(help="LAMP benchmark: score request understanding.", no_args_is_help=True)


@app.command("ru")
def ru(
    data: Annotated[Path, typer.Option(help="LAMP-style JSONL: {id, request, parse} lines.",
                                       exists=True, dir_okay=False)],
    backend: Annotated[str, typer.Option(help="Parser backend to score.")] = "rules",
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    failures: Annotated[int, typer.Option(help="Also show up to N wrongly parsed requests.")]
    = 0,
) -> None:
    """Score a parser against ground truth (PARSE_CONVENTIONS.md scoring).

    Example: autommlab lamp ru --data tests/data/lamp_dev.jsonl
    """
    items = read_lamp_jsonl(data)
    evaluation = evaluate_parser(get_parser(backend), items)
    result = evaluation.score.to_dict() | {"backend": backend, "data": str(data)}
    if as_json:
        result["failures"] = evaluation.failures[:failures]
        typer.echo(json.dumps(result, indent=2))
        return
    console = Console()
    table = Table(title=f"LAMP RU: backend={backend}, {len(items)} requests from {data.name}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in (("key-level item (7 keys)", result["key_level"]["item"]),
                        ("key-level list (2 keys)", result["key_level"]["list"]),
                        ("key-level total (9 keys)", result["key_level"]["total"]),
                        ("request-level", result["request_level"])):
        table.add_row(name, f"{value:.4f}")
    for key, value in result["per_key"].items():
        table.add_row(f"  key {key}", f"{value:.4f}")
    for task, figures in result["per_task"].items():
        table.add_row(f"  task {task} ({figures['requests']}) request-level",
                      f"{figures['request_level']:.4f}")
    console.print(table)
    for failure in evaluation.failures[:failures]:
        console.print(f"[bold]{failure['id']}[/] wrong: {', '.join(failure['wrong'])}\n"
                      f"  {failure['request']}")


@app.command("speed")
def speed(
    data: Annotated[Path, typer.Option(help="JSONL with a 'request' per line.", exists=True)],
    n: Annotated[int, typer.Option(help="How many requests to parse (cycling the file).")]
    = 1000,
    backend: Annotated[str, typer.Option(help="Parser backend.")] = "rules",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")]
    = False,
) -> None:
    """Benchmark parse speed: N requests, one process, after a warm-up parse.

    Example: autommlab lamp speed --data tests/data/lamp_dev.jsonl --n 1000
    """
    items = read_lamp_jsonl(data)
    t0 = time.perf_counter()
    parser = get_parser(backend)
    parser.parse(items[0].request)  # warm-up: loads WordNet and compiles patterns
    startup = time.perf_counter() - t0
    latencies = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        parser.parse(items[i % len(items)].request)
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    figures = {
        "backend": backend, "requests": n, "startup_s": round(startup, 3),
        "total_s": round(total, 3),
        "requests_per_s": round(n / total, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": round(sorted(latencies)[int(0.99 * (n - 1))] * 1000, 3),
        "cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
    }
    if as_json:
        typer.echo(json.dumps(figures))
    else:
        typer.echo(f"{backend}: parsed {n} requests in {figures['total_s']} s "
                   f"({figures['requests_per_s']}/s, p50 {figures['p50_ms']} ms, "
                   f"p99 {figures['p99_ms']} ms; start-up {figures['startup_s']} s)")
