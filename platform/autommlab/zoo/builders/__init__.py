"""Dataset builders: one module per builder, each registering itself by name.

A builder turns a data card into dataset files:

    @register_builder("mnist_classification")
    def build(card: DataCard, out_dir: Path, scale: float = 1.0) -> None: ...

The card's `recipe.builder` names the builder, `recipe.seed` seeds every random choice and
`recipe.params` configures it; `scale` shrinks the split sizes (fast tests, smoke builds).
Same card and scale -> byte-identical files.

Adding a builder means adding a module here: nothing else changes (PEFT-style
self-registration, no central switch). Modules are discovered and imported on the first
lookup; modules whose name starts with '_' are shared helpers, not builders. A builder
module that cannot be imported (a missing optional package) does not hide the others: its
error is reported when a lookup fails.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from rapidfuzz import process, utils

from autommlab.errors import ZooError
from autommlab.zoo.cards import DataCard


class DatasetBuilder(Protocol):
    def __call__(self, card: DataCard, out_dir: Path, scale: float = 1.0) -> None: ...


_REGISTRY: dict[str, DatasetBuilder] = {}
_IMPORT_ERRORS: dict[str, str] = {}
_discovered = False


def register_builder(name: str) -> Callable[[DatasetBuilder], DatasetBuilder]:
    """Decorator: make the decorated function the builder called `name`."""

    def decorate(fn: DatasetBuilder) -> DatasetBuilder:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ZooError(f"dataset builder {name!r} is registered twice")
        _REGISTRY[name] = fn
        return fn

    return decorate


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{__name__}.{info.name}")
        except ImportError as exc:
            _IMPORT_ERRORS[info.name] = str(exc)
    _discovered = True


def builder_names() -> list[str]:
    """Every registered builder name, sorted."""
    _discover()
    return sorted(_REGISTRY)


def get_builder(name: str) -> DatasetBuilder:
    """The builder registered as `name`; ZooError with the closest names if there is none."""
    _discover()
    if name in _REGISTRY:
        return _REGISTRY[name]
    close = [m[0] for m in process.extract(name, list(_REGISTRY), limit=3,
                                                processor=utils.default_process)]
    msg = f"unknown dataset builder {name!r}; closest: {', '.join(close) or 'none'}"
    if _IMPORT_ERRORS:
        failed = "; ".join(f"{mod}: {err}" for mod, err in sorted(_IMPORT_ERRORS.items()))
        msg += f". Builder modules that failed to import: {failed}"
    raise ZooError(msg)
