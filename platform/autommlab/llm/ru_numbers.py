"""What an RU answer's numbers may be: the numbers its request writes, and their fractions.

Every figure in a parse is one the user wrote (PARSE_CONVENTIONS.md): a limit as written
("30 fps", "under 5M parameters"), a metric target as a fraction ("mAP above 40" -> 0.4,
"93%" -> 0.93), an error rate as its complement ("mistake rate under 10%" -> accuracy
0.9); rates and batch times are written as the user wrote them and converted by code
(`ru_forms`). A 135M model still invents figures: the shipped adapter wrote "precision 0.9"
for "precision can be lower", "accuracy 0.9" for "error rate below 1%", v8 "f1-score 0.1"
and "0.083 fps". Decoding therefore restricts each number to these candidates, the way
`ru_spans` restricts names: the model still chooses *which* figure, the grammar makes sure
it is one the request holds (and, once its first digits single it out, writes the rest
without a forward pass).

Coverage, measured with `python benchmarks/ru_spans.py`: every number of every answer on
the LAMP-style sets and 12,045 of 12,045 numbers of two generated builds of 4,000 pairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from autommlab.llm.ru_forms import numbers_in, tidy_number

Number = int | float


def _distinct(values: list[float]) -> list[Number]:
    return sorted({tidy_number(v) for v in values})


def quantity_values(request: str) -> list[Number]:
    """Candidates for a speed, FLOPs or parameter value: the numbers as written."""
    return _distinct([n for n in numbers_in(request) if n >= 0])


def metric_values(request: str) -> list[Number]:
    """Candidates for a metric target (0..1): a fraction as written, a percentage / 100,
    and the complement of either (an error or mistake rate read as an accuracy)."""
    values: list[float] = []
    for n in numbers_in(request):
        for fraction in (n, n / 100):
            if 0 <= fraction <= 1:
                values += [fraction, 1 - fraction]
    return _distinct(values)


def batch_sizes(request: str) -> list[int]:
    """Candidates for the batch a written time covers: whole numbers from 2 up."""
    return sorted({int(n) for n in numbers_in(request) if n >= 2 and float(n).is_integer()})


def answer_figures(answer: Mapping[str, Any]) -> Iterator[tuple[str, Number]]:
    """(kind, value) of each figure of a compact answer; kind is a `candidates` key."""
    for key in ("speed", "flops", "params"):
        if answer.get(key):
            yield "quantity", answer[key]["value"]
            if answer[key].get("batch"):
                yield "batch", answer[key]["batch"]
    for metric in answer.get("metrics") or []:
        yield "metric", metric["value"]


def candidates(request: str) -> dict[str, set[Number]]:
    """The figures the grammar offers for `request`, by `answer_figures` kind."""
    return {"quantity": set(quantity_values(request)), "batch": set(batch_sizes(request)),
            "metric": set(metric_values(request))}


__all__ = ["answer_figures", "batch_sizes", "candidates", "metric_values", "quantity_values"]
