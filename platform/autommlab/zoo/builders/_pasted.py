"""The 'pasted objects' family: real garments or digits on real backgrounds.

The detection, segmentation and keypoint builders of this family differ only in what they
write on top of the same scenes, so the scene recipe (and its params) lives here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from autommlab.errors import ZooError
from autommlab.zoo.builders._backgrounds import background, resolve_backgrounds
from autommlab.zoo.builders._common import BuilderParams, image_rng, parse_params
from autommlab.zoo.builders._objects import ObjectPool, SpriteStyle, draw_sprite, object_pool
from autommlab.zoo.builders._scenes import Scene, compose
from autommlab.zoo.cards import DataCard
from autommlab.zoo.sources import FASHION_MNIST_CLASSES, MNIST_CLASSES


class PastedParams(BuilderParams):
    source: Literal["fashion_mnist", "mnist"]
    source_classes: list[str] | None = Field(
        default=None, description="official source labels, one per card class in card order; "
        "for a single-class card, every listed label becomes that class. Default: all.")
    backgrounds: list[str] = Field(default_factory=lambda: ["textures"],
                                   description="scikit-image images or sets: textures, photos")
    objects_per_image: tuple[int, int] = (1, 4)
    object_size: tuple[int, int] = Field(default=(26, 56),
                                         description="side of the resized 28x28 frame, px")
    max_rotation: float = Field(default=15.0, ge=0, le=180)
    threshold: int = Field(default=48, ge=1, le=255)
    fill_holes: bool = True
    hflip: bool = True
    min_gap: int = Field(default=2, ge=0)

    @model_validator(mode="after")
    def _ranges(self) -> PastedParams:
        for name in ("objects_per_image", "object_size"):
            low, high = getattr(self, name)
            if not 1 <= low <= high:
                raise ValueError(f"{name} must be (low, high) with 1 <= low <= high")
        return self

    def classes(self) -> list[str]:
        every = FASHION_MNIST_CLASSES if self.source == "fashion_mnist" else MNIST_CLASSES
        return list(self.source_classes or every)


class PastedScenes:
    """Scene `index` of `split` for a card: a pure function of (seed, split, index)."""

    def __init__(self, card: DataCard, params: PastedParams) -> None:
        source_classes = params.classes()
        if len(card.classes) == 1:
            groups: list[list[str]] = [source_classes]
        elif len(card.classes) == len(source_classes):
            groups = [[name] for name in source_classes]
        else:
            raise ZooError(f"dataset card {card.name!r} lists {len(card.classes)} classes but "
                           f"recipe.params.source_classes has {len(source_classes)}")
        self.card = card
        self.params = params
        self.groups = groups
        self.backgrounds = resolve_backgrounds(params.backgrounds)
        self.style = SpriteStyle(size=params.object_size, max_rotation=params.max_rotation,
                                 threshold=params.threshold, fill_holes=params.fill_holes,
                                 hflip=params.hflip)
        self._pools: dict[str, ObjectPool] = {}

    def pool(self, split: str) -> ObjectPool:
        if split not in self._pools:
            self._pools[split] = object_pool(self.params.source, self.groups, split)
        return self._pools[split]

    def scene(self, split: str, index: int) -> Scene:
        rng = image_rng(self.card, split, index)
        height, width = self.card.image_size
        canvas = background(rng, self.backgrounds, (height, width))
        low, high = self.params.objects_per_image
        count = int(rng.integers(low, high + 1))
        sprites = [draw_sprite(self.pool(split), rng, self.style) for _ in range(count)]
        return compose(canvas, sprites, rng, min_gap=self.params.min_gap)


def pasted_scenes(card: DataCard) -> PastedScenes:
    """The card's scene generator, its recipe.params validated."""
    return PastedScenes(card, parse_params(card, PastedParams))
