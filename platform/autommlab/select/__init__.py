"""Data and model selection with explained decisions."""

from __future__ import annotations

from collections.abc import Sequence

from autommlab.select.data import select_dataset
from autommlab.select.decisions import DataDecision, ModelDecision, Selection
from autommlab.select.model import select_model
from autommlab.select.subset import make_subset
from autommlab.understand.schema import RequestConfig
from autommlab.zoo.cards import DataCard, ModelCard


def select(config: RequestConfig, datasets: list[DataCard], models: list[ModelCard],
           prefer_tags: Sequence[str] = ()) -> Selection:
    """Choose the dataset (sub-dataset) and model for a parsed request (see select_model for
    `prefer_tags`)."""
    return Selection(data=select_dataset(config, datasets),
                     model=select_model(config, models, prefer_tags))


__all__ = ["DataDecision", "ModelDecision", "Selection", "make_subset", "select",
           "select_dataset", "select_model"]
