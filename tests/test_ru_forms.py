"""RU answers write rates, batch times and error rates as the user wrote them; code converts.

Checked on the real LAMP-style files: every ground-truth parse survives the trip
parse -> answer (with as-written forms) -> parse, scored with the LAMP scoring itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from autommlab.lamp.dataset import read_lamp_jsonl
from autommlab.lamp.scoring import score_keys
from autommlab.llm.ru_forms import (
    numbers_in,
    to_parse_metric,
    to_parse_speed,
    written_metric,
    written_speed,
)
from autommlab.llm.ru_prompt import ANSWER_SCHEMA, answer_from_parse, parse_from_answer

DATA = Path(__file__).parent / "data"


def test_numbers_are_read_as_users_write_them() -> None:
    assert numbers_in("1,200 photos an hour, 2.5% error, batch of 16 in 240ms") == [
        1200.0, 2.5, 16.0, 240.0]
    # digits inside names are not numbers: they made "YOLOv5n ... batches of 2 in 2 s" a
    # batch of 5 and hid "14,400 images per hour" behind the 4 of "L4"
    assert numbers_in("YOLOv5n on an NVIDIA L4, batches of two in 2 s") == [2.0, 2.0]


@pytest.mark.parametrize(("request_text", "speed", "written"), [
    ("We need to process 360 images a minute.", {"value": 6, "unit": "fps"},
     {"value": 360, "unit": "/min"}),
    ("Up to 7,200 frames per hour.", {"value": 2, "unit": "fps"},
     {"value": 7200, "unit": "/h"}),
    ("A batch of 4 frames must finish in 240 ms.", {"value": 60, "unit": "ms"},
     {"value": 240, "unit": "ms", "batch": 4}),
    ("batches of 8 in under 2 s", {"value": 0.25, "unit": "s"},
     {"value": 2, "unit": "s", "batch": 8}),
    ("Slag segmentation, 14,400 images per hour, on an NVIDIA L4 GPU.",
     {"value": 4, "unit": "fps"}, {"value": 14400, "unit": "/h"}),
    # the per-image figure equals another number (the batch size, a device's name): a
    # batch time all the same; the direct form here taught the model to copy the size
    ("Mask2Former, 4 seconds per batch of 2.", {"value": 2, "unit": "s"},
     {"value": 4, "unit": "s", "batch": 2}),
    ("A batch of 2 frames within 10 ms on a Raspberry Pi 5.", {"value": 5, "unit": "ms"},
     {"value": 10, "unit": "ms", "batch": 2}),
    ("A batch of 4 frames in 240 ms, so 60 ms per frame.", {"value": 60, "unit": "ms"},
     {"value": 60, "unit": "ms"}),
    # a rate whose per-second figure is another number (a device's name): a rate all the
    # same, since that number is written with no speed unit
    ("Raspberry Pi 5. Across all cameras up to 300 photos per minute.",
     {"value": 5, "unit": "fps"}, {"value": 300, "unit": "/min"}),
    # the figure itself is written as a speed: the direct form, whatever else the text says
    ("At least 10 fps; that is 600 frames a minute.", {"value": 10, "unit": "fps"},
     {"value": 10, "unit": "fps"}),
    ("Under 50 ms per image.", {"value": 50, "unit": "ms"}, {"value": 50, "unit": "ms"}),
])
def test_speed_targets_keep_the_written_figure_and_convert_back(
        request_text: str, speed: dict, written: dict) -> None:
    assert written_speed(request_text, speed) == written
    assert to_parse_speed(written) == speed


@pytest.mark.parametrize(("request_text", "metric", "written"), [
    ("The error rate must stay below 5%.", {"name": "accuracy", "value": 0.95},
     {"name": "error", "value": 0.05}),
    ("top-1 error under 2.5 percent", {"name": "accuracy", "value": 0.975},
     {"name": "error", "value": 0.025}),
    ("Accuracy of 95%, so an error of at most 5%.", {"name": "accuracy", "value": 0.95},
     {"name": "accuracy", "value": 0.95}),
    ("mAP above 40 with few errors", {"name": "AP", "value": 0.4},
     {"name": "AP", "value": 0.4}),
])
def test_error_rates_are_written_as_errors_and_read_as_accuracy(
        request_text: str, metric: dict, written: dict) -> None:
    assert written_metric(request_text, metric) == written
    assert to_parse_metric(written) == metric


@pytest.mark.parametrize("name", ["lamp_dev.jsonl", "lamp_holdout.jsonl", "lamp_select.jsonl"])
def test_every_parse_survives_the_written_forms(name: str) -> None:
    items = read_lamp_jsonl(DATA / name)
    converted = 0
    for item in items:
        answer = answer_from_parse(item.parse, item.request)
        jsonschema.validate(json.loads(answer), ANSWER_SCHEMA)
        converted += answer != answer_from_parse(item.parse)
        back = parse_from_answer(answer).model_dump(by_alias=True)
        assert all(score_keys(back, item.parse).values()), (item.request, answer)
    assert converted >= 3  # each file has rates, batch times or error rates to convert


def test_answers_without_the_new_forms_still_parse() -> None:
    """An adapter trained before the as-written forms answers in the direct form."""
    item = read_lamp_jsonl(DATA / "lamp_select.jsonl")[0]
    old_style = answer_from_parse(item.parse)
    assert all(score_keys(parse_from_answer(old_style).model_dump(by_alias=True),
                          item.parse).values())
