"""Classification straight from a labeled 28x28 source (Fashion-MNIST, MNIST).

Train images come from the source's official training set, val and test from the two halves
of its official test set, so no image is in two splits. Within a split, the images of each
class are a seeded permutation of that class's pool, taken without replacement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from autommlab.errors import ZooError
from autommlab.zoo.builders._common import (
    BuilderParams,
    check_classes,
    check_task,
    parse_params,
    split_rng,
    split_sizes,
)
from autommlab.zoo.builders._imagefolder import build_imagefolder
from autommlab.zoo.builders._objects import ObjectPool, object_pool
from autommlab.zoo.cards import DataCard
from autommlab.zoo.sources import FASHION_MNIST_CLASSES, MNIST_CLASSES


class LabeledParams(BuilderParams):
    source_classes: list[str] | None = Field(
        default=None, description="official source labels, one per card class, in card "
        "order (a subset makes a smaller dataset). Default: every class.")


def build_labeled(card: DataCard, out_dir: Path, scale: float,
                  source: Literal["fashion_mnist", "mnist"]) -> None:
    check_task(card, "classification")
    params = parse_params(card, LabeledParams)
    every = FASHION_MNIST_CLASSES if source == "fashion_mnist" else MNIST_CLASSES
    source_classes = list(params.source_classes or every)
    check_classes(card, len(source_classes), f"{source} classes {source_classes}")
    height, width = card.image_size
    if (height, width) != (28, 28):
        raise ZooError(f"dataset card {card.name!r}: {source} images are 28x28, "
                       f"the card says {card.image_size}")
    sizes = split_sizes(card, scale)
    orders: dict[str, tuple[ObjectPool, list[np.ndarray]]] = {}
    for split in ("train", "val", "test"):
        pool = object_pool(source, [[name] for name in source_classes], split)
        per_class = [split_rng(card, split, k).permutation(indices)
                     for k, indices in enumerate(pool.by_category)]
        needed = -(-sizes[split] // len(source_classes))
        short = [source_classes[k] for k, order in enumerate(per_class) if order.size < needed]
        if short:
            raise ZooError(f"dataset card {card.name!r}: {split} needs {needed} images per "
                           f"class but {source} has fewer for {short}")
        orders[split] = (pool, per_class)

    def sample(split: str, index: int) -> np.ndarray:
        pool, per_class = orders[split]
        k = index % len(per_class)
        return pool.images[int(per_class[k][index // len(per_class)])]

    build_imagefolder(card, out_dir, scale, sample)
