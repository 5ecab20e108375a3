"""HPO-LLaMA's fine-tuning data: dialogues made from the hyperparameter history.

The history (`autommlab.hpo.history`) holds (dataset, model, hyperparameters, metric) records
of real training runs. Following AutoMMLab, the target of every example is the top-k
settings: the model learns to propose the best configurations that were found, given what
it has seen so far.

* Records are grouped by (dataset, model, task, metric, source, budget): one group is one
  "search" over one problem (the history has no search id; the source and budget separate
  the benchmark's searches from a user's requests). Groups and records are ordered
  (groups by key, records by creation time), configs are clipped into the group's space and
  repeated configs dropped (the first kept), so the output depends on the history only.
* Round 1 example: the problem (round-1 prompt, `hpo_prompt`) -> the group's top-k configs.
* Multi-round examples: the group's records in order, cut into rounds of k; after the first
  r rounds (r = 1 .. `max_rounds`) have been shown with their results, the target is the
  top-k of the records not shown yet (skipped when fewer than k remain). `orderings` > 1
  adds seeded random orders of the same records (more dialogues from few runs): the only
  use of `seed`.
* The space shown is the task's space at the records' budget, widened to cover the
  records' values (a benchmark searches a narrower iteration range than "small"; the target
  must be the config that was really run, not a clipped one). `space_for` overrides it.
* `priors=True` adds, per ordering, the same examples with a prior in the round-1 prompt
  ("good on similar data", `hpo_prompt.format_prior`): the best 1 or 2 configs of a random
  `PRIOR_FRACTION` of the search's own trials. At inference the prior is the best configs of
  the most similar datasets of the history (`hpo.transfer.plan_transfer`: other datasets,
  or the same dataset's earlier runs when the history has them); training draws it from
  the search itself because the training history may hold one dataset per task (the
  benchmark's held-out adapter does), so there is no similar dataset to take it from. The
  prior often holds the best trial (then the target starts with it) and sometimes does not
  (then the model must still find the best): the model learns to use a prior, not to copy
  it blindly. The examples without a prior are kept, so a search without history works.
* `exclude_datasets` leaves datasets out entirely (leave-one-dataset-out evaluation: a
  benchmark must not train on the dataset it evaluates on).
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autommlab.errors import ZooError
from autommlab.hpo.history import HPOHistory, HPORecord
from autommlab.hpo.space import BUDGET_NAMES, SearchSpace, search_space
from autommlab.llm.advisor import AdvisorContext, TrialOutcome
from autommlab.llm.base import ChatExample
from autommlab.llm.hpo_prompt import build_messages, config_key, format_answer, sig3

if TYPE_CHECKING:
    from autommlab.zoo.cards import DataCard, ModelCard
    from autommlab.zoo.catalog import ZooCatalog

GroupKey = tuple[str, str, str, str, str, str]  # dataset, model, task, metric, source, budget
SpaceFor = Callable[[str, "str | None", Sequence[HPORecord]], SearchSpace]

DEFAULT_MAX_ROUNDS = 3
#: share of a search's trials a training prior is drawn from (see the module doc)
PRIOR_FRACTION = 0.6


def build_hpo_dialogues(history: HPOHistory | Iterable[HPORecord],
                        catalog: ZooCatalog | None, k: int, seed: int = 0, *,
                        exclude_datasets: Iterable[str] = (),
                        max_rounds: int = DEFAULT_MAX_ROUNDS, orderings: int = 1,
                        mode: str = "max", space_for: SpaceFor | None = None,
                        priors: bool = False) -> list[ChatExample]:
    """Single- and multi-round HPO dialogues from `history` (see the module doc)."""
    if k < 1 or max_rounds < 0 or orderings < 1:
        raise ValueError(f"need k >= 1, max_rounds >= 0, orderings >= 1 (got {k}, "
                         f"{max_rounds}, {orderings})")
    if mode not in ("max", "min"):
        raise ValueError(f"mode must be 'max' or 'min', got {mode!r}")
    records = history.records if isinstance(history, HPOHistory) else tuple(history)
    excluded = set(exclude_datasets)
    groups = group_records(r for r in records if r.dataset not in excluded)
    examples: list[ChatExample] = []
    for key, members in groups.items():
        examples.extend(_group_dialogues(key, members, catalog, k, seed, max_rounds,
                                         orderings, mode, space_for or group_space, priors))
    return examples


def group_records(records: Iterable[HPORecord]) -> dict[GroupKey, list[HPORecord]]:
    """Records by search (see the module doc), groups sorted by key, records by creation
    time (ties keep the history's order)."""
    groups: dict[GroupKey, list[HPORecord]] = {}
    for record in records:
        key = (record.dataset, record.model, record.task, record.metric_name, record.source,
               record.budget or "")
        groups.setdefault(key, []).append(record)
    return {key: sorted(groups[key], key=lambda r: r.created) for key in sorted(groups)}


def group_space(task: str, budget: str | None, records: Sequence[HPORecord]) -> SearchSpace:
    """The task's space at `budget` ("small" for an unknown one), widened to hold every
    record's values."""
    space = search_space(task, budget if budget in BUDGET_NAMES else "small")
    iters = [v for r in records if (v := _number(r.hparams.get("iters"))) and v >= 1]
    sizes = [int(v) for r in records if (v := _number(r.hparams.get("batch_size")))
             and v == int(v) and 1 <= v <= 512]
    # bounds on the 3-significant-digit grid of the prompt, so the rounded target stays inside
    decays = [sig3(v) for r in records if (v := _number(r.hparams.get("weight_decay")))
              and 0 < sig3(v) <= 0.5]
    lr = dict(space.lr)
    for record in records:
        value = _number(record.hparams.get("lr"))
        optimizer = record.hparams.get("optimizer")
        if optimizer in lr and value is not None and 0 < sig3(value) <= 1:
            value = sig3(value)
            low, high = lr[optimizer]
            lr[optimizer] = (min(low, value), max(high, value))
    low, high = space.iters
    return dataclasses.replace(
        space, lr=lr, batch_sizes=tuple(sorted({*space.batch_sizes, *sizes})),
        weight_decay=(min([space.weight_decay[0], *decays]),
                      max([space.weight_decay[1], *decays])),
        iters=(int(min([low, *iters])), math.ceil(max([high, *iters]))))


# --- one group -------------------------------------------------------------------------------
def _group_dialogues(key: GroupKey, records: list[HPORecord], catalog: ZooCatalog | None,
                     k: int, seed: int, max_rounds: int, orderings: int, mode: str,
                     space_for: SpaceFor, priors: bool = False) -> list[ChatExample]:
    dataset, model, task, metric, _, budget = key
    space = space_for(task, budget or None, records)
    trials = _unique_trials(records, space)
    if len(trials) < k:
        return []
    data, card = _cards(catalog, dataset, model)

    def context(rounds: Sequence[Sequence[TrialOutcome]],
                prior: Sequence[TrialOutcome] = ()) -> AdvisorContext:
        return AdvisorContext(space=space, task=task, metric=metric, mode=mode, data=data,
                              model=card, rounds=tuple(tuple(r) for r in rounds),
                              dataset_name=dataset, model_name=model,
                              prior=tuple(t.config for t in prior))

    examples = [_example(context(()), k, _top(trials, k, mode))]
    orders = [trials]
    # seeded per group (crc32 of its key: stable across processes, unlike hash()), so adding
    # a group to the history changes no other group's orders
    group_seed = zlib.crc32("/".join(key).encode())
    rng = np.random.default_rng([seed, group_seed])
    for _ in range(orderings - 1):
        orders.append([trials[i] for i in rng.permutation(len(trials))])
    # the priors' own generator: turning them on changes none of the examples above
    prior_rng = np.random.default_rng([seed, group_seed, 1])
    for order in orders:
        prior = _draw_prior(trials, prior_rng, mode) if priors else None
        for shown_rounds in range(1 if prior is None else 0, max_rounds + 1):
            shown, rest = order[:shown_rounds * k], order[shown_rounds * k:]
            if len(rest) < k:
                break
            rounds = [shown[i:i + k] for i in range(0, len(shown), k)]
            examples.append(_example(context(rounds, prior or ()), k, _top(rest, k, mode)))
            if prior is not None and shown_rounds:  # and the same dialogue without a prior
                examples.append(_example(context(rounds), k, _top(rest, k, mode)))
    return examples


def _draw_prior(trials: Sequence[TrialOutcome], rng: np.random.Generator,
                mode: str) -> list[TrialOutcome]:
    """The best 1 or 2 of a random PRIOR_FRACTION of `trials` (see the module doc)."""
    size = max(1, math.ceil(PRIOR_FRACTION * len(trials)))
    subset = [trials[i] for i in sorted(rng.choice(len(trials), size, replace=False))]
    return _top(subset, int(rng.integers(1, 3)), mode)


def _unique_trials(records: Sequence[HPORecord], space: SearchSpace) -> list[TrialOutcome]:
    trials: list[TrialOutcome] = []
    seen: set[str] = set()
    for record in records:
        config = space.to_config(space.clip(record.hparams))
        key = config_key(config)
        if key in seen or not math.isfinite(record.metric):
            continue
        seen.add(key)
        trials.append(TrialOutcome(config, float(record.metric), False))
    return trials


def _top(trials: Sequence[TrialOutcome], k: int, mode: str) -> list[TrialOutcome]:
    sign = -1.0 if mode == "max" else 1.0
    ranked = sorted(trials, key=lambda t: (sign * (t.metric or 0.0), config_key(t.config)))
    return ranked[:k]


def _example(context: AdvisorContext, k: int, target: Sequence[TrialOutcome]) -> ChatExample:
    return ChatExample(messages=tuple(build_messages(context, k)),
                       answer=format_answer(t.config for t in target))


def _cards(catalog: ZooCatalog | None, dataset: str,
           model: str) -> tuple[DataCard | None, ModelCard | None]:
    if catalog is None:
        return None, None
    try:
        data: DataCard | None = catalog.dataset(dataset)
    except ZooError:
        data = None  # a user's dataset outside the zoo: the prompt shows its name
    try:
        card: ModelCard | None = catalog.model(model)
    except ZooError:
        card = None
    return data, card


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


__all__ = ["build_hpo_dialogues", "group_records", "group_space"]
