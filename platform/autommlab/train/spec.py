"""What a training run needs (`TrainSpec`) and what it gives back (`TrainResult`).

The same records are used by the HPO trainable (one spec per trial), the pipeline and the
deploy stage (which reads `TrainResult.config_file` and `.checkpoint`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from autommlab.tasks import Task
from autommlab.train.hparams import Hyperparameters
from autommlab.zoo.cards import DataCard, ModelCard

# The metric each task is judged by (the key in MetricPoint.metrics and TrainResult).
TASK_METRICS: dict[str, str] = {
    "classification": "accuracy",   # top-1, in [0, 1]
    "detection": "bbox_mAP",        # COCO mAP@[.5:.95], in [0, 1]
    "segmentation": "mIoU",         # in [0, 1]
    "keypoint": "AP",               # COCO OKS AP, in [0, 1]
}


class TrainSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    task: Task
    model: ModelCard
    data: DataCard
    data_root: Path = Field(description="local directory of the (sub-)dataset, layout as in "
                            "zoo/datasets/README.md, with its meta.json")
    classes: list[str] = Field(description="class names in label order (meta.json 'classes')")
    hparams: Hyperparameters
    work_dir: Path = Field(description="local directory for checkpoints, logs, config")
    val_interval: int = Field(default=50, ge=1, description="validate every N iterations")
    seed: int = 0
    threads: int = Field(default=1, ge=1, description="torch intra-op threads for this run")
    input_size: tuple[int, int] | None = Field(
        default=None, description="(H, W) the model sees; None = the task builder's default "
        "for the dataset (small inputs: CPU budgets)")


class MetricPoint(BaseModel):
    """One validation: the iteration it ran after and every metric it produced (0..1)."""

    iteration: int
    metrics: dict[str, float]
    train_loss: float | None = None
    seconds: float = Field(description="wall time since training started")


class TrainResult(BaseModel):
    metric_name: str
    best_metric: float
    best_iteration: int
    history: list[MetricPoint]
    checkpoint: Path = Field(description="best checkpoint (.pth)")
    config_file: Path = Field(description="the full MMEngine config used (.py, dumped)")
    work_dir: Path
    seconds: float
