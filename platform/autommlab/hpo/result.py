"""What a search returns (`HPOResult`), and how much of a trial's time Ray Tune itself took.

A trial's status is one of:

* completed: the train function returned (its final report arrived);
* stopped: Tune ended it early (ASHA, or another trial reached the target);
* errored: it raised, or its process died; `error` says why;
* unfinished: the experiment was interrupted before it ended (`resume_hpo` finishes it).

`ray_overhead` measures Ray Tune's own cost per trial: the trial's wall time as Tune's
driver saw it (from `on_trial_start` to `on_trial_complete`: actor set-up, scheduling,
result round-trips, teardown) minus the seconds the train function spent working (its time
blocked inside Tune's `report` counts as overhead). Both are durations measured on one
clock each, so the figure is valid on a cluster too. The actor start before
`on_trial_start` is not in it: Tune reuses actors between trials by default, so it is paid
once per concurrent slot, and the first one is in `HPOResult.startup_seconds`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from autommlab.train.hparams import Hyperparameters

TrialStatus = Literal["completed", "stopped", "errored", "unfinished"]


class ValidationPoint(BaseModel):
    validation: int
    metrics: dict[str, float]
    train_seconds: float | None = None  # seconds in the train function at this report


class TrialSummary(BaseModel):
    trial_id: str
    index: int = Field(description="1-based creation order in the experiment (0 if unknown)")
    config: dict[str, Any]
    hparams: Hyperparameters | None
    status: TrialStatus
    history: list[ValidationPoint] = Field(default_factory=list)
    best_metric: float | None = None
    best_validation: int | None = None
    error: str | None = None
    train_seconds: float | None = Field(
        default=None, description="time in the train function, excluding time blocked "
        "in Tune's report (complete for completed trials)")
    tune_seconds: float | None = Field(
        default=None, description="trial wall time as Tune's driver saw it")

    @property
    def overhead_seconds(self) -> float | None:
        if self.train_seconds is None or self.tune_seconds is None:
            return None
        return self.tune_seconds - self.train_seconds


class HPOResult(BaseModel):
    name: str
    path: Path = Field(description="the experiment directory (storage_path / name)")
    metric: str
    mode: Literal["max", "min"]
    searcher: str
    searcher_info: dict[str, Any] = Field(default_factory=dict)
    trials: list[TrialSummary]
    seconds: float = Field(description="wall time of this run_hpo / resume_hpo call")
    setup_seconds: float = Field(default=0.0,
                                 description="Ray start (when started here) and Tuner set-up")
    startup_seconds: float | None = Field(
        default=None, description="from Tuner.fit to the first trial start: Tune's "
        "experiment set-up and the first actor's start, paid once per run (not per trial)")
    target: float | None = None
    target_reached: bool = False
    interrupted: bool = False

    @property
    def best(self) -> TrialSummary | None:
        """The trial with the best metric (completed or stopped early), or None."""
        scored = [t for t in self.trials
                  if t.best_metric is not None and math.isfinite(t.best_metric)]
        if not scored:
            return None
        sign = 1.0 if self.mode == "max" else -1.0
        return max(scored, key=lambda t: (sign * (t.best_metric or 0.0), -t.index))

    def by_status(self, status: TrialStatus) -> list[TrialSummary]:
        return [t for t in self.trials if t.status == status]


class OverheadReport(BaseModel):
    """Ray Tune's overhead per trial over the trials where both clocks are known."""

    trials: int
    mean_trial_seconds: float
    mean_overhead_seconds: float
    mean_fraction: float = Field(description="mean of overhead / trial wall time")
    max_fraction: float
    per_trial: dict[str, float] = Field(description="trial id -> overhead seconds")

    def within(self, limit: float = 0.05) -> bool:
        """True when the mean overhead is at most `limit` of the trial time (5%: the
        requirement for real training trials)."""
        return self.mean_fraction <= limit


def ray_overhead(result: HPOResult, *, completed_only: bool = True) -> OverheadReport | None:
    """Measure Tune's own time per trial (module doc); None when no trial has both clocks."""
    pairs = [(t.trial_id, t.tune_seconds, t.train_seconds) for t in result.trials
             if t.tune_seconds is not None and t.train_seconds is not None
             and t.tune_seconds > 0 and (t.status == "completed" or not completed_only)]
    if not pairs:
        return None
    overheads = {tid: tune - train for tid, tune, train in pairs}
    fractions = [(tune - train) / tune for _, tune, train in pairs]
    return OverheadReport(
        trials=len(pairs),
        mean_trial_seconds=sum(tune for _, tune, _ in pairs) / len(pairs),
        mean_overhead_seconds=sum(overheads.values()) / len(pairs),
        mean_fraction=sum(fractions) / len(fractions), max_fraction=max(fractions),
        per_trial=overheads)
