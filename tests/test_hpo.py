"""Hyperparameter search: space, searchers, history, transfer, and runs under a real Ray Tune.

The trials train nothing: a cheap deterministic function of the hyperparameters stands in
for validation accuracy, reported over a few "validations" with short sleeps. Everything
else is real: a local Ray (127.0.0.1, one start for the module, HOME and RAY_TMPDIR in a
private temp dir because Ray writes its auth token under HOME), Tune's Tuner, trial actors
that raise or are SIGKILLed, SIGUSR1 interruption and `Tuner.restore`, and the shipped
all-MiniLM-L6-v2 embeddings.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("ray.tune", reason="the hpo extra is not installed")
pytest.importorskip("optuna", reason="the hpo extra is not installed")

from autommlab.errors import BackendUnavailableError, HPOError
from autommlab.hpo import (
    HPOEvent,
    HPOHistory,
    HPORecord,
    RoundSearcher,
    TrialRecord,
    get_searcher,
    load_result,
    ray_overhead,
    resume_hpo,
    run_hpo,
    search_space,
)
from autommlab.hpo.history import append_record, read_history
from autommlab.hpo.space import BUDGETS, SearchSpace
from autommlab.train.hparams import Hyperparameters

pytestmark = pytest.mark.timeout(600)

SPACE = search_space("classification", "small")


# --- the synthetic trainable -----------------------------------------------------------------
def synthetic_score(hp: Hyperparameters, space: SearchSpace = SPACE) -> float:
    """A smooth "accuracy" in (0, 1]: best at one lr per optimizer (40% into its log-range),
    weight decay near 1e-4, many iterations, AdamW and cosine slightly ahead."""
    low, high = space.lr[hp.optimizer]
    best_lr = math.log10(low) + 0.4 * (math.log10(high) - math.log10(low))
    lr_term = math.exp(-((math.log10(hp.lr) - best_lr) / 0.35) ** 2)
    wd_term = 0.7 + 0.3 * math.exp(-((math.log10(hp.weight_decay) + 4) / 1.0) ** 2)
    it_low, it_high = space.iters
    iters_term = 0.8 + 0.2 * (hp.iters - it_low) / max(1, it_high - it_low)
    opt_term = {"AdamW": 1.0, "Adam": 0.97, "SGD": 0.95, "RMSprop": 0.9}[hp.optimizer]
    sched_term = 1.0 if hp.lr_schedule == "CosineAnnealingLR" else 0.97
    return lr_term * wd_term * iters_term * opt_term * sched_term


def iters_score(hp: Hyperparameters) -> float:
    """Score read straight from `iters` (scripted tests choose their trials' scores)."""
    return hp.iters / 1000


def synthetic_train(hp: Hyperparameters, report: Callable[[Mapping[str, float]], None],
                    trial: Any, *, score: Callable[[Hyperparameters], float] = synthetic_score,
                    validations: int = 3, sleep: float = 0.05, log_dir: str | None = None,
                    faults: Mapping[int, str] | None = None) -> None:
    """Report `validations` rising values towards score(hp). With `log_dir`, every execution
    claims the next number there (and records its trial id); `faults` maps an execution
    number to 'raise' or 'kill' (SIGKILL of the trial's own process)."""
    if log_dir is not None:
        number = _claim_execution(Path(log_dir), trial.trial_id)
        action = (faults or {}).get(number)
        if action == "raise":
            raise ValueError(f"synthetic failure in execution {number}")
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
    value = score(hp)
    for validation in range(1, validations + 1):
        time.sleep(sleep)
        report({"accuracy": value * (0.5 + 0.5 * validation / validations), "loss": 1 - value})


def reports_without_the_metric(hp: Hyperparameters, report: Callable[..., None],
                               trial: Any) -> None:
    report({"loss": 0.5})


def _claim_execution(log_dir: Path, trial_id: str) -> int:
    number = 1
    while True:
        try:
            fd = os.open(log_dir / f"exec-{number:03d}", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            number += 1
            continue
        os.write(fd, trial_id.encode())
        os.close(fd)
        return number


def executions(log_dir: Path) -> list[str]:
    """Trial ids of every execution, in claim order."""
    return [p.read_text() for p in sorted(log_dir.glob("exec-*"))]


class ScriptedSearcher(RoundSearcher):
    """Proposes the given configs, `round_size` at a time, recording what each round saw."""

    name = "scripted"

    def __init__(self, space: SearchSpace, configs: list[dict[str, Any]], *, metric: str,
                 round_size: int = 1, barrier: bool = True,
                 adapt: Callable[[list[TrialRecord]], list[dict[str, Any]]] | None = None
                 ) -> None:
        super().__init__(space, metric=metric, mode="max", round_size=round_size)
        self.configs = list(configs)
        self.adapt = adapt
        self.seen: list[list[TrialRecord]] = []
        self.barrier = barrier  # type: ignore[misc]

    def propose(self, history: list[TrialRecord], k: int) -> list[Mapping[str, Any]]:
        self.seen.append(list(history))
        if self.adapt is not None and history:
            return self.adapt(history)[:k]
        batch, self.configs = self.configs[:k], self.configs[k:]
        return batch


def cfg(**changes: Any) -> dict[str, Any]:
    base = {"optimizer": "AdamW", "lr": 1e-4, "weight_decay": 1e-4, "batch_size": 32,
            "iters": 200, "lr_schedule": "CosineAnnealingLR"}
    return {**base, **changes}


def drive(searcher: RoundSearcher, objective: Callable[[dict[str, Any]], float],
          n: int) -> list[float]:
    """Run `n` sequential trials through the Searcher API the way Tune calls it."""
    values = []
    for i in range(n):
        config = searcher.suggest(f"t{i}")
        assert isinstance(config, dict)
        value = objective(config)
        searcher.on_trial_result(f"t{i}", {"accuracy": value})
        searcher.on_trial_complete(f"t{i}", {"accuracy": value})
        values.append(value)
    return values


# --- Ray, once for the module ----------------------------------------------------------------
@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    import ray

    # HOME and RAY_TMPDIR are per test session (conftest.py): Ray's auth token must not
    # move between two Ray starts of one process.
    # Trial processes import this module (the trainables are pickled by reference).
    tests_dir = str(Path(__file__).resolve().parent)
    ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, num_cpus=2,
             log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": tests_dir}})
    try:
        yield
    finally:
        ray.shutdown()


# --- search space ----------------------------------------------------------------------------
def test_clip_clamps_and_rounds_out_of_range_proposals() -> None:
    # fixed batch sizes: the budget tables are retuned from measurements, this test is not
    space = dataclasses.replace(SPACE, batch_sizes=(16, 32, 64, 128))
    hp, notes = space.clip_with_notes({"optimizer": "sgd", "lr": 5.0, "weight_decay": 0,
                                       "batch_size": 50, "iters": "1234",
                                       "lr_schedule": "cosine"})
    assert hp.optimizer == "SGD" and hp.lr == SPACE.lr["SGD"][1]
    assert hp.weight_decay == SPACE.weight_decay[0]
    assert hp.batch_size == 64  # nearest allowed size in log2 distance
    assert hp.iters == SPACE.iters[1]
    assert hp.lr_schedule == "CosineAnnealingLR"
    assert len(notes) == 5  # every change is explained (optimizer casing is not a change)

    low = SPACE.clip({"optimizer": "Adam", "lr": 1e-9, "iters": 3, "batch_size": 1})
    assert low.lr == SPACE.lr["Adam"][0] and low.iters == SPACE.iters[0]
    assert low.batch_size == min(SPACE.batch_sizes)
    assert SPACE.clip({"iters": 157}).iters == 160  # rounded to the 10-iteration grid

    # garbage and unknown names fall back to defaults, with a note each
    odd, notes = SPACE.clip_with_notes({"optimizer": "Adagrad", "lr": "fast",
                                        "batch_size": None, "iters": float("nan")})
    assert odd.optimizer == "AdamW" and SPACE.lr["AdamW"][0] <= odd.lr <= SPACE.lr["AdamW"][1]
    assert any("Adagrad" in n for n in notes) and any("fast" in n for n in notes)
    with pytest.raises(HPOError, match="mapping"):
        SPACE.clip(["lr", 0.1])  # type: ignore[arg-type]


def test_space_per_task_rules_and_sampling() -> None:
    det = search_space("detection", "small")
    assert det.lr["SGD"][1] < SPACE.lr["SGD"][1]  # narrower for detectors
    for opt in ("Adam", "AdamW"):
        assert SPACE.lr[opt][1] < SPACE.lr["SGD"][1]  # SGD steps larger than Adam*
    hp = det.clip({"iters": det.iters[1]})
    assert hp.warmup_iters == round(det.iters[1] / 10)  # detection: warm-up of 10% of iters
    assert SPACE.clip({"iters": 300}).warmup_iters == 0  # classification: none
    assert search_space("keypoint", "medium").clip({"iters": 2000}).warmup_iters == 100
    assert search_space("classification", "large").iters[0] > SPACE.iters[1]
    assert set(BUDGETS) == {"classification", "detection", "segmentation", "keypoint"}

    rng = np.random.default_rng(0)
    for _ in range(200):
        config = det.sample(rng)
        assert det.to_config(det.clip(config)) == config  # samples are inside the space
    assert SearchSpace.from_dict(json.loads(json.dumps(det.to_dict()))) == det
    with pytest.raises(HPOError, match="budget"):
        search_space("classification", "huge")
    with pytest.raises(HPOError, match="task"):
        search_space("captioning")


def test_space_to_tune_and_optuna() -> None:
    import optuna
    from ray.tune.search.variant_generator import generate_variants

    for _, config in generate_variants({"config": SPACE.to_tune()}):
        params = config["config"]
        assert SPACE.to_config(SPACE.clip(params))["lr"] == pytest.approx(params["lr"])
    study = optuna.create_study(direction="maximize")
    trial = study.ask()
    config = SPACE.to_optuna(trial)
    assert set(trial.params) == {"optimizer", f"lr_{config['optimizer']}", "weight_decay",
                                 "batch_size", "iters", "lr_schedule"}
    params, distributions = SPACE.optuna_params(config)
    assert params == trial.params and set(distributions) == set(params)


# --- searchers without Ray's runtime (the Searcher API, called as Tune calls it) --------------
def objective(config: dict[str, Any]) -> float:
    return synthetic_score(SPACE.clip(config))


def test_random_searcher_is_reproducible_by_seed() -> None:
    def configs(seed: int) -> list[dict[str, Any]]:
        searcher = get_searcher("random", SPACE, metric="accuracy", seed=seed)
        return [searcher.suggest(f"t{i}") for i in range(6)]  # type: ignore[misc]

    assert configs(7) == configs(7)
    assert configs(7) != configs(8)


def test_tpe_beats_random_on_the_synthetic_function() -> None:
    """Deterministic (both searchers seeded): mean best-of-20 over 5 seeds."""
    best = {}
    for name in ("random", "tpe"):
        best[name] = np.mean([
            max(drive(get_searcher(name, SPACE, metric="accuracy", seed=seed), objective, 20))
            for seed in range(5)])
    assert best["tpe"] > best["random"], best


def test_searcher_state_round_trips_through_save_and_restore(tmp_path: Path) -> None:
    searcher = get_searcher("tpe", SPACE, metric="accuracy", seed=3)
    drive(searcher, objective, 6)
    searcher.suggest("pending")  # a live trial at the time of saving
    searcher.save(str(tmp_path / "state.json"))

    restored = get_searcher("tpe", SPACE, metric="accuracy", seed=3)
    restored.restore(str(tmp_path / "state.json"))
    assert [r.config for r in restored.history] == [r.config for r in searcher.history]
    restored.on_trial_complete("pending", {"accuracy": 0.5})  # the live trial finishes
    assert len(restored.history) == 7
    fresh = restored.suggest("next")
    assert isinstance(fresh, dict)
    assert fresh not in [r.config for r in restored.history]


def test_unknown_and_planned_searchers_fail_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    from autommlab.hpo.searchers import base

    with pytest.raises(BackendUnavailableError, match="unknown searcher 'bogus'"):
        get_searcher("bogus", SPACE, metric="accuracy")
    monkeypatch.setitem(base.PLANNED_SEARCHERS, "oracle", "not available in this version")
    with pytest.raises(BackendUnavailableError, match="not available in this version"):
        get_searcher("oracle", SPACE, metric="accuracy")
    with pytest.raises(HPOError, match="bad options"):
        get_searcher("random", SPACE, metric="accuracy", temperature=0.7)


# --- history and transfer --------------------------------------------------------------------
def record(dataset: str, task: str, metric: float, **hparams: Any) -> HPORecord:
    return HPORecord(dataset=dataset, model="resnet-18", task=task, hparams=cfg(**hparams),
                     metric_name="accuracy", metric=metric, budget="small", seconds=60.0,
                     source="test")


def test_history_file_append_load_best(tmp_path: Path) -> None:
    path = tmp_path / "hpo" / "history.jsonl"
    assert read_history(path) == []  # absent: no records, no error
    append_record(path, record("mnist", "classification", 0.91, lr=3e-4))
    append_record(path, record("mnist", "classification", 0.95, lr=1e-3))
    with path.open("a") as handle:
        handle.write("{not json\n\n")
    append_record(path, record("fashion-mnist", "classification", 0.80))
    history = HPOHistory.load([path, tmp_path / "missing.jsonl"])
    assert len(history) == 3  # the corrupt line is skipped
    best = history.best_for("mnist")
    assert best is not None and best.metric == 0.95 and best.hparams["lr"] == 1e-3
    assert history.best_for("mnist", model="other") is None
    assert history.datasets() == ["fashion-mnist", "mnist"]


def test_history_in_a_store_and_from_a_trial(tmp_path: Path) -> None:
    from autommlab.hpo.history import (
        append_store_record,
        read_store_history,
        record_from_trial,
        user_history_path,
    )
    from autommlab.hpo.result import TrialSummary
    from autommlab.store.local import LocalStore

    hp = SPACE.clip(cfg(lr=2e-4))
    trial = TrialSummary(trial_id="abc", index=1, config=SPACE.to_config(hp), hparams=hp,
                         status="completed", best_metric=0.9, train_seconds=12.0)
    rec = record_from_trial(trial, dataset="mnist", model="resnet-18",
                            task="classification", metric_name="accuracy", budget="small")
    assert rec is not None and rec.hparams["lr"] == 2e-4 and rec.metric == 0.9
    store = LocalStore(tmp_path / "store")
    assert read_store_history(store) == []
    append_store_record(store, rec)
    append_store_record(store, record("mnist", "classification", 0.5))
    assert [r.metric for r in read_store_history(store)] == [0.9, 0.5]
    assert user_history_path().name == "history.jsonl"


@pytest.fixture(scope="module")
def transfer_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "history.jsonl"
    append_record(path, record("digit-segmentation", "segmentation", 0.70, optimizer="SGD",
                               lr=0.02, iters=600))
    append_record(path, record("mnist", "classification", 0.97, optimizer="RMSprop",
                               lr=1e-3, iters=250))
    append_record(path, record("fashion-mnist", "classification", 0.88, optimizer="Adam",
                               lr=5e-4, iters=280))
    append_record(path, record("fashion-mnist", "classification", 0.84, optimizer="SGD",
                               lr=0.05, iters=300))
    return path


def test_card_similarity_prefers_the_related_dataset() -> None:
    from autommlab.hpo.transfer import rank_similar
    from autommlab.zoo.catalog import load_cards

    zoo = load_cards()
    ranking = rank_similar(zoo.dataset("fashion-footwear"),
                           [zoo.dataset("digit-segmentation"), zoo.dataset("mnist"),
                            zoo.dataset("fashion-mnist")])
    assert ranking[0][0] == "fashion-mnist", ranking
    scores = dict(ranking)
    assert scores["fashion-mnist"] > scores["digit-segmentation"]


def test_transfer_starts_from_the_most_similar_cards_best(transfer_history: Path) -> None:
    searcher = get_searcher("transfer", SPACE, metric="accuracy", seed=0,
                            dataset="fashion-footwear", history=transfer_history, top_k=2)
    assert searcher.fallback_reason == ""  # type: ignore[attr-defined]
    sources = searcher.sources  # type: ignore[attr-defined]
    assert [s["dataset"] for s in sources] == ["fashion-mnist", "mnist"]
    first = searcher.suggest("t0")
    expected = SPACE.to_config(SPACE.clip(cfg(optimizer="Adam", lr=5e-4, iters=280)))
    assert first == expected  # fashion-mnist's best record, clipped into this space
    assert searcher.suggest("t1")["optimizer"] == "RMSprop"  # type: ignore[index]


def test_transfer_falls_back_to_tpe_without_history(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    searcher = get_searcher("transfer", SPACE, metric="accuracy", seed=0,
                            dataset="fashion-footwear", history=tmp_path / "none.jsonl")
    assert "empty or absent" in searcher.fallback_reason  # type: ignore[attr-defined]
    assert "nothing to transfer" in caplog.text
    tpe = get_searcher("tpe", SPACE, metric="accuracy", seed=0)
    assert drive(searcher, objective, 5) == drive(tpe, objective, 5)


# --- real Ray Tune runs ----------------------------------------------------------------------
def test_random_run_reproducible_crashes_do_not_stop_it_and_overhead(
        ray_local: None, tmp_path: Path) -> None:
    log_dir = tmp_path / "executions"
    log_dir.mkdir()
    train = functools.partial(synthetic_train, log_dir=str(log_dir),
                              faults={2: "raise", 3: "kill"})
    events: list[HPOEvent] = []
    result = run_hpo(train, SPACE, "random", num_trials=5, max_concurrent=2,
                     metric="accuracy", storage_path=tmp_path / "hpo", name="random",
                     seed=11, progress=events.append)
    # the n-th trial has the n-th config of the seeded sequence
    expected = [SPACE.to_config(SPACE.clip(c)) for c in _random_configs(seed=11, n=5)]
    assert [t.config for t in result.trials] == expected
    assert [t.index for t in result.trials] == [1, 2, 3, 4, 5]
    # the raising and the killed trial are errored with their reasons; the others finished
    errored = {t.trial_id: t.error for t in result.by_status("errored")}
    runs = executions(log_dir)
    assert set(errored) == {runs[1], runs[2]}, (
        runs, [(t.trial_id, t.status, t.error, len(t.history)) for t in result.trials])
    assert "ValueError: synthetic failure in execution 2" in errored[runs[1]]
    assert "died" in errored[runs[2]]
    completed = result.by_status("completed")
    assert len(completed) == 3 and not result.interrupted
    for trial in completed:
        assert trial.best_metric == pytest.approx(synthetic_score(trial.hparams))
        assert [p.validation for p in trial.history] == [1, 2, 3]
    assert result.best is not None and result.best.status == "completed"
    kinds = {e.kind for e in events}
    assert kinds == {"start", "result", "complete", "error"}
    # Ray's overhead is measured for every completed trial
    overhead = ray_overhead(result)
    assert overhead is not None and overhead.trials == 3
    assert result.startup_seconds is not None and 0 < result.startup_seconds < result.seconds
    for trial in completed:
        assert trial.tune_seconds is not None and trial.train_seconds is not None
        assert 0 < trial.train_seconds < trial.tune_seconds


def test_trial_status_trusts_the_callback_when_tune_did_not_persist_an_error() -> None:
    from autommlab.hpo.experiment import _status

    # Tune may leave a trial whose actor died as RUNNING in its state file
    assert _status("RUNNING", False, seen="ERROR") == "errored"
    assert _status("RUNNING", False, seen="RUNNING") == "unfinished"  # interrupted
    assert _status("TERMINATED", True, seen="ERROR") == "completed"  # Tune's final word
    assert _status("TERMINATED", False) == "stopped"
    assert _status("PENDING", False) == "unfinished"


def _random_configs(seed: int, n: int) -> list[dict[str, Any]]:
    searcher = get_searcher("random", SPACE, metric="accuracy", seed=seed)
    return [searcher.suggest(f"t{i}") for i in range(n)]  # type: ignore[misc]


def test_round_searcher_second_round_sees_the_first(ray_local: None, tmp_path: Path) -> None:
    def double_best_lr(history: list[TrialRecord]) -> list[dict[str, Any]]:
        best = max(history, key=lambda r: r.metric or 0.0)
        return [{**best.config, "lr": best.config["lr"] * 2},
                {**best.config, "lr": best.config["lr"] / 2}]

    searcher = ScriptedSearcher(SPACE, [cfg(lr=1e-5), cfg(lr=3e-4)], metric="accuracy",
                                round_size=2, adapt=double_best_lr)
    result = run_hpo(synthetic_train, SPACE, searcher, num_trials=4, max_concurrent=2,
                     metric="accuracy", storage_path=tmp_path, name="rounds")
    assert len(searcher.seen) == 2  # two rounds were proposed
    assert searcher.seen[0] == []
    first_round = searcher.seen[1]
    assert sorted(r.config["lr"] for r in first_round) == [1e-5, 3e-4]
    assert all(r.metric is not None and r.round == 1 for r in first_round)
    lrs = [t.config["lr"] for t in result.trials]
    assert lrs[2:] == [pytest.approx(6e-4), pytest.approx(1.5e-4)]  # built from round 1's best


def test_target_metric_stops_the_experiment_early(ray_local: None, tmp_path: Path) -> None:
    train = functools.partial(synthetic_train, score=iters_score, validations=2)
    searcher = ScriptedSearcher(SPACE, [cfg(iters=i) for i in (150, 290, 120, 130, 140, 160)],
                                metric="accuracy", round_size=1, barrier=False)
    result = run_hpo(train, SPACE, searcher, num_trials=6, max_concurrent=1,
                     metric="accuracy", target=0.28, storage_path=tmp_path, name="target")
    assert result.target_reached and not result.interrupted
    assert len(result.trials) == 2  # nothing started after trial 2 reached 0.29 >= 0.28
    assert result.best is not None and result.best.best_metric == pytest.approx(0.29)


def test_asha_stops_poor_trials(ray_local: None, tmp_path: Path) -> None:
    train = functools.partial(synthetic_train, score=iters_score, validations=4, sleep=0.02)
    # each trial improves on the last until the fourth, which is below the rung-1 median
    searcher = ScriptedSearcher(SPACE, [cfg(iters=i) for i in (100, 200, 290, 110)],
                                metric="accuracy", round_size=1, barrier=False)
    result = run_hpo(train, SPACE, searcher, num_trials=4, max_concurrent=1,
                     metric="accuracy", asha=True, asha_max_t=4, storage_path=tmp_path,
                     name="asha")
    assert [t.status for t in result.trials] == ["completed"] * 3 + ["stopped"]
    assert len(result.trials[3].history) == 1  # stopped at the first rung
    assert [len(t.history) for t in result.trials[:3]] == [4, 4, 4]


def test_interrupted_search_resumes_without_repeating_trials(
        ray_local: None, tmp_path: Path, transfer_history: Path) -> None:
    log_dir = tmp_path / "executions"
    log_dir.mkdir()
    train = functools.partial(synthetic_train, log_dir=str(log_dir), sleep=0.2)

    def interrupt_during_third_trial(event: HPOEvent) -> None:
        if event.kind == "result" and event.index == 3 and event.validation == 1:
            os.kill(os.getpid(), signal.SIGUSR1)  # what Ctrl+C does; pytest keeps SIGINT

    first = run_hpo(train, SPACE, "transfer", num_trials=5, max_concurrent=1,
                    metric="accuracy", storage_path=tmp_path, name="resume", seed=5,
                    progress=interrupt_during_third_trial,
                    searcher_options={"dataset": "fashion-footwear",
                                      "history": transfer_history, "top_k": 2})
    assert first.interrupted
    assert [t.status for t in first.trials] == ["completed", "completed", "unfinished"]
    assert [s["dataset"] for s in first.searcher_info["sources"]] == ["fashion-mnist", "mnist"]
    assert first.trials[0].config == SPACE.to_config(
        SPACE.clip(cfg(optimizer="Adam", lr=5e-4, iters=280)))  # transfer's first point
    done_first = [t.trial_id for t in first.trials[:2]]
    cut = first.trials[2].trial_id

    with pytest.raises(HPOError, match="already exists"):
        run_hpo(train, SPACE, "random", num_trials=1, max_concurrent=1, metric="accuracy",
                storage_path=tmp_path, name="resume")

    second = resume_hpo(tmp_path, "resume", train)
    assert not second.interrupted
    assert [t.status for t in second.trials] == ["completed"] * 5
    assert [t.trial_id for t in second.trials[:3]] == [*done_first, cut]
    runs = executions(log_dir)
    assert [runs.count(t) for t in done_first] == [1, 1]  # finished trials did not run again
    assert runs.count(cut) == 2  # the interrupted one ran again, from its start
    assert len(runs) == 6 and set(runs) == {t.trial_id for t in second.trials}
    configs = [json.dumps(t.config, sort_keys=True) for t in second.trials]
    assert len(set(configs)) == 5  # the restored searcher did not re-propose old points
    overhead = ray_overhead(second)  # driver timings survive the restore
    assert overhead is not None and overhead.trials == 5
    on_disk = load_result(tmp_path, "resume")  # the same result, read back without running
    assert [(t.trial_id, t.status, t.best_metric) for t in on_disk.trials] == [
        (t.trial_id, t.status, t.best_metric) for t in second.trials]


def test_run_arguments_are_checked(ray_local: None, tmp_path: Path) -> None:
    with pytest.raises(HPOError, match="absolute"):
        run_hpo(synthetic_train, SPACE, "random", num_trials=1, max_concurrent=1,
                metric="accuracy", storage_path=Path("relative"), name="x")
    with pytest.raises(HPOError, match="no HPO experiment to resume"):
        resume_hpo(tmp_path, "never-ran", synthetic_train)


def test_a_search_where_every_trial_fails_raises(ray_local: None, tmp_path: Path) -> None:
    with pytest.raises(HPOError, match="every trial of the search failed") as caught:
        run_hpo(reports_without_the_metric, SPACE, "random", num_trials=2, max_concurrent=2,
                metric="accuracy", storage_path=tmp_path, name="failing")
    assert "reported ['loss'] without the metric 'accuracy'" in str(caught.value)
    result = caught.value.result  # type: ignore[attr-defined]
    assert [t.status for t in result.trials] == ["errored", "errored"]


def test_tpe_evaluates_its_initial_configs_first_and_keeps_them_across_restore() -> None:
    from autommlab.hpo.space import RECIPES, recipe_config, search_space

    space = search_space("keypoint", "medium")
    recipe = recipe_config(space)
    assert recipe["optimizer"] == RECIPES["keypoint"]["optimizer"]
    assert recipe["iters"] == space.iters[1] and recipe["batch_size"] == max(space.batch_sizes)
    searcher = get_searcher("tpe", space, metric="AP", initial=[recipe], max_concurrent=2)
    state = searcher.get_state()
    assert searcher.suggest("t1") == recipe  # the recipe before any TPE proposal
    second = searcher.suggest("t2")
    assert second is not None and second != recipe
    fresh = get_searcher("tpe", space, metric="AP", max_concurrent=2)
    fresh.set_state(state)
    assert fresh.suggest("t1") == recipe
