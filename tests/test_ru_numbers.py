"""Number-constrained RU answers: every figure is one the request writes (or its fraction).

The grammar tests run a random tiny Llama (not SmolLM2: it says nothing about parse
quality) under `answer_schema` and check what the grammar lets it write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autommlab.lamp.dataset import read_lamp_jsonl
from autommlab.llm.decoding import json_grammar
from autommlab.llm.ru_numbers import (
    answer_figures,
    batch_sizes,
    candidates,
    limit_values,
    metric_values,
    numbers_in,
)
from autommlab.llm.ru_prompt import answer_from_parse, answer_schema
from llmfixtures import ru_answers_of_random_models, smol_tokenizer  # noqa: F401 - fixture

DATA = Path(__file__).parent / "data"
REQUEST = ("Detect cars at 30 fps on a Jetson, mAP above 40, error rate under 5%, "
           "a batch of 4 in 120 ms, under 2.5M parameters and five GFLOPs.")


def test_candidates_are_the_written_numbers_their_fractions_and_complements() -> None:
    assert {30, 40, 5, 4, 120, 2.5} <= set(numbers_in(REQUEST))  # "five" is 5
    assert limit_values(REQUEST, "flops") == [5]
    assert limit_values(REQUEST, "params") == [2.5]
    assert limit_values(REQUEST, "speed") == [30, 120]
    assert {0.4, 0.05, 0.95, 0.3, 0.7} <= set(metric_values(REQUEST))
    assert all(0 <= v <= 1 for v in metric_values(REQUEST))
    assert 4 in batch_sizes(REQUEST) and 2.5 not in batch_sizes(REQUEST)
    # a mistake rate (no "error" word) still offers the accuracy it implies
    assert 0.9 in metric_values("The mistake rate should be less than 10 percent.")
    # digits inside names are no numbers: "YOLOv5n" and "L4" offer nothing
    assert numbers_in("Use YOLOv5n on an L4.") == []


@pytest.mark.parametrize(("request_text", "field", "offered", "not_offered"), [
    ("17 body keypoints per person, up to 4 people at once, 30 fps.", "speed", {30}, {4}),
    ("under 500K parameters and under 50 MFLOPs", "flops", {50}, {500}),
    ("under 500K parameters and under 50 MFLOPs", "params", {500}, {50}),
    ("Raspberry Pi 5. It gets 300 photos per minute.", "speed", {300}, {5}),
    ("we need to process 600 x-ray images a minute", "speed", {600}, set()),
    ("under 2 billion floating-point operations per frame", "flops", {2}, set()),
    ("a batch of 8 tiles in 1.6 seconds", "speed", {1.6}, {8}),
    ("thirty frames each second, 2.5M params", "speed", {30}, {2.5}),
    # the first unit word decides; a magnitude is decided by the word right after it
    ("2.5M parameters and five GFLOPs", "flops", {5}, {2.5}),
    ("under 600M FLOPs and 3M params", "flops", {600}, {3}),
    ("under 600M FLOPs and 3M params", "params", {3}, {600}),
    ("the parameter count must stay under 10 m and each picture within 15 ms", "params",
     {10}, {15}),
    ("the parameter count must stay under 10 m and each picture within 15 ms", "speed",
     {15}, {10}),
    ("parameters: at most 5 million", "params", {5}, set()),
])
def test_a_limit_offers_the_numbers_written_with_its_unit(
        request_text: str, field: str, offered: set[float], not_offered: set[float]) -> None:
    values = set(limit_values(request_text, field))
    assert offered <= values
    assert not values & not_offered


def test_every_figure_of_the_lamp_answers_is_a_candidate() -> None:
    """What the constraint can cost: a ground-truth figure that is not a candidate cannot be
    written. None of the LAMP-style sets has one (`benchmarks/ru_spans.py` prints it)."""
    numbers = missing = 0
    for path in sorted(DATA.glob("lamp_*.jsonl")):
        for item in read_lamp_jsonl(path):
            offered = candidates(item.request)
            answer = json.loads(answer_from_parse(item.parse, item.request))
            for key, value in answer_figures(answer):
                numbers += 1
                missing += value not in offered[key]
    assert numbers > 200 and missing == 0


def test_a_model_under_the_grammar_only_writes_offered_numbers(
        smol_tokenizer: Any) -> None:  # noqa: F811
    offered = candidates(REQUEST)
    written = 0
    for answer in ru_answers_of_random_models(smol_tokenizer, REQUEST, seeds=4):
        for key, value in answer_figures(answer):
            written += 1
            assert value in offered[key], (key, value, answer)
    assert written  # the random models wrote figures, so the check checked something


def test_a_request_without_numbers_can_only_get_absent_limits(
        smol_tokenizer: Any) -> None:  # noqa: F811
    request = "Detect forklifts and pallets in warehouse CCTV."
    for answer in ru_answers_of_random_models(smol_tokenizer, request, seeds=2):
        assert answer["speed"] is answer["flops"] is answer["params"] is None
        assert answer["metrics"] == []


def test_the_grammar_writes_numbers_as_training_answers_do(
        smol_tokenizer: Any) -> None:  # noqa: F811
    """An offered 30 is written "30" (as `answer_from_parse` writes it), never "30.0"; a
    figure the request lacks is refused."""
    from llguidance import LLMatcher

    from autommlab.llm.decoding import _ll_tokenizer

    grammar = json_grammar(answer_schema(REQUEST))
    head = '{"task":"detection","objects":["car"],"datasets":[],"model":null,"speed":'

    def accepted(text: str) -> bool:
        matcher = LLMatcher(_ll_tokenizer(smol_tokenizer), grammar, log_level=0)
        ids = smol_tokenizer(head + text, add_special_tokens=False)["input_ids"]
        return matcher.validate_tokens(ids) == len(ids)

    assert accepted('{"value":30,"unit":"fps"},"flops":null,"params":{"value":2.5,'
                    '"unit":"M"},"metrics":[{"name":"error","value":0.05}]')
    assert accepted('{"value":120,"unit":"ms","batch":4}')
    assert not accepted('{"value":30.0,')
    assert not accepted('{"value":31,')
    assert not accepted('{"value":120,"unit":"ms","batch":7')  # 3 would prefix 30
    assert not accepted('null,"flops":null,"params":null,"metrics":[{"name":"accuracy",'
                        '"value":0.9}')
