"""One HPO trial = one real training run: the function Ray Tune calls for each trial.

`TrialTrainer` is a small picklable record (Ray ships it to its worker processes) that
knows everything about the run except the hyperparameters; calling it with a point of the
search space trains with MMEngine in `<trials_dir>/<trial id>/` and forwards every
validation to Ray Tune's `report`. A finished trial leaves `result.json` (best metric,
checkpoint and config paths) there, so the driver finds the best trial's files from the
trial id alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from autommlab.hpo.trainable import TrialContext
from autommlab.train.hparams import Hyperparameters
from autommlab.train.spec import TASK_METRICS, MetricPoint, TrainSpec
from autommlab.zoo.cards import DataCard, ModelCard


class TrialTrainer(BaseModel):
    model_config = ConfigDict(frozen=True)

    task: str
    model: ModelCard
    data: DataCard
    data_root: Path
    classes: list[str]
    trials_dir: Path
    val_fraction: float = 0.25
    threads: int = 1
    seed: int = 0

    @property
    def metric(self) -> str:
        return TASK_METRICS[self.task]

    def spec(self, hparams: Hyperparameters, trial_id: str) -> TrainSpec:
        val_interval = max(1, round(hparams.iters * self.val_fraction))
        return TrainSpec(task=self.task, model=self.model, data=self.data,
                         data_root=self.data_root, classes=self.classes, hparams=hparams,
                         work_dir=self.trials_dir / trial_id, val_interval=val_interval,
                         seed=self.seed, threads=self.threads)

    def __call__(self, hparams: Hyperparameters, report: Callable[[dict[str, float]], None],
                 trial: TrialContext | None = None) -> dict[str, Any]:
        """Train once; `report` gets every validation (Ray Tune's report in a trial)."""
        from autommlab.train import train

        trial_id = trial.trial_id if trial is not None else _trial_key(hparams)
        spec = self.spec(hparams, trial_id)
        spec.work_dir.mkdir(parents=True, exist_ok=True)
        (spec.work_dir / "hparams.json").write_text(hparams.model_dump_json(indent=1))

        def on_validation(point: MetricPoint) -> None:
            metrics = {k: v for k, v in point.metrics.items() if isinstance(v, int | float)}
            metrics.setdefault(self.metric, 0.0)
            metrics["iteration"] = float(point.iteration)
            if point.train_loss is not None:
                metrics["train_loss"] = point.train_loss
            report(metrics)

        result = train(spec, on_validation=on_validation)
        summary = {"metric": result.best_metric, "best_iteration": result.best_iteration,
                   "checkpoint": str(result.checkpoint), "config_file": str(result.config_file),
                   "seconds": result.seconds}
        (spec.work_dir / "result.json").write_text(json.dumps(summary, indent=1))
        return summary


def _trial_key(hp: Hyperparameters) -> str:
    return "t-" + hashlib.sha256(hp.model_dump_json().encode()).hexdigest()[:10]


def trial_outcome(work_dir: Path) -> dict[str, Any] | None:
    """What a trial left: its result.json, or, for a trial stopped early (target reached,
    ASHA, interrupted), the best checkpoint MMEngine saved so far and the config. None when
    there is no checkpoint at all."""
    try:
        return json.loads((work_dir / "result.json").read_text())
    except (FileNotFoundError, ValueError):
        pass
    checkpoints = sorted(work_dir.glob("best_*.pth"), key=lambda p: p.stat().st_mtime)
    config = work_dir / "config.py"
    if not checkpoints or not config.is_file():
        return None
    return {"checkpoint": str(checkpoints[-1]), "config_file": str(config)}
