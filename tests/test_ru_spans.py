"""Span-constrained RU answers: objects, datasets and model names are copied from the request.

The grammar test runs a random tiny Llama (not SmolLM2: it says nothing about parse
quality) under `answer_schema` and checks that whatever it writes is a span of the request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autommlab.lamp.dataset import read_lamp_jsonl
from autommlab.llm.decoding import constrained_greedy, prompt_ids
from autommlab.llm.ru_prompt import ANSWER_SCHEMA, answer_schema, parse_from_answer
from autommlab.llm.ru_spans import ALWAYS_OBJECTS, name_candidates, object_candidates
from llmfixtures import ru_answers_of_random_models, smol_tokenizer, tiny_llama  # noqa: F401 - fixture

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


def test_metric_words_are_never_in_a_name() -> None:
    """"Mask AP 0.5 minimum; Mask R-CNN is fine" offers Mask R-CNN but no span with "AP"
    (a model that lost its place wrote "AP" as the model); "AP-10K" is one word, kept."""
    names = set(name_candidates("Instance masks, Mask AP 0.5 minimum; Mask R-CNN is fine. "
                                "Train on AP-10K, mAP above 40, 30 FPS."))
    assert {"Mask R-CNN", "Mask", "AP-10K"} <= names
    assert not [n for n in names if {"AP", "mAP", "FPS"} & set(n.split())], names


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
    request = "Detect forklifts and pallets, something like YOLOX-s, trained on COCO, 25 FPS."
    schema = answer_schema(request)
    props = schema["properties"]
    assert "forklift" in props["objects"]["items"]["enum"]
    assert "YOLOX-s" in props["model"]["anyOf"][1]["enum"]
    assert "COCO" in props["datasets"]["items"]["enum"]
    assert props["speed"]["anyOf"][1]["properties"]["value"] == {"enum": [25]}
    for key in ("task", "gpu", "engine"):
        assert props[key] == ANSWER_SCHEMA["properties"][key]
    assert "enum" not in json.dumps(ANSWER_SCHEMA["properties"]["speed"]["anyOf"][1][
        "properties"]["value"])  # not mutated
    assert "enum" not in json.dumps(ANSWER_SCHEMA["properties"]["objects"])  # not mutated


def test_a_model_under_the_span_grammar_only_writes_spans(smol_tokenizer: Any) -> None:  # noqa: F811
    request = "Detect forklifts, pallets and workers in warehouse CCTV, like YOLOX-s, on COCO."
    for answer in ru_answers_of_random_models(smol_tokenizer, request, seeds=3):
        assert set(answer["objects"]) <= set(object_candidates(request))
        assert set(answer["datasets"]) <= set(name_candidates(request))
        assert answer["model"] is None or answer["model"] in name_candidates(request)


def test_a_class_written_twice_is_one_class() -> None:
    answer = {"task": "classification", "objects": ["daisy", "rose", "daisy"], "datasets": [],
              "model": None, "speed": None, "flops": None, "params": None, "metrics": [],
              "gpu": "none", "engine": "none"}
    parse = parse_from_answer(json.dumps(answer))
    assert parse.to_json_dict()["data"]["object"] == ["daisy", "rose"]


@pytest.mark.parametrize(("request_text", "offered", "not_offered"), [
    ("Classify meal photos: pizza, burger, pasta, ramen.", {"burger", "pasta"},
     {"burger pasta", "pizza burger"}),
    ("Skin lesions as melanoma, benign keratosis or nevus.", {"benign keratosis", "nevus"},
     {"benign keratosis or nevus", "keratosis or nevus", "keratosi"}),
    ("Sort sourdough, baguette and rye loaves (bakery).", {"sourdough", "baguette", "rye loaf"},
     {"sourdough baguette", "baguette and rye loaf", "loaf bakery"}),
])
def test_spans_stop_at_list_punctuation_and_coordinators(
        request_text: str, offered: set[str], not_offered: set[str]) -> None:
    """A span that runs over a comma or an "or" lets a model that lost its place in a list
    write two classes as one ("burger pasta"); no class in the dev sets needs one."""
    candidates = set(object_candidates(request_text))
    assert offered <= candidates
    assert not not_offered & candidates


def test_classes_are_written_once_and_spelled_as_in_training(
        smol_tokenizer: Any) -> None:  # noqa: F811
    """`uniqueItems` over enum spans is enforced while decoding (llguidance compiles it
    away): a random model writing 4 of 6 classes writes 4 different ones, each with the
    tokenizer's own tokens for it (no "m" + "illion" for "million")."""
    values = ["burger", "pasta", "million", "maize", "pizza", "ramen"]
    schema = {"type": "object", "additionalProperties": False, "required": ["objects"],
              "properties": {"objects": {"type": "array", "uniqueItems": True, "minItems": 4,
                                         "maxItems": 4, "items": {"enum": values}}}}
    canonical = {v: smol_tokenizer(v, add_special_tokens=False)["input_ids"] for v in values}
    for seed in range(3):
        model = tiny_llama(smol_tokenizer, seed=seed)
        ids = prompt_ids(smol_tokenizer, [{"role": "user", "content": ", ".join(values * 3)}])
        decoded = constrained_greedy(model, smol_tokenizer, ids, schema, 80)
        assert decoded.complete, decoded.text
        written = json.loads(decoded.text)["objects"]
        assert len(set(written)) == 4
        tokens = list(decoded.tokens)
        for value in written:  # each value's canonical run occurs in the generated tokens
            run = canonical[value]
            assert any(tokens[i:i + len(run)] == run for i in range(len(tokens))), value


def test_restrict_drops_written_values_and_odd_spellings(
        smol_tokenizer: Any) -> None:  # noqa: F811
    import numpy as np

    from autommlab.llm.enum_items import DistinctEnumItems

    values = ["burger", "pasta", "million", "maize"]
    schema = {"properties": {"objects": {"type": "array", "uniqueItems": True,
                                         "items": {"enum": values}}}}
    items = DistinctEnumItems(smol_tokenizer, schema)

    def token_ids(text: str) -> list[int]:
        return smol_tokenizer(text, add_special_tokens=False)["input_ids"]

    generated = token_ids('{"objects":["burger","')
    assert items.piece(generated[-1]).endswith('"')  # the item starts on a token boundary
    first = {v: token_ids(v)[0] for v in values}
    odd = [t for t in token_ids("m") if t not in first.values()]
    allowed = np.array(sorted({*first.values(), *odd}))
    kept = set(items.restrict(allowed, generated).tolist())
    assert kept == {first["pasta"], first["million"], first["maize"]} - {first["burger"]}
    # outside an array item nothing is narrowed
    assert items.restrict(allowed, token_ids('{"objects":')).tolist() == allowed.tolist()
