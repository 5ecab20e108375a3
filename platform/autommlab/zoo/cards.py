"""Data cards and model cards: the typed content of the zoo (YAML files under `zoo/`).

Following AutoML-GPT, a card is a short structured description that request understanding,
selection and hyperparameter transfer can all read. Cards are validated by pydantic when
loaded; a bad card is a ZooError naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autommlab.errors import ZooError
from autommlab.tasks import Task


class _Card(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClassInfo(_Card):
    name: str = Field(description="class label as stored in the annotations, lower case")
    synset: str | None = Field(
        default=None, description="WordNet synset id, e.g. 'sneaker.n.01'; None if none fits")
    aliases: list[str] = Field(default_factory=list, description="other names users use")


class SplitSizes(_Card):
    train: int = Field(ge=0)
    val: int = Field(ge=0)
    test: int = Field(ge=0)


class KeypointSpec(_Card):
    names: list[str]
    skeleton: list[tuple[int, int]] = Field(default_factory=list)
    flip_pairs: list[tuple[int, int]] = Field(default_factory=list)
    sigmas: list[float] = Field(default_factory=list, description="OKS sigmas, one per keypoint")


class DatasetRecipe(_Card):
    """How `autommlab zoo build` regenerates the dataset deterministically."""

    builder: str = Field(description="registered builder name, e.g. 'fashion_mnist_classification'")
    seed: int = 0
    params: dict[str, Any] = Field(default_factory=dict)


class DataCard(_Card):
    kind: Literal["dataset"] = "dataset"
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    task: Task
    description: str
    scenario: str = "none"
    modality: str = "grayscale"
    classes: list[ClassInfo]
    sizes: SplitSizes
    image_size: tuple[int, int] = Field(description="(height, width) in pixels")
    annotation_format: Literal["imagefolder", "coco"]
    keypoints: KeypointSpec | None = None
    license: str
    source: str = Field(description="where the real images come from (package and upstream)")
    recipe: DatasetRecipe
    tags: list[str] = Field(default_factory=list)

    @property
    def class_names(self) -> list[str]:
        return [c.name for c in self.classes]


class ModelMeasurement(_Card):
    """Figures measured by `autommlab zoo measure` on a stated input size and machine."""

    params_m: float = Field(ge=0, description="parameters, millions")
    flops_g: float = Field(ge=0, description="GFLOPs (multiply-adds counted once, fvcore style)")
    input_shape: tuple[int, int, int] = Field(description="(C, H, W) used for FLOPs / latency")
    latency_ms_cpu: float | None = Field(default=None, ge=0,
                                         description="median batch-1 forward latency")
    measured_on: str = Field(default="", description="machine description for the latency")


class ReferenceAccuracy(_Card):
    """Accuracy published for the architecture by OpenMMLab (copied, with its source)."""

    metric: str = Field(description="canonical metric name: accuracy, AP, IoU, ...")
    value: float = Field(ge=0, le=1)
    dataset: str = Field(description="benchmark the figure is on, e.g. 'ImageNet-1k'")
    source: str = Field(description="metafile the figure is taken from")


class ModelCard(_Card):
    kind: Literal["model"] = "model"
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-.]*$")
    task: Task
    architecture: str = Field(description="human name, e.g. 'ResNet-18', 'RTMDet-tiny'")
    aliases: list[str] = Field(default_factory=list, description="names users may write")
    description: str
    toolbox: Literal["mmpretrain", "mmdet", "mmsegmentation", "mmpose"]
    base_config: str = Field(description="config path inside the toolbox wheel's .mim/configs")
    measured: ModelMeasurement
    reference_accuracy: ReferenceAccuracy | None = None
    license: str = "Apache-2.0"
    tags: list[str] = Field(default_factory=list)


Card = DataCard | ModelCard


def load_card(path: Path) -> Card:
    """Read and validate one card file; ZooError names the file and the bad field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ZooError(f"cannot read card {path}: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("kind") not in ("dataset", "model"):
        raise ZooError(f"card {path} must be a mapping with kind: dataset or kind: model")
    model = DataCard if raw["kind"] == "dataset" else ModelCard
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ZooError(f"invalid card {path}:\n{exc}") from exc


def dump_card(card: Card) -> str:
    """YAML text of a card, keys in declaration order (stable diffs)."""
    return yaml.safe_dump(card.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
