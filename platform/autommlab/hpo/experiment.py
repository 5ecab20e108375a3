"""Reading an HPO experiment directory: our metadata, Tune's state, the HPOResult.

`run_hpo` writes `autommlab_hpo.json` (the search space, metric, resources: what
`resume_hpo` needs to rebuild the trainable) next to Tune's own files. The result is built
from what Tune persisted, not from the driver's memory, so the same code describes a
finished, an interrupted and a resumed experiment (`load_result` reads one without running
anything):

* trials, their configs, statuses and every reported validation: `ExperimentAnalysis`;
* Tune's view of each trial's start and end: the `HPOCallback` state Tune checkpoints
  (`callback-states-*.pkl`, Tune's own pickle, in the experiment the caller owns);
* what the searcher said (transfer sources, fallback reason): its JSON state file.
"""

from __future__ import annotations

import json
import logging
import math
import pickle
from pathlib import Path
from typing import Any

from autommlab.errors import HPOError
from autommlab.hpo.callbacks import trial_error, trial_index, user_metrics
from autommlab.hpo.result import HPOResult, TrialStatus, TrialSummary, ValidationPoint
from autommlab.hpo.space import SearchSpace
from autommlab.hpo.trainable import FINAL, TRAIN_S, VALIDATIONS

log = logging.getLogger(__name__)

META_FILE = "autommlab_hpo.json"
META_VERSION = 1
SEARCHER_INFO_KEYS = ("sources", "fallback_reason", "dataset", "advisor", "fallbacks",
                      "rounds_info")


def write_meta(experiment: Path, meta: dict[str, Any]) -> None:
    experiment.mkdir(parents=True, exist_ok=True)
    (experiment / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def read_meta(experiment: Path) -> dict[str, Any]:
    path = experiment / META_FILE
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise HPOError(f"cannot read the HPO experiment {experiment}: {path} is missing or "
                       f"unreadable ({exc}); was it started by autommlab's run_hpo?") from exc
    if meta.get("version") != META_VERSION:
        raise HPOError(f"the HPO experiment {experiment} was written by another autommlab "
                       "version")
    return meta


def load_result(storage_path: Path, name: str) -> HPOResult:
    """The result of the experiment `storage_path / name` as it is on disk."""
    experiment = Path(storage_path) / name
    return collect_result(experiment, read_meta(experiment), seconds=0.0)


def collect_result(experiment: Path, meta: dict[str, Any], *, seconds: float,
                   setup_seconds: float = 0.0, fit_started: float | None = None,
                   timings: dict[str, dict[str, Any]] | None = None) -> HPOResult:
    """Build the HPOResult; `timings` (the live callback's) override the checkpointed ones;
    `fit_started` (wall time of `Tuner.fit`) gives `startup_seconds`."""
    from ray.tune import ExperimentAnalysis

    metric, mode = meta["metric"], meta["mode"]
    space = SearchSpace.from_dict(meta["space"])
    clock = {**_checkpointed_timings(experiment), **(timings or {})}
    analysis = ExperimentAnalysis(str(experiment), default_metric=metric, default_mode=mode)
    frames = analysis.trial_dataframes
    trials = [_summary(trial, frames.get(trial.trial_id), clock.get(trial.trial_id, {}),
                       space, metric, mode)
              for trial in analysis.trials]
    trials.sort(key=lambda t: (t.index or 1 << 30, t.trial_id))
    target = meta.get("target")
    reached = target is not None and any(
        t.best_metric is not None
        and (t.best_metric >= target if mode == "max" else t.best_metric <= target)
        for t in trials)
    searcher_state = _searcher_state(experiment) or {}
    done = sum(t.status in ("completed", "errored") for t in trials)
    interrupted = any(t.status == "unfinished" for t in trials) or (
        not reached and done < meta["num_trials"] and not searcher_state.get("finished"))
    extra = searcher_state.get("extra") or {}
    info = {key: extra[key] for key in SEARCHER_INFO_KEYS if key in extra}
    starts = [entry["start"] for entry in clock.values()
              if fit_started is not None and (entry.get("start") or 0) >= fit_started]
    startup = min(starts) - fit_started if starts and fit_started is not None else None
    return HPOResult(name=experiment.name, path=experiment, metric=metric, mode=mode,
                     searcher=meta["searcher"], searcher_info=info, trials=trials,
                     seconds=seconds, setup_seconds=setup_seconds, startup_seconds=startup,
                     target=target,
                     target_reached=reached, interrupted=interrupted)


def _summary(trial: Any, frame: Any, timing: dict[str, Any], space: SearchSpace,
             metric: str, mode: str) -> TrialSummary:
    rows = frame.to_dict("records") if frame is not None and len(frame) else []
    history: list[ValidationPoint] = []
    final = None
    for row in rows:
        if row.get(FINAL):
            final = row
            continue
        history.append(ValidationPoint(validation=int(row.get(VALIDATIONS, len(history) + 1)),
                                       metrics=_finite(user_metrics(row)),
                                       train_seconds=_number(row.get(TRAIN_S))))
    best, best_validation = None, None
    for point in history:
        value = point.metrics.get(metric)
        if value is not None and (best is None or (value > best if mode == "max"
                                                   else value < best)):
            best, best_validation = value, point.validation
    status = _status(str(trial.status), final is not None, timing.get("status"))
    config = dict(trial.config)
    last = final or (rows[-1] if rows else None)
    start, end = timing.get("start"), timing.get("end")
    return TrialSummary(
        trial_id=trial.trial_id, index=trial_index(trial) or int(timing.get("index", 0)),
        config=config, hparams=space.clip(config) if config else None, status=status,
        history=history, best_metric=best, best_validation=best_validation,
        error=(timing.get("error") or trial_error(trial)) if status == "errored" else None,
        train_seconds=_number(last.get(TRAIN_S)) if last else None,
        tune_seconds=(end - start) if start is not None and end is not None else None)


def _status(tune_status: str, finished: bool, seen: str | None = None) -> TrialStatus:
    """Our status from Tune's persisted one, corrected by what the HPOCallback saw: Tune may
    leave a trial whose actor died as RUNNING in its state files (see callbacks.py)."""
    if tune_status not in ("ERROR", "TERMINATED") and seen in ("ERROR", "TERMINATED"):
        tune_status = seen
    if tune_status == "ERROR":
        return "errored"
    if tune_status == "TERMINATED":
        return "completed" if finished else "stopped"
    return "unfinished"


def _finite(values: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in values.items() if math.isfinite(v)}


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _newest(experiment: Path, pattern: str) -> Path | None:
    """The latest session's file (Tune names them by session start time, and picks the
    newest the same way)."""
    found = sorted(experiment.glob(pattern))
    return found[-1] if found else None


def _checkpointed_timings(experiment: Path) -> dict[str, dict[str, Any]]:
    path = _newest(experiment, "callback-states-*.pkl")
    if path is None:
        return {}
    try:
        with path.open("rb") as handle:
            states = pickle.load(handle)  # noqa: S301 - Tune's own file, as Tune.restore reads
    except Exception:  # timing is informative only
        log.debug("cannot read Tune's callback state %s", path, exc_info=True)
        return {}
    for state in (states or {}).values():
        if isinstance(state, dict) and "trials" in state:
            return dict(state["trials"])
    return {}


def _searcher_state(experiment: Path) -> dict[str, Any] | None:
    path = _newest(experiment, "searcher-state-*.pkl")  # our searchers write JSON there
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
