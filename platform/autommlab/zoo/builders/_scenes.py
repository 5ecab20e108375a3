"""Composing a scene: objects pasted onto a background without touching each other.

Objects never overlap (their boxes keep a gap of `min_gap` pixels), so every instance is
fully visible: the box is the tight box of the whole object, the instance masks do not
compete for pixels, a semantic label PNG is unambiguous and every keypoint is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from autommlab.zoo.builders._objects import Sprite


@dataclass(frozen=True)
class Instance:
    """One pasted object in image coordinates."""

    category: int  # index into the card's classes
    mask: np.ndarray  # (H, W) bool
    keypoints: tuple[tuple[float, float], ...] | None = None  # (x, y), pixel-index coords


@dataclass(frozen=True)
class Scene:
    image: np.ndarray  # (H, W, 3) uint8
    instances: tuple[Instance, ...]


def tight_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """COCO box [x, y, w, h] of a mask: the smallest pixel rectangle holding every pixel."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise ValueError("empty mask has no box")
    return (int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1),
            int(rows[-1] - rows[0] + 1))


def compose(background: np.ndarray, sprites: Sequence[tuple[int, Sprite]],
            rng: np.random.Generator, min_gap: int = 2, attempts: int = 40) -> Scene:
    """Paste `(category, sprite)` pairs at random free positions; a sprite that finds no
    free place after `attempts` tries is left out (the first always fits if it is smaller
    than the image)."""
    image = background.copy()
    height, width = image.shape[:2]
    boxes: list[tuple[int, int, int, int]] = []  # x0, y0, x1, y1 (exclusive), gap included
    instances: list[Instance] = []
    for category, sprite in sprites:
        h, w = sprite.mask.shape
        if h > height or w > width:
            continue
        for _ in range(attempts):
            y = int(rng.integers(height - h + 1))
            x = int(rng.integers(width - w + 1))
            box = (x - min_gap, y - min_gap, x + w + min_gap, y + h + min_gap)
            if not any(_intersects(box, other) for other in boxes):
                break
        else:
            continue
        boxes.append(box)
        region = image[y:y + h, x:x + w]
        region[sprite.mask] = sprite.rgb[sprite.mask]
        mask = np.zeros((height, width), dtype=bool)
        mask[y:y + h, x:x + w] = sprite.mask
        points = None if sprite.keypoints is None else tuple(
            (kx + x, ky + y) for kx, ky in sprite.keypoints)
        instances.append(Instance(category=category, mask=mask, keypoints=points))
    return Scene(image=image, instances=tuple(instances))


def _intersects(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
