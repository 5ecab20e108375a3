"""`autommlab parse`: request text -> parsed config JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from autommlab.errors import AutommlabError
from autommlab.understand import Parser, get_parser


def parse(
    request: Annotated[str | None, typer.Argument(help="The request text. Omit with --jsonl.")]
    = None,
    backend: Annotated[str, typer.Option(
        help="Parser backend: rules (default, deterministic), llm (SmolLM2 + the shipped RU "
             "LoRA adapter; AUTOMMLAB_LLM_* variables configure model/adapter/device), http "
             "(an OpenAI-compatible server at AUTOMMLAB_LLM_URL), ensemble (llm + rules, "
             "key by key).")] = "rules",
    jsonl: Annotated[Path | None, typer.Option(
        help="Read lines {\"id\", \"request\"} from this file ('-' = stdin) and write one "
             "{\"id\", \"parse\"} or {\"id\", \"error\"} line per input line.",
        allow_dash=True)] = None,
    show_warnings: Annotated[bool, typer.Option("--warnings/--no-warnings",
                                                help="Print parser warnings on stderr.")] = True,
) -> None:
    """Parse a request into the LAMP request-config JSON.

    Example: autommlab parse "a detector for forklifts, under 10M params, 30 fps on a Jetson"
    """
    parser = get_parser(backend)
    if jsonl is not None:
        _parse_jsonl(parser, jsonl)
        return
    if request is None:
        raise typer.BadParameter("give the request text, or --jsonl FILE")
    result = parser.parse(request)
    if show_warnings:
        if result.fallback_reason:
            typer.secho(f"warning: fell back to another backend: {result.fallback_reason}",
                        fg=typer.colors.YELLOW, err=True)
        for warning in result.warnings:
            typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
    typer.echo(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False))


def _parse_jsonl(parser: Parser, path: Path) -> None:
    """One output line per input line, in order; a bad line gets an error line, never a stop."""
    stream = sys.stdin if str(path) == "-" else path.open(encoding="utf-8", errors="replace")
    with stream:
        for number, line in enumerate(stream, 1):
            record_id: object = f"line-{number}"
            try:
                if not line.strip():
                    raise ValueError("empty line")
                raw = json.loads(line)
                if not isinstance(raw, dict):
                    raise ValueError("expected a JSON object")
                record_id = raw.get("id", record_id)
                if "request" not in raw:
                    raise ValueError("missing key 'request'")
                out = {"id": record_id, "parse": parser.parse(raw["request"]).to_json_dict()}
            except (ValueError, AutommlabError) as exc:
                out = {"id": record_id, "error": str(exc)}
            except Exception as exc:  # a parser bug must not lose the lines after it
                out = {"id": record_id, "error": f"internal parser error: {exc!r}"}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()
