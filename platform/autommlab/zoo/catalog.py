"""The zoo catalog: every data card and model card, read from a zoo directory.

Layout: `<zoo>/datasets/**/*.yaml` (DataCard) and `<zoo>/models/**/*.yaml` (ModelCard).
A card's file name must be its name (`mnist.yaml` holds `name: mnist`), so a card can be
found from its name without reading the others, and names are unique.

The default zoo is `$AUTOMMLAB_ZOO_DIR`, else the repository's `zoo/` (next to `platform/`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rapidfuzz import process, utils

import autommlab
from autommlab.errors import ZooError
from autommlab.zoo.cards import Card, DataCard, ModelCard, load_card

ZOO_DIR_ENV = "AUTOMMLAB_ZOO_DIR"
C = TypeVar("C", DataCard, ModelCard)


def default_zoo_dir() -> Path:
    override = os.environ.get(ZOO_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(autommlab.__file__).resolve().parents[2] / "zoo"


@dataclass(frozen=True)
class ZooCatalog:
    """All cards of one zoo directory, each tuple sorted by name."""

    root: Path
    datasets: tuple[DataCard, ...]
    models: tuple[ModelCard, ...]

    def dataset(self, name: str) -> DataCard:
        return _lookup(self.datasets, name, "dataset")

    def model(self, name: str) -> ModelCard:
        return _lookup(self.models, name, "model")


def load_cards(zoo_dir: Path | None = None) -> ZooCatalog:
    """Read and validate every card under `zoo_dir` (default: `default_zoo_dir()`)."""
    root = Path(zoo_dir) if zoo_dir is not None else default_zoo_dir()
    if not root.is_dir():
        raise ZooError(f"zoo directory {root} does not exist (set {ZOO_DIR_ENV} or pass "
                       "the directory holding datasets/ and models/)")
    return ZooCatalog(root=root,
                      datasets=_read_kind(root / "datasets", DataCard),
                      models=_read_kind(root / "models", ModelCard))


def _read_kind(folder: Path, kind: type[C]) -> tuple[C, ...]:
    if not folder.is_dir():
        return ()
    paths = sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")])
    cards: dict[str, C] = {}
    for path in paths:
        card: Card = load_card(path)
        if not isinstance(card, kind):
            raise ZooError(f"{path} is a {card.kind} card inside {folder}, which holds "
                           f"{kind.model_fields['kind'].default} cards only")
        if card.name != path.stem:
            raise ZooError(f"{path}: the card is named {card.name!r}; rename the file to "
                           f"{card.name}{path.suffix} (a card's file name is its name)")
        if card.name in cards:
            raise ZooError(f"two cards named {card.name!r} under {folder}")
        cards[card.name] = card
    return tuple(cards[name] for name in sorted(cards))


def _lookup(cards: tuple[C, ...], name: str, what: str) -> C:
    for card in cards:
        if card.name == name:
            return card
    names = [card.name for card in cards]
    close = [match[0] for match in process.extract(name, names, limit=3,
                                                     processor=utils.default_process)]
    hint = f"closest: {', '.join(close)}" if close else f"the zoo has no {what} cards"
    raise ZooError(f"no {what} named {name!r} in the zoo; {hint}")
