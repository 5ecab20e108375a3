"""Searchers behind Ray Tune's `Searcher` interface: random, tpe, transfer, llm, hybrid
(see base.py)."""

from autommlab.hpo.searchers.base import (
    PLANNED_SEARCHERS,
    RoundSearcher,
    TrialRecord,
    available_searchers,
    get_searcher,
    register_searcher,
)

__all__ = ["PLANNED_SEARCHERS", "RoundSearcher", "TrialRecord", "available_searchers",
           "get_searcher", "register_searcher"]
