"""Figures the RU model copies as written, and the arithmetic code does for it.

Three parse conventions (PARSE_CONVENTIONS.md) turn what the user wrote into another number:
a rate per minute or hour into fps ("360 images a minute" -> 6 fps), a time per batch
into one image's time ("a batch of 4 in 240 ms" -> 60 ms), an error rate into accuracy
("error below 5%" -> accuracy 0.95). A 135M model does this arithmetic badly: with the v3
adapter these were 12 of the 28 wrong keys on lamp_holdout (it copied 600 for "600 items
a minute", wrote 0.95 for every error rate). So the answer format lets the model write the
figure as the user wrote it, and code converts:

* speed `{"value": 360, "unit": "/min"}` (or `"/h"`) -> `{"value": 6, "unit": "fps"}`;
* speed `{"value": 240, "unit": "ms", "batch": 4}` -> `{"value": 60, "unit": "ms"}`;
* metric `{"name": "error", "value": 0.05}` -> `{"name": "accuracy", "value": 0.95}`.

`written_speed` / `written_metric` choose the target form for a training pair: the as-
written form only when its figures appear in the request text (a seed whose request says
"10 fps" keeps the direct form, whatever else it says). `to_parse_speed` /
`to_parse_metric` convert an answer back; the direct forms pass through unchanged, so an
adapter trained before these forms existed still parses.
"""

from __future__ import annotations

import math
import re
from typing import Any

from autommlab.llm.ru_numbers import NUMBER, limit_values, numbers_in, tidy_number
from autommlab.understand.rules.text import normalise, to_number

RATE_UNITS = {"/min": 60.0, "/h": 3600.0}
ERROR_METRIC = "error"
_MINUTE = re.compile(r"\bminute|\bmin\b|/\s*min\b", re.IGNORECASE)
_HOUR = re.compile(r"\bhour|\bhr\b|/\s*h\b", re.IGNORECASE)
_BATCH = re.compile(r"\bbatch|\bat a time\b", re.IGNORECASE)
_ERROR = re.compile(r"\berror|misclassif|\bwrong\b", re.IGNORECASE)
#: A time unit right after a number ("240 ms", "2-second"), by the parse unit it spells.
_TIME_UNIT = re.compile(r"\s*-?\s*(?:(?P<ms>ms|msecs?|milliseconds?)|(?P<s>s|secs?|seconds?)"
                        r"|(?P<min>mins?|minutes?))\b", re.IGNORECASE)


def _written_times(text: str, unit: str) -> list[float]:
    """Every number written as a time in `unit` ("60 ms"), not just as some number."""
    text = normalise(text)
    return [to_number(m.group()) for m in NUMBER.finditer(text)
            if (after := _TIME_UNIT.match(text, m.end())) and after.lastgroup == unit]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def written_speed(request: str, speed: dict[str, Any]) -> dict[str, Any]:
    """The speed target for a training answer: as written when the request shows a rate
    or a batch time that gives the parse's figure (see the module doc), else `speed`."""
    value, unit = float(speed["value"]), speed["unit"]
    numbers = numbers_in(request)
    # A batch time is recognised before the bare "figure is written" rule: the per-image
    # figure often coincides with another number ("4 seconds per batch of 2" is 2 s; "on
    # the Raspberry Pi 5, a batch of 2 in 10 ms" is 5 ms), and then the direct form taught
    # the model to copy the batch size. Only a figure written as a time keeps it direct.
    times = _written_times(request, unit) if unit in ("ms", "s", "min") else []
    if _BATCH.search(request) and times and not any(_close(t, value) for t in times):
        for size in numbers:
            if size < 2 or not size.is_integer():
                continue
            for total in times:
                if _close(total, value * size):
                    return {"value": tidy_number(total), "unit": unit, "batch": int(size)}
    # The same for a rate: "300 photos per minute ... Raspberry Pi 5" is 5 fps, but the 5
    # is no speed; the direct form taught the model to copy it (`ru_numbers` would not
    # even let it: a limit's figure is one written with a unit of that limit).
    if any(_close(n, value) for n in limit_values(request, "speed")):
        return speed  # the figure itself is written as a speed: the direct form
    if unit == "fps":
        for rate_unit, per, words in (("/min", 60.0, _MINUTE), ("/h", 3600.0, _HOUR)):
            if words.search(request):
                for n in numbers:
                    if _close(n, value * per):
                        return {"value": tidy_number(n), "unit": rate_unit}
    return speed


def written_metric(request: str, metric: dict[str, Any]) -> dict[str, Any]:
    """An accuracy target stated as an error rate in the request becomes `error` with the
    rate as a fraction; any other metric is unchanged."""
    if metric["name"] != "accuracy" or not _ERROR.search(request):
        return metric
    accuracy = float(metric["value"])
    error = 1.0 - accuracy
    numbers = numbers_in(request)
    if any(_close(n, accuracy * 100) or _close(n, accuracy) for n in numbers):
        return metric  # the accuracy itself is written
    if any(_close(n, error * 100) or _close(n, error) for n in numbers):
        return {"name": ERROR_METRIC, "value": tidy_number(error)}
    return metric


def to_parse_speed(speed: dict[str, Any]) -> dict[str, Any]:
    """An answer's speed in the parse's units (rates -> fps, batch times -> per image)."""
    value, unit = float(speed["value"]), speed["unit"]
    if unit in RATE_UNITS:
        value, unit = value / RATE_UNITS[unit], "fps"
    batch = speed.get("batch")
    if batch:
        value = value / float(batch)
    return {"value": tidy_number(value), "unit": unit}


def to_parse_metric(metric: dict[str, Any]) -> dict[str, Any]:
    """An answer's metric in the parse's names (an error rate -> accuracy)."""
    if metric["name"] == ERROR_METRIC:
        return {"name": "accuracy", "value": tidy_number(1.0 - float(metric["value"]))}
    return {"name": metric["name"], "value": metric["value"]}


__all__ = ["ERROR_METRIC", "RATE_UNITS", "numbers_in", "tidy_number", "to_parse_metric",
           "to_parse_speed", "written_metric", "written_speed"]
