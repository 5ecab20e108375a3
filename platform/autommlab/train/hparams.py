"""The hyperparameters one training run takes: LAMP's HPO search space, as one typed record.

AutoMMLab's HPO stage searches optimizer, learning rate, weight decay, batch size, number of
iterations and learning-rate schedule, with warm-up rules per task. A `Hyperparameters` value
is one point of that space; `autommlab.hpo.space` defines the ranges, `autommlab.train`
turns a point into an MMEngine config. Training is iteration-based everywhere (one `iters`
knob scales any task and any dataset size the same way).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Optimizer = Literal["SGD", "Adam", "AdamW", "RMSprop"]
LrSchedule = Literal["MultiStepLR", "CosineAnnealingLR", "StepLR", "PolyLR"]
OPTIMIZERS: tuple[str, ...] = ("SGD", "Adam", "AdamW", "RMSprop")
LR_SCHEDULES: tuple[str, ...] = ("MultiStepLR", "CosineAnnealingLR", "StepLR", "PolyLR")


class Hyperparameters(BaseModel):
    """One point of the search space. Frozen: trials, reports and searchers share them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    optimizer: Optimizer = "AdamW"
    lr: float = Field(default=1e-3, gt=0, le=1.0, description="peak learning rate")
    weight_decay: float = Field(default=1e-4, ge=0, le=0.5)
    batch_size: int = Field(default=16, ge=1, le=512)
    iters: int = Field(default=200, ge=1, description="training iterations (optimizer steps)")
    lr_schedule: LrSchedule = "CosineAnnealingLR"
    warmup_iters: int = Field(default=0, ge=0, description="linear warm-up iterations "
                              "(0 = none); the per-task rule in autommlab.hpo.space sets it")
    momentum: float = Field(default=0.9, ge=0, lt=1, description="SGD / RMSprop momentum")

    def short(self) -> str:
        """One-line summary for progress displays and reports."""
        return (f"{self.optimizer} lr={self.lr:.2g} wd={self.weight_decay:.2g} "
                f"bs={self.batch_size} iters={self.iters} {self.lr_schedule}")
