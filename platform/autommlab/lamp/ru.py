"""Run a parser backend over a LAMP-style set and score it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autommlab.errors import AutommlabError
from autommlab.lamp.dataset import LampItem
from autommlab.lamp.scoring import RUScore, score_keys
from autommlab.understand.base import Parser


@dataclass
class RUEvaluation:
    score: RUScore
    failures: list[dict[str, Any]] = field(default_factory=list)  # per request with wrong keys


def evaluate_parser(parser: Parser, items: list[LampItem],
                    progress: Callable[[int, int], None] | None = None) -> RUEvaluation:
    score = RUScore()
    failures: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        try:
            pred: Any = parser.parse(item.request).to_json_dict()
        except AutommlabError as exc:
            pred = {"error": str(exc)}  # counts as wrong on all nine keys
        keys = score_keys(pred, item.parse)
        score.add(keys, item.task)
        wrong = [k for k, ok in keys.items() if not ok]
        if wrong:
            failures.append({"id": item.id, "request": item.request, "wrong": wrong,
                             "parse": pred, "truth": item.parse})
        if progress:
            progress(i + 1, len(items))
    return RUEvaluation(score=score, failures=failures)
