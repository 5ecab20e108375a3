"""Where the OpenMMLab toolboxes keep their shipped configs and metafiles.

Every toolbox wheel carries its configs under `<package>/.mim/configs`; model cards name a
config by its path below that directory. Paths are found with `importlib.util.find_spec`, which
locates the package without importing it: importing mmdet or mmpose pulls in torch and mmcv
(seconds), and checking that a card's config exists should not need that.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path
from typing import Literal

from autommlab.errors import ZooError

Toolbox = Literal["mmpretrain", "mmdet", "mmsegmentation", "mmpose"]

# Distribution name (what cards and pip use) -> import name, which is also the registry scope.
PACKAGES: dict[str, str] = {
    "mmpretrain": "mmpretrain",
    "mmdet": "mmdet",
    "mmsegmentation": "mmseg",
    "mmpose": "mmpose",
}


def package_name(toolbox: str) -> str:
    """Import name (and registry scope) of a toolbox distribution, e.g. 'mmseg'."""
    try:
        return PACKAGES[toolbox]
    except KeyError:
        raise ZooError(
            f"unknown toolbox {toolbox!r}; model cards may use {sorted(PACKAGES)}") from None


def toolbox_version(toolbox: str) -> str:
    """Installed version of the toolbox distribution (recorded next to metafile figures)."""
    try:
        return importlib.metadata.version(toolbox)
    except importlib.metadata.PackageNotFoundError:
        raise ZooError(_not_installed(toolbox)) from None


def configs_root(toolbox: str) -> Path:
    """`<site-packages>/<package>/.mim/configs` of an installed toolbox, without importing it."""
    spec = importlib.util.find_spec(package_name(toolbox))
    if spec is None or not spec.submodule_search_locations:
        raise ZooError(_not_installed(toolbox))
    root = Path(next(iter(spec.submodule_search_locations))) / ".mim" / "configs"
    if not root.is_dir():
        raise ZooError(f"{toolbox} is installed but ships no configs at {root}")
    return root


def config_file(toolbox: str, base_config: str) -> Path:
    """Absolute path of a card's base_config; ZooError says which file is missing."""
    relative = Path(base_config)
    if relative.is_absolute() or ".." in relative.parts:
        raise ZooError(f"base_config must be a path inside {toolbox}'s configs: {base_config!r}")
    path = configs_root(toolbox) / relative
    if not path.is_file():
        raise ZooError(f"{toolbox} {toolbox_version(toolbox)} ships no config {base_config!r} "
                       f"(looked in {configs_root(toolbox)})")
    return path


def _not_installed(toolbox: str) -> str:
    return (f"{toolbox} is not installed; install the 'vision' extra "
            f"(infra/setup.sh) to measure or train {toolbox} models")
