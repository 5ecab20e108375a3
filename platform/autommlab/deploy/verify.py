"""Verify an exported model: ONNX Runtime against PyTorch on held-out images.

Both models are MMDeploy's: the PyTorch model built from the config and weights that were
exported, and MMDeploy's ONNX Runtime wrapper model around the exported file. A batch of
held-out images goes once through the model's test pipeline and data preprocessor; both
models predict on that one tensor and post-process to the original image, and the
predictions are compared per task (`compare`). Test-time augmentation (mmpose's flip test)
is switched off on the PyTorch side, because the exported graph has none.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autommlab.deploy.compare import (
    ClassificationComparison,
    Comparison,
    DetectionComparison,
    KeypointComparison,
    SegmentationComparison,
)
from autommlab.deploy.export import build_task_processor
from autommlab.deploy.heldout import Sample, heldout_samples
from autommlab.deploy.model_config import read_model_config
from autommlab.deploy.records import (
    MAX_CLASSIFICATION_DIFF,
    MIN_AGREEMENT,
    ExportedModel,
    VerificationReport,
)
from autommlab.errors import DeployError

COMPARED = {
    "classification": "softmax class scores (max |difference|) and top-1 class",
    "detection": "boxes in image pixels: same label, IoU >= {iou}, |score difference| <= {score}",
    "segmentation": "predicted class per pixel of the original image",
    "keypoint": "keypoints in image pixels within {tol} px, on ground-truth box crops",
}


def min_bbox_size(model_cfg: Any) -> float | None:
    """mmdet's `test_cfg.min_bbox_size` (None when the model does not filter boxes)."""
    test_cfg = model_cfg.model.get("test_cfg") or {}
    test_cfg = test_cfg.get("rcnn", test_cfg)
    size = test_cfg.get("min_bbox_size", -1)
    return float(size) if size is not None and size >= 0 else None


def _comparison(task: str, model_cfg: Any, *, min_iou: float, score_tolerance: float,
                keypoint_tolerance_px: float) -> Comparison:
    if task == "classification":
        return ClassificationComparison()
    if task == "detection":
        return DetectionComparison(min_iou=min_iou, score_tolerance=score_tolerance,
                                   min_bbox_size=min_bbox_size(model_cfg))
    if task == "segmentation":
        return SegmentationComparison()
    return KeypointComparison(tolerance_px=keypoint_tolerance_px)


def _batches(samples: list[Sample], size: int) -> Iterator[list[Sample]]:
    for start in range(0, len(samples), size):
        yield samples[start:start + size]


def pose_batch(model_cfg: Any, samples: list[Sample], data_preprocessor: Any) -> dict[str, Any]:
    """A top-down pose batch: each sample's image cropped at its box by the test pipeline.

    (MMDeploy's own `create_input` for pose uses the whole image as the box.)
    """
    import numpy as np
    from mmcv.transforms import Compose
    from mmdeploy.codebase.mmpose.deploy.pose_detection import _get_dataset_metainfo
    from mmpose.registry import TRANSFORMS

    pipeline = Compose([TRANSFORMS.build(step) for step in model_cfg.test_pipeline])
    meta = _get_dataset_metainfo(model_cfg) or {}
    batch: dict[str, list[Any]] = {"inputs": [], "data_samples": []}
    for sample in samples:
        if sample.bbox_xyxy is None:
            raise DeployError(f"keypoint sample {sample.image} has no box")
        data = {"img_path": str(sample.image), "bbox": np.array([sample.bbox_xyxy], np.float32),
                "bbox_score": np.ones(1, np.float32), **meta}
        data = pipeline(data)
        batch["inputs"].append(data["inputs"])
        batch["data_samples"].append(data["data_samples"])
    return data_preprocessor(batch, False)


def model_batch(task: str, processor: Any, model_cfg: Any, samples: list[Sample],
                input_shape: list[int] | None, data_preprocessor: Any) -> dict[str, Any]:
    """The preprocessed batch both models predict on ({'inputs', 'data_samples'})."""
    if task == "keypoint":
        return pose_batch(model_cfg, samples, data_preprocessor)
    data, _ = processor.create_input([str(s.image) for s in samples], input_shape,
                                     data_preprocessor=data_preprocessor)
    return data


def _pytorch_model(processor: Any, task: str, weights: Path) -> Any:
    model = processor.build_pytorch_model(str(weights))
    test_cfg = getattr(model, "test_cfg", None)
    if task == "keypoint" and isinstance(test_cfg, dict):
        test_cfg["flip_test"] = False
    return model


def preprocessing_diff(pipeline: dict[str, Any], samples: list[Sample], inputs: Any) -> float:
    """Max |difference| between infer.py's preprocessing (from pipeline.json) and the
    toolbox's input tensor, over a batch: proof that the published example feeds the model
    what it was trained on (bilinear rounding differs by at most ~1 grey level)."""
    import numpy as np

    from autommlab.deploy import infer_template

    worst = 0.0
    color_order = pipeline["normalize"]["color_order"]
    for sample, expected in zip(samples, inputs, strict=True):
        bbox = None
        if sample.bbox_xyxy is not None:
            x1, y1, x2, y2 = sample.bbox_xyxy
            bbox = [x1, y1, x2 - x1, y2 - y1]
        image = infer_template.load_image(sample.image, color_order)
        tensor, _ = infer_template.preprocess(image, pipeline, bbox)
        reference = expected.detach().cpu().numpy()
        if tensor[0].shape != reference.shape:
            return float("inf")
        worst = max(worst, float(np.abs(tensor[0] - reference).max()))
    return worst


def verify(exported: ExportedModel, data_root: Path, *, images: int = 8, batch_size: int = 4,
           min_iou: float = 0.99, score_tolerance: float = 1e-3,
           keypoint_tolerance_px: float = 1.0, pipeline: dict[str, Any] | None = None
           ) -> VerificationReport:
    """Compare ONNX Runtime with PyTorch on up to `images` held-out samples of `data_root`
    (keypoint: instances), `batch_size` at a time (batches > 1 exercise the dynamic axis).

    With `pipeline` (the content of pipeline.json), also measure how far the standalone
    preprocessing of infer.py is from the toolbox's (`preprocessing_max_abs_diff`).
    """
    import torch

    started = time.perf_counter()
    task = exported.task
    model_cfg = read_model_config(exported.model_config_file, task)
    samples = heldout_samples(data_root, task, images)
    processor = build_task_processor(model_cfg, exported.deploy_config)
    input_shape = exported.deploy_config["onnx_config"].get("input_shape")
    pre_diff: float | None = None
    comparison = _comparison(task, model_cfg, min_iou=min_iou, score_tolerance=score_tolerance,
                             keypoint_tolerance_px=keypoint_tolerance_px)
    try:
        pytorch = _pytorch_model(processor, task, exported.weights_file)
        onnx = processor.build_backend_model(
            [str(exported.onnx_path)], data_preprocessor_updater=processor.update_data_preprocessor)
        with torch.no_grad():
            for batch in _batches(samples, batch_size):
                data = model_batch(task, processor, model_cfg, batch, input_shape,
                                   pytorch.data_preprocessor)
                reference = pytorch(data["inputs"], copy.deepcopy(data["data_samples"]),
                                    mode="predict")
                produced = onnx(data["inputs"], copy.deepcopy(data["data_samples"]),
                                mode="predict")
                comparison.add(reference, produced)
                if pipeline is not None and not pipeline.get("unsupported_steps"):
                    pre_diff = max(pre_diff or 0.0,
                                   preprocessing_diff(pipeline, batch, data["inputs"]))
    except DeployError:
        raise
    except Exception as exc:  # the toolboxes raise anything; the user needs one clear error
        raise DeployError(f"verifying {exported.onnx_path} against PyTorch failed: "
                          f"{type(exc).__name__}: {exc}") from exc
    fields = comparison.result()
    notes = []
    if not fields["total"]:
        notes.append("neither model predicted anything on these images: nothing was compared")
    if pipeline is not None and pipeline.get("unsupported_steps"):
        notes.append("pipeline.json has steps infer.py does not implement: "
                     f"{pipeline['unsupported_steps']}")
    if pre_diff == float("inf"):  # JSON has no infinity: say it in words
        pre_diff = None
        notes.append("infer.py's preprocessing (pipeline.json) makes a tensor of another "
                     "shape than the toolbox's: the published example would not work")
    thresholds = _thresholds(task, min_iou, score_tolerance, keypoint_tolerance_px)
    return VerificationReport(
        task=task, images=len(samples), passed=_passed(task, fields), thresholds=thresholds,
        compared=COMPARED[task].format(iou=min_iou, score=score_tolerance,
                                       tol=keypoint_tolerance_px),
        seconds=round(time.perf_counter() - started, 3), preprocessing_max_abs_diff=pre_diff,
        notes=notes, **fields)


def _thresholds(task: str, min_iou: float, score_tolerance: float, tolerance_px: float
                ) -> dict[str, float]:
    if task == "classification":
        return {"max_abs_diff": MAX_CLASSIFICATION_DIFF}
    extra = {"detection": {"min_iou": min_iou, "score_tolerance": score_tolerance},
             "keypoint": {"tolerance_px": tolerance_px}}.get(task, {})
    return {"min_agreement": MIN_AGREEMENT, **extra}


def _passed(task: str, fields: dict[str, Any]) -> bool:
    if task == "classification":
        return fields["max_abs_diff"] <= MAX_CLASSIFICATION_DIFF
    return fields["agreement"] >= MIN_AGREEMENT
