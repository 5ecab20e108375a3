"""Where a COCO-format (sub-)dataset keeps each split (zoo/datasets/README.md, "Layouts"):
`<split>/images/<id:06d>.png` and `<split>/annotations.json` under the dataset root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autommlab.errors import TrainingError


@dataclass(frozen=True)
class CocoSplit:
    root: Path
    name: str

    @property
    def ann_file(self) -> str:
        """Relative to the dataset root (what dataset configs take with data_root)."""
        return f"{self.name}/annotations.json"

    @property
    def img_prefix(self) -> str:
        return f"{self.name}/images/"

    @property
    def ann_path(self) -> str:
        """Absolute path, for evaluators (they do not know the data root)."""
        return str(self.root / self.ann_file)


def coco_split(data_root: Path, name: str, *, fallback: str | None = None) -> CocoSplit:
    """The split `name`, or `fallback` when the dataset has no such split (a dataset without
    a test split is tested on val). TrainingError names the missing file otherwise."""
    root = Path(data_root).resolve()
    for candidate in (name, fallback):
        if candidate and (root / candidate / "annotations.json").is_file():
            return CocoSplit(root, candidate)
    raise TrainingError(
        f"dataset at {root} has no {name}/annotations.json: expected the COCO layout "
        "<split>/images/<id:06d>.png + <split>/annotations.json (zoo/datasets/README.md)")
