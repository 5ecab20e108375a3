"""Detection and keypoint task builders: configs for every zoo card, models that build and
run one loss and one prediction on the built datasets, and two real (short) trainings.

Needs the vision extra (mmdet, mmpose); skipped without it. About a minute on one core.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mmdet", reason="the vision extra (mmdet) is not installed")
pytest.importorskip("mmpose", reason="the vision extra (mmpose) is not installed")

from autommlab.errors import TrainingError
from autommlab.train.configs.common import read_meta
from autommlab.train.configs.detection import fit_ssd_anchors
from autommlab.train.configs.keypoint import pose_metainfo
from autommlab.train.configs.posemodel import resize_codec
from autommlab.train.hparams import Hyperparameters
from autommlab.train.spec import TrainSpec
from autommlab.train.toolbox_fixes import fix_ssd_head_predict
from autommlab.zoo.catalog import load_cards
from autommlab.zoo.toolboxes import package_name

CARDS = load_cards()
DETECTORS = [c.name for c in CARDS.models if c.task == "detection"]
POSE_MODELS = [c.name for c in CARDS.models if c.task == "keypoint"]
CPU_TRAINABLE = {c.name for c in CARDS.models if "cpu-trainable" in c.tags}


@pytest.fixture(scope="module")
def digits(built_subset: Any) -> Path:
    return built_subset("digit-detection", ["0", "1"])


@pytest.fixture(scope="module")
def footwear(built_subset: Any) -> Path:
    return built_subset("footwear-keypoints")


def make_spec(model: str, data_root: Path, work_dir: Path, **hparams: Any) -> TrainSpec:
    meta = read_meta(data_root)
    card = CARDS.model(model)
    return TrainSpec(task=card.task, model=card, data=CARDS.dataset(meta["subset_of"]),
                     data_root=data_root, classes=meta["classes"], work_dir=work_dir,
                     hparams=Hyperparameters(**{"batch_size": 4, "iters": 20, **hparams}))


def build(spec: TrainSpec) -> Any:
    from autommlab.train.config import build_config

    return build_config(spec)


@contextmanager
def toolbox_scope(toolbox: str) -> Iterator[Any]:
    """The toolbox registered (as training does) and its scope current; yields MODELS."""
    from mmengine.registry import DefaultScope

    from autommlab.train.runner import register_toolbox

    register_toolbox(toolbox)
    fix_ssd_head_predict()
    package = package_name(toolbox)
    with DefaultScope.overwrite_default_scope(package):
        yield import_module(f"{package}.registry").MODELS


def one_batch(loader_cfg: dict[str, Any]) -> Any:
    from mmengine.runner import Runner

    loader = dict(loader_cfg, batch_size=2)
    return next(iter(Runner.build_dataloader(loader, seed=0)))


def loss_and_prediction(cfg: Any, toolbox: str) -> tuple[dict[str, Any], list[Any]]:
    """One training loss on a train batch and one prediction on a val batch: exercises the
    pipelines, the target encoding and the head's geometry, without training."""
    import torch

    with toolbox_scope(toolbox) as models:
        torch.manual_seed(0)
        model = models.build(cfg.model)
        model.train()
        data = model.data_preprocessor(one_batch(cfg.train_dataloader), True)
        losses = model(**data, mode="loss")
        model.eval()
        with torch.no_grad():
            predictions = model.test_step(one_batch(cfg.val_dataloader))
    return losses, predictions


def total_loss(losses: dict[str, Any]) -> float:
    values = [v for k, v in losses.items() if "loss" in k]
    return float(sum(v.sum() if not isinstance(v, list) else sum(x.sum() for x in v)
                     for v in values))


# --- configs for every card ----------------------------------------------------------------

@pytest.mark.parametrize("name", DETECTORS)
def test_detection_config_for_every_card(name: str, digits: Path, tmp_path: Path) -> None:
    cfg = build(make_spec(name, digits, tmp_path))
    heads = [cfg.model.get("bbox_head"), cfg.model.get("roi_head", {}).get("bbox_head")]
    assert [h["num_classes"] for h in heads if h] == [2]
    assert all(t["type"] != "LoadAnnotations" for t in cfg.test_pipeline)
    assert cfg.train_dataloader.dataset.metainfo["classes"] == ("0", "1")
    # digits must not be mirrored
    assert "RandomFlip" not in [t["type"] for t in cfg.train_dataloader.dataset.pipeline]
    assert not cfg.model.data_preprocessor.get("batch_augments")
    assert "SyncBN" not in str(cfg.model)
    assert cfg.val_evaluator.ann_file == str(digits.resolve() / "val" / "annotations.json")


@pytest.mark.parametrize("name", POSE_MODELS)
def test_keypoint_config_for_every_card(name: str, footwear: Path, tmp_path: Path) -> None:
    cfg = build(make_spec(name, footwear, tmp_path))
    codecs = cfg.codec if isinstance(cfg.codec, list) else [cfg.codec]
    assert all(tuple(c["input_size"]) == (96, 96) for c in codecs)
    assert cfg.model.head.out_channels == 5
    assert cfg.model.head.decoder == codecs[-1]
    assert cfg.model.test_cfg.flip_test is True  # footwear may be mirrored
    assert cfg.test_pipeline == cfg.test_dataloader.dataset.pipeline
    meta = cfg.train_dataloader.dataset.metainfo
    assert meta["keypoint_info"][2]["swap"] == "right"
    assert meta["sigmas"] == [0.05] * 5


# --- models that build, compute a loss and predict ------------------------------------------

@pytest.mark.parametrize("name", sorted(set(DETECTORS) & CPU_TRAINABLE))
def test_cpu_trainable_detector_runs(name: str, digits: Path, tmp_path: Path) -> None:
    losses, predictions = loss_and_prediction(build(make_spec(name, digits, tmp_path)), "mmdet")
    assert math.isfinite(total_loss(losses)) and total_loss(losses) > 0
    assert len(predictions) == 2
    for sample in predictions:  # random weights: boxes of any size, but well-formed
        assert sample.pred_instances.bboxes.shape[-1] == 4
        assert set(sample.pred_instances.labels.tolist()) <= {0, 1}


@pytest.mark.parametrize("name", sorted(set(POSE_MODELS) & CPU_TRAINABLE))
def test_cpu_trainable_pose_model_runs(name: str, footwear: Path, tmp_path: Path) -> None:
    losses, predictions = loss_and_prediction(build(make_spec(name, footwear, tmp_path)),
                                              "mmpose")
    assert math.isfinite(total_loss(losses)) and total_loss(losses) > 0
    assert [p.pred_instances.keypoints.shape[1:] for p in predictions] == [(5, 2)] * 2


# --- builder details -------------------------------------------------------------------------

def test_ssd_anchors_follow_the_feature_maps() -> None:
    """At 128 px SSDLite's six levels are 8, 4, 2, 1, 1, 1 cells wide: anchor strides must
    be 128 / cells so centres land on the maps, and sizes shrink with the input."""
    model = {"bbox_head": {"anchor_generator": {
        "type": "SSDAnchorGenerator", "strides": [16, 32, 64, 107, 160, 320],
        "min_sizes": [48, 100, 150, 202, 253, 304],
        "max_sizes": [100, 150, 202, 253, 304, 320]}}}
    fit_ssd_anchors(model, (128, 128))
    generator = model["bbox_head"]["anchor_generator"]
    assert generator["strides"] == [(s, s) for s in (16.0, 32.0, 64.0, 128.0, 128.0, 128.0)]
    assert generator["min_sizes"][:2] == [19.2, 40.0]
    assert generator["max_sizes"][-1] == 128.0


def test_codecs_keep_their_stride_when_resized() -> None:
    heatmap = resize_codec({"type": "MSRAHeatmap", "input_size": (192, 256),
                            "heatmap_size": (48, 64), "sigma": 2}, (96, 96))
    assert heatmap["heatmap_size"] == (24, 24) and heatmap["sigma"] >= 1.5
    simcc = resize_codec({"type": "SimCCLabel", "input_size": (192, 256),
                          "sigma": (4.9, 5.66), "simcc_split_ratio": 2.0}, (96, 96))
    assert simcc["input_size"] == (96, 96) and simcc["simcc_split_ratio"] == 2.0
    assert simcc["sigma"] == (2.45, 2.12)
    stages = resize_codec([{"type": "MegviiHeatmap", "input_size": (192, 256),
                            "heatmap_size": (48, 64), "kernel_size": k} for k in (11, 5)],
                          (96, 96))
    assert [s["kernel_size"] for s in stages] == [5, 3]


def test_digit_keypoints_are_never_mirrored(built_subset: Any, tmp_path: Path) -> None:
    """A mirrored digit is no digit: no flip augmentation and no flip test."""
    cfg = build(make_spec("pose-mobilenet-v2", built_subset("digit-keypoints"), tmp_path))
    assert "RandomFlip" not in [t["type"] for t in cfg.train_dataloader.dataset.pipeline]
    assert cfg.model.test_cfg.flip_test is False


def test_missing_split_is_a_training_error(digits: Path, tmp_path: Path) -> None:
    from autommlab.train.configs.detection import build_detection_parts
    from autommlab.zoo.measure import load_model_config

    spec = make_spec("rtmdet-tiny", digits, tmp_path)
    (tmp_path / "meta.json").write_text((digits / "meta.json").read_text())
    spec = spec.model_copy(update={"data_root": tmp_path})
    card = spec.model
    with pytest.raises(TrainingError, match=r"no train/annotations\.json"):
        build_detection_parts(spec, load_model_config(card.toolbox, card.base_config))


def test_keypoint_spec_errors_name_the_dataset() -> None:
    card = CARDS.dataset("footwear-keypoints")
    no_sigmas = card.model_copy(update={
        "keypoints": card.keypoints.model_copy(update={"sigmas": [0.05]})})
    with pytest.raises(TrainingError, match=r"footwear-keypoints.*one OKS sigma per keypoint"):
        pose_metainfo(no_sigmas)
    with pytest.raises(TrainingError, match="no keypoint spec"):
        pose_metainfo(card.model_copy(update={"keypoints": None}))
    meta = pose_metainfo(CARDS.dataset("cat-face-keypoints"))
    assert [k["swap"] for k in meta["keypoint_info"].values()] == ["", "right_eye", "left_eye"]
    assert meta["skeleton_info"][2]["link"] == ("left_eye", "right_eye")


# --- real training ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "fixture", "metric"), [
    ("rtmdet-tiny", "digits", "bbox_mAP"), ("rtmpose-t", "footwear", "AP")])
def test_short_training_reports_metric_and_checkpoint(
        name: str, fixture: str, metric: str, request: pytest.FixtureRequest,
        tmp_path: Path) -> None:
    from autommlab.train import train

    data_root = request.getfixturevalue(fixture)
    spec = make_spec(name, data_root, tmp_path / name, batch_size=4, iters=16, lr=2e-3,
                     warmup_iters=4)
    spec = spec.model_copy(update={"val_interval": 8})
    result = train(spec)
    assert result.metric_name == metric
    assert [p.iteration for p in result.history] == [8, 16]
    assert all(0.0 <= p.metrics[metric] <= 1.0 for p in result.history)
    assert result.checkpoint.is_file() and result.config_file.is_file()
