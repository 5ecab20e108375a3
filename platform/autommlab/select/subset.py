"""The sub-dataset of the classes a request needs, cut from a built zoo dataset.

Classes are relabelled 0..K-1 in the order the selection decision lists them. Images are
hard-linked when possible (copied otherwise), so a subset of a large dataset costs little
disk. Layout and meta.json follow the source dataset, plus `subset_of` and `class_map`.
- classification: only images of the chosen classes are kept;
- COCO (detection / segmentation / keypoint): every image is kept, annotations of other
  classes are dropped (those objects become background, which is what a detector of the
  chosen classes must learn); segmentation label PNGs are remapped the same way.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from autommlab.errors import SelectionError

SPLITS = ("train", "val", "test")


def make_subset(source: Path, classes: list[str], dest: Path) -> Path:
    """Write the subset of `source` (a built dataset directory) with `classes` into `dest`."""
    meta = json.loads((source / "meta.json").read_text())
    all_classes: list[str] = meta["classes"]
    missing = [c for c in classes if c not in all_classes]
    if missing or not classes:
        raise SelectionError(f"classes {missing or classes} are not in dataset "
                             f"'{meta['name']}' (it has {', '.join(all_classes)})")
    old_to_new = {all_classes.index(c): i for i, c in enumerate(classes)}
    dest.mkdir(parents=True, exist_ok=True)
    if meta["task"] == "classification":
        counts = _classification(source, dest, old_to_new)
    else:
        counts = _coco(source, dest, old_to_new, meta["task"] == "segmentation")
    sub_meta: dict[str, Any] = meta | {
        "name": f"{meta['name']}-subset", "classes": classes, "splits": counts,
        "subset_of": meta["name"], "class_map": {all_classes[o]: n for o, n in old_to_new.items()},
    }
    if "class_dirs" in meta.get("layout", {}):
        dirs = meta["layout"]["class_dirs"]
        sub_meta["layout"] = meta["layout"] | {
            "class_dirs": [dirs[all_classes.index(c)] for c in classes]}
    (dest / "meta.json").write_text(json.dumps(sub_meta, indent=1, sort_keys=True))
    return dest


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # another filesystem, or links not allowed
        shutil.copy2(src, dst)


def _classification(source: Path, dest: Path, old_to_new: dict[int, int]) -> dict[str, int]:
    counts = {}
    for split in SPLITS:
        lines = []
        for line in (source / f"{split}.txt").read_text().splitlines():
            path, label = line.rsplit(" ", 1)
            if int(label) in old_to_new:
                _link(source / split / path, dest / split / path)
                lines.append(f"{path} {old_to_new[int(label)]}")
        (dest / f"{split}.txt").write_text("\n".join(lines) + ("\n" if lines else ""))
        counts[split] = len(lines)
    return counts


def _coco(source: Path, dest: Path, old_to_new: dict[int, int], remap_labels: bool
          ) -> dict[str, int]:
    counts = {}
    for split in SPLITS:
        coco = json.loads((source / split / "annotations.json").read_text())
        cats = {c["id"]: c for c in coco["categories"]}
        keep = {old + 1: new + 1 for old, new in old_to_new.items()}  # COCO ids are 1-based
        coco["categories"] = [cats[old] | {"id": new} for old, new in
                              sorted(keep.items(), key=lambda kv: kv[1])]
        coco["annotations"] = [a | {"category_id": keep[a["category_id"]]}
                               for a in coco["annotations"] if a["category_id"] in keep]
        for image in coco["images"]:
            name = image["file_name"]  # relative to <split>/images/
            _link(source / split / "images" / name, dest / split / "images" / name)
            if remap_labels:
                _remap_label(source / split / "labels" / name, dest / split / "labels" / name,
                             keep)
        (dest / split).mkdir(parents=True, exist_ok=True)
        (dest / split / "annotations.json").write_text(json.dumps(coco, sort_keys=True))
        counts[split] = len(coco["images"])
    return counts


def _remap_label(src: Path, dst: Path, keep: dict[int, int]) -> None:
    """Label PNG values: 0 background, k = class index + 1; dropped classes -> 0."""
    table = np.zeros(256, dtype=np.uint8)
    for old, new in keep.items():
        table[old] = new
    dst.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(table[np.asarray(Image.open(src))]).save(dst, optimize=False)
