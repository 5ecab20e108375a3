"""Toolbox metric names and scales -> the platform's names, all in [0, 1].

Each toolbox's evaluator reports its own key for the task metric, and two of them report
percentages: mmpretrain's `Accuracy` ('accuracy/top1': 93.3) and mmseg's `IoUMetric`
('mIoU': 71.2), while mmdet's and mmpose's COCO metrics are fractions ('coco/bbox_mAP',
'coco/AP'). HPO compares trials of any task on one scale, so every figure is normalised
here, once, and the task metric is renamed to `TASK_METRICS[task]`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from autommlab.train.spec import TASK_METRICS

# The evaluator key of each task's metric, as the task builders' evaluators report it
# (CheckpointHook's `save_best` needs this raw key).
RAW_TASK_METRICS: dict[str, str] = {
    "classification": "accuracy/top1",
    "detection": "coco/bbox_mAP",
    "segmentation": "mIoU",
    "keypoint": "coco/AP",
}
# Toolboxes whose evaluators report percentages.
PERCENT_TOOLBOXES: frozenset[str] = frozenset({"mmpretrain", "mmsegmentation"})
# Key prefixes that only say which evaluator produced a figure.
_DROPPED_PREFIXES: tuple[str, ...] = ("coco/",)


def raw_task_metric(task: str) -> str:
    return RAW_TASK_METRICS[task]


def normalise_metrics(task: str, toolbox: str, raw: Mapping[str, Any]) -> dict[str, float]:
    """Every numeric metric of one validation, in [0, 1], under the platform's names.

    Figures an evaluator marks as 'not computed' (COCO's -1 for an empty size range) and
    non-numbers (mmdet's copy-paste strings) are left out rather than reported as 0.
    """
    scale = 0.01 if toolbox in PERCENT_TOOLBOXES else 1.0
    task_key = RAW_TASK_METRICS[task]
    result: dict[str, float] = {}
    for key, value in raw.items():
        number = _as_float(value)
        if number is None or number < 0:
            continue
        result[_platform_name(key, task, task_key)] = round(number * scale, 6)
    return result


def _platform_name(key: str, task: str, task_key: str) -> str:
    if key == task_key:
        return TASK_METRICS[task]
    for prefix in _DROPPED_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # numpy / torch scalar
        value = value.item()
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None
