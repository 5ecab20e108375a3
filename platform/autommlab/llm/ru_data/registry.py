"""The kind registry: slot-built kinds add their builder with `@register(kind)`; the
build looks them up by kind. One shape for all: (slots, pool, rng) -> (text, parse)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from autommlab.llm.ru_data.slots import Slots, _Pools

_Builder = Callable[[Slots, _Pools, random.Random], tuple[str, dict[str, Any]]]
#: Kind -> its slot builder; filled by `register` when a kind module is imported.
_BUILDERS: dict[str, _Builder] = {}


def register(kind: str) -> Callable[[_Builder], _Builder]:
    """Decorator: record the decorated function as the builder of `kind` (unchanged)."""
    def add(builder: _Builder) -> _Builder:
        if kind in _BUILDERS:
            raise ValueError(f"kind {kind!r} registered twice")
        _BUILDERS[kind] = builder
        return builder
    return add
