"""Random search: independent uniform samples of the space, reproducible from the seed.

The baseline every other searcher is measured against (LAMP's HPO table). Given the seed,
the n-th trial Tune creates always gets the same config, whatever the concurrency and the
order in which trials finish: samples do not depend on results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autommlab.hpo.searchers.base import RoundSearcher, TrialRecord, register_searcher
from autommlab.hpo.space import SearchSpace


@register_searcher("random")
class RandomSearcher(RoundSearcher):
    barrier = False

    def __init__(self, space: SearchSpace, metric: str | None = None, mode: str = "max",
                 seed: int = 0, *, round_size: int | None = 1,
                 max_concurrent: int | None = None) -> None:
        super().__init__(space, metric, mode, seed, round_size=round_size,
                         max_concurrent=max_concurrent)
        self._rng = np.random.default_rng(seed)

    def propose(self, history: list[TrialRecord], k: int) -> list[Mapping[str, Any]]:
        return [self.space.sample(self._rng) for _ in range(k)]

    def extra_state(self) -> dict[str, Any]:
        return {"rng": self._rng.bit_generator.state}

    def set_extra_state(self, state: dict[str, Any]) -> None:
        if "rng" in state:
            self._rng.bit_generator.state = state["rng"]
