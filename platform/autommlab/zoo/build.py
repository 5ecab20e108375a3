"""Build the built-in datasets from their cards and publish them to a store.

`build_dataset` runs the card's registered builder into a private temporary directory, adds
the card itself (`card.yaml`, so an artifact describes itself), and publishes the directory
with `Store.publish_dir`: readers of `zoo/datasets/<name>/` see the previous complete
dataset or the new complete one, never a half-written one. The manifest lists every file
with its sha256; builds are deterministic, so equal checksums mean an equal dataset.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from autommlab.store.base import Manifest, Store
from autommlab.zoo.builders import get_builder
from autommlab.zoo.cards import DataCard, dump_card

DATASETS_PREFIX = "zoo/datasets"
CARD_FILE = "card.yaml"


def dataset_prefix(name: str) -> str:
    """Store prefix of a built dataset, e.g. 'zoo/datasets/mnist'."""
    return f"{DATASETS_PREFIX}/{name}"


@dataclass(frozen=True)
class BuildResult:
    name: str
    manifest: Manifest
    seconds: float


class BuildProgress(Protocol):
    """Told before each build (`result` None) and after it (`result` set); `index` is
    0-based, `total` the number of cards."""

    def __call__(self, name: str, index: int, total: int, result: BuildResult | None
                 ) -> None: ...


def build_dataset(card: DataCard, store: Store, scale: float = 1.0,
                  workdir: Path | None = None) -> Manifest:
    """Build `card`'s dataset at `scale` and publish it to `zoo/datasets/<name>/`.

    `workdir` is where the temporary build directory goes (default: the system temp dir);
    it is removed afterwards whatever happens.
    """
    builder = get_builder(card.recipe.builder)
    with tempfile.TemporaryDirectory(prefix=f"autommlab-build-{card.name}-",
                                     dir=workdir) as tmp:
        out_dir = Path(tmp) / card.name
        out_dir.mkdir()
        builder(card, out_dir, scale)
        (out_dir / CARD_FILE).write_text(dump_card(card), encoding="utf-8")
        metadata = {
            "kind": "dataset",
            "name": card.name,
            "task": card.task,
            "builder": card.recipe.builder,
            "seed": str(card.recipe.seed),
            "scale": repr(float(scale)),
        }
        return store.publish_dir(dataset_prefix(card.name), out_dir, metadata=metadata)


def build_all(cards: Iterable[DataCard], store: Store, scale: float = 1.0,
              progress: BuildProgress | None = None, workdir: Path | None = None
              ) -> list[BuildResult]:
    """Build and publish every card in order; stops at the first failure (the datasets
    published before it stay published, each complete)."""
    todo = list(cards)
    results: list[BuildResult] = []
    for index, card in enumerate(todo):
        if progress is not None:
            progress(card.name, index, len(todo), None)
        started = time.perf_counter()
        manifest = build_dataset(card, store, scale=scale, workdir=workdir)
        result = BuildResult(card.name, manifest, time.perf_counter() - started)
        results.append(result)
        if progress is not None:
            progress(card.name, index, len(todo), result)
    return results
