"""Tabular HPO benchmarking: nearest-measured lookup and searcher replay (no training, no Ray).

The table here is synthetic (a smooth function of the hyperparameters sampled at random
points): these tests check the lookup and the replay loop, not any searcher's quality on
real data, which `benchmarks/hpo_table.py` measures.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest

from autommlab.errors import HPOError
from autommlab.hpo import search_space
from autommlab.hpo.searchers import get_searcher
from autommlab.hpo.searchers.base import RoundSearcher, TrialRecord
from autommlab.hpo.tabular import MeasuredTable, MeasuredTrial, replay, tables_from_records
from autommlab.llm.advisor import LLMAdvisor
from llmfixtures import ScriptedChatModel

pytestmark = pytest.mark.timeout(120)

SPACE = search_space("classification", "small").with_iters(40, 160)


def score(config: Mapping[str, Any]) -> float:
    """A made-up response surface: best near Adam, lr 2e-3, long training."""
    hp = SPACE.clip(config)
    lr_term = math.exp(-(math.log10(hp.lr) - math.log10(2e-3)) ** 2)
    return round(0.5 * lr_term + 0.3 * (hp.optimizer == "Adam") + 0.2 * hp.iters / 160, 6)


def synthetic_table(n: int = 60, seed: int = 123) -> MeasuredTable:
    rng = np.random.default_rng(seed)
    configs = [SPACE.to_config(SPACE.clip(SPACE.sample(rng))) for _ in range(n)]
    return MeasuredTable(SPACE, [MeasuredTrial(c, score(c)) for c in configs])


def test_lookup_returns_the_measured_metric_of_a_table_point_and_of_its_neighbour() -> None:
    table = synthetic_table()
    for row in table.rows[:10]:
        assert table.lookup(row.config) == row.metric
    row = table.rows[0]
    near = dict(row.config, lr=row.config["lr"] * 1.01)  # a hair away from row 0
    assert table.nearest(near) == 0


def test_a_different_optimizer_is_farther_than_a_small_lr_change() -> None:
    a = {"optimizer": "Adam", "lr": 1e-3, "weight_decay": 1e-4, "batch_size": 32,
         "iters": 100, "lr_schedule": "CosineAnnealingLR"}
    b = dict(a, optimizer="SGD", lr=1e-2)  # SGD's range; same everything else
    table = MeasuredTable(SPACE, [MeasuredTrial(a, 0.1), MeasuredTrial(b, 0.9)])
    assert table.lookup(dict(a, lr=2e-3)) == 0.1
    assert table.lookup(dict(b, lr=2e-2)) == 0.9
    assert table.best == 0.9


def test_an_empty_table_is_refused() -> None:
    with pytest.raises(HPOError, match="at least one"):
        MeasuredTable(SPACE, [])


def test_records_group_by_pair_and_repeated_configs_average() -> None:
    hp = {"optimizer": "Adam", "lr": 1e-3, "weight_decay": 1e-4, "batch_size": 32,
          "iters": 100, "lr_schedule": "PolyLR", "warmup_iters": 0, "momentum": 0.9}
    records = [
        {"dataset": "a", "model": "m", "task": "classification", "hparams": hp, "metric": 0.4},
        {"dataset": "a", "model": "m", "task": "classification", "hparams": hp, "metric": 0.6},
        {"dataset": "a", "model": "m", "task": "classification",
         "hparams": dict(hp, lr=1e-4), "metric": 0.2},
        {"dataset": "b", "model": "m", "task": "classification", "hparams": hp, "metric": 0.9},
    ]
    tables = tables_from_records(records, {"classification": SPACE})
    assert sorted(tables) == [("a", "m"), ("b", "m")]
    assert sorted(r.metric for r in tables[("a", "m")].rows) == pytest.approx([0.2, 0.5])
    assert tables[("b", "m")].best == 0.9


def test_random_replay_is_reproducible_and_reads_every_metric_from_the_table() -> None:
    table = synthetic_table()
    runs = [replay(get_searcher("random", SPACE, metric="accuracy", seed=seed), table, 10)
            for seed in (0, 0, 1)]
    assert runs[0].metrics == runs[1].metrics
    assert runs[0].metrics != runs[2].metrics
    for run in runs:
        assert len(run.metrics) == 10
        assert run.metrics == [table.rows[i].metric for i in run.rows]
        assert run.best_after(3) == max(run.metrics[:3]) <= run.best_after(10) <= table.best


def test_tpe_uses_the_replayed_results() -> None:
    """Feedback reaches the searcher: on a smooth surface TPE beats random over seeds."""
    table = synthetic_table(n=120)

    def mean_best(name: str) -> float:
        return statistics.fmean(
            replay(get_searcher(name, SPACE, metric="accuracy", seed=seed), table, 16)
            .best_after(16) for seed in range(6))

    assert mean_best("tpe") > mean_best("random")


class RoundRecorder(RoundSearcher):
    """A barrier searcher that records what it saw when proposing each round."""

    name = "round-recorder"

    def __init__(self, space: Any, **kwargs: Any) -> None:
        super().__init__(space, **kwargs)
        self.seen: list[int] = []
        self._rng = np.random.default_rng(0)

    def propose(self, history: list[TrialRecord], k: int) -> list[Mapping[str, Any]]:
        self.seen.append(len(history))
        return [self.space.sample(self._rng) for _ in range(k)]


def test_replay_keeps_rounds_and_concurrency() -> None:
    searcher = RoundRecorder(SPACE, metric="accuracy", round_size=3)
    run = replay(searcher, synthetic_table(), 9, concurrency=3)
    assert len(run.metrics) == 9
    assert searcher.seen == [0, 3, 6]  # each round saw every earlier round's results


def test_llm_searcher_replays_with_its_advisor_thread() -> None:
    table = synthetic_table()

    def reply(*configs: Mapping[str, Any]) -> str:
        return json.dumps({"configs": [dict(c) for c in configs]})

    rows: Sequence[MeasuredTrial] = sorted(table.rows, key=lambda r: -r.metric)
    model = ScriptedChatModel([reply(rows[0].config, rows[1].config),
                               reply(rows[2].config, rows[3].config)])
    searcher = get_searcher("llm", SPACE, metric="accuracy", seed=0,
                            advisor=LLMAdvisor(model), dataset="fashion-footwear",
                            model="shufflenet-v2", round_size=2, max_concurrent=2)
    run = replay(searcher, table, 4, concurrency=2, wait_s=30)
    assert run.best_after(1) == table.best  # the advisor's first proposal is the best row
    assert sorted(run.metrics, reverse=True) == [r.metric for r in rows[:4]]
