"""What every builder shares: split sizes, seeding, typed params, deterministic file writing.

Determinism rules (same card + scale -> byte-identical files):
* every random choice comes from a numpy Generator seeded from `card.recipe.seed`; per-image
  generators are keyed by (seed, split, image index), so a smaller `scale` builds a prefix
  of the full dataset's images (what a fast test checks is what the full build contains);
* PNG files are written by Pillow with fixed settings and no metadata (no timestamps);
* JSON is written with sorted keys and fixed separators.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, ValidationError

from autommlab.errors import ZooError
from autommlab.zoo.cards import DataCard

SPLITS: tuple[str, ...] = ("train", "val", "test")
_SPLIT_CODE = {"train": 0, "val": 1, "test": 2}
LAYOUT_VERSION = 1

P = TypeVar("P", bound=BaseModel)


class BuilderParams(BaseModel):
    """Base of each builder's `recipe.params` model: unknown keys are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_params(card: DataCard, model: type[P]) -> P:
    """Validate `card.recipe.params` against the builder's params model."""
    try:
        return model.model_validate(card.recipe.params)
    except ValidationError as exc:
        raise ZooError(f"dataset card {card.name!r}: invalid recipe.params for builder "
                       f"{card.recipe.builder!r}:\n{exc}") from exc


def scaled_size(size: int, scale: float) -> int:
    """`size * scale` rounded, at least 1 when `size` > 0 (every split stays usable)."""
    if scale <= 0:
        raise ZooError(f"scale must be > 0, got {scale}")
    if size <= 0:
        return 0
    return max(1, round(size * scale))


def split_sizes(card: DataCard, scale: float = 1.0) -> dict[str, int]:
    """The number of images per split a build at `scale` writes."""
    sizes = card.sizes.model_dump()
    return {split: scaled_size(sizes[split], scale) for split in SPLITS}


def split_rng(card: DataCard, split: str, stream: int = 0) -> np.random.Generator:
    """A generator for split-level choices (e.g. which source images a split uses)."""
    return np.random.default_rng([card.recipe.seed, _SPLIT_CODE[split], 1_000_000 + stream])


def image_rng(card: DataCard, split: str, index: int) -> np.random.Generator:
    """A generator for everything about image `index` of `split`, independent of the others."""
    return np.random.default_rng([card.recipe.seed, _SPLIT_CODE[split], index])


def check_classes(card: DataCard, expected: int, what: str) -> None:
    if len(card.classes) != expected:
        raise ZooError(f"dataset card {card.name!r} lists {len(card.classes)} classes but its "
                       f"recipe yields {expected} ({what})")


def check_keypoint_names(card: DataCard, names: tuple[str, ...]) -> None:
    """The card's keypoints must be the ones the builder annotates, in the same order."""
    if card.keypoints is None or tuple(card.keypoints.names) != names:
        raise ZooError(f"dataset card {card.name!r}: keypoints.names must be "
                       f"{list(names)} for builder {card.recipe.builder!r}")


def write_png(path: Path, array: np.ndarray) -> None:
    """Write a uint8 (H, W) or (H, W, 3) array as PNG, byte-for-byte reproducibly."""
    if array.dtype != np.uint8:
        raise ValueError(f"PNG arrays must be uint8, got {array.dtype}")
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path, format="PNG", optimize=False, compress_level=6)


def write_json(path: Path, obj: Any, *, indent: int | None = None) -> None:
    """Write JSON with sorted keys (stable bytes for equal content)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(obj, sort_keys=True, indent=indent, separators=separators,
                      ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_meta(out_dir: Path, card: DataCard, scale: float, sizes: dict[str, int],
               layout: dict[str, Any]) -> None:
    """`meta.json`: what a trainer needs to read the files, without parsing the card."""
    meta: dict[str, Any] = {
        "name": card.name,
        "task": card.task,
        "classes": card.class_names,
        "image_size": list(card.image_size),
        "modality": card.modality,
        "splits": sizes,
        "scale": scale,
        "builder": card.recipe.builder,
        "seed": card.recipe.seed,
        "layout_version": LAYOUT_VERSION,
        "layout": layout,
    }
    if card.keypoints is not None:
        meta["keypoints"] = card.keypoints.model_dump(mode="json")
    write_json(out_dir / "meta.json", meta, indent=2)


def check_task(card: DataCard, task: str) -> None:
    if card.task != task:
        raise ZooError(f"dataset card {card.name!r} is a {card.task} card but builder "
                       f"{card.recipe.builder!r} builds {task} datasets")
