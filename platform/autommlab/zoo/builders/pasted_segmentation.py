"""Segmentation: pasted real objects with COCO instance masks and semantic label PNGs."""

from __future__ import annotations

from pathlib import Path

from autommlab.zoo.builders import register_builder
from autommlab.zoo.builders._coco import build_coco
from autommlab.zoo.builders._common import check_task
from autommlab.zoo.builders._pasted import pasted_scenes
from autommlab.zoo.cards import DataCard


@register_builder("pasted_objects_segmentation")
def build(card: DataCard, out_dir: Path, scale: float = 1.0) -> None:
    check_task(card, "segmentation")
    build_coco(card, out_dir, scale, pasted_scenes(card).scene, semantic_labels=True)
