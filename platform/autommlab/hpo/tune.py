"""Run a hyperparameter search under Ray Tune, and resume an interrupted one.

    result = run_hpo(train_fn, search_space("detection", "small"), "tpe",
                     num_trials=4, max_concurrent=2, metric="bbox_mAP",
                     storage_path=Path("/abs/runs/hpo"), name="req-42")

One Tuner per search: the searcher (`searchers/`) proposes configs, each trial runs
`train_fn` in a Ray actor through `trainable.hpo_trial`, every validation is reported to
Tune. Choices, and why:

* Ray is started here only when it is not running and no address is given, bound to
  127.0.0.1 without the dashboard (a laptop run must not open ports to the network), and
  shut down at the end only if it was started here.
* Resources: `{"cpu": 1}` per trial by default, plus a fraction of a GPU when the cluster
  has GPUs (its GPUs shared evenly by `max_concurrent` trials, at most one each), so
  `max_concurrent` trials fit at once.
* A failing trial never ends the search (`FailureConfig(max_failures=0, fail_fast=False)`):
  it is reported as errored with its message. Only when every trial failed does
  `run_hpo` raise HPOError (the result is attached to the exception as `.result`).
* `target`: a Stopper ends the whole experiment once any trial reaches it.
* `asha`: ASHA early stopping on the number of validations (grace period 1, halving).
* Actors are reused between trials (`reuse_actors=True`): a new trial in a warm process
  skips the interpreter and import start-up, which dominates Tune's overhead for short
  trials; a crashed actor is replaced.
* Interrupting the driver (Ctrl+C / SIGINT, or SIGUSR1) makes Tune save the experiment and
  return; the result is then marked `interrupted`, and `resume_hpo` finishes it with
  `Tuner.restore`: completed and errored trials are not run again, unfinished ones are.
* Tune's console output is off (`verbose=0`); the `progress` function gets each trial's
  start / result / complete / error events instead (`callbacks.HPOEvent`).
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from autommlab.errors import HPOError
from autommlab.hpo.callbacks import HPOCallback, ProgressFn, TargetStopper, set_progress_sink
from autommlab.hpo.experiment import META_VERSION, collect_result, read_meta, write_meta
from autommlab.hpo.result import HPOResult
from autommlab.hpo.searchers.base import RoundSearcher, get_searcher
from autommlab.hpo.space import SearchSpace
from autommlab.hpo.trainable import VALIDATIONS, TrainFn, hpo_trial

log = logging.getLogger(__name__)

def run_hpo(train_fn: TrainFn, space: SearchSpace, searcher: str | RoundSearcher = "tpe", *,
            num_trials: int, max_concurrent: int, metric: str, mode: str = "max",
            target: float | None = None, asha: bool = False, asha_max_t: int = 100,
            resources_per_trial: dict[str, float] | None = None, storage_path: Path,
            name: str, seed: int = 0, ray_address: str | None = None,
            progress: ProgressFn | None = None,
            searcher_options: dict[str, Any] | None = None,
            reuse_actors: bool = True) -> HPOResult:
    """Search `space` with `num_trials` trials of `train_fn`, `max_concurrent` at a time."""
    _check_arguments(num_trials, max_concurrent, metric, mode, storage_path, name)
    experiment = Path(storage_path) / name
    started = time.perf_counter()
    with ray_session(ray_address):
        from ray import tune

        if tune.Tuner.can_restore(str(experiment)):
            raise HPOError(f"an HPO experiment already exists at {experiment}: resume it "
                           "with resume_hpo, or choose another name")
        if isinstance(searcher, str):
            searcher = get_searcher(searcher, space, metric=metric, mode=mode, seed=seed,
                                    max_concurrent=max_concurrent,
                                    **(searcher_options or {}))
        resources = resources_per_trial or default_resources(max_concurrent)
        if ray_address is None:  # an autoscaling cluster may grow to fit; a laptop will not
            _check_resources(resources)
        meta = {"version": META_VERSION, "space": space.to_dict(), "metric": metric,
                "mode": mode, "seed": seed, "resources": resources, "target": target,
                "searcher": searcher.name or type(searcher).__name__,
                "num_trials": num_trials, "max_concurrent": max_concurrent, "asha": asha}
        callback = HPOCallback(key=str(experiment))
        tuner = tune.Tuner(
            _trainable(train_fn, space, metric, seed, resources),
            tune_config=tune.TuneConfig(
                metric=metric, mode=mode, search_alg=searcher, num_samples=num_trials,
                max_concurrent_trials=max_concurrent, reuse_actors=reuse_actors,
                scheduler=_asha(asha_max_t) if asha else None),
            run_config=tune.RunConfig(
                name=name, storage_path=str(storage_path), verbose=0,
                stop=TargetStopper(metric, mode, target) if target is not None else None,
                callbacks=[callback],
                failure_config=tune.FailureConfig(max_failures=0, fail_fast=False)),
        )
        write_meta(experiment, meta)
        return _fit(tuner, callback, experiment, meta, progress, started)


def resume_hpo(storage_path: Path, name: str, train_fn: TrainFn, *,
               ray_address: str | None = None, progress: ProgressFn | None = None
               ) -> HPOResult:
    """Finish an interrupted search: unfinished trials run, finished ones are kept."""
    experiment = Path(storage_path) / name
    if not experiment.is_absolute():
        raise HPOError(f"storage_path must be an absolute path, got {storage_path}")
    started = time.perf_counter()
    with ray_session(ray_address):
        from ray import tune

        if not tune.Tuner.can_restore(str(experiment)):
            raise HPOError(f"no HPO experiment to resume at {experiment} (it was never "
                           "started there, or its state files are missing)")
        meta = read_meta(experiment)
        space = SearchSpace.from_dict(meta["space"])
        tuner = tune.Tuner.restore(
            str(experiment),
            trainable=_trainable(train_fn, space, meta["metric"], meta["seed"],
                                 meta["resources"]),
            resume_unfinished=True, resume_errored=False, restart_errored=False)
        return _fit(tuner, None, experiment, meta, progress, started)


@contextmanager
def ray_session(address: str | None = None) -> Iterator[None]:
    """Use the running Ray, or connect to `address`, or start a local one on 127.0.0.1;
    shut down only a Ray started here."""
    import ray

    if ray.is_initialized():
        yield
        return
    try:
        if address:
            log.info("connecting to the Ray cluster at %s", address)
            ray.init(address=address, log_to_driver=False)
        else:
            log.info("starting a local Ray bound to 127.0.0.1 (trial output stays in Ray's "
                     "session logs)")
            ray.init(_node_ip_address="127.0.0.1", include_dashboard=False,
                     log_to_driver=False)
    except Exception as exc:  # ConnectionError, timeouts, a broken local install
        where = f"connect to Ray at {address}" if address else "start a local Ray"
        raise HPOError(f"could not {where}: {exc}") from exc
    try:
        yield
    finally:
        ray.shutdown()


def default_resources(max_concurrent: int) -> dict[str, float]:
    """One CPU per trial, plus an even share of the cluster's GPUs (at most one each)."""
    import ray

    resources: dict[str, float] = {"cpu": 1}
    gpus = float(ray.cluster_resources().get("GPU", 0.0))
    if gpus > 0:
        resources["gpu"] = min(1.0, math.floor(gpus / max_concurrent * 100) / 100 or 0.01)
    return resources


# --- internals -------------------------------------------------------------------------------
def _check_resources(resources: dict[str, float]) -> None:
    """A trial asking for more than the whole cluster has would wait forever: refuse it."""
    import ray

    have = ray.cluster_resources()
    for key, ray_key in (("cpu", "CPU"), ("gpu", "GPU")):
        wanted = float(resources.get(key, 0))
        if wanted > float(have.get(ray_key, 0.0)):
            raise HPOError(f"each trial asks for {wanted:g} {key.upper()}, but the Ray cluster "
                           f"has {have.get(ray_key, 0):g}; lower resources_per_trial")


def _check_arguments(num_trials: int, max_concurrent: int, metric: str, mode: str,
                     storage_path: Path, name: str) -> None:
    if num_trials < 1 or max_concurrent < 1:
        raise HPOError(f"num_trials and max_concurrent must be at least 1 (got {num_trials}, "
                       f"{max_concurrent})")
    if not metric:
        raise HPOError("metric must name the reported metric to optimise, e.g. 'accuracy'")
    if mode not in ("max", "min"):
        raise HPOError(f"mode must be 'max' or 'min', got {mode!r}")
    if not Path(storage_path).is_absolute():
        raise HPOError(f"storage_path must be an absolute path (Ray Tune requires it), got "
                       f"{storage_path}")
    if not name or "/" in name or name in (".", ".."):
        raise HPOError(f"invalid experiment name {name!r}: use one directory name")


def _trainable(train_fn: TrainFn, space: SearchSpace, metric: str, seed: int,
               resources: dict[str, float]) -> Any:
    from ray import tune

    return tune.with_resources(
        tune.with_parameters(hpo_trial, train_fn=train_fn, space=space, metric=metric,
                             seed=seed),
        resources)


def _asha(max_t: int) -> Any:
    from ray.tune.schedulers import ASHAScheduler

    # stop_last_trials=False: a trial that survives every rung runs to its own end (its
    # train function decides its length); max_t only places the rungs (1, 2, 4, ... < max_t).
    return ASHAScheduler(time_attr=VALIDATIONS, max_t=max_t, grace_period=1,
                         reduction_factor=2, stop_last_trials=False)


def _fit(tuner: Any, callback: HPOCallback | None, experiment: Path, meta: dict[str, Any],
         progress: ProgressFn | None, started: float) -> HPOResult:
    key = str(experiment)
    set_progress_sink(key, progress)
    try:
        setup = time.perf_counter() - started
        fit_started = time.time()
        with _quiet_tune_console():
            tuner.fit()
    except Exception as exc:  # Tune's own failures (bad state files, a lost cluster)
        raise HPOError(f"Ray Tune failed running the experiment {experiment}: {exc}") from exc
    finally:
        set_progress_sink(key, None)
    result = collect_result(experiment, meta, seconds=time.perf_counter() - started,
                            setup_seconds=setup, fit_started=fit_started,
                            timings=callback.trials if callback is not None else None)
    if result.trials and all(t.status == "errored" for t in result.trials):
        first = result.trials[0].error
        error = HPOError(f"every trial of the search failed ({len(result.trials)} trials); "
                         f"the first error: {first}. Trial logs: {experiment}")
        error.result = result  # type: ignore[attr-defined]
        raise error
    return result


@contextmanager
def _quiet_tune_console() -> Iterator[None]:
    """Tune's new console reporter prints its experiment table and trial errors whatever
    `verbose` says; its legacy reporter honours `verbose=0`. The progress function is the
    display, so the legacy one is selected for the fit (unless the user chose one)."""
    if "RAY_AIR_NEW_OUTPUT" in os.environ:
        yield
        return
    os.environ["RAY_AIR_NEW_OUTPUT"] = "0"
    try:
        yield
    finally:
        os.environ.pop("RAY_AIR_NEW_OUTPUT", None)
