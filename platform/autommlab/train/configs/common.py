"""Small helpers the task builders share: data loaders, dataset metadata, head sizes.

Kept out of `base.py` (the builder contract) so a builder for a new task can use them or not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autommlab.errors import TrainingError

if TYPE_CHECKING:
    from autommlab.zoo.cards import DataCard

# Validation batches: large enough to be quick, small enough for the CPU's memory.
VAL_BATCH_SIZE = 16
# Dataset tags whose images change meaning when mirrored.
NO_FLIP_TAGS: frozenset[str] = frozenset({"digits", "handwriting", "ocr", "text"})


def dataloader(dataset: dict[str, Any], batch_size: int, *, train: bool) -> dict[str, Any]:
    """An MMEngine dataloader dict for CPU training.

    Data loads in the main process (num_workers=0): the machines this runs on have few
    cores, all taken by torch, and worker processes there only add fork and IPC time.
    Training iterates an InfiniteSampler (iteration-based loops have no epochs).
    """
    sampler = ({"type": "InfiniteSampler", "shuffle": True} if train
               else {"type": "DefaultSampler", "shuffle": False})
    return {"batch_size": batch_size, "num_workers": 0, "persistent_workers": False,
            "sampler": sampler, "dataset": dataset}


def split_dataloaders(dataset: Callable[[str, list[dict[str, Any]]], dict[str, Any]],
                      batch_size: int, train_pipeline: list[dict[str, Any]],
                      eval_pipeline: list[dict[str, Any]]) -> dict[str, Any]:
    """`train_dataloader` / `val_dataloader` / `test_dataloader` of one task: `dataset(split,
    pipeline)` builds the task's dataset dict; evaluation splits use VAL_BATCH_SIZE."""
    return {
        "train_dataloader": dataloader(dataset("train", train_pipeline), batch_size,
                                       train=True),
        "val_dataloader": dataloader(dataset("val", eval_pipeline), VAL_BATCH_SIZE,
                                     train=False),
        "test_dataloader": dataloader(dataset("test", eval_pipeline), VAL_BATCH_SIZE,
                                      train=False),
    }


def read_meta(data_root: Path) -> dict[str, Any]:
    """The dataset's meta.json (classes, splits, layout), written by the zoo builders."""
    path = Path(data_root) / "meta.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrainingError(f"{data_root} has no meta.json: it is not a dataset built by "
                            "`autommlab zoo build` (or a subset of one)") from None
    except (OSError, ValueError) as exc:
        raise TrainingError(f"cannot read {path}: {exc}") from exc
    if not isinstance(meta, dict):
        raise TrainingError(f"{path} is not a JSON object")
    return meta


def allows_hflip(card: DataCard) -> bool:
    """Whether a horizontal flip keeps labels valid: not for digits or text (a mirrored
    '2' or '7' is no digit), nor for datasets whose recipe says objects are never mirrored."""
    if card.recipe.params.get("hflip") is False:
        return False
    return not NO_FLIP_TAGS & set(card.tags)


def set_num_classes(head: Any, num_classes: int, *, skip_types: tuple[str, ...] = ()) -> None:
    """Set `num_classes` on a head config, or on each head of a list of heads (in place).

    `skip_types` names heads whose class count is not the dataset's (STDC's boundary head
    always predicts 2 classes: edge / no edge).
    """
    heads = head if isinstance(head, list | tuple) else [head]
    for item in heads:
        if isinstance(item, dict) and item.get("type") not in skip_types \
                and "num_classes" in item:
            item["num_classes"] = num_classes
