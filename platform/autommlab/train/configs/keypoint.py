"""Keypoint (mmpose, top-down) task parts: a card's pose model over a COCO-keypoints dataset.

Choices, and why:
- top-down on ground-truth boxes (`data_mode='topdown'`, no detector in the loop): the task
  metric is the pose model's own OKS AP, as in mmpose's COCO benchmarks;
- dataset metainfo (keypoint names, flip partners, skeleton, OKS sigmas) comes from the
  data card's `keypoints` spec as a dict in the config itself, so the dumped config needs
  no side file and MMDeploy reads the same metainfo;
- input: DEFAULT_INPUT_SIZE (96x96), unless the spec sets one (rounded up to multiples of
  32, the backbones' stride). Objects are 26-56 px, a crop with mmpose's 1.25 box padding
  is 32-70 px: 96 px keeps every pixel and gives 24x24 heatmaps (stride 4), about 2 source
  pixels per heatmap pixel, fine enough for OKS with the cards' sigmas. The codec and the
  head are rescaled together (`posemodel`);
- augmentation: horizontal flip (with left/right keypoints swapped; not for data that
  mirroring makes invalid, `common.allows_hflip`), box shift and scale. No rotation: the
  zoo's extreme-point keypoints ('top', 'left', ...) are defined in image axes, so a rotated
  label would no longer be the topmost pixel; the datasets already hold rotated objects.
  RandomHalfBody, Albumentations and HSV jitter of the COCO-person recipes are dropped;
- flip test at validation when flipping is valid (standard for these models, a small AP
  gain); evaluation without OKS-NMS, since each ground-truth box gets exactly one pose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autommlab.errors import TrainingError
from autommlab.train.configs.base import TaskParts, register_task_builder
from autommlab.train.configs.cocolayout import CocoSplit, coco_split
from autommlab.train.configs.common import allows_hflip, split_dataloaders
from autommlab.train.configs.posemodel import Codec, pose_model, resize_codec
from autommlab.train.configs.tree import round_up, to_plain

if TYPE_CHECKING:
    from mmengine.config import Config

    from autommlab.train.spec import TrainSpec
    from autommlab.zoo.cards import DataCard, KeypointSpec

DEFAULT_INPUT_SIZE = (96, 96)  # (H, W)
SIZE_DIVISOR = 32
BOX_SCALE_RANGE = (0.75, 1.25)
# Keypoint / link colours for visualisation (RGB), cycled.
PALETTE: tuple[tuple[int, int, int], ...] = (
    (255, 128, 0), (51, 153, 255), (0, 255, 0), (255, 51, 255), (255, 255, 0),
    (0, 255, 255), (255, 0, 0), (128, 0, 255))


@register_task_builder("keypoint")
def build_keypoint_parts(spec: TrainSpec, shipped: Config) -> TaskParts:
    metainfo = pose_metainfo(spec.data)
    height, width = keypoint_input_size(spec)
    if "codec" not in shipped:
        raise TrainingError(f"pose config {shipped.filename} has no codec")
    codec = resize_codec(shipped.codec, (width, height))
    flip = allows_hflip(spec.data)
    model = pose_model(shipped.model, codec, num_keypoints=len(metainfo["keypoint_info"]),
                       flip_test=flip)
    train_pipeline = _train_pipeline(codec, flip)
    test_pipeline = _test_pipeline((width, height))
    splits = {"train": coco_split(spec.data_root, "train"),
              "val": coco_split(spec.data_root, "val"),
              "test": coco_split(spec.data_root, "test", fallback="val")}

    def dataset(split: str, pipeline: list[dict[str, Any]]) -> dict[str, Any]:
        return _dataset(splits[split], metainfo, pipeline, test=split != "train")

    return {
        "model": model,
        "codec": codec,
        "data_preprocessor": model.get("data_preprocessor"),
        "train_pipeline": train_pipeline,
        "val_pipeline": test_pipeline,
        "test_pipeline": test_pipeline,
        **split_dataloaders(dataset, spec.hparams.batch_size, train_pipeline, test_pipeline),
        "val_evaluator": _evaluator(splits["val"]),
        "test_evaluator": _evaluator(splits["test"]),
    }


def keypoint_input_size(spec: TrainSpec) -> tuple[int, int]:
    """(H, W) of the crops the model sees."""
    height, width = spec.input_size or DEFAULT_INPUT_SIZE
    if height < 1 or width < 1:
        raise TrainingError(f"keypoint input size must be positive, got {(height, width)}")
    return round_up(height, SIZE_DIVISOR), round_up(width, SIZE_DIVISOR)


def pose_metainfo(card: DataCard) -> dict[str, Any]:
    """mmpose dataset metainfo (the format of its `configs/_base_/datasets/*.py`) from the
    data card's keypoint spec; TrainingError if the spec is missing or inconsistent."""
    spec = card.keypoints
    if spec is None or not spec.names:
        raise TrainingError(f"dataset {card.name!r} has no keypoint spec (names, flip pairs, "
                            "sigmas) in its data card: a pose model cannot be trained on it")
    _check_keypoint_spec(card.name, spec)
    names = spec.names
    partner = {a: b for pair in spec.flip_pairs for a, b in (pair, pair[::-1])}
    keypoint_info = {
        i: {"name": name, "id": i, "color": list(PALETTE[i % len(PALETTE)]), "type": "",
            "swap": names[partner[i]] if i in partner else ""}
        for i, name in enumerate(names)}
    skeleton_info = {
        i: {"link": (names[a], names[b]), "id": i, "color": list(PALETTE[i % len(PALETTE)])}
        for i, (a, b) in enumerate(spec.skeleton)}
    return {"dataset_name": card.name, "keypoint_info": keypoint_info,
            "skeleton_info": skeleton_info, "joint_weights": [1.0] * len(names),
            "sigmas": list(spec.sigmas)}


def _check_keypoint_spec(dataset: str, spec: KeypointSpec) -> None:
    count = len(spec.names)
    if len(set(spec.names)) != count:
        raise TrainingError(f"dataset {dataset!r}: keypoint names repeat: {spec.names}")
    if len(spec.sigmas) != count:
        raise TrainingError(f"dataset {dataset!r}: keypoints.sigmas must give one OKS sigma per "
                            f"keypoint ({count}), got {len(spec.sigmas)}: OKS AP needs them")
    indices = [i for pair in (*spec.flip_pairs, *spec.skeleton) for i in pair]
    if any(not 0 <= i < count for i in indices):
        raise TrainingError(f"dataset {dataset!r}: flip_pairs / skeleton use keypoint indices "
                            f"outside 0..{count - 1}")


def _train_pipeline(codec: Codec, flip: bool) -> list[dict[str, Any]]:
    width, height = (codec[0] if isinstance(codec, list) else codec)["input_size"]
    pipeline: list[dict[str, Any]] = [{"type": "LoadImage"}, {"type": "GetBBoxCenterScale"}]
    if flip:
        pipeline.append({"type": "RandomFlip", "direction": "horizontal"})
    pipeline += [
        {"type": "RandomBBoxTransform", "scale_factor": BOX_SCALE_RANGE, "rotate_prob": 0.0},
        {"type": "TopdownAffine", "input_size": (width, height)},
        {"type": "GenerateTarget", "encoder": to_plain(codec),
         "multilevel": isinstance(codec, list)},
        {"type": "PackPoseInputs"},
    ]
    return pipeline


def _test_pipeline(input_wh: tuple[int, int]) -> list[dict[str, Any]]:
    return [{"type": "LoadImage"}, {"type": "GetBBoxCenterScale"},
            {"type": "TopdownAffine", "input_size": input_wh}, {"type": "PackPoseInputs"}]


def _dataset(split: CocoSplit, metainfo: dict[str, Any], pipeline: list[dict[str, Any]],
             *, test: bool) -> dict[str, Any]:
    return {
        "type": "CocoDataset",
        "data_root": str(split.root),
        "data_mode": "topdown",
        "ann_file": split.ann_file,
        "data_prefix": {"img": split.img_prefix},
        "metainfo": to_plain(metainfo),
        "pipeline": pipeline,
        "test_mode": test,
    }


def _evaluator(split: CocoSplit) -> dict[str, Any]:
    return {"type": "CocoMetric", "ann_file": split.ann_path, "nms_mode": "none"}
