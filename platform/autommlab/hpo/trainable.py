"""The code that runs inside a trial's process: the user's train function under Ray Tune.

The user's function has the shape `train_fn(hparams, report, trial) -> None`: it trains
with `hparams` and calls `report({metric: value, ...})` after every validation (for real
training this is wired to `autommlab.train.train(on_validation=...)`). The wrapper here:

* turns Tune's config dict into `Hyperparameters` (clipped into the space);
* forwards each report to `ray.tune.report`, adding the trial's clock: `hpo_train_s`, the
  seconds spent in the train function so far *excluding* time blocked inside Tune's report,
  and `hpo_report_s`, the time that was blocked; those two are what `ray_overhead` compares
  with the trial's wall time as seen by Tune;
* sends one final report when the function returns (`hpo_final = 1`, repeating the last
  validation's metrics, so schedulers and stoppers see no new value), carrying the complete
  clock; ASHA counts validations (`hpo_validations`), which the final report does not
  advance;
* turns "returned without reporting the metric" into a trial error that says so.

When Tune stops a trial (ASHA, target reached), the trial ends at its next report:
`ray.tune.report` raises SystemExit in the training thread (nothing here catches it). There is
no earlier signal to poll: a function trainable's actor runs Tune's `stop` only after the
training thread hands over a result, so a stopped trial costs at most one validation
interval of extra work (keep validation intervals short relative to a trial).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autommlab.errors import HPOError
from autommlab.hpo.space import SearchSpace
from autommlab.train.hparams import Hyperparameters

ReportFn = Callable[[Mapping[str, float]], None]

# Keys the wrapper adds to every result (never user metrics).
VALIDATIONS = "hpo_validations"
TRAIN_S = "hpo_train_s"
REPORT_S = "hpo_report_s"
FINAL = "hpo_final"
INTERNAL_KEYS = (VALIDATIONS, TRAIN_S, REPORT_S, FINAL)


@dataclass(frozen=True)
class TrialContext:
    """What a train function may want to know about its trial."""

    trial_id: str
    trial_dir: Path | None  # Tune's working directory for the trial (local to the worker)
    config: dict[str, Any]
    seed: int


TrainFn = Callable[[Hyperparameters, ReportFn, TrialContext], object]


def hpo_trial(config: dict[str, Any], *, train_fn: TrainFn, space: SearchSpace, metric: str,
              seed: int = 0) -> None:
    """Tune's function trainable (bound to its arguments with `tune.with_parameters`)."""
    from ray import tune

    start = time.perf_counter()
    context = tune.get_context()
    trial_id = context.get_trial_id() or "trial"
    trial_dir = context.get_trial_dir()
    clock = _TrialClock(start)
    last: dict[str, float] = {}

    def report(metrics: Mapping[str, float]) -> None:
        values = _numeric(metrics)
        if metric not in values:
            raise HPOError(f"the train function reported {sorted(values)} without the metric "
                           f"{metric!r} the search optimises")
        clock.validations += 1
        last.clear()
        last.update(values)
        clock.report(tune.report, {**values, **clock.fields(final=False)})

    trial = TrialContext(trial_id=trial_id, trial_dir=Path(trial_dir) if trial_dir else None,
                         config=dict(config), seed=trial_seed(seed, config))
    train_fn(space.clip(config), report, trial)
    if not last:
        raise HPOError(f"the train function returned without reporting the metric {metric!r}: "
                       "call report({...}) after every validation")
    clock.report(tune.report, {**last, **clock.fields(final=True)})


class _TrialClock:
    """Time in the train function vs time blocked in Tune's report, per trial."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.report_s = 0.0
        self.validations = 0

    def fields(self, *, final: bool) -> dict[str, float]:
        train_s = time.perf_counter() - self.start - self.report_s
        return {VALIDATIONS: self.validations, TRAIN_S: train_s, REPORT_S: self.report_s,
                FINAL: 1 if final else 0}

    def report(self, send: Callable[[dict[str, Any]], None], payload: dict[str, Any]) -> None:
        begin = time.perf_counter()
        try:
            send(payload)
        finally:
            self.report_s += time.perf_counter() - begin


def _numeric(metrics: Mapping[str, Any]) -> dict[str, float]:
    """The finite numbers of a report; other values are dropped (Tune stores numbers)."""
    if not isinstance(metrics, Mapping):
        raise HPOError(f"report() takes a mapping of metric name -> number, got "
                       f"{type(metrics).__name__}")
    values: dict[str, float] = {}
    for key, value in metrics.items():
        if key in INTERNAL_KEYS:
            raise HPOError(f"metric name {key!r} is reserved by autommlab.hpo")
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            values[str(key)] = number if math.isfinite(number) else math.nan
    return values


def trial_seed(seed: int, config: Mapping[str, Any]) -> int:
    """The training seed of a trial: a function of the experiment seed and the config, so
    the same config trains the same way in a rerun, a resumed run, or another experiment
    with the same seed."""
    import json
    import zlib

    text = json.dumps(dict(config), sort_keys=True, default=str)
    return (seed * 1_000_003 + zlib.crc32(text.encode())) % (2**31)
