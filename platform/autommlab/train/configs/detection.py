"""Detection (mmdet) task parts: a card's detector, resized to the dataset, over its COCO files.

Choices, and why:
- input size: the dataset's own image size rounded up to a multiple of 32 (128x128 for the
  built-in sets), unless the spec sets one. The 26-56 px objects are already the size the
  stride-8/16 levels of every zoo detector are tuned for, and upscaling to the shipped
  640 px would cost 25x the CPU time for no new pixels. Multiples of 32 keep every stride
  level aligned (the preprocessor pads to 32 too), so what is trained is what is exported;
- train pipeline: load, resize (keep ratio), horizontal flip (not for digits and other data
  that mirroring makes invalid: `common.allows_hflip`), pack. Mosaic / MixUp /
  RandomAffine / Expand / MinIoURandomCrop and the HSV / photometric jitter are dropped:
  they are tuned for 300-epoch COCO schedules, several (CachedMosaic, MultiImageMixDataset)
  keep state across images and the rest mostly spend CPU on a few hundred iterations;
- the data preprocessor is kept (mean / std / channel order are what the architecture was
  designed with) minus its batch augments (YOLOX's BatchSyncRandomResize to 320-640 px);
- SSD anchors are laid out for the shipped 320 px input: their strides and sizes are
  recomputed for the chosen input, which keeps them covering the same share of the image;
- test_cfg: low score threshold and at most 100 boxes per image (COCO mAP counts 100), with
  the pre-NMS candidate count capped (CPU time, 128 px images hold a handful of objects).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autommlab.errors import TrainingError
from autommlab.train.configs.base import TaskParts, register_task_builder
from autommlab.train.configs.cocolayout import CocoSplit, coco_split
from autommlab.train.configs.common import allows_hflip, split_dataloaders
from autommlab.train.configs.tree import round_up, to_plain, unfreeze_backbone, walk_dicts

if TYPE_CHECKING:
    from mmengine.config import Config

    from autommlab.train.spec import TrainSpec

SIZE_DIVISOR = 32  # the coarsest stride of the zoo detectors' main levels
MAX_DETECTIONS = 100  # COCO mAP looks at the top 100 boxes per image
MAX_SCORE_THR = 0.01
MAX_NMS_PRE = 1000
SSD_SHIPPED_INPUT = 320  # ssdlite_mobilenetv2's anchors are laid out for 320x320
PACK_META_KEYS = ("img_id", "img_path", "ori_shape", "img_shape", "scale_factor")
# Heads whose class count is fixed by design (RPN: object vs background).
CLASS_AGNOSTIC_HEADS = ("rpn_head",)


@register_task_builder("detection")
def build_detection_parts(spec: TrainSpec, shipped: Config) -> TaskParts:
    if not spec.classes:
        raise TrainingError(f"detection dataset {spec.data.name} has no classes to train on")
    size = detection_input_size(spec)
    model = detection_model(shipped, num_classes=len(spec.classes), size=size)
    keep_ratio = not _is_ssd(model)  # SSD is trained on squashed square inputs by design
    train_pipeline = _train_pipeline(size, keep_ratio, flip=allows_hflip(spec.data))
    eval_pipeline = _test_pipeline(size, keep_ratio, with_annotations=True)
    splits = {"train": coco_split(spec.data_root, "train"),
              "val": coco_split(spec.data_root, "val"),
              "test": coco_split(spec.data_root, "test", fallback="val")}
    metainfo = {"classes": tuple(spec.classes)}

    def dataset(split: str, pipeline: list[dict[str, Any]]) -> dict[str, Any]:
        return _dataset(splits[split], metainfo, pipeline, test=split != "train")

    return {
        "model": model,
        "data_preprocessor": model["data_preprocessor"],
        "train_pipeline": train_pipeline,
        "test_pipeline": _test_pipeline(size, keep_ratio, with_annotations=False),
        **split_dataloaders(dataset, spec.hparams.batch_size, train_pipeline, eval_pipeline),
        "val_evaluator": _evaluator(splits["val"]),
        "test_evaluator": _evaluator(splits["test"]),
    }


def detection_input_size(spec: TrainSpec) -> tuple[int, int]:
    """(H, W): spec.input_size or the dataset's image size, rounded up to SIZE_DIVISOR."""
    height, width = spec.input_size or spec.data.image_size
    if height < 1 or width < 1:
        raise TrainingError(f"detection input size must be positive, got {(height, width)}")
    return round_up(height, SIZE_DIVISOR), round_up(width, SIZE_DIVISOR)


def detection_model(shipped: Config, *, num_classes: int,
                    size: tuple[int, int]) -> dict[str, Any]:
    """The shipped `model` dict adapted to random init, one process and `num_classes`."""
    if "model" not in shipped:
        raise TrainingError(f"config {shipped.filename} has no model")
    model: dict[str, Any] = to_plain(shipped.model)
    if isinstance(model.get("backbone"), dict):
        unfreeze_backbone(model["backbone"])
    if set_num_classes(model, num_classes) == 0:
        raise TrainingError(f"found no classification head (num_classes) in {shipped.filename}")
    preprocessor = model.setdefault("data_preprocessor", {"type": "DetDataPreprocessor"})
    preprocessor["batch_augments"] = None
    preprocessor["pad_size_divisor"] = SIZE_DIVISOR
    if "test_cfg" in model:
        sane_test_cfg(model["test_cfg"])
    if _is_ssd(model):
        fit_ssd_anchors(model, size)
    return model


def set_num_classes(model: dict[str, Any], num_classes: int) -> int:
    """Set num_classes in every head that has one (bbox_head, roi_head.bbox_head, cascade
    lists, ...) except class-agnostic proposal heads; returns how many were set."""
    skipped = {id(d) for name in CLASS_AGNOSTIC_HEADS if isinstance(model.get(name), dict)
               for d in walk_dicts(model[name])}
    count = 0
    for entry in walk_dicts(model):
        if "num_classes" in entry and id(entry) not in skipped:
            entry["num_classes"] = num_classes
            count += 1
    return count


def sane_test_cfg(test_cfg: dict[str, Any]) -> None:
    """Low score threshold, <= 100 final boxes, capped pre-NMS candidates (in place).

    Applied to every level of a two-stage test_cfg: only the final stage has score_thr; the
    RPN keeps its own proposal count (max_per_img without score_thr is left alone).
    """
    for entry in walk_dicts(test_cfg):
        if "nms_pre" in entry:
            entry["nms_pre"] = min(int(entry["nms_pre"]), MAX_NMS_PRE)
        if "score_thr" in entry:
            entry["score_thr"] = min(float(entry["score_thr"]), MAX_SCORE_THR)
            entry["max_per_img"] = min(int(entry.get("max_per_img", MAX_DETECTIONS)),
                                       MAX_DETECTIONS)


def _is_ssd(model: dict[str, Any]) -> bool:
    head = model.get("bbox_head")
    return isinstance(head, dict) and \
        head.get("anchor_generator", {}).get("type") == "SSDAnchorGenerator"


def fit_ssd_anchors(model: dict[str, Any], size: tuple[int, int]) -> None:
    """Lay SSD anchors out for an (H, W) input (in place).

    An SSDAnchorGenerator takes one stride per level = input / feature-map size (it places
    anchor centres on that grid) and absolute min/max box sizes. The backbone's two outputs
    have strides 16 and 32; each extra neck level halves the map with a 3x3 stride-2 conv
    (size ceil(n / 2)). Box sizes scale with the input so each level keeps covering the
    same fraction of the image as at the shipped 320 px.
    """
    height, width = size
    generator = model["bbox_head"]["anchor_generator"]
    levels = len(generator["strides"])
    feature = [(_ceil_div(height, 16), _ceil_div(width, 16)),
               (_ceil_div(height, 32), _ceil_div(width, 32))]
    while len(feature) < levels:
        h, w = feature[-1]
        feature.append((_ceil_div(h, 2), _ceil_div(w, 2)))
    generator["strides"] = [(width / w, height / h) for h, w in feature[:levels]]
    scale = min(height, width) / SSD_SHIPPED_INPUT
    for key in ("min_sizes", "max_sizes"):
        if generator.get(key):
            generator[key] = [round(s * scale, 2) for s in generator[key]]


def _ceil_div(value: int, divisor: int) -> int:
    return -(-value // divisor)


def _train_pipeline(size: tuple[int, int], keep_ratio: bool,
                    flip: bool) -> list[dict[str, Any]]:
    height, width = size
    pipeline: list[dict[str, Any]] = [
        {"type": "LoadImageFromFile"},
        {"type": "LoadAnnotations", "with_bbox": True},
        {"type": "Resize", "scale": (width, height), "keep_ratio": keep_ratio},
    ]
    if flip:
        pipeline.append({"type": "RandomFlip", "prob": 0.5})
    return [*pipeline, {"type": "PackDetInputs"}]


def _test_pipeline(size: tuple[int, int], keep_ratio: bool,
                   with_annotations: bool) -> list[dict[str, Any]]:
    """The top-level test_pipeline (what MMDeploy runs on raw images) has no annotations;
    val/test loaders load them after resizing, as the shipped configs do."""
    height, width = size
    pipeline: list[dict[str, Any]] = [
        {"type": "LoadImageFromFile"},
        {"type": "Resize", "scale": (width, height), "keep_ratio": keep_ratio},
    ]
    if with_annotations:
        pipeline.append({"type": "LoadAnnotations", "with_bbox": True})
    pipeline.append({"type": "PackDetInputs", "meta_keys": PACK_META_KEYS})
    return pipeline


def _dataset(split: CocoSplit, metainfo: dict[str, Any], pipeline: list[dict[str, Any]],
             *, test: bool) -> dict[str, Any]:
    dataset: dict[str, Any] = {
        "type": "CocoDataset",
        "data_root": str(split.root),
        "ann_file": split.ann_file,
        "data_prefix": {"img": split.img_prefix},
        "metainfo": metainfo,
        "pipeline": pipeline,
        "test_mode": test,
    }
    if not test:  # images without a box of the subset's classes teach nothing to one-stage
        dataset["filter_cfg"] = {"filter_empty_gt": True, "min_size": 1}
    return dataset


def _evaluator(split: CocoSplit) -> dict[str, Any]:
    return {"type": "CocoMetric", "ann_file": split.ann_path, "metric": "bbox",
            "format_only": False}
