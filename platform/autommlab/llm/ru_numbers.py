"""What an RU answer's numbers may be: the numbers its request writes, and their fractions.

Every figure in a parse is one the user wrote (PARSE_CONVENTIONS.md): a limit as written
with its unit ("30 fps", "under 5M parameters"), a metric target as a fraction ("mAP above
40" -> 0.4, "93%" -> 0.93), an error rate as its complement ("mistake rate under 10%" ->
accuracy 0.9); rates and batch times are written as the user wrote them and converted by
code (`ru_forms`). A 135M model still invents figures and takes one limit's figure for
another's: the shipped adapter wrote "precision 0.9" for "precision can be lower",
"accuracy 0.9" for "error rate below 1%", "4 fps" for "up to 4 people at once, 30 fps",
"500 MFLOPs" for "under 500K parameters and under 50 MFLOPs"; v8 "f1-score 0.1". Decoding
therefore restricts each number to its candidates, the way `ru_spans` restricts names: a
limit to the numbers written with one of its unit words close after them, a batch size to
whole numbers, a metric target to fractions. The model still chooses *which* figure; the
grammar makes sure it is one the request holds for that field (and, once its first digits
single it out, writes the rest without a forward pass).

Coverage, measured with `python benchmarks/ru_spans.py`: every figure of every answer on
the LAMP-style sets and 23,904 of 23,904 figures of four generated builds of 4,000 pairs
(seeds 2-5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from autommlab.understand.rules.text import NUM, normalise, to_number

Number = int | float
#: Numbers as users write them, read as the rules backend reads them ("1,200", "2.5", "five";
#: not the digits inside a word such as "YOLOv5n" or "L4").
NUMBER = re.compile(NUM)


def numbers_in(text: str) -> list[float]:
    """Every number written in `text`, in order ("1,200" -> 1200.0)."""
    return [to_number(m.group()) for m in NUMBER.finditer(normalise(text))]


def tidy_number(value: float) -> int | float:
    """6.0 -> 6 (as the answer writes numbers); other values rounded to 6 decimals."""
    value = round(float(value), 6)
    return int(value) if value.is_integer() else value


def _distinct(values: list[float]) -> list[Number]:
    return sorted({tidy_number(v) for v in values})


#: The words after a number, as `_field_of` reads them ("500K params" -> k, params;
#: "30-fps" -> -, fps; "frames/sec" -> frames, /, sec).
_AFTER_WORD = re.compile(r"[a-z]+|[^\sa-z0-9]")
#: Where a number's words end: the end of a clause, or the next number written in digits
#: (a word number may be part of the unit: "300 pictures in one minute").
_WORDS_END = re.compile(r"[.,;:!?()\[\]\n]|\d")
#: Unit words of each limit, and how many words after its number the unit may come. The
#: windows hold every limit of the dev sets and generated builds (`benchmarks/ru_spans.py`):
#: a rate names what it counts before its unit ("600 x-ray images a minute": 5 words), a
#: FLOPs figure its magnitude ("2 billion floating-point operations": 4).
UNIT_WORDS: dict[str, tuple[frozenset[str], int]] = {
    "speed": (frozenset({"fps", "frame", "frames", "hz", "ms", "msec", "msecs",
                         "millisecond", "milliseconds", "s", "sec", "secs", "second",
                         "seconds", "min", "mins", "minute", "minutes", "h", "hr", "hrs",
                         "hour", "hours", "per", "/", "every", "each"}), 6),
    "flops": (frozenset({"flop", "flops", "kflops", "mflops", "gflops", "tflops", "mac",
                         "macs", "gmacs", "mmacs", "ops", "operations", "multiply",
                         "floating"}), 5),
    "params": (frozenset({"param", "params", "parameter", "parameters", "weights"}), 3),
}
_LONGEST_WINDOW = max(window for _, window in UNIT_WORDS.values())
#: Magnitudes: the word right after one decides ("600M FLOPs" is FLOPs, "2.5M parameters"
#: parameters); with no unit word there it is a parameter count ("parameters: at most 5
#: million", "the parameter count must stay under 10 M and each picture ...").
MAGNITUDES = frozenset({"k", "m", "b", "thousand", "million", "billion"})


def _field_of(text: str, end: int) -> str | None:
    """The limit a number ending at `end` is written for: the first unit word after it
    (within that limit's window, before the clause or the next number ends its words)
    decides. "Raspberry Pi 5. It does 300 photos per minute" gives the 5 none; "2.5M
    parameters and 5 GFLOPs" gives 2.5 to the parameters only."""
    stop = _WORDS_END.search(text, end)
    words = _AFTER_WORD.findall(text, end, stop.start() if stop else len(text))
    for position, word in enumerate(words[:_LONGEST_WINDOW]):
        if word in MAGNITUDES:  # the word after it decides, else it is a parameter count
            following = words[position + 1] if position + 1 < len(words) else ""
            return next((field for field, (units, _) in UNIT_WORDS.items()
                         if following in units), "params")
        for field, (units, window) in UNIT_WORDS.items():
            if word in units and position < window:
                return field
    return None


def limits(request: str) -> dict[str, list[Number]]:
    """Candidates for the value of each limit (speed, flops, params): the numbers written
    for it (`_field_of`). "Up to 4 people at once, 30 fps" offers 30 as a speed, not 4;
    "under 500K parameters and under 50 MFLOPs" 50 as FLOPs, not 500."""
    text = normalise(request).lower()
    found: dict[str, list[float]] = {field: [] for field in UNIT_WORDS}
    for m in NUMBER.finditer(text):
        value = to_number(m.group())
        if value >= 0 and (field := _field_of(text, m.end())) is not None:
            found[field].append(value)
    return {field: _distinct(values) for field, values in found.items()}


def limit_values(request: str, field: str) -> list[Number]:
    """`limits(request)[field]`."""
    return limits(request)[field]


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
    for key in UNIT_WORDS:
        if answer.get(key):
            yield key, answer[key]["value"]
            if answer[key].get("batch"):
                yield "batch", answer[key]["batch"]
    for metric in answer.get("metrics") or []:
        yield "metric", metric["value"]


def candidates(request: str) -> dict[str, set[Number]]:
    """The figures the grammar offers for `request`, by `answer_figures` kind."""
    return {**{field: set(values) for field, values in limits(request).items()},
            "batch": set(batch_sizes(request)), "metric": set(metric_values(request))}


__all__ = ["NUMBER", "UNIT_WORDS", "answer_figures", "batch_sizes", "candidates",
           "limit_values", "limits", "metric_values", "numbers_in", "tidy_number"]
