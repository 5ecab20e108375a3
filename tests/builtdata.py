"""Small built-in datasets for training / export tests, built once per test session.

`build_subset(name, dest, classes, scale)` builds the zoo dataset `name` into a private local
store under `dest` at `scale` (0.1 = a tenth of the card's split sizes: 80/20/20 images for
the COCO sets) and cuts the sub-dataset of `classes` (all classes when None) into
`dest/data`, exactly the way the pipeline prepares data for training.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autommlab.select.subset import make_subset
from autommlab.store.local import LocalStore
from autommlab.zoo.build import build_dataset, dataset_prefix
from autommlab.zoo.catalog import load_cards


def build_subset(name: str, dest: Path, classes: list[str] | None = None,
                 scale: float = 0.1) -> Path:
    card = load_cards().dataset(name)
    store = LocalStore(dest / "store")
    if store.read_manifest(dataset_prefix(name)) is None:
        build_dataset(card, store, scale=scale)
    with tempfile.TemporaryDirectory() as tmp:
        store.fetch_artifact(dataset_prefix(name), Path(tmp) / name)
        return make_subset(Path(tmp) / name, classes or card.class_names, dest / "data")
