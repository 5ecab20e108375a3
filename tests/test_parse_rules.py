"""The rules backend follows PARSE_CONVENTIONS.md on the cases users rely on."""

from pathlib import Path

import pytest

from autommlab.errors import BackendUnavailableError, RequestError
from autommlab.lamp.dataset import read_lamp_jsonl
from autommlab.lamp.ru import evaluate_parser
from autommlab.understand import available_parsers, get_parser

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def parse():
    parser = get_parser("rules")
    return lambda text: parser.parse(text).to_json_dict()


@pytest.mark.parametrize("text,task", [
    ("a detector for forklifts and pallets", "detection"),
    ("draw bounding boxes around every pallet", "detection"),
    ("detect whether a leaf is healthy or diseased, one label per photo", "classification"),
    ("classify x-rays into normal and pneumonia", "classification"),
    ("pixel masks of roads and buildings", "segmentation"),
    ("estimate the pose of workers on the line", "keypoint"),
    ("facial landmarks for a selfie app", "keypoint"),
    ("Boats in the harbour: sailboat, ferry. FCOS please.", "detection"),
])
def test_task_inference(parse, text, task):
    assert parse(text)["model"]["task"] == task


@pytest.mark.parametrize("text,field,expected", [
    ("detector, under 20 ms per image", "speed", {"value": 20, "unit": "ms"}),
    ("classifier at least 30 FPS", "speed", {"value": 30, "unit": "fps"}),
    ("classifier handling 360 images a minute", "speed", {"value": 6, "unit": "fps"}),
    ("detector: a batch of 4 in 240 ms", "speed", {"value": 60, "unit": "ms"}),
    ("real-time detector", "speed", {"value": 0, "unit": "none"}),
    ("videos recorded at 30 fps; detect cars", "speed", {"value": 0, "unit": "none"}),
    ("fewer than 5 million parameters", "parameters", {"value": 5, "unit": "M"}),
    ("a 500K params classifier", "parameters", {"value": 500, "unit": "K"}),
    ("classify 12,000 images into cats and dogs", "parameters", {"value": 0, "unit": "none"}),
    ("below 2 GFLOPs", "flops", {"value": 2, "unit": "GFLOPs"}),
    ("2 billion FLOPs at most", "flops", {"value": 2, "unit": "GFLOPs"}),
    ("the server has two RTX 4090s; detect helmets", "speed", {"value": 0, "unit": "none"}),
])
def test_quantities_keep_the_written_unit(parse, text, field, expected):
    assert parse(text)["model"][field] == expected


@pytest.mark.parametrize("text,metrics", [
    ("accuracy of at least 92%", [{"name": "accuracy", "value": 0.92}]),
    ("detect cars, mAP above 40", [{"name": "AP", "value": 0.40}]),
    ("segment roads, mIoU 0.7", [{"name": "IoU", "value": 0.7}]),
    ("classify, error below 5%", [{"name": "accuracy", "value": 0.95}]),
    ("detect cars with mAP@0.5 of 0.6", [{"name": "AP", "value": 0.6}]),
    ("precision and recall both above 90%", [{"name": "precision", "value": 0.9},
                                             {"name": "recall", "value": 0.9}]),
    ("segment hands for AR, 8 ms per frame", []),
])
def test_metrics_as_fractions_with_canonical_names(parse, text, metrics):
    assert parse(text)["model"]["metrics"] == metrics


@pytest.mark.parametrize("text,objects", [
    ("classify strawberries into ripe, unripe and rotten", ["ripe", "unripe", "rotten"]),
    ("detect forklifts and pallets in the warehouse", ["forklift", "pallet"]),
    ("segment leaves and strawberries", ["leaf", "strawberry"]),
    ("detect scissors and pliers on the tool wall", ["scissors", "pliers"]),
    ("detect everyday objects", []),
    ("estimate the pose of workers on the line", ["worker"]),
    ("find damaged and undamaged buildings, with a mask each", ["damaged building",
                                                                "undamaged building"]),
])
def test_objects_lower_case_singular_qualifiers_kept(parse, text, objects):
    assert parse(text)["data"]["object"] == objects


@pytest.mark.parametrize("text,gpu,engine", [
    ("runs on a Raspberry Pi", "cpu", "none"),
    ("on our Jetson Orin with TensorRT", "gpu", "tensorrt"),
    ("in the cloud, ONNX export", "none", "onnxruntime"),
    ("we train on 8 GPUs but deploy on a CPU-only box with OpenVINO", "cpu", "openvino"),
    ("laptop w/o GPU", "cpu", "none"),
])
def test_deploy_target_and_engine(parse, text, gpu, engine):
    deploy = parse(text)["deploy"]
    assert (deploy["gpu"], deploy["inference engine"]) == (gpu, engine)


def test_model_and_dataset_names_as_written(parse):
    out = parse("my colleague suggested RTMPose-s, trained on COCO-WholeBody")
    assert out["model"]["specific_model"] == "RTMPose-s"
    assert out["data"]["specific"] == ["COCO-WholeBody"]


@pytest.mark.parametrize("bad,fragment", [
    ("", "empty"), ("   \n\t ", "empty"), ("x" * 100_000, "limit"),
    ("\x00\x01\x02binary\x00", "binary"), (b"\xff\xfe\x00", "UTF-8"), (42, "text"),
])
def test_unusable_input_is_a_clear_error(bad, fragment):
    with pytest.raises(RequestError, match=fragment):
        get_parser("rules").parse(bad)


def test_unusual_input_gets_a_best_effort_parse_with_warnings():
    parser = get_parser("rules")
    foreign = parser.parse("我需要一个检测叉车的模型")
    assert any("English" in w for w in foreign.warnings)
    jsonish = parser.parse('{"task": "detection", "objects": ["car"]}')
    assert any("JSON" in w for w in jsonish.warnings)
    conflict = parser.parse("a detector under 5M parameters, but also under 8M parameters")
    assert conflict.config.model.parameters.value == 5
    assert any("kept the first" in w for w in conflict.warnings)


def test_unknown_and_planned_backends_are_clear_errors(monkeypatch):
    from autommlab.understand import base

    assert {"rules", "llm", "http", "ensemble"} <= set(available_parsers())
    monkeypatch.setitem(base.PLANNED_BACKENDS, "oracle", "not available in this version")
    with pytest.raises(BackendUnavailableError, match="not available in this version"):
        get_parser("oracle")
    with pytest.raises(BackendUnavailableError, match="unknown parser backend 'gpt9'"):
        get_parser("gpt9")


# Floors a little under the measured figures (README); a regression fails here.
@pytest.mark.parametrize("name,total,request_level", [
    ("lamp_dev.jsonl", 0.985, 0.91), ("lamp_holdout.jsonl", 0.985, 0.93),
    ("lamp_dev2.jsonl", 0.98, 0.89), ("lamp_dev3.jsonl", 0.98, 0.87),
    ("lamp_dev4.jsonl", 0.98, 0.88), ("lamp_dev5.jsonl", 0.985, 0.91),
    ("lamp_dev6.jsonl", 0.98, 0.86), ("lamp_dev7.jsonl", 0.985, 0.9),
    ("lamp_dev8.jsonl", 0.98, 0.85), ("lamp_dev9.jsonl", 0.985, 0.9),
    ("lamp_dev10.jsonl", 0.965, 0.74),
])
def test_tuning_set_accuracy_does_not_regress(name, total, request_level):
    score = evaluate_parser(get_parser("rules"), read_lamp_jsonl(DATA / name)).score
    assert score.total_accuracy >= total
    assert score.request_accuracy >= request_level


def test_typos_in_key_words_are_repaired(parse):
    out = parse("I need segmantation of roads and sidewalks with accurracy above 90% on a "
                "raspbery pi, under 5 milion paramters")
    assert out["model"]["task"] == "segmentation"
    assert out["model"]["metrics"] == [{"name": "accuracy", "value": 0.9}]
    assert out["model"]["parameters"] == {"value": 5, "unit": "M"}
    assert out["deploy"]["gpu"] == "cpu"


def test_real_words_and_names_are_not_repaired():
    from autommlab.understand.rules.spelling import repair_typos

    text = "misclassification below 7%, chanterelles, yolox, rtmdet, arabidopsis, housing"
    assert repair_typos(text) == text
