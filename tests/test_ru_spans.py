"""Span-constrained RU answers: objects, datasets and model names are copied from the request.

The grammar test runs a random tiny Llama (not SmolLM2: it says nothing about parse
quality) under `answer_schema` and checks that whatever it writes is a span of the request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from autommlab.lamp.dataset import read_lamp_jsonl
from autommlab.llm.decoding import constrained_greedy, prompt_ids
from autommlab.llm.ru_prompt import ANSWER_SCHEMA, answer_schema, parse_from_answer, ru_messages
from autommlab.llm.ru_spans import ALWAYS_OBJECTS, name_candidates, object_candidates
from llmfixtures import smol_tokenizer, tiny_llama  # noqa: F401 - fixture

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(("request_text", "expected"), [
    ("Detect forklifts, pallets and workers in warehouse CCTV.", {"forklift", "pallet", "worker"}),
    ("I want to detect faces with masks and faces without masks.",
     {"face with mask", "face without mask"}),
    ("keypoints of a golfer's swing", {"golfer"}),
    ("Cloud and cloud-shadow masking for Sentinel-2 tiles", {"cloud", "cloud shadow",
                                                             "cloud-shadow"}),
    ("detect pill bottles + syringes", {"pill bottle", "syringe"}),  # WordNet says "syrinx"
    ("detect missing holes, shorts and spurs", {"missing hole", "short", "spur"}),
    ("classify sunglasses and scissors", {"sunglasses", "scissors"}),
    ("Estimate human pose for a fitness app", {"person"}),
    ("Sort ripe and unripe tomatoes", {"ripe tomato", "unripe tomato"}),
    ("flag healthy or diseased tomato leaves", {"healthy tomato leaf",
                                                "diseased tomato leaf"}),
])
def test_object_candidates_hold_the_classes_as_the_conventions_write_them(
        request_text: str, expected: set[str]) -> None:
    candidates = object_candidates(request_text)
    assert expected <= set(candidates)
    assert set(ALWAYS_OBJECTS) <= set(candidates)
    assert candidates == sorted(set(candidates))


def test_distributed_qualifiers_stop_at_the_next_coordinator() -> None:
    candidates = set(object_candidates("damaged and undamaged buildings and roads"))
    assert {"damaged building", "undamaged building"} <= candidates
    assert "damaged buildings and" not in candidates  # a head never ends on "and"


@pytest.mark.parametrize(("request_text", "expected"), [
    ("Train on COCO-WholeBody with something like RTMPose-s.", {"COCO-WholeBody", "RTMPose-s"}),
    ("We're thinking of Faster R-CNN, trained on Cityscapes.", {"Faster R-CNN", "Cityscapes"}),
    ("a YOLOX-s-like detector", {"YOLOX-s", "YOLOX-s-like"}),
    ("Use ResNet-50.", {"ResNet-50"}),
])
def test_name_candidates_keep_names_as_written(request_text: str, expected: set[str]) -> None:
    assert expected <= set(name_candidates(request_text))


def test_span_coverage_of_the_lamp_sets_is_nearly_complete() -> None:
    """What the constraint can cost: ground-truth values that are not candidates."""
    objects = covered = names = names_covered = 0
    for path in sorted(DATA.glob("lamp_*.jsonl")):
        for item in read_lamp_jsonl(path):
            candidates = set(object_candidates(item.request))
            truth = item.parse["data"]["object"]
            objects += len(truth)
            covered += sum(o in candidates for o in truth)
            spans = set(name_candidates(item.request))
            written = [*item.parse["data"]["specific"], item.parse["model"]["specific_model"]]
            written = [w for w in written if w not in ("", "none")]
            names += len(written)
            names_covered += sum(w in spans for w in written)
    assert objects > 2000 and covered / objects >= 0.99
    assert names > 500 and names_covered / names >= 0.99


def test_answer_schema_narrows_only_the_copied_fields() -> None:
    request = "Detect forklifts and pallets, something like YOLOX-s, trained on COCO."
    schema = answer_schema(request)
    props = schema["properties"]
    assert "forklift" in props["objects"]["items"]["enum"]
    assert "YOLOX-s" in props["model"]["anyOf"][1]["enum"]
    assert "COCO" in props["datasets"]["items"]["enum"]
    for key in ("task", "speed", "flops", "params", "metrics", "gpu", "engine"):
        assert props[key] == ANSWER_SCHEMA["properties"][key]
    assert "enum" not in json.dumps(ANSWER_SCHEMA["properties"]["objects"])  # not mutated


def test_a_model_under_the_span_grammar_only_writes_spans(smol_tokenizer: Any) -> None:  # noqa: F811
    request = "Detect forklifts, pallets and workers in warehouse CCTV, like YOLOX-s, on COCO."
    schema = answer_schema(request)
    for seed in range(3):
        model = tiny_llama(smol_tokenizer, seed=seed)
        ids = prompt_ids(smol_tokenizer, ru_messages(request))
        decoded = constrained_greedy(model, smol_tokenizer, ids, schema, 200)
        assert decoded.complete, decoded.text
        answer = json.loads(decoded.text)
        jsonschema.validate(answer, schema)
        assert set(answer["objects"]) <= set(object_candidates(request))
        assert set(answer["datasets"]) <= set(name_candidates(request))
        assert answer["model"] is None or answer["model"] in name_candidates(request)


def test_a_class_written_twice_is_one_class() -> None:
    answer = {"task": "classification", "objects": ["daisy", "rose", "daisy"], "datasets": [],
              "model": None, "speed": None, "flops": None, "params": None, "metrics": [],
              "gpu": "none", "engine": "none"}
    parse = parse_from_answer(json.dumps(answer))
    assert parse.to_json_dict()["data"]["object"] == ["daisy", "rose"]
