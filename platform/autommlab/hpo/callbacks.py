"""Driver-side hooks into Ray Tune: progress events, trial timing, stopping at a target.

`HPOCallback` forwards trial start / result / complete / error to a `progress` function
(the CLI renders them) and records when Tune saw each trial start and end, which is the
trial wall time `ray_overhead` compares with the time spent in the train function. Its
state (timings, statuses) is checkpointed with the experiment through Tune's callback
`get_state` / `set_state`, so it survives `Tuner.restore`.

Tune pickles its callbacks into the experiment (`tuner.pkl`) and unpickles them on
restore, and a progress function (a closure over a terminal, a queue) must not travel with
them; so the callback holds only a key, and the function is looked up in this process's
`_SINKS` table, which `run_hpo` / `resume_hpo` fill.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ray.tune import Callback, Stopper

from autommlab.hpo.trainable import FINAL, INTERNAL_KEYS, VALIDATIONS

log = logging.getLogger(__name__)

EventKind = Literal["start", "result", "complete", "error"]


@dataclass(frozen=True)
class HPOEvent:
    """One thing that happened to one trial, for progress displays.

    Delivered synchronously in the driver's Tune loop: a progress function must be quick
    (render, enqueue), or it slows the search down.
    """

    kind: EventKind
    trial_id: str
    index: int  # 1-based creation order of the trial in the experiment (0 if unknown)
    config: dict[str, Any]
    metrics: dict[str, float] = field(default_factory=dict)  # user metrics of a result
    validation: int = 0
    error: str | None = None
    time: float = field(default_factory=time.time)


ProgressFn = Callable[[HPOEvent], None]
_SINKS: dict[str, ProgressFn] = {}


def set_progress_sink(key: str, progress: ProgressFn | None) -> None:
    """Route the events of the experiment `key` to `progress` (None: stop routing)."""
    if progress is None:
        _SINKS.pop(key, None)
    else:
        _SINKS[key] = progress


def trial_index(trial: Any) -> int:
    """Creation order from Tune's experiment tag ('3_lr=...' -> 3); 0 if unknown."""
    head = str(getattr(trial, "experiment_tag", "")).split("_", 1)[0]
    return int(head) if head.isdigit() else 0


class HPOCallback(Callback):
    def __init__(self, key: str) -> None:
        self.key = key
        # trial id -> {"start": wall time, "end": wall time, "status": Tune status as seen
        #              by the events, "index": creation order, "error": one line (if any)}
        self.trials: dict[str, dict[str, Any]] = {}

    # --- Tune hooks ---------------------------------------------------------------------
    def on_trial_start(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        entry = self._entry(trial)
        entry.update(start=time.time(), end=None, status="RUNNING")
        self._emit("start", trial)

    def on_trial_result(self, iteration: int, trials: list, trial: Any,
                        result: dict[str, Any], **info: Any) -> None:
        if result.get(FINAL):
            return  # the closing report repeats the last validation; "complete" follows
        metrics = user_metrics(result)
        validation = int(result.get(VALIDATIONS, 0))
        self._emit("result", trial, metrics=metrics, validation=validation)

    def on_trial_complete(self, iteration: int, trials: list, trial: Any,
                          **info: Any) -> None:
        self._entry(trial).update(end=time.time(), status="TERMINATED")
        self._emit("complete", trial)

    def on_trial_error(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        # The error is kept here too: when a trial's actor dies, Tune can process the actor's
        # death before the task's failure and then never persists the trial's ERROR state
        # (TuneController._schedule_trial_stop returns early for a trial without an actor).
        error = trial_error(trial)
        self._entry(trial).update(end=time.time(), status="ERROR", error=error)
        self._emit("error", trial, error=error)

    def get_state(self) -> dict[str, Any] | None:
        return {"trials": self.trials}

    def set_state(self, state: dict[str, Any]) -> None:
        self.trials = dict(state.get("trials", {}))

    # --- helpers ------------------------------------------------------------------------
    def _entry(self, trial: Any) -> dict[str, Any]:
        entry = self.trials.setdefault(trial.trial_id, {"start": None, "end": None,
                                                        "status": "PENDING", "index": 0})
        entry["index"] = trial_index(trial) or entry["index"]
        return entry

    def _emit(self, kind: EventKind, trial: Any, **fields: Any) -> None:
        sink = _SINKS.get(self.key)
        if sink is None:
            return
        event = HPOEvent(kind=kind, trial_id=trial.trial_id, index=trial_index(trial),
                         config=dict(trial.config), **fields)
        try:
            sink(event)
        except Exception:  # a display bug must never stop a search
            log.exception("the HPO progress function failed on a %s event", kind)


class TargetStopper(Stopper):
    """Stop the whole experiment once any trial reports `metric` at or beyond `target`."""

    def __init__(self, metric: str, mode: str, target: float) -> None:
        self.metric, self.mode, self.target = metric, mode, float(target)
        self.reached_by: str | None = None

    def __call__(self, trial_id: str, result: dict[str, Any]) -> bool:
        value = result.get(self.metric)
        if isinstance(value, int | float) and math.isfinite(value):
            hit = value >= self.target if self.mode == "max" else value <= self.target
            if hit and self.reached_by is None:
                self.reached_by = trial_id
                log.info("trial %s reached %s = %.4g (target %.4g): stopping the search",
                         trial_id, self.metric, value, self.target)
        return False  # each trial is stopped through stop_all, not individually

    def stop_all(self) -> bool:
        return self.reached_by is not None


def user_metrics(result: dict[str, Any]) -> dict[str, float]:
    """The metrics the train function reported, without Tune's and the wrapper's keys."""
    return {k: float(v) for k, v in result.items()
            if k not in _TUNE_KEYS and k not in INTERNAL_KEYS
            and isinstance(v, int | float) and not isinstance(v, bool)}


# Keys Ray Tune adds to a reported result (ray.tune.result / ray.air.constants).
_TUNE_KEYS = {
    "timestamp", "checkpoint_dir_name", "should_checkpoint", "done", "training_iteration",
    "trial_id", "date", "time_this_iter_s", "time_total_s", "pid", "hostname", "node_ip",
    "config", "time_since_restore", "iterations_since_restore", "experiment_tag",
    "warmup_time",
}


def trial_error(trial: Any) -> str:
    """One line saying why a failed trial failed.

    Tune writes the error next to the trial on the driver first (`trial.error_file`) and
    syncs it to storage later (`trial.get_error()` reads storage), so the local file is read
    first: during the run only it exists yet.
    """
    text = ""
    for read in (lambda: _read_text(trial.error_file), trial.get_error):
        try:
            text = str(read() or "")
        except Exception:  # gone or unreadable: try the next place, else say so
            text = ""
        if text:
            break
    return summarize_error(text) or "the trial failed (no error message was recorded)"


def _read_text(path: str | None) -> str:
    if not path:
        return ""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def summarize_error(text: str) -> str:
    """The most informative line of a Ray error text: the exception line, not the frames."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    if any("actor died" in line.lower() or "ActorDiedError" in line for line in lines):
        return ("the trial's process died (killed, out of memory, or crashed outside "
                "Python)")
    exception_lines = [line for line in lines
                       if ":" in line and not line.startswith(("File ", "Traceback"))
                       and line.split(":", 1)[0].replace(".", "").isidentifier()]
    chosen = exception_lines[-1] if exception_lines else lines[-1]
    return chosen[:500]
