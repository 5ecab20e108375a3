"""Lazy re-exports for package `__init__` modules (Ray Tune's pattern).

A package lists `{name: module}` and sets `__getattr__ = lazy_exports(__name__, _EXPORTS)`:
the module is imported on first use of the name, so importing the package stays cheap
(no torch, Ray or toolbox import until something that needs them is touched).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module-level `__getattr__` that imports `exports[name]` and returns its `name`."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
