"""Texture patches (brick, grass, gravel...) cut from scikit-image's real texture photos.

Every class is one texture image. Splits come from disjoint horizontal bands of it (train:
the top 60 % of the rows, val: the next 20 %, test: the last 20 %), so no val or test pixel
was ever seen in training. Patches vary in size (then resized to the card's image size),
orientation (90-degree turns, mirroring), brightness and contrast.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import Field, model_validator

from autommlab.errors import ZooError
from autommlab.zoo.builders import register_builder
from autommlab.zoo.builders._common import (
    BuilderParams,
    check_classes,
    check_task,
    image_rng,
    parse_params,
)
from autommlab.zoo.builders._imagefolder import build_imagefolder
from autommlab.zoo.cards import DataCard
from autommlab.zoo.sources import TEXTURES, skimage_image

BANDS: dict[str, tuple[float, float]] = {"train": (0.0, 0.6), "val": (0.6, 0.8),
                                         "test": (0.8, 1.0)}


class TextureParams(BuilderParams):
    textures: list[str] = Field(default_factory=lambda: list(TEXTURES),
                                description="scikit-image texture per card class, in order")
    crop: tuple[int, int] = Field(default=(32, 96), description="patch side range, source px")

    @model_validator(mode="after")
    def _crop_range(self) -> TextureParams:
        if not 8 <= self.crop[0] <= self.crop[1]:
            raise ValueError("crop must be (low, high) with 8 <= low <= high")
        return self


@register_builder("texture_classification")
def build(card: DataCard, out_dir: Path, scale: float = 1.0) -> None:
    check_task(card, "classification")
    params = parse_params(card, TextureParams)
    check_classes(card, len(params.textures), f"textures {params.textures}")
    height, width = card.image_size

    def sample(split: str, index: int) -> np.ndarray:
        rng = image_rng(card, split, index)
        source = skimage_image(params.textures[index % len(params.textures)])
        if source.ndim == 3:
            source = np.asarray(Image.fromarray(source).convert("L"))
        rows, cols = source.shape
        top_row, end_row = (round(f * rows) for f in BANDS[split])
        largest = min(params.crop[1], end_row - top_row, cols)
        if largest < params.crop[0]:
            raise ZooError(f"dataset card {card.name!r}: the {split} band of the texture is "
                           f"{end_row - top_row} rows, smaller than crop {params.crop[0]}")
        side = int(rng.integers(params.crop[0], largest + 1))
        top = int(rng.integers(top_row, end_row - side + 1))
        left = int(rng.integers(cols - side + 1))
        turns = int(rng.integers(4))
        mirror = bool(rng.integers(2))
        gain, contrast = rng.uniform(0.75, 1.25, size=2)

        patch = Image.fromarray(source[top:top + side, left:left + side])
        pixels = np.asarray(patch.resize((width, height), Image.Resampling.BILINEAR),
                            dtype=np.float64)
        pixels = np.rot90(pixels, turns)
        if mirror:
            pixels = pixels[:, ::-1]
        mean = pixels.mean()
        pixels = (pixels - mean) * contrast + mean * gain
        return np.ascontiguousarray(np.rint(np.clip(pixels, 0, 255)).astype(np.uint8))

    build_imagefolder(card, out_dir, scale, sample)
