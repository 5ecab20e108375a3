"""Tabular HPO benchmarking: searchers replayed against a table of measured trials.

Why a table: comparing searchers at budgets of 1-10 trials with a spread over seeds needs
hundreds of searches, and one live search of 10 MMEngine trials costs 2-25 minutes on a
2-core CPU. Tabular benchmarks (HPOBench, LCBench, NAS-Bench-201) pay the training cost
once: every configuration in the table was really trained, and searchers are then replayed
against the table as often as needed, at no training cost.

How a proposal is scored (`MeasuredTable.lookup`): it gets the metric of the *nearest*
measured configuration (1-nearest-neighbour), so every value a searcher sees is a real
measurement, never an interpolation. Distance over the searched keys: lr, weight decay and
batch size in log scale, iters linear, each divided by the space's range (so each numeric
key spans [0, 1]), plus 1 for a different optimizer and 1 for a different lr schedule
(a categorical mismatch counts as far as the whole range of a numeric key). The searcher
is told the metric against its own proposal, as if that point had been trained: this is
the approximation every tabular benchmark with a continuous space makes, and it is why the
table should be dense (the live benchmark's random and TPE trials of every seed).

`replay` drives a `RoundSearcher` through the Ray Tune hooks it implements (`suggest`,
`on_trial_complete`) without Ray: `concurrency` trials are live at a time and complete in
the order they started, which is what the live benchmark does with equal-length trials.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ray.tune.search import Searcher

from autommlab.errors import HPOError
from autommlab.hpo.searchers.base import RoundSearcher
from autommlab.hpo.space import SearchSpace

#: The searcher is waiting for something that is not a trial (the LLM advisor thinking in a
#: background thread); give up on the search after this long without a proposal.
DEFAULT_WAIT_S = 600.0


@dataclass(frozen=True)
class MeasuredTrial:
    """One row of the table: a configuration that was trained, and its metric."""

    config: Mapping[str, Any]
    metric: float


@dataclass
class MeasuredTable:
    """The measured trials of one (dataset, model) pair over one search space."""

    space: SearchSpace
    rows: Sequence[MeasuredTrial]
    _vectors: list[tuple[float, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.rows:
            raise HPOError("a measured table needs at least one trial")
        self._vectors = [self._vector(row.config) for row in self.rows]

    @property
    def best(self) -> float:
        """The best metric in the table: what regret is measured against."""
        return max(row.metric for row in self.rows)

    def nearest(self, config: Mapping[str, Any]) -> int:
        """Index of the row nearest to `config` (the first one on ties)."""
        point = self._vector(config)
        distances = [_distance(point, vector) for vector in self._vectors]
        return distances.index(min(distances))

    def lookup(self, config: Mapping[str, Any]) -> float:
        return self.rows[self.nearest(config)].metric

    def _vector(self, config: Mapping[str, Any]) -> tuple[float, ...]:
        hp = self.space.clip(config)
        space = self.space
        lr_low = min(low for low, _ in space.lr.values())
        lr_high = max(high for _, high in space.lr.values())
        return (
            _unit_log(hp.lr, lr_low, lr_high),
            _unit_log(hp.weight_decay, *space.weight_decay),
            _unit_log(hp.batch_size, min(space.batch_sizes), max(space.batch_sizes)),
            _unit(hp.iters, *space.iters),
            # categories as one-hot / sqrt(2): a mismatch is at distance 1
            *(float(hp.optimizer == o) / math.sqrt(2) for o in space.optimizers),
            *(float(hp.lr_schedule == s) / math.sqrt(2) for s in space.lr_schedules),
        )


@dataclass
class Replay:
    """One replayed search: metrics in completion order and the table rows they came from."""

    metrics: list[float]
    rows: list[int]
    configs: list[dict[str, Any]]

    def best_after(self, k: int) -> float:
        return max(self.metrics[:k])


def replay(searcher: RoundSearcher, table: MeasuredTable, num_trials: int, *,
           concurrency: int = 2, wait_s: float = DEFAULT_WAIT_S) -> Replay:
    """Run `searcher` for `num_trials` trials whose results are read from `table`."""
    if num_trials < 1 or concurrency < 1:
        raise HPOError("replay needs num_trials >= 1 and concurrency >= 1")
    metric = searcher.metric
    if not metric:
        raise HPOError("the searcher has no metric set")
    searcher.set_max_concurrency(concurrency)
    live: list[tuple[str, dict[str, Any]]] = []
    out = Replay(metrics=[], rows=[], configs=[])
    started = 0
    waited_since: float | None = None
    finished = False
    while len(out.metrics) < num_trials:
        while started < num_trials and len(live) < concurrency and not finished:
            config = searcher.suggest(f"replay_{started:05d}")
            if config is None:
                break
            if config == Searcher.FINISHED:
                finished = True
                break
            live.append((f"replay_{started:05d}", dict(config)))
            started += 1
            waited_since = None
        if not live:
            if finished:
                break  # the searcher has nothing more to propose
            # Not a trial: an advisor thinking in a background thread. Poll, with a bound.
            waited_since = waited_since or time.monotonic()
            if time.monotonic() - waited_since > wait_s:
                raise HPOError(f"{searcher.name} searcher proposed nothing for {wait_s:.0f} s")
            time.sleep(0.05)
            continue
        trial_id, config = live.pop(0)
        row = table.nearest(config)
        value = table.rows[row].metric
        searcher.on_trial_complete(trial_id, {metric: value})
        out.metrics.append(value)
        out.rows.append(row)
        out.configs.append(config)
    return out


def tables_from_records(records: Iterable[Mapping[str, Any]], spaces: Mapping[str, SearchSpace]
                        ) -> dict[tuple[str, str], MeasuredTable]:
    """Group `HPORecord`-shaped dicts into one table per (dataset, model).

    `spaces` maps task -> the space the records were searched in. Duplicate configurations
    (the same point trained twice, e.g. by two seeds of random search) keep their mean.
    """
    grouped: dict[tuple[str, str], dict[str, list[Any]]] = {}
    tasks: dict[tuple[str, str], str] = {}
    for record in records:
        key = (record["dataset"], record["model"])
        tasks[key] = record["task"]
        space = spaces[record["task"]]
        config = space.to_config(space.clip(record["hparams"]))
        fingerprint = repr(sorted(config.items()))
        grouped.setdefault(key, {}).setdefault(fingerprint, [config, []])[1].append(
            float(record["metric"]))
    return {key: MeasuredTable(spaces[tasks[key]], [
        MeasuredTrial(config, sum(values) / len(values)) for config, values in rows.values()])
        for key, rows in grouped.items()}


def _unit(value: float, low: float, high: float) -> float:
    return 0.0 if high <= low else (value - low) / (high - low)


def _unit_log(value: float, low: float, high: float) -> float:
    return _unit(math.log(value), math.log(low), math.log(high))


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))
