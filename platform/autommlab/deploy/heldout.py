"""Held-out samples of a built dataset: the inputs verification runs both models on.

Layouts are those of zoo/datasets/README.md. A sample is an image file, plus for top-down
keypoint models the ground-truth box of one instance (the crop the model sees).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from autommlab.errors import DeployError


@dataclass(frozen=True)
class Sample:
    image: Path
    bbox_xyxy: tuple[float, float, float, float] | None = None


def _spread(items: list[Sample], count: int) -> list[Sample]:
    """`count` items spread evenly over the list (every class of a label-cycled split)."""
    if len(items) <= count:
        return items
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def _classification(root: Path, split: str) -> list[Sample]:
    listing = root / f"{split}.txt"
    if not listing.is_file():
        raise DeployError(f"{root} has no {split}.txt: not a built classification dataset")
    lines = listing.read_text(encoding="utf-8").splitlines()
    return [Sample(root / split / line.split()[0]) for line in lines if line.strip()]


def _coco(root: Path, split: str, task: str) -> list[Sample]:
    annotations = root / split / "annotations.json"
    if not annotations.is_file():
        raise DeployError(f"{root} has no {split}/annotations.json: not a built COCO dataset")
    coco = json.loads(annotations.read_text(encoding="utf-8"))
    files = {image["id"]: root / split / "images" / Path(image["file_name"]).name
             for image in coco["images"]}
    if task != "keypoint":
        return [Sample(files[key]) for key in sorted(files)]
    samples = []
    for ann in sorted(coco["annotations"], key=lambda a: a["id"]):
        x, y, w, h = (float(v) for v in ann["bbox"])
        samples.append(Sample(files[ann["image_id"]], (x, y, x + w, y + h)))
    return samples


def heldout_samples(data_root: Path, task: str, count: int, split: str = "test"
                    ) -> list[Sample]:
    """Up to `count` samples of the dataset's `split` (test: never seen in training)."""
    if not data_root.is_dir():
        raise DeployError(f"dataset directory {data_root} does not exist")
    samples = (_classification(data_root, split) if task == "classification"
               else _coco(data_root, split, task))
    if not samples:
        raise DeployError(f"the {split} split of {data_root} is empty: nothing to verify on")
    missing = [s.image for s in samples if not s.image.is_file()]
    if missing:
        raise DeployError(f"{len(missing)} image(s) of {data_root}/{split} are missing, "
                          f"e.g. {missing[0]}")
    return _spread(samples, count)
