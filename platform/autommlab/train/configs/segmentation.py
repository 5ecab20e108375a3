"""mmseg semantic segmentation over the zoo's label PNGs.

Data: `BaseSegDataset` over `<split>/images/<id>.png` and `<split>/labels/<id>.png`, where
label 0 is background and k is class k-1 (zoo/datasets/README.md), so the model predicts
K+1 classes `('background', *classes)` and `reduce_zero_label` stays False.

Input size: the dataset's image size (128x128 for the built-in sets) rounded up to a
multiple of 32, the largest stride of the zoo's segmentors; the Cityscapes crops the
shipped recipes use (512x1024) would cost 30x more per step on a CPU for nothing. LR-ASPP
is the exception: its head cannot run below 392x392, so it gets 416x416 (upscaled).
Augmentation is light (random rescale 0.75-1.5x, crop, flip where mirroring keeps labels
valid): runs are a few hundred iterations, too short for heavy photometric jitter to pay.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

from autommlab.errors import TrainingError
from autommlab.train.configs.base import TaskParts, register_task_builder
from autommlab.train.configs.common import (
    allows_hflip,
    set_num_classes,
    split_dataloaders,
)
from autommlab.train.configs.tree import to_plain, unfreeze_backbone, walk_dicts

if TYPE_CHECKING:
    from mmengine.config import Config

    from autommlab.train.spec import TrainSpec

STRIDE = 32
BACKGROUND = "background"
RESCALE_RANGE = (0.75, 1.5)
# BatchNorm running-statistics momentum at least this (PyTorch's default). Some recipes
# (Fast-SCNN: 0.01) use slow statistics for 160k-iteration runs; in a few hundred
# iterations they lag the weights, and evaluation (which uses them) sees another network:
# Fast-SCNN on footwear-segmentation went from 0.25 to 0.37 mIoU in 300 iterations.
MIN_BN_MOMENTUM = 0.1
# Heads whose class count is not the dataset's: STDC's boundary head predicts edge / no edge.
FIXED_CLASS_HEADS: tuple[str, ...] = ("STDCHead",)
# Heads that only work above an input size (pixels, both sides): LR-ASPP pools its 1/8-scale
# features with a fixed 49x49 window (mmseg hard-codes it for Cityscapes crops).
MIN_INPUT_BY_HEAD: dict[str, int] = {"LRASPPHead": 49 * 8}
# Distinct colours for visualisation (metainfo palette); background is black.
_PALETTE: tuple[tuple[int, int, int], ...] = (
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
    (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212),
    (0, 128, 128), (220, 190, 255), (170, 110, 40), (255, 250, 200), (128, 0, 0),
    (170, 255, 195), (128, 128, 0), (255, 215, 180), (0, 0, 128), (128, 128, 128),
)


def default_input_size(image_size: tuple[int, int], minimum: int = STRIDE) -> tuple[int, int]:
    """(H, W): each side rounded up to a multiple of the largest segmentor stride, and to
    at least `minimum`."""
    return tuple(math.ceil(max(side, minimum) / STRIDE) * STRIDE  # type: ignore[return-value]
                 for side in image_size)


def input_size(spec: TrainSpec, model: dict[str, Any]) -> tuple[int, int]:
    """The spec's input size, or the default for the dataset; TrainingError when the
    model's head cannot run at the requested size."""
    head = model.get("decode_head") or {}
    minimum = MIN_INPUT_BY_HEAD.get(str(head.get("type")), STRIDE)
    if spec.input_size is None:
        return default_input_size(spec.data.image_size, minimum)
    if min(spec.input_size) < minimum:
        raise TrainingError(
            f"{spec.model.name} needs inputs of at least {minimum}x{minimum} pixels "
            f"({head.get('type')} pools with a fixed window); input_size {spec.input_size} "
            "is too small: leave it unset or choose another model")
    return default_input_size(spec.input_size)


def palette(num_classes: int) -> list[list[int]]:
    """Background black, then fixed distinct colours (cycled past 20 classes)."""
    return [[0, 0, 0]] + [list(_PALETTE[i % len(_PALETTE)]) for i in range(num_classes)]


@register_task_builder("segmentation")
def build_segmentation(spec: TrainSpec, shipped: Config) -> TaskParts:
    height, width = input_size(spec, shipped.model)
    classes = (BACKGROUND, *spec.classes)
    train_pipeline: list[dict[str, Any]] = [
        {"type": "LoadImageFromFile"},
        {"type": "LoadAnnotations"},
        {"type": "RandomResize", "scale": (width, height), "ratio_range": RESCALE_RANGE,
         "keep_ratio": False},
        {"type": "RandomCrop", "crop_size": (height, width), "cat_max_ratio": 0.75},
    ]
    if allows_hflip(spec.data):
        train_pipeline.append({"type": "RandomFlip", "prob": 0.5})
    train_pipeline.append({"type": "PackSegInputs"})
    resize = {"type": "Resize", "scale": (width, height), "keep_ratio": False}
    # Inference (top-level, what MMDeploy reads) needs no labels; validation loads them
    # after the resize so metrics compare at the original resolution.
    test_pipeline = [{"type": "LoadImageFromFile"}, resize, {"type": "PackSegInputs"}]
    val_pipeline = [{"type": "LoadImageFromFile"}, copy.deepcopy(resize),
                    {"type": "LoadAnnotations"}, {"type": "PackSegInputs"}]

    preprocessor = _data_preprocessor(shipped, (height, width))
    model = segmentor(to_plain(shipped.model.to_dict()), len(classes), preprocessor)
    metainfo = {"classes": classes, "palette": palette(len(spec.classes))}

    def dataset(split: str, pipeline: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "BaseSegDataset", "data_root": str(spec.data_root),
                "data_prefix": {"img_path": f"{split}/images",
                                "seg_map_path": f"{split}/labels"},
                "img_suffix": ".png", "seg_map_suffix": ".png", "reduce_zero_label": False,
                "metainfo": copy.deepcopy(metainfo), "pipeline": copy.deepcopy(pipeline)}

    evaluator = {"type": "IoUMetric", "iou_metrics": ["mIoU"]}
    batch = spec.hparams.batch_size
    return {
        "model": model,
        "data_preprocessor": preprocessor,
        "dataset_type": "BaseSegDataset",
        "crop_size": (height, width),
        "train_pipeline": train_pipeline,
        "test_pipeline": test_pipeline,
        **split_dataloaders(dataset, batch, train_pipeline, val_pipeline),
        "val_evaluator": evaluator,
        "test_evaluator": copy.deepcopy(evaluator),
    }


def segmentor(model: dict[str, Any], num_classes: int,
              preprocessor: dict[str, Any]) -> dict[str, Any]:
    """The shipped segmentor with heads sized to `num_classes`, trained from scratch,
    evaluated on the whole image (the shipped sliding windows are Cityscapes-sized), with
    BatchNorm statistics that keep up with a short run."""
    model["data_preprocessor"] = copy.deepcopy(preprocessor)
    set_num_classes(model["decode_head"], num_classes)
    if model.get("auxiliary_head"):
        set_num_classes(model["auxiliary_head"], num_classes, skip_types=FIXED_CLASS_HEADS)
    if isinstance(model.get("backbone"), dict):
        unfreeze_backbone(model["backbone"])
    model["test_cfg"] = {"mode": "whole"}
    for node in walk_dicts(model):
        if node.get("type") in ("BN", "SyncBN") and node.get("momentum", 1.0) < MIN_BN_MOMENTUM:
            node["momentum"] = MIN_BN_MOMENTUM
    model.pop("pretrained", None)
    return model


def _data_preprocessor(shipped: Config, size: tuple[int, int]) -> dict[str, Any]:
    """The shipped normalisation; batches padded to the crop size (labels with 255 =
    ignored)."""
    source = shipped.get("data_preprocessor") or shipped.model.get("data_preprocessor") or {}
    preprocessor = to_plain(dict(source))
    preprocessor.setdefault("type", "SegDataPreProcessor")
    preprocessor.setdefault("mean", [123.675, 116.28, 103.53])
    preprocessor.setdefault("std", [58.395, 57.12, 57.375])
    preprocessor.setdefault("bgr_to_rgb", True)
    preprocessor.setdefault("pad_val", 0)
    preprocessor.setdefault("seg_pad_val", 255)
    preprocessor["size"] = size
    preprocessor.pop("size_divisor", None)
    return preprocessor
