"""Data and model selection on the built-in zoo's real cards."""

import pytest

from autommlab.errors import SelectionError
from autommlab.select import select_dataset, select_model
from autommlab.understand import get_parser
from autommlab.understand.schema import (
    DataSpec,
    DeploySpec,
    ModelSpec,
    Parameters,
    RequestConfig,
    Speed,
)
from autommlab.zoo.catalog import load_cards


@pytest.fixture(scope="module")
def zoo():
    return load_cards()


def request(task, objects=(), specific=(), model="none", params=None, speed=None, gpu="none"):
    return RequestConfig(
        data=DataSpec(object=list(objects), specific=list(specific)),
        model=ModelSpec(task=task, specific_model=model,
                        parameters=Parameters(value=params, unit="M") if params else Parameters(),
                        speed=Speed(value=speed, unit="ms") if speed else Speed()),
        deploy=DeploySpec(gpu=gpu),
    )


def test_zoo_has_three_datasets_and_four_models_per_task(zoo):
    for task in ("classification", "detection", "segmentation", "keypoint"):
        assert len([d for d in zoo.datasets if d.task == task]) >= 3, task
        assert len([m for m in zoo.models if m.task == task]) >= 4, task


def test_plural_and_alias_objects_match_classes(zoo):
    decision = select_dataset(request("classification", ["sneakers", "sandals"]), zoo.datasets)
    assert set(decision.classes) == {"sneaker", "sandal"}
    assert decision.unmatched_objects == []


def test_wordnet_hypernym_request_selects_every_kind_of_it(zoo):
    decision = select_dataset(request("classification", ["footwear", "dress"]), zoo.datasets)
    assert {"sandal", "sneaker", "ankle boot", "dress"} <= set(decision.classes)
    hows = {m.dataset_class: m.how for m in decision.matches}
    assert hows["sneaker"] == "hyponym"
    assert any("footwear -> ankle boot (hyponym)" in r for r in decision.reasons)


def test_asking_for_a_subclass_does_not_select_its_siblings(zoo):
    decision = select_dataset(request("detection", ["sneaker", "coat"]), zoo.datasets)
    assert set(decision.classes) == {"sneaker", "coat"}


def test_keypoint_carrier_matches_by_synonym(zoo):
    decision = select_dataset(request("keypoint", ["cat"]), zoo.datasets)
    assert decision.dataset == "cat-face-keypoints"


def test_named_dataset_wins_by_fuzzy_name(zoo):
    decision = select_dataset(request("classification", ["digit"], specific=["MNIST"]),
                              zoo.datasets)
    assert decision.dataset == "mnist"
    assert any("matches 'mnist'" in r for r in decision.reasons)


def test_objects_in_no_dataset_are_a_specific_error(zoo):
    with pytest.raises(SelectionError) as err:
        select_dataset(request("detection", ["forklift", "pallet"]), zoo.datasets)
    message = str(err.value)
    assert "forklift" in message and "closest classes" in message
    assert "garment-detection" in message  # lists what the zoo does have


def test_single_class_classifier_is_refused_with_advice(zoo):
    with pytest.raises(SelectionError, match="at least two classes"):
        select_dataset(request("classification", ["sneaker"]), zoo.datasets)


def test_model_constraints_filter_then_best_accuracy(zoo):
    decision = select_model(request("detection", params=10), zoo.models)
    chosen = zoo.model(decision.model)
    assert chosen.measured.params_m <= 10
    big = [f.name for f in decision.filtered_out]
    assert "faster-rcnn-r50" in big
    survivors = [zoo.model(n) for n in decision.candidates]
    best = max(m.reference_accuracy.value for m in survivors)
    assert chosen.reference_accuracy.value == best


def test_named_model_is_used(zoo):
    decision = select_model(request("detection", model="RTMDet-tiny"), zoo.models)
    assert decision.model == "rtmdet-tiny"


def test_named_model_that_breaks_a_constraint_says_so(zoo):
    with pytest.raises(SelectionError, match="breaks your constraints"):
        select_model(request("detection", model="Faster R-CNN", params=5), zoo.models)


def test_impossible_constraint_names_the_closest_model(zoo):
    with pytest.raises(SelectionError, match=r"no keypoint model .* Closest"):
        select_model(request("keypoint", params=0.001), zoo.models)


def test_latency_is_enforced_on_cpu_targets_and_reported_for_gpu(zoo):
    fastest = min(m.measured.latency_ms_cpu for m in zoo.models if m.task == "segmentation")
    tight = fastest / 2
    with pytest.raises(SelectionError):
        select_model(request("segmentation", speed=tight, gpu="cpu"), zoo.models)
    decision = select_model(request("segmentation", speed=tight, gpu="gpu"), zoo.models)
    assert any("reported, not enforced" in r for r in decision.reasons)


def test_parse_then_select_end_to_end(zoo):
    config = get_parser("rules").parse(
        "I need a classifier that tells sneakers, sandals and ankle boots apart, "
        "under 5M parameters, on Android phones").config
    data = select_dataset(config, zoo.datasets)
    model = select_model(config, zoo.models)
    assert set(data.classes) == {"sneaker", "sandal", "ankle boot"}
    assert zoo.model(model.model).measured.params_m <= 5


def test_ties_go_to_the_dataset_with_more_images_of_the_requested_classes(zoo):
    decision = select_dataset(request("classification", ["sandal", "sneaker", "ankle boot"]),
                              zoo.datasets)
    assert decision.dataset == "fashion-footwear"  # 1,500 footwear images vs 900 in fashion-mnist
