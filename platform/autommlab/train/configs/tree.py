"""Small edits of OpenMMLab config trees (nested dicts and lists) for the task builders.

Shipped configs assume ImageNet/COCO-pretrained backbones; training here starts from random
weights. (SyncBN -> BN and epoch-only custom hooks are handled for every task by
`autommlab.train.config`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def to_plain(node: Any) -> Any:
    """A deep copy of a config tree with mmengine ConfigDicts turned into plain dicts, so that
    edits never write back into the shipped config (load_model_config may be cached)."""
    if isinstance(node, dict):
        return {key: to_plain(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return type(node)(to_plain(item) for item in node)
    return node


def walk_dicts(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a config tree, parents before children."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_dicts(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from walk_dicts(item)


def unfreeze_backbone(backbone: dict[str, Any]) -> None:
    """Train every stage and let BN statistics update: freezing early stages and norm layers
    only makes sense on top of pretrained weights, and these weights are random."""
    if "frozen_stages" in backbone:
        backbone["frozen_stages"] = -1
    if "norm_eval" in backbone:
        backbone["norm_eval"] = False


def round_up(value: int, multiple: int) -> int:
    return -(-int(value) // multiple) * multiple
