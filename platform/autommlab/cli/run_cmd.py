"""`autommlab run` and `autommlab runs list|show|resume`."""

from __future__ import annotations

import contextlib
import json
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from autommlab.pipeline.records import RunRecord

runs_app = typer.Typer(help="List, inspect and resume pipeline runs.", no_args_is_help=True)


def run(
    request: Annotated[str, typer.Argument(help="The request, in plain English.")],
    budget: Annotated[str, typer.Option(help="small (minutes) | medium (a real model on a "
                                              "2-core CPU, < 20 min) | large")] = "small",
    searcher: Annotated[str, typer.Option(
        help="HPO searcher: random | tpe | transfer | llm (HPO-LLaMA rounds) | hybrid (LLM "
             "proposals seed TPE)")] = "tpe",
    trials: Annotated[int | None, typer.Option(help="HPO trials (default: the budget's)")]
    = None,
    tenant: Annotated[str | None, typer.Option(help="Tenant (default $AUTOMMLAB_TENANT or "
                                                    "'default')")] = None,
    store: Annotated[str | None, typer.Option(help="Store URL (default $AUTOMMLAB_STORE or "
                                                   "~/.autommlab)")] = None,
    request_id: Annotated[str | None, typer.Option(help="Request id (default: generated)")]
    = None,
    asha: Annotated[bool, typer.Option(help="Stop weak trials early (ASHA)")] = False,
    max_iters: Annotated[int | None, typer.Option(
        help="Cap each trial's training iterations (a quick smoke run)")] = None,
    concurrent: Annotated[int | None, typer.Option(
        help="Trials at once (default: the budget's)")] = None,
    data_scale: Annotated[float | None, typer.Option(
        help="Build scale of a built-in dataset, 0-1 (default: the budget's)")] = None,
    seed: Annotated[int, typer.Option(help="Seed for searcher and training")] = 0,
    backend: Annotated[str, typer.Option(help="Request-understanding backend")] = "rules",
    as_json: Annotated[bool, typer.Option("--json", help="Print the run record as JSON "
                                                         "(progress goes to stderr)")] = False,
) -> None:
    """Turn a request into a trained, exported, verified model, with a report.

    Example: autommlab run "classify sneakers, sandals and ankle boots, ONNX" --budget small
    """
    from autommlab.cli.progress_view import TerminalProgress
    from autommlab.pipeline import RunOptions, run_pipeline

    options = RunOptions.model_validate({
        k: v for k, v in dict(budget=budget, searcher=searcher, trials=trials, tenant=tenant,
                              store_url=store, asha=asha, seed=seed, max_iters=max_iters,
                              max_concurrent=concurrent, data_scale=data_scale,
                              parser_backend=backend).items() if v is not None})
    with TerminalProgress() as progress, _quiet_stdout(as_json):
        record = run_pipeline(request, options, progress=progress, request_id=request_id)
    _finish(record, as_json)


@runs_app.command("list")
def list_runs(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's runs")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines")] = False,
) -> None:
    """Runs on this machine, newest first.

    Example: autommlab runs list --tenant acme --json
    """
    from autommlab.pipeline.records import list_records

    records = list_records(tenant)
    if as_json:
        for r in records:
            typer.echo(json.dumps(_summary(r)))
        return
    table = Table()
    table.add_column("request id", no_wrap=True)  # users copy it into `runs show/resume`
    for name in ("tenant", "status", "stage", "model", "best", "request"):
        table.add_column(name, overflow="fold")
    for r in records:
        s = _summary(r)
        table.add_row(r.request_id, r.tenant, r.status, r.current_stage or "-",
                      s["model"] or "-", _fmt(s["best_metric"], s["metric"]),
                      r.request[:50] + ("…" if len(r.request) > 50 else ""))
    Console().print(table)


@runs_app.command("show")
def show_run(
    request_id: Annotated[str, typer.Argument(help="Request id (a unique prefix is enough)")],
    tenant: Annotated[str | None, typer.Option(help="Tenant")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The whole run record as JSON")]
    = False,
) -> None:
    """One run: stages, trials, best model, where the export and report are.

    Example: autommlab runs show r-20261121-101742
    """
    from autommlab.pipeline.records import find_record

    record, directory = find_record(request_id, tenant)
    if as_json:
        typer.echo(record.model_dump_json(indent=1))
        return
    _print_record(record, directory)


@runs_app.command("resume")
def resume_run(
    request_id: Annotated[str, typer.Argument(help="Request id (a unique prefix is enough)")],
    tenant: Annotated[str | None, typer.Option(help="Tenant")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run record as JSON")]
    = False,
) -> None:
    """Finish an interrupted or failed run: done stages and finished trials are not redone.

    Example: autommlab runs resume r-20261121-101742
    """
    from autommlab.cli.progress_view import TerminalProgress
    from autommlab.pipeline import resume_pipeline

    with TerminalProgress() as progress, _quiet_stdout(as_json):
        record = resume_pipeline(request_id, tenant=tenant, progress=progress)
    _finish(record, as_json)


def _quiet_stdout(as_json: bool) -> AbstractContextManager[object]:
    """With --json, stdout carries only the record: anything a library prints while the
    pipeline runs (Ray Tune's tables, toolbox messages) goes to stderr instead."""
    return contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext()


def _finish(record: RunRecord, as_json: bool) -> None:
    if as_json:
        typer.echo(record.model_dump_json(indent=1))
        return
    from autommlab.pipeline.records import run_dir

    _print_record(record, run_dir(record.tenant, record.request_id))


def _print_record(record: RunRecord, directory: Path) -> None:
    console = Console()
    s = _summary(record)
    console.print(f"[bold]run[/] {record.request_id} (tenant {record.tenant}): "
                  f"[bold]{record.status}[/]")
    console.print(f"request: {record.request}")
    console.print(f"stages done: {', '.join(record.stages_done) or 'none'}")
    if record.error:
        console.print(f"[red]error in {record.error_stage}: {record.error}[/]")
    if s["model"]:
        console.print(f"dataset {s['dataset']} -> model {s['model']}")
    if s["best_metric"] is not None:
        console.print(f"best {s['metric']}: {s['best_metric']:.4f} "
                      f"({len(record.trials)} trials)")
    if record.export_prefix:
        store = (record.deploy or {}).get("store_url", "the store")
        console.print(f"[bold]model[/]: {record.export_prefix} in {store}; local copy: "
                      f"{directory / 'export'}")
    if record.report_file:
        console.print(f"[bold]report[/]: {record.report_file}")
    if record.status in ("failed", "interrupted"):
        console.print(f"resume with: autommlab runs resume {record.request_id}")


def _summary(r: RunRecord) -> dict[str, object]:
    best = r.best
    sel = r.selection or {}
    return {"request_id": r.request_id, "tenant": r.tenant, "status": r.status,
            "stage": r.current_stage, "created": r.created,
            "dataset": sel.get("data", {}).get("dataset"),
            "model": sel.get("model", {}).get("model"), "metric": r.metric_name,
            "best_metric": best.metric if best else None, "export": r.export_prefix,
            "report": r.report_file, "request": r.request}


def _fmt(value: object, metric: object) -> str:
    return f"{metric} {value:.3f}" if isinstance(value, float) else "-"
