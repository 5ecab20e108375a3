"""Typed selection results: what was chosen, and every reason why."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ClassMatch(BaseModel):
    requested: str
    dataset_class: str
    how: str = Field(description="exact | alias | fuzzy | synonym | hyponym | head-noun")
    score: float


class DatasetCandidate(BaseModel):
    name: str
    coverage: float = Field(description="fraction of requested objects found in the dataset")
    matches: list[ClassMatch] = Field(default_factory=list)
    name_score: float = 0.0


class DataDecision(BaseModel):
    dataset: str
    task: str
    classes: list[str] = Field(description="dataset classes of the sub-dataset, in order")
    matches: list[ClassMatch]
    unmatched_objects: list[str] = Field(default_factory=list)
    reasons: list[str]
    candidates: list[DatasetCandidate]


class FilteredModel(BaseModel):
    name: str
    why: str


class ModelDecision(BaseModel):
    model: str
    architecture: str
    task: str
    params_m: float
    gflops: float
    latency_ms_cpu: float | None
    reference_accuracy: str
    reasons: list[str]
    filtered_out: list[FilteredModel]
    candidates: list[str] = Field(description="models that passed every constraint, best first")


class Selection(BaseModel):
    data: DataDecision
    model: ModelDecision
