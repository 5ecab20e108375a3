"""Keypoints: pasted real objects annotated with their mask's extreme points and centre.

The card must be single-class (top-down pose estimation, one skeleton) and name the five
keypoints in the order of `EXTREME_POINT_NAMES`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from autommlab.zoo.builders import register_builder
from autommlab.zoo.builders._coco import build_coco
from autommlab.zoo.builders._common import check_classes, check_keypoint_names, check_task
from autommlab.zoo.builders._keypoints import EXTREME_POINT_NAMES, extreme_points
from autommlab.zoo.builders._pasted import pasted_scenes
from autommlab.zoo.builders._scenes import Scene
from autommlab.zoo.cards import DataCard


@register_builder("pasted_objects_keypoints")
def build(card: DataCard, out_dir: Path, scale: float = 1.0) -> None:
    check_task(card, "keypoint")
    check_classes(card, 1, "one class: top-down keypoint datasets have one skeleton")
    check_keypoint_names(card, EXTREME_POINT_NAMES)
    scenes = pasted_scenes(card)

    def scene(split: str, index: int) -> Scene:
        base = scenes.scene(split, index)
        annotated = tuple(dataclasses.replace(i, keypoints=extreme_points(i.mask))
                          for i in base.instances)
        return dataclasses.replace(base, instances=annotated)

    build_coco(card, out_dir, scale, scene)
