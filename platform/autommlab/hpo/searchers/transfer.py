"""Transfer searcher: the best hyperparameters of the most similar datasets first, then TPE.

The plan (`autommlab.hpo.transfer.plan_transfer`) is made once, in the driver, when the
searcher is built: embedding needs the sentence-transformers model, which should not be
loaded in every process that unpickles the searcher. The searcher then only carries plain
configs. Transferred trials are evaluated like any other and enter the TPE study as
completed trials, so TPE starts from them ("seeded"). With nothing to transfer it is TPE,
and `fallback_reason` says why (also logged).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from autommlab.hpo.history import HPOHistory
from autommlab.hpo.searchers.base import register_searcher
from autommlab.hpo.searchers.tpe import DEFAULT_STARTUP_TRIALS, TPESearcher
from autommlab.hpo.space import SearchSpace
from autommlab.hpo.transfer import DEFAULT_TOP_K, plan_transfer
from autommlab.zoo.cards import DataCard
from autommlab.zoo.catalog import ZooCatalog, load_cards

log = logging.getLogger(__name__)


@register_searcher("transfer")
class TransferSearcher(TPESearcher):
    def __init__(self, space: SearchSpace, metric: str | None = None, mode: str = "max",
                 seed: int = 0, *, dataset: DataCard | str, model: str | None = None,
                 history: HPOHistory | Path | str | None = None,
                 catalog: ZooCatalog | None = None, top_k: int = DEFAULT_TOP_K,
                 n_startup_trials: int = DEFAULT_STARTUP_TRIALS,
                 round_size: int | None = 1, max_concurrent: int | None = None) -> None:
        super().__init__(space, metric, mode, seed, n_startup_trials=n_startup_trials,
                         round_size=round_size, max_concurrent=max_concurrent)
        history = HPOHistory.from_source(history)
        if isinstance(dataset, str):
            catalog = catalog if catalog is not None else load_cards()
            dataset = catalog.dataset(dataset)
        plan = plan_transfer(dataset, space, history, catalog, model=model, top_k=top_k,
                             mode=mode)
        self.dataset = dataset.name
        self.sources = [s.describe() for s in plan.sources]
        self.fallback_reason = "" if plan.sources else plan.reason
        self._initial = [dict(s.config) for s in plan.sources]  # evaluated first (TPESearcher)
        if plan.sources:
            log.info("transfer for %s: %s", dataset.name, plan.reason)
        else:
            log.warning("transfer for %s: nothing to transfer (%s); searching with TPE "
                        "from scratch", dataset.name, plan.reason)

    def extra_state(self) -> dict[str, Any]:
        return {**super().extra_state(), "sources": self.sources,
                "fallback_reason": self.fallback_reason, "dataset": self.dataset}

    def set_extra_state(self, state: dict[str, Any]) -> None:
        super().set_extra_state(state)
        self.sources = list(state.get("sources", []))
        self.fallback_reason = state.get("fallback_reason", "")
        self.dataset = state.get("dataset", self.dataset)
