"""LAMP RU scoring follows PARSE_CONVENTIONS.md exactly."""

import copy

import pytest

from autommlab.lamp.scoring import ALL_KEYS, RUScore, canonical_metric, score_keys

TRUTH = {
    "data": {"description": "", "scenario": "none", "object": ["golden retriever", "car"],
             "modality": "none", "specific": []},
    "model": {"description": "", "task": "detection", "specific_model": "Faster R-CNN",
              "speed": {"value": 20, "unit": "ms"}, "flops": {"value": 0, "unit": "none"},
              "parameters": {"value": 5, "unit": "M"},
              "metrics": [{"name": "AP", "value": 0.4}, {"name": "recall", "value": 0.9}]},
    "deploy": {"description": "", "gpu": "gpu", "inference engine": "tensorrt"},
}


def variant(**changes):
    out = copy.deepcopy(TRUTH)
    for dotted, value in changes.items():
        head, tail = dotted.split("__", 1)
        out[head][tail.replace("_", " ") if tail == "inference_engine" else tail] = value
    return out


def test_identical_parse_is_right_on_all_nine_keys():
    assert all(score_keys(copy.deepcopy(TRUTH), TRUTH).values())
    assert len(ALL_KEYS) == 9


@pytest.mark.parametrize("pred", ["not json", "{}", {"data": {}}, 42])
def test_invalid_parse_is_wrong_on_all_nine(pred):
    assert not any(score_keys(pred, TRUTH).values())


def test_strings_compare_without_case_spaces_dashes_underscores_dots():
    keys = score_keys(variant(model__specific_model="faster_rcnn"), TRUTH)
    assert keys["model.specific_model"]


def test_not_specified_and_empty_count_as_none():
    truth = variant(model__specific_model="none")
    assert score_keys(variant(model__specific_model=""), truth)["model.specific_model"]
    assert score_keys(variant(model__specific_model="Not specified"),
                      truth)["model.specific_model"]


def test_quantities_need_the_same_unit_and_value_within_1e6_relative():
    assert score_keys(variant(model__speed={"value": 20.0000001, "unit": "ms"}),
                      TRUTH)["model.speed"]
    assert not score_keys(variant(model__speed={"value": 0.02, "unit": "s"}), TRUTH)["model.speed"]
    assert not score_keys(variant(model__speed={"value": 20.1, "unit": "ms"}),
                          TRUTH)["model.speed"]


def test_objects_match_sorted_with_fuzz_90_or_trailing_s():
    assert score_keys(variant(data__object=["cars", "Golden Retriever"]), TRUTH)["data.object"]
    assert not score_keys(variant(data__object=["car"]), TRUTH)["data.object"]
    assert not score_keys(variant(data__object=["bus", "golden retriever"]), TRUTH)["data.object"]


def test_metrics_match_by_canonical_name_and_value():
    pred = variant(model__metrics=[{"name": "sensitivity", "value": 0.9},
                                   {"name": "mAP", "value": 0.4}])
    assert score_keys(pred, TRUTH)["model.metrics"]
    wrong = variant(model__metrics=[{"name": "recall", "value": 0.9},
                                    {"name": "AP", "value": 0.41}])
    assert not score_keys(wrong, TRUTH)["model.metrics"]


@pytest.mark.parametrize("name,canon", [("mIoU", "IoU"), ("Jaccard", "IoU"), ("PCK@0.2", "PCK"),
                                        ("F1 score", "f1-score"), ("top-1 accuracy", "accuracy"),
                                        ("box AP", "AP"), ("mAP@0.5", "AP")])
def test_metric_synonyms(name, canon):
    assert canonical_metric(name) == canon


def test_aggregates_per_key_item_list_total_and_request_level():
    score = RUScore()
    score.add(dict.fromkeys(ALL_KEYS, True), "detection")
    wrong_object = dict.fromkeys(ALL_KEYS, True) | {"data.object": False}
    score.add(wrong_object, "keypoint")
    assert score.item_accuracy == 1.0
    assert score.list_accuracy == 0.75
    assert score.total_accuracy == pytest.approx(17 / 18)
    assert score.request_accuracy == 0.5
    assert score.to_dict()["per_task"]["keypoint"]["request_level"] == 0.0
