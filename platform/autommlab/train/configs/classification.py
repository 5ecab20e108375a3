"""mmpretrain image classification over the zoo's `<split>.txt` files.

Data: mmpretrain `CustomDataset` reading `<split>.txt` ("<path> <label>" lines, paths
relative to `<split>/`), which keeps the card's class order (a folder scan would sort the
classes alphabetically). Images may be grayscale: `LoadImageFromFile` decodes them as
3-channel colour, the layout every ImageNet backbone expects.

Input size: the built-in images are tiny (28x28, 32x32) and the backbones downsample 32x,
so the default input is the image size rounded up to a multiple of 32 (at least 32):
28x28 -> 32x32, where ResNet/MobileNet/ShuffleNet end at a 1x1 feature map and still train.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

from autommlab.train.configs.base import TaskParts, register_task_builder
from autommlab.train.configs.common import allows_hflip, split_dataloaders

if TYPE_CHECKING:
    from mmengine.config import Config

    from autommlab.train.spec import TrainSpec

STRIDE = 32  # total downsampling of the classification backbones in the zoo
IMAGENET_MEAN = [123.675, 116.28, 103.53]
IMAGENET_STD = [58.395, 57.12, 57.375]


def default_input_size(image_size: tuple[int, int]) -> tuple[int, int]:
    """(H, W): each side rounded up to a multiple of the backbone stride, at least one."""
    return tuple(max(STRIDE, math.ceil(side / STRIDE) * STRIDE)  # type: ignore[return-value]
                 for side in image_size)


@register_task_builder("classification")
def build_classification(spec: TrainSpec, shipped: Config) -> TaskParts:
    height, width = spec.input_size or default_input_size(spec.data.image_size)
    classes = list(spec.classes)
    resize = {"type": "Resize", "scale": (width, height), "keep_ratio": False}
    train_pipeline: list[dict[str, Any]] = [{"type": "LoadImageFromFile"}, resize]
    if allows_hflip(spec.data):
        train_pipeline.append({"type": "RandomFlip", "prob": 0.5, "direction": "horizontal"})
    train_pipeline.append({"type": "PackInputs"})
    test_pipeline = [{"type": "LoadImageFromFile"}, copy.deepcopy(resize),
                     {"type": "PackInputs"}]

    preprocessor = _data_preprocessor(shipped.get("data_preprocessor"), len(classes))
    model = shipped.model.to_dict()
    model["data_preprocessor"] = copy.deepcopy(preprocessor)
    head = model["head"]
    head["num_classes"] = len(classes)
    if "topk" in head:
        head["topk"] = (1,)
    # Mixup / CutMix batch augments (ConvNeXt's recipe) are tuned for 300 ImageNet epochs;
    # in a few hundred iterations they only slow learning down.
    if isinstance(model.get("train_cfg"), dict):
        model["train_cfg"].pop("augments", None)
        if not model["train_cfg"]:
            model.pop("train_cfg")

    def dataset(split: str, pipeline: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "CustomDataset", "data_root": str(spec.data_root),
                "ann_file": f"{split}.txt", "data_prefix": split, "with_label": True,
                "metainfo": {"classes": tuple(classes)}, "pipeline": copy.deepcopy(pipeline)}

    evaluator = {"type": "Accuracy", "topk": (1,)}
    batch = spec.hparams.batch_size
    return {
        "model": model,
        "data_preprocessor": preprocessor,
        "dataset_type": "CustomDataset",
        "train_pipeline": train_pipeline,
        "test_pipeline": test_pipeline,
        **split_dataloaders(dataset, batch, train_pipeline, test_pipeline),
        "val_evaluator": evaluator,
        "test_evaluator": copy.deepcopy(evaluator),
    }


def _data_preprocessor(shipped: Any, num_classes: int) -> dict[str, Any]:
    """The shipped normalisation (so exported models expect what the recipe did), sized to
    the dataset's classes; colour images are fed to the backbone as RGB."""
    preprocessor = dict(shipped) if isinstance(shipped, dict) else {}
    preprocessor.setdefault("mean", IMAGENET_MEAN)
    preprocessor.setdefault("std", IMAGENET_STD)
    preprocessor.setdefault("to_rgb", True)
    preprocessor["type"] = "mmpretrain.ClsDataPreprocessor"
    preprocessor["num_classes"] = num_classes
    return preprocessor
