"""Real backgrounds: random crops of scikit-image's sample textures and photos.

Grayscale textures get a random colour tint and every crop is darkened by a random factor,
so pasted objects (drawn bright) stay distinguishable while the clutter stays real. The
crops are context, not labels: all splits draw from the same images (the objects, which
carry the labels, come from disjoint source splits).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from autommlab.errors import ZooError
from autommlab.zoo.sources import SKIMAGE_IMAGES, skimage_image

#: Background sets a recipe may name instead of listing images.
BACKGROUND_SETS: dict[str, tuple[str, ...]] = {
    "textures": ("brick", "grass", "gravel"),
    "photos": ("coffee", "camera", "astronaut", "rocket", "coins", "hubble_deep_field",
               "retina", "immunohistochemistry", "clock"),
}


def resolve_backgrounds(names: Sequence[str]) -> tuple[str, ...]:
    """Expand set names ('textures', 'photos') and check every image name."""
    out: list[str] = []
    for name in names:
        for image in BACKGROUND_SETS.get(name, (name,)):
            if image not in SKIMAGE_IMAGES:
                raise ZooError(f"unknown background {image!r}; use one of "
                               f"{sorted(BACKGROUND_SETS)} or {sorted(SKIMAGE_IMAGES)}")
            if image not in out:
                out.append(image)
    if not out:
        raise ZooError("a recipe needs at least one background image")
    return tuple(out)


def background(rng: np.random.Generator, names: Sequence[str], size: tuple[int, int],
               brightness: tuple[float, float] = (0.35, 0.7)) -> np.ndarray:
    """A (H, W, 3) uint8 crop of a randomly chosen image, rescaled to `size` = (H, W)."""
    height, width = size
    source = skimage_image(names[int(rng.integers(len(names)))])
    src_h, src_w = source.shape[:2]
    # Crop a region with the output's aspect ratio, 30-90 % of the short side.
    fraction = float(rng.uniform(0.3, 0.9))
    crop_h = max(8, min(src_h, round(min(src_h, src_w * height / width) * fraction)))
    crop_w = max(8, min(src_w, round(crop_h * width / height)))
    top = int(rng.integers(src_h - crop_h + 1))
    left = int(rng.integers(src_w - crop_w + 1))
    mirror = bool(rng.integers(2))
    tint = rng.uniform(0.5, 1.0, size=3)
    gain = float(rng.uniform(*brightness))

    crop = Image.fromarray(source[top:top + crop_h, left:left + crop_w])
    crop = crop.resize((width, height), Image.Resampling.BILINEAR)
    if mirror:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    pixels = np.asarray(crop, dtype=np.float64)
    if pixels.ndim == 2:
        pixels = pixels[..., None] * tint[None, None, :]
    return np.rint(np.clip(pixels * gain, 0, 255)).astype(np.uint8)
