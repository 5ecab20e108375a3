"""`autommlab llm ...`: build RU data, fine-tune and evaluate RU-LLaMA / HPO-LLaMA adapters,
and serve both over HTTP (Ray Serve)."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from autommlab.errors import BackendUnavailableError
from autommlab.llm.sft import SFTConfig, SFTProgress

app = typer.Typer(help="LLM backends: training data, LoRA fine-tuning, evaluation, serving.",
                  no_args_is_help=True)

ModelOpt = Annotated[str, typer.Option(help="Base model: smollm2-135m (built in), a Hugging "
                                            "Face model directory or hub id.")]
ThreadsOpt = Annotated[int, typer.Option(help="torch CPU threads (0 = torch's default).")]
DeviceOpt = Annotated[str, typer.Option(help="cpu, cuda, cuda:N or auto.")]


@contextmanager
def _steps(total: int, label: str) -> Iterator[Callable[[SFTProgress], None]]:
    """A progress bar on a terminal; a plain line every ~2% of the steps in a log file."""
    console = Console(stderr=True)
    if not console.is_terminal:
        every = max(1, total // 50)

        def line(p: SFTProgress) -> None:
            if p.step % every == 0 or p.step == p.max_steps:
                console.print(f"{label}: step {p.step}/{p.max_steps} loss {p.loss:.4f} "
                              f"{p.seconds / 60:.1f} min", highlight=False)

        yield line
        return
    progress = Progress(TextColumn(f"[bold]{label}[/]"), BarColumn(),
                        TextColumn("{task.completed}/{task.total} steps"),
                        TextColumn("loss {task.fields[loss]}"), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=console)
    task = progress.add_task(label, total=total, loss="-")
    with progress:
        yield lambda p: progress.update(task, completed=p.step, loss=f"{p.loss:.3f}")


def _sft_config(output_dir: Path, model: str, device: str, threads: int, steps: int,
                **settings: Any) -> SFTConfig:
    """The fine-tuning settings of a train command; warm-up is 10% of the steps, at most 10."""
    from autommlab.llm.config import LLMConfig

    return SFTConfig(output_dir=output_dir, llm=LLMConfig(model=model, device=device,
                                                         threads=threads),
                     max_steps=steps, warmup_steps=min(10, max(1, steps // 10)),
                     **settings)


@app.command("make-ru-data")
def make_ru_data(
    out: Annotated[Path, typer.Option(help="JSONL file to write (LAMP line format).")],
    n: Annotated[int, typer.Option(help="Number of training pairs.")] = 4000,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Generate RU training pairs from the dev sets, kept apart from the evaluation sets.

    Example: autommlab llm make-ru-data --out ru_train.jsonl --n 4000
    """
    from autommlab.llm.ru_data import build_ru_dataset

    report = build_ru_dataset(out, n=n, seed=seed)
    summary = {"path": str(report.path), "total": report.total, "seeds": report.seeds,
               "eval_items_checked": report.eval_items, "per_task": report.per_task,
               "per_kind": report.per_kind, "per_phenomenon": report.per_phenomenon}
    typer.echo(json.dumps(summary, indent=2) if as_json else
               f"wrote {report.total} pairs to {report.path} (from {report.seeds} seeds; "
               f"disjoint from {report.eval_items} evaluation requests)\n"
               f"per kind: {report.per_kind}\n"
               f"per class phenomenon: {report.per_phenomenon}")


@app.command("train-ru")
def train_ru_cmd(
    data: Annotated[list[Path], typer.Option(help="Training pairs (JSONL, repeatable).",
                                             exists=True, dir_okay=False)],
    output_dir: Annotated[Path, typer.Option(help="Run directory (checkpoint, adapter); "
                                                  "rerun with the same one to resume.")],
    eval_data: Annotated[list[Path] | None, typer.Option(
        help="Evaluation sets that must not overlap the training pairs.")] = None,
    publish_to: Annotated[Path | None, typer.Option(
        help="Copy the finished adapter here (e.g. platform/autommlab/llm/adapters/ru).")]
    = None,
    model: ModelOpt = "smollm2-135m",
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = 1,
    steps: Annotated[int, typer.Option(help="Optimizer steps.")] = 240,
    batch_size: Annotated[int, typer.Option(help="Examples per step.")] = 8,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW).")] = 1e-3,
    lora_r: Annotated[int, typer.Option(help="LoRA rank.")] = 16,
    save_every: Annotated[int, typer.Option(help="Checkpoint every N steps.")] = 20,
    seed: Annotated[int, typer.Option(help="Data order seed.")] = 0,
    init_adapter: Annotated[Path | None, typer.Option(
        help="Continue from this adapter's weights (new optimizer and schedule), e.g. "
             "platform/autommlab/llm/adapters/ru.", exists=True, file_okay=False)] = None,
) -> None:
    """LoRA-fine-tune RU-LLaMA on request/parse pairs (loss on the answer only; resumable).

    Example: autommlab llm train-ru --data ru_train.jsonl --output-dir runs/ru
             --eval-data tests/data/lamp_holdout.jsonl --eval-data tests/data/lamp_test.jsonl
    """
    from autommlab.llm.ru_train import train_ru

    config = _sft_config(output_dir, model, device, threads, steps, batch_size=batch_size,
                         lr=lr, lora_r=lora_r, lora_alpha=2 * lora_r, save_every=save_every,
                         seed=seed, init_adapter=init_adapter)
    with _steps(steps, "train-ru") as report:
        result = train_ru(data, config, eval_files=eval_data or [], publish_to=publish_to,
                          progress=report)
    typer.echo(f"adapter: {result.adapter_dir} ({result.steps} steps, final loss "
               f"{result.final_loss}, {result.seconds / 60:.1f} min this run"
               + (f", resumed at step {result.resumed_from}" if result.resumed_from else "")
               + ")" + (f"\npublished: {publish_to}" if publish_to else ""))


@app.command("eval-ru")
def eval_ru_cmd(
    data: Annotated[Path, typer.Option(help="LAMP-style JSONL to score.", exists=True,
                                       dir_okay=False)],
    adapter: Annotated[str, typer.Option(help="builtin:ru, an adapter directory, or none.")]
    = "builtin:ru",
    model: ModelOpt = "smollm2-135m",
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """LAMP RU scoring of the llm backend with a given adapter (no fallback to rules).

    Example: autommlab llm eval-ru --data tests/data/lamp_holdout.jsonl --adapter runs/ru/adapter
    """
    from autommlab.lamp.dataset import read_lamp_jsonl
    from autommlab.lamp.ru import evaluate_parser
    from autommlab.understand.llm_backend import LLMParser

    parser = LLMParser(fallback=None, model=model, adapter=adapter, device=device,
                       threads=threads)
    items = read_lamp_jsonl(data)
    progress = Progress(TextColumn("[bold]eval-ru[/]"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                        console=Console(stderr=True))
    with progress:
        task = progress.add_task("eval", total=len(items))
        evaluation = evaluate_parser(parser, items,
                                     progress=lambda i, n: progress.update(task, completed=i))
    result = evaluation.score.to_dict() | {"adapter": adapter, "data": str(data)}
    if as_json:
        typer.echo(json.dumps(result | {"failures": evaluation.failures}, indent=2))
        return
    typer.echo(f"key-level total {result['key_level']['total']:.4f}, request-level "
               f"{result['request_level']:.4f} on {len(items)} requests ({data.name})")
    for key, value in result["per_key"].items():
        typer.echo(f"  {key:26s} {value:.4f}")


@app.command("train-hpo")
def train_hpo_cmd(
    output_dir: Annotated[Path, typer.Option(help="Run directory (checkpoint, adapter); "
                                                  "rerun with the same one to resume.")],
    history: Annotated[list[Path] | None, typer.Option(
        help="History JSONL files (default: the shipped zoo/hpo/history.jsonl).")] = None,
    exclude_dataset: Annotated[list[str] | None, typer.Option(
        help="Leave this dataset out of training (repeatable; for leave-one-out "
             "benchmarks).")] = None,
    publish_to: Annotated[Path | None, typer.Option(
        help="Copy the finished adapter here (e.g. platform/autommlab/llm/adapters/hpo).")]
    = None,
    k: Annotated[int, typer.Option(help="Configurations per round in the dialogues.")] = 2,
    orderings: Annotated[int, typer.Option(help="Orders of each search's trials to make "
                                                "dialogues from (more dialogues from few "
                                                "runs).")] = 2,
    priors: Annotated[bool, typer.Option(help="Also make every dialogue with a prior (the "
                                              "best configs of a part of the search's own "
                                              "trials, shown as 'good on similar data'), so "
                                              "the adapter learns to use the transfer prior "
                                              "the llm searcher shows.")] = True,
    model: ModelOpt = "smollm2-135m",
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = 1,
    steps: Annotated[int, typer.Option(help="Optimizer steps.")] = 120,
    batch_size: Annotated[int, typer.Option(help="Dialogues per step.")] = 4,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW).")] = 1e-3,
    save_every: Annotated[int, typer.Option(help="Checkpoint every N steps.")] = 20,
    seed: Annotated[int, typer.Option(help="Data order seed.")] = 0,
) -> None:
    """LoRA-fine-tune HPO-LLaMA on multi-round dialogues from real training runs.

    Example: autommlab llm train-hpo --output-dir runs/hpo --publish-to
             platform/autommlab/llm/adapters/hpo
    """
    from autommlab.hpo.history import shipped_history_path
    from autommlab.llm.hpo_train import train_hpo

    config = _sft_config(output_dir, model, device, threads, steps, batch_size=batch_size,
                         lr=lr, save_every=save_every, seed=seed, max_length=1024)
    with _steps(steps, "train-hpo") as report:
        result = train_hpo(history or [shipped_history_path()], config, k=k,
                           orderings=orderings, exclude_datasets=exclude_dataset or [],
                           priors=priors, publish_to=publish_to, progress=report)
    typer.echo(f"adapter: {result.adapter_dir} ({result.examples} dialogues, {result.steps} "
               f"steps, final loss {result.final_loss}, {result.seconds / 60:.1f} min)"
               + (f"\npublished: {publish_to}" if publish_to else ""))


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM (and SIGINT) stop the server as Ctrl-C does


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address of the HTTP endpoint (no authentication: "
                                           "keep 127.0.0.1 or put a gateway in front).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the HTTP endpoint.")] = 8000,
    model: Annotated[str | None, typer.Option(
        help="Base model of both served models (default: AUTOMMLAB_LLM_MODEL or "
             "smollm2-135m).")] = None,
    device: Annotated[str | None, typer.Option(help="cpu, cuda, cuda:N or auto (default: "
                                                    "AUTOMMLAB_LLM_DEVICE or cpu).")] = None,
    threads: Annotated[int | None, typer.Option(
        help="torch CPU threads per request (default: AUTOMMLAB_LLM_THREADS or 1).")] = None,
) -> None:
    """Serve RU-LLaMA (autommlab-ru) and HPO-LLaMA (autommlab-hpo) with Ray Serve.

    Starts a local Ray bound to 127.0.0.1 and an OpenAI-compatible endpoint
    (POST /v1/chat/completions, GET /v1/models, GET /healthz); models load on their first
    request. Runs until Ctrl-C, then stops Serve and Ray.

    Example: autommlab llm serve --port 8000
    """
    try:
        from autommlab_serve.llm_app import HPO_NAME, RU_NAME, start_local, stop_local
    except ImportError as exc:
        raise BackendUnavailableError(
            f"serving needs Ray Serve ({exc}); install the hpo extra "
            "(pip install 'autommlab[hpo]'; infra/setup.sh does)") from exc
    err = Console(stderr=True)
    try:
        err.print("starting Ray and Serve ...", highlight=False)
        url = start_local({"model": model, "device": device, "threads": threads},
                          host=host, port=port)
        # After ray.init, which installs its own SIGTERM handler; SIGINT explicitly too, as
        # a process started in the background may inherit it ignored.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _interrupt)
        typer.echo(f"serving {RU_NAME} and {HPO_NAME} at {url}/v1/chat/completions\n"
                   f"  parse:  AUTOMMLAB_LLM_URL={url} autommlab parse --backend http "
                   "\"a detector for forklifts\"\n"
                   f"  HPO:    AUTOMMLAB_LLM_HPO_URL={url} autommlab run --searcher llm "
                   "\"...\"\n"
                   "Ctrl-C stops.")
        if host not in ("127.0.0.1", "localhost", "::1"):
            err.print(f"warning: {host} may be reachable from other machines and the "
                      "endpoint has no authentication", style="yellow")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        err.print("stopping Serve and Ray ...", highlight=False)
    finally:
        stop_local()
