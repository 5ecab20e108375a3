"""Fashion-MNIST garments, 28x28 grayscale, in the image-folder layout."""

from __future__ import annotations

from pathlib import Path

from autommlab.zoo.builders import register_builder
from autommlab.zoo.builders._labeled import build_labeled
from autommlab.zoo.cards import DataCard


@register_builder("fashion_mnist_classification")
def build(card: DataCard, out_dir: Path, scale: float = 1.0) -> None:
    build_labeled(card, out_dir, scale, "fashion_mnist")
