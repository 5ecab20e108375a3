"""The HPO stage: Ray Tune over real training trials, new or resumed, into the run record.

The experiment lives in `<run dir>/hpo/<request id>/` (Ray Tune's own state next to
autommlab's), so `runs resume` restores it with `resume_hpo` and finished trials are not
trained again. Completed trials are appended to the user's hyperparameter history, which
the `transfer` searcher reads on later requests (AutoML-GPT's knowledge base grows with use).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autommlab.pipeline.records import RunTrial
from autommlab.pipeline.trial import trial_outcome

if TYPE_CHECKING:
    from autommlab.hpo.callbacks import HPOEvent
    from autommlab.hpo.result import HPOResult
    from autommlab.pipeline.run import _Pipeline

log = logging.getLogger(__name__)


def run_hpo_stage(run: _Pipeline) -> None:
    from ray import tune

    from autommlab.hpo import BUDGETS, ray_overhead, resume_hpo, run_hpo, search_space
    from autommlab.hpo.space import recipe_config

    record, options = run.record, run.options
    task = record.selection["data"]["task"]
    metric = record.metric_name
    budget = BUDGETS[task][options.budget]
    num_trials = options.trials or budget.num_trials
    concurrency = min(options.max_concurrent or budget.max_concurrent, num_trials)
    space = search_space(task, options.budget)
    if options.max_iters is not None:
        low, high = space.iters
        space = space.with_iters(min(low, options.max_iters), min(high, options.max_iters))
    trainer = run.trainer()
    storage = (run.dir / "hpo").resolve()
    experiment = storage / record.request_id
    progress = _progress_adapter(run, metric, num_trials)
    if tune.Tuner.can_restore(str(experiment)):
        run.emit("info", "hpo", f"resuming the search in {experiment}")
        result = resume_hpo(storage, record.request_id, trainer,
                            ray_address=options.ray_address, progress=progress)
    else:
        run.emit("info", "hpo", f"{num_trials} trials, {concurrency} at a time, searcher "
                 f"{options.searcher}, budget {options.budget} (iters {space.iters[0]}-"
                 f"{space.iters[1]})" + (f", stop at {metric} >= {record.target:g}"
                                          if record.target is not None else ""))
        searcher_options: dict[str, Any] = {}
        if options.searcher == "tpe":  # the task's measured recipe is the first trial
            searcher_options = {"initial": [recipe_config(space)]}
        if options.searcher in ("transfer", "llm", "hybrid"):  # they read the cards
            searcher_options = {"dataset": record.selection["data"]["dataset"],
                                "model": record.selection["model"]["model"]}
        result = run_hpo(trainer, space, options.searcher, num_trials=num_trials,
                         max_concurrent=concurrency, metric=metric, target=record.target,
                         asha=options.asha, storage_path=storage, name=record.request_id,
                         seed=options.seed, ray_address=options.ray_address,
                         progress=progress, searcher_options=searcher_options)
    if result.interrupted:
        raise KeyboardInterrupt("HPO interrupted")
    record.trials = [_summary(t, trainer.trials_dir, metric) for t in result.trials]
    best = _best_with_checkpoint(record.trials)
    record.best_trial = best.trial_id if best else None
    record.hpo_seconds = round(result.seconds, 1)
    overhead = ray_overhead(result)
    record.ray_overhead_fraction = overhead.mean_fraction if overhead else None
    _remember(run, result)


def _summary(trial: Any, trials_dir: Path, metric: str) -> RunTrial:
    outcome = trial_outcome(trials_dir / trial.trial_id) or {}
    history = [(int(p.metrics.get("iteration", p.validation)), float(v))
               for p in trial.history if (v := p.metrics.get(metric)) is not None]
    hparams = trial.hparams.model_dump() if trial.hparams is not None else dict(trial.config)
    return RunTrial(
        trial_id=trial.trial_id, hparams=hparams, status=trial.status,
        metric=trial.best_metric if trial.best_metric is not None
        and math.isfinite(trial.best_metric) else None,
        history=history, seconds=trial.tune_seconds, error=trial.error,
        checkpoint=outcome.get("checkpoint"), config_file=outcome.get("config_file"))


def _best_with_checkpoint(trials: list[RunTrial]) -> RunTrial | None:
    """The best trial that left a checkpoint (a trial stopped by the target stopper or ASHA
    still has its best checkpoint so far)."""
    usable = [t for t in trials if t.metric is not None and t.checkpoint
              and Path(t.checkpoint).is_file()]
    return max(usable, key=lambda t: t.metric or 0.0, default=None)


def _progress_adapter(run: _Pipeline, metric: str | None, total: int) -> Any:
    def forward(event: HPOEvent) -> None:
        trial = f"{event.index}/{total}" if event.index else event.trial_id
        if event.kind == "start":
            hp = ", ".join(f"{k}={_short(v)}" for k, v in event.config.items())
            run.emit("trial_start", "hpo", hp, trial=trial)
        elif event.kind == "result":
            value = event.metrics.get(metric or "")
            run.emit("trial_result", "hpo", trial=trial, metric=metric, value=value,
                     iteration=int(event.metrics.get("iteration", event.validation)))
        elif event.kind == "complete":
            run.emit("trial_end", "hpo", "finished", trial=trial)
        elif event.kind == "error":
            run.emit("trial_error", "hpo", f"failed: {(event.error or '').strip()[-200:]}",
                     trial=trial)

    return forward


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _remember(run: _Pipeline, result: HPOResult) -> None:
    """Append completed trials to the user's hyperparameter history (for transfer)."""
    from autommlab.hpo.history import append_record, record_from_trial, user_history_path

    sel = run.record.selection
    for trial in result.trials:
        entry = record_from_trial(trial, dataset=sel["data"]["dataset"],
                                  model=sel["model"]["model"], task=sel["data"]["task"],
                                  metric_name=result.metric, budget=run.options.budget)
        if trial.status != "completed" or entry is None:
            continue
        try:
            append_record(user_history_path(), entry)
        except OSError as exc:  # the history is an optimisation: never fail a run for it
            log.warning("could not record hyperparameters in %s: %s", user_history_path(), exc)
