"""Real objects to paste: Fashion-MNIST garments and MNIST digits, with exact masks.

An object is the source image's own pixels, resized and rotated; its mask is what a
threshold keeps of them (holes filled for garments, kept for digits: the inside of a '0' is
not the digit), without specks (8-connected parts under a tenth of the largest one), so
stray pixels do not widen the box. The pasted pixels are exactly the mask's pixels, so the
box, the instance mask, the label PNG and the keypoints all derive from one array and agree
by construction.

Leakage: a dataset's train split takes objects from the source's official training set;
val and test take them from the two halves of the official test set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from autommlab.errors import ZooError
from autommlab.zoo.sources import labeled_source

_EIGHT_CONNECTED = np.ones((3, 3), dtype=bool)


@dataclass(frozen=True)
class ObjectPool:
    """The source images of one split, grouped by the dataset's category index."""

    images: np.ndarray  # (N, 28, 28) uint8, the whole source split (read-only)
    by_category: tuple[np.ndarray, ...]  # indices into `images`, one array per category

    def draw(self, rng: np.random.Generator) -> tuple[int, np.ndarray]:
        """A uniformly chosen category, then a uniformly chosen image of it."""
        category = int(rng.integers(len(self.by_category)))
        indices = self.by_category[category]
        return category, self.images[int(indices[rng.integers(indices.size)])]


def object_pool(source: str, category_classes: Sequence[Sequence[str]], split: str
                ) -> ObjectPool:
    """Images of `split` for each category; `category_classes[k]` lists the source's
    official label names that make up category k (one for a detector class, several for a
    merged class like 'footwear')."""
    data = labeled_source(source, "train" if split == "train" else "test")
    selected = np.arange(len(data))
    if split != "train":
        half = len(data) // 2
        selected = selected[:half] if split == "val" else selected[half:]
    by_category = []
    for names in category_classes:
        unknown = [n for n in names if n not in data.class_names]
        if unknown:
            raise ZooError(f"{source} has no class {unknown}; its classes are "
                           f"{list(data.class_names)}")
        labels = [data.class_names.index(n) for n in names]
        by_category.append(selected[np.isin(data.labels[selected], labels)])
    return ObjectPool(data.images, tuple(by_category))


@dataclass(frozen=True)
class Sprite:
    """An object ready to paste: colour pixels and a mask, cropped to the mask's tight box."""

    rgb: np.ndarray  # (h, w, 3) uint8, zero outside the mask
    mask: np.ndarray  # (h, w) bool; every border row and column holds a mask pixel
    keypoints: tuple[tuple[float, float], ...] | None = None  # (x, y) in sprite pixels


@dataclass(frozen=True)
class SpriteStyle:
    size: tuple[int, int]  # side of the resized 28x28 frame, pixels (inclusive range)
    max_rotation: float  # degrees, uniform in [-max, max]
    threshold: int  # source intensity (0-255) at or above which a pixel is object
    fill_holes: bool
    hflip: bool  # random horizontal mirror (garments yes; digits no: a mirrored 2 is not a 2)
    min_pixels: int = 12


def make_sprite(gray: np.ndarray, rng: np.random.Generator, style: SpriteStyle
                ) -> Sprite | None:
    """Resize, rotate, mirror and colour one source image; None when too little remains."""
    side = int(rng.integers(style.size[0], style.size[1] + 1))
    angle = float(rng.uniform(-style.max_rotation, style.max_rotation))
    mirror = style.hflip and bool(rng.integers(2))
    colour = rng.uniform(0.55, 1.0, size=3)
    image = Image.fromarray(gray).resize((side, side), Image.Resampling.BILINEAR)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True,
                             fillcolor=0)
    if mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    values = np.asarray(image, dtype=np.uint8)
    mask = object_mask(values, style.threshold, style.fill_holes)
    if int(mask.sum()) < style.min_pixels:
        return None
    rows, cols = np.nonzero(mask)
    crop = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
    values, mask = values[crop], mask[crop]
    # Shading keeps the object's real texture; the floor keeps dark parts visible.
    shade = 0.3 + 0.7 * values.astype(np.float64) / 255.0
    rgb = np.rint(shade[..., None] * colour[None, None, :] * 255.0).astype(np.uint8)
    rgb[~mask] = 0
    return Sprite(rgb=rgb, mask=mask)


def object_mask(values: np.ndarray, threshold: int, fill_holes: bool,
                min_part: float = 0.1) -> np.ndarray:
    """Threshold, optionally fill holes, then drop 8-connected specks smaller than
    `min_part` of the largest component (a stroke broken by resizing, like the bar of a
    '5', stays; isolated noise pixels go)."""
    mask = values >= threshold
    if fill_holes:
        mask = ndimage.binary_fill_holes(mask)
    labels, count = ndimage.label(mask, structure=_EIGHT_CONNECTED)
    if count <= 1:
        return mask.astype(bool)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    keep = sizes >= min_part * sizes.max()
    keep[0] = False
    return keep[labels]


def draw_sprite(pool: ObjectPool, rng: np.random.Generator, style: SpriteStyle,
                attempts: int = 8) -> tuple[int, Sprite]:
    """A category and a usable sprite of it (retries the rare near-empty source image)."""
    for _ in range(attempts):
        category, gray = pool.draw(rng)
        sprite = make_sprite(gray, rng, style)
        if sprite is not None:
            return category, sprite
    raise ZooError("could not cut a usable object out of the source images: lower the "
                   "recipe's threshold or raise its object size")
