"""AutoML-GPT's hyperparameter transfer: start from what worked on the most similar data.

Every data card is embedded (`embeddings.card_text` -> all-MiniLM-L6-v2); the datasets that
have records in the hyperparameter history are ranked by cosine similarity to the target
dataset's card; the best record of each of the `top_k` most similar ones (for the same model
when the history has it, else for any model) becomes a starting point, clipped into the
current space (another task's or budget's iterations do not fit as they are).

Datasets of the same task are preferred: when any exists, only those are candidates, because
an optimizer setting tuned for a detector says little about a classifier. The plan says why
it chose each source, or why there is nothing to transfer (no history file, no record, no
card), in which case the transfer searcher is plain TPE.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autommlab.hpo.history import HPOHistory, HPORecord
from autommlab.hpo.space import SearchSpace
from autommlab.zoo.cards import DataCard
from autommlab.zoo.catalog import ZooCatalog

log = logging.getLogger(__name__)

DEFAULT_TOP_K = 3


@dataclass(frozen=True)
class TransferSource:
    """One starting point and where it came from."""

    dataset: str
    similarity: float
    record: HPORecord
    config: dict[str, Any]  # the record's hyperparameters, clipped into the space
    notes: tuple[str, ...] = ()  # what clipping changed

    def describe(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "model": self.record.model,
                "similarity": round(self.similarity, 4), "metric_name": self.record.metric_name,
                "metric": self.record.metric, "config": self.config, "notes": list(self.notes)}


@dataclass(frozen=True)
class TransferPlan:
    sources: tuple[TransferSource, ...] = ()
    reason: str = ""  # why these sources, or why none
    ranking: tuple[tuple[str, float], ...] = field(default=())  # every candidate, best first


def rank_similar(target: DataCard, candidates: Sequence[DataCard]) -> list[tuple[str, float]]:
    """(dataset name, cosine similarity) of each candidate card to `target`, best first."""
    from autommlab.hpo.embeddings import card_text, embed_texts

    if not candidates:
        return []
    vectors = embed_texts([card_text(target), *(card_text(c) for c in candidates)])
    scores = vectors[1:] @ vectors[0]
    ranked = sorted(zip((c.name for c in candidates), scores.tolist(), strict=True),
                    key=lambda item: (-item[1], item[0]))
    return [(name, float(score)) for name, score in ranked]


def plan_transfer(target: DataCard, space: SearchSpace, history: HPOHistory,
                  catalog: ZooCatalog | None, *, model: str | None = None,
                  top_k: int = DEFAULT_TOP_K, mode: str = "max") -> TransferPlan:
    """Choose up to `top_k` starting points for `target` from `history` (see module doc)."""
    if not len(history):
        return TransferPlan(reason="the hyperparameter history is empty or absent "
                                   "(no shipped zoo/hpo/history.jsonl, no user history)")
    cards = _candidate_cards(history, catalog, target)
    if not cards:
        return TransferPlan(reason="no dataset in the hyperparameter history has a record")
    same_task = [c for c in cards if c.task == target.task]
    pool, scope = ((same_task, f"{target.task} datasets") if same_task
                   else (cards, "datasets of any task (none of the same task has records)"))
    ranking = rank_similar(target, pool)
    sources: list[TransferSource] = []
    seen: set[str] = set()
    for name, similarity in ranking:
        record = history.best_for(name, model, mode) or history.best_for(name, None, mode)
        if record is None:
            continue
        hparams, notes = space.clip_with_notes(record.hparams)
        config = space.to_config(hparams)
        key = repr(sorted(config.items()))
        if key in seen:
            continue
        seen.add(key)
        sources.append(TransferSource(dataset=name, similarity=similarity, record=record,
                                      config=config, notes=tuple(notes)))
        if len(sources) >= top_k:
            break
    picked = ", ".join(f"{s.dataset} ({s.similarity:.2f}, {s.record.model})" for s in sources)
    reason = f"most similar {scope} with records: {picked}"
    return TransferPlan(sources=tuple(sources), reason=reason, ranking=tuple(ranking))


def _candidate_cards(history: HPOHistory, catalog: ZooCatalog | None,
                     target: DataCard) -> list[DataCard]:
    """A card for every dataset of the history: the catalog's, else one made from the
    record itself (name and task only, so it still ranks, only less well)."""
    known = {c.name: c for c in catalog.datasets} if catalog is not None else {}
    known[target.name] = target
    cards: list[DataCard] = []
    for name in history.datasets():
        card = known.get(name)
        if card is None:
            record = history.for_dataset(name)[0]
            log.info("transfer: dataset %r of the history has no card; ranking it by name "
                     "and task only", name)
            card = _bare_card(name, record.task)
        cards.append(card)
    return cards


def _bare_card(name: str, task: str) -> DataCard:
    # model_construct: the history's dataset name is kept verbatim, whatever its spelling
    return DataCard.model_construct(
        name=name, task=task, description=f"{name.replace('-', ' ')} dataset", classes=[],
        tags=[])
