"""The four vision tasks autommlab builds models for."""

from __future__ import annotations

from typing import Literal, get_args

Task = Literal["classification", "detection", "segmentation", "keypoint"]
TASKS: tuple[str, ...] = get_args(Task)
