"""Per-task comparison of PyTorch and ONNX Runtime predictions (MMEngine data samples).

Each comparator takes the two models' predictions for one batch at a time (`add`) and fills
the task's fields of a VerificationReport (`result`). All predictions are in the original
image's coordinates, after the toolbox's post-processing on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


@dataclass
class ClassificationComparison:
    """Max |score difference| over every class, and top-1 agreement.

    The exported graph returns softmax scores (MMDeploy's classifier rewrite), so the scores
    are compared; a difference of d in the logits moves no score by more than d/2.
    """

    max_abs_diff: float = 0.0
    agreed: int = 0
    total: int = 0

    def add(self, torch_samples: list[Any], onnx_samples: list[Any]) -> None:
        for ref, out in zip(torch_samples, onnx_samples, strict=True):
            ref_scores, out_scores = _numpy(ref.pred_score), _numpy(out.pred_score)
            self.max_abs_diff = max(self.max_abs_diff,
                                    float(np.abs(ref_scores - out_scores).max()))
            self.agreed += int(ref_scores.argmax() == out_scores.argmax())
            self.total += 1

    def result(self) -> dict[str, Any]:
        agreement = self.agreed / self.total if self.total else 1.0
        return {"max_abs_diff": self.max_abs_diff, "top1_agreement": agreement,
                "agreement": agreement, "matched": self.agreed, "total": self.total}


def box_iou(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of (N, 4) and (M, 4) xyxy boxes."""
    x1 = np.maximum(boxes_a[:, None, 0], boxes_b[None, :, 0])
    y1 = np.maximum(boxes_a[:, None, 1], boxes_b[None, :, 1])
    x2 = np.minimum(boxes_a[:, None, 2], boxes_b[None, :, 2])
    y2 = np.minimum(boxes_a[:, None, 3], boxes_b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def valid_boxes(boxes: np.ndarray, min_size: float) -> np.ndarray:
    """Mask of the boxes mmdet keeps: width and height both above `min_size`."""
    return ((boxes[:, 2] - boxes[:, 0]) > min_size) & ((boxes[:, 3] - boxes[:, 1]) > min_size)


@dataclass
class DetectionComparison:
    """Greedy one-to-one matching, highest PyTorch score first: a pair matches when the
    labels are equal, IoU >= min_iou and |score difference| <= score_tolerance.
    Agreement = matched pairs / max(PyTorch boxes, ONNX boxes), summed over images.

    mmdet drops boxes not wider and taller than `test_cfg.min_bbox_size` after NMS; MMDeploy's
    graph does not, so that filter is part of the exported model's post-processing (infer.py
    applies it too) and is applied to the ONNX boxes here (`min_bbox_size`, None = off).
    """

    min_iou: float = 0.99
    score_tolerance: float = 1e-3
    min_bbox_size: float | None = None
    matched: int = 0
    total: int = 0
    max_score_diff: float = 0.0

    def add(self, torch_samples: list[Any], onnx_samples: list[Any]) -> None:
        for ref, out in zip(torch_samples, onnx_samples, strict=True):
            self._add_image(ref.pred_instances, out.pred_instances)

    def _add_image(self, ref: Any, out: Any) -> None:
        ref_boxes, out_boxes = _numpy(ref.bboxes).reshape(-1, 4), _numpy(out.bboxes).reshape(-1, 4)
        ref_scores, out_scores = _numpy(ref.scores).ravel(), _numpy(out.scores).ravel()
        ref_labels, out_labels = _numpy(ref.labels).ravel(), _numpy(out.labels).ravel()
        if self.min_bbox_size is not None:
            keep = valid_boxes(out_boxes, self.min_bbox_size)
            out_boxes, out_scores, out_labels = out_boxes[keep], out_scores[keep], out_labels[keep]
        self.total += max(len(ref_boxes), len(out_boxes))
        if not len(ref_boxes) or not len(out_boxes):
            return
        iou = box_iou(ref_boxes, out_boxes)
        free = np.ones(len(out_boxes), dtype=bool)
        for i in np.argsort(-ref_scores, kind="stable"):
            score_diff = np.abs(out_scores - ref_scores[i])
            ok = (free & (out_labels == ref_labels[i]) & (iou[i] >= self.min_iou)
                  & (score_diff <= self.score_tolerance))
            if ok.any():
                j = int(np.argmax(np.where(ok, iou[i], -1.0)))
                free[j] = False
                self.matched += 1
                self.max_score_diff = max(self.max_score_diff, float(score_diff[j]))

    def result(self) -> dict[str, Any]:
        agreement = self.matched / self.total if self.total else 1.0
        return {"agreement": agreement, "matched": self.matched, "total": self.total,
                "max_abs_diff": self.max_score_diff}


@dataclass
class SegmentationComparison:
    """Fraction of pixels with the same predicted class."""

    matched: int = 0
    total: int = 0

    def add(self, torch_samples: list[Any], onnx_samples: list[Any]) -> None:
        for ref, out in zip(torch_samples, onnx_samples, strict=True):
            ref_map = _numpy(ref.pred_sem_seg.data).squeeze()
            out_map = _numpy(out.pred_sem_seg.data).squeeze()
            if ref_map.shape != out_map.shape:  # counted as total disagreement
                self.total += ref_map.size
                continue
            self.matched += int((ref_map == out_map).sum())
            self.total += ref_map.size

    def result(self) -> dict[str, Any]:
        agreement = self.matched / self.total if self.total else 1.0
        return {"agreement": agreement, "matched": self.matched, "total": self.total}


@dataclass
class KeypointComparison:
    """Distance in pixels of the original image between the two models' keypoints."""

    tolerance_px: float = 1.0
    distances: list[float] = field(default_factory=list)

    def add(self, torch_samples: list[Any], onnx_samples: list[Any]) -> None:
        for ref, out in zip(torch_samples, onnx_samples, strict=True):
            ref_points = _numpy(ref.pred_instances.keypoints).reshape(-1, 2)
            out_points = _numpy(out.pred_instances.keypoints).reshape(-1, 2)
            self.distances.extend(np.linalg.norm(ref_points - out_points, axis=1).tolist())

    def result(self) -> dict[str, Any]:
        distances = np.asarray(self.distances)
        matched = int((distances <= self.tolerance_px).sum())
        return {"max_abs_diff": float(distances.max()) if distances.size else 0.0,
                "agreement": matched / distances.size if distances.size else 1.0,
                "matched": matched, "total": int(distances.size)}


Comparison = (ClassificationComparison | DetectionComparison | SegmentationComparison
              | KeypointComparison)
