"""Classification datasets in the image-folder layout mmpretrain's CustomDataset reads.

    <split>/<class_dir>/<index:05d>.png    one folder per class
    <split>.txt                            '<class_dir>/<index:05d>.png <label>' per line

Use the annotation files: they carry the card's class order (`label` = index into
meta.json's classes), which a folder scan would replace by alphabetical order. Class folder
names are the class names with spaces and slashes replaced by '_'.

Image `i` of a split belongs to class `i % K`, so every split is class-balanced at any
scale, and a smaller scale builds a prefix of the full split.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from autommlab.errors import ZooError
from autommlab.zoo.builders._common import SPLITS, split_sizes, write_meta, write_png
from autommlab.zoo.cards import DataCard

#: (split, index) -> the image, uint8 (H, W) or (H, W, 3); its class is index % K.
SampleFn = Callable[[str, int], np.ndarray]


def class_dirs(card: DataCard) -> list[str]:
    dirs = [name.replace(" ", "_").replace("/", "_") for name in card.class_names]
    if len(set(dirs)) != len(dirs):
        raise ZooError(f"dataset card {card.name!r}: class names collide as folder names {dirs}")
    return dirs


def build_imagefolder(card: DataCard, out_dir: Path, scale: float, sample_fn: SampleFn) -> None:
    sizes = split_sizes(card, scale)
    dirs = class_dirs(card)
    for split in SPLITS:
        lines = []
        for index in range(sizes[split]):
            label = index % len(dirs)
            relative = f"{dirs[label]}/{index:05d}.png"
            write_png(out_dir / split / relative, sample_fn(split, index))
            lines.append(f"{relative} {label}\n")
        (out_dir / f"{split}.txt").write_text("".join(lines), encoding="utf-8")
    write_meta(out_dir, card, scale, sizes, {
        "images": "<split>/<class_dir>/<index:05d>.png",
        "annotations": "<split>.txt: '<class_dir>/<index:05d>.png <label>' per line "
                       "(mmpretrain CustomDataset: data_prefix=<split>, ann_file=<split>.txt)",
        "class_dirs": dirs,
    })
