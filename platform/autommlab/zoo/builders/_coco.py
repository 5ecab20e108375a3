"""COCO annotation files, written the way mmdet, mmseg and mmpose read them.

Conventions (also recorded in each dataset's meta.json):
* image ids, annotation ids and category ids start at 1 (category id = class index + 1);
* `file_name` is relative to `<split>/images/`;
* `bbox` is [x, y, w, h] in pixels: the tight box of the instance mask (integers);
* `segmentation` is the instance mask as compressed RLE (pycocotools), `area` its pixel
  count, `iscrowd` 0;
* keypoints are [x, y, v] per keypoint in pixel-index coordinates (the centre of pixel
  (col, row) is (col, row), the convention mmpose's flip `x' = W - 1 - x` assumes), v = 2
  (labelled and visible).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from autommlab.errors import ZooError
from autommlab.zoo.builders._common import SPLITS, split_sizes, write_json, write_meta, write_png
from autommlab.zoo.builders._scenes import Scene, tight_box
from autommlab.zoo.cards import DataCard


def encode_rle(mask: np.ndarray) -> dict[str, Any]:
    """Compressed COCO RLE of a bool mask, JSON-ready (counts as str)."""
    try:
        from pycocotools import mask as mask_utils
    except ImportError as exc:
        raise ZooError("building COCO datasets needs pycocotools "
                       "(pip install 'autommlab[vision]' or pip install pycocotools)") from exc
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": [int(rle["size"][0]), int(rle["size"][1])],
            "counts": rle["counts"].decode("ascii")}


class CocoFile:
    """Accumulates one split's images and annotations."""

    def __init__(self, card: DataCard, description: str) -> None:
        self.card = card
        self.images: list[dict[str, Any]] = []
        self.annotations: list[dict[str, Any]] = []
        self.description = description

    def add_image(self, file_name: str, height: int, width: int) -> int:
        image_id = len(self.images) + 1
        self.images.append({"id": image_id, "file_name": file_name,
                            "height": height, "width": width})
        return image_id

    def add_instance(self, image_id: int, category: int, mask: np.ndarray,
                     keypoints: Sequence[tuple[float, float]] | None = None) -> None:
        x, y, w, h = tight_box(mask)
        ann: dict[str, Any] = {
            "id": len(self.annotations) + 1,
            "image_id": image_id,
            "category_id": category + 1,
            "bbox": [x, y, w, h],
            "area": int(mask.sum()),
            "iscrowd": 0,
            "segmentation": encode_rle(mask),
        }
        if keypoints is not None:
            flat: list[float | int] = []
            for kx, ky in keypoints:
                flat += [_number(kx), _number(ky), 2]
            ann["keypoints"] = flat
            ann["num_keypoints"] = len(keypoints)
        self.annotations.append(ann)

    def categories(self) -> list[dict[str, Any]]:
        cats = []
        for index, info in enumerate(self.card.classes):
            cat: dict[str, Any] = {"id": index + 1, "name": info.name, "supercategory": "object"}
            spec = self.card.keypoints
            if spec is not None:
                cat["keypoints"] = list(spec.names)
                # COCO's skeleton is 1-based; the card's (like mmpose's) is 0-based.
                cat["skeleton"] = [[a + 1, b + 1] for a, b in spec.skeleton]
            cats.append(cat)
        return cats

    def write(self, path: Path) -> None:
        write_json(path, {
            "info": {"description": self.description, "version": "1.0",
                     "contributor": "autommlab zoo builder " + self.card.recipe.builder},
            "licenses": [{"id": 1, "name": self.card.license, "url": ""}],
            "images": self.images,
            "annotations": self.annotations,
            "categories": self.categories(),
        })


def _number(value: float) -> float | int:
    """Integers stay integers; other coordinates keep 2 decimals (sub-pixel, stable text)."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


COCO_LAYOUT: dict[str, str] = {
    "images": "<split>/images/<id:06d>.png",
    "annotations": "<split>/annotations.json (COCO; category_id = class index + 1)",
    "bbox": "[x, y, w, h] tight box of the instance mask, pixels",
    "segmentation": "compressed RLE of the instance mask (pycocotools)",
    "keypoints": "[x, y, v] per keypoint, pixel-index coordinates, v = 2",
}

SEMANTIC_LAYOUT: dict[str, str] = {
    "labels": "<split>/labels/<id:06d>.png, mode L: 0 = background, k = class index + 1 "
              "(mmseg: classes = ['background', *classes], reduce_zero_label=False)",
}

#: Scene `index` of `split`; must be a pure function of its arguments and the card.
SceneFn = Callable[[str, int], Scene]


def build_coco(card: DataCard, out_dir: Path, scale: float, scene_fn: SceneFn, *,
               semantic_labels: bool = False) -> None:
    """Write every split (images, COCO annotations, optionally label PNGs) and meta.json."""
    sizes = split_sizes(card, scale)
    for split in SPLITS:
        write_split(card, out_dir, split, sizes[split], scene_fn,
                    semantic_labels=semantic_labels)
    layout = dict(COCO_LAYOUT)
    if semantic_labels:
        layout.update(SEMANTIC_LAYOUT)
    write_meta(out_dir, card, scale, sizes, layout)



def write_split(card: DataCard, out_dir: Path, split: str, count: int, scene_fn: SceneFn, *,
                semantic_labels: bool = False) -> None:
    coco = CocoFile(card, f"{card.name} {split}")
    for index in range(count):
        scene = scene_fn(split, index)
        height, width = scene.image.shape[:2]
        file_name = f"{index + 1:06d}.png"
        write_png(out_dir / split / "images" / file_name, scene.image)
        image_id = coco.add_image(file_name, height, width)
        label = np.zeros((height, width), dtype=np.uint8)
        for instance in scene.instances:
            coco.add_instance(image_id, instance.category, instance.mask, instance.keypoints)
            label[instance.mask] = instance.category + 1
        if semantic_labels:
            write_png(out_dir / split / "labels" / file_name, label)
    coco.write(out_dir / split / "annotations.json")
