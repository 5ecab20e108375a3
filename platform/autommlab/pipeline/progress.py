"""Progress events of a pipeline run, and the sink interface that displays them.

The pipeline reports what it is doing through a `ProgressSink`; the CLI renders events with
rich, the operator (a later issue) will turn them into status conditions, tests collect
them. Events are plain records, so any sink can be written without knowing the stages.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

EventKind = Literal["stage_start", "stage_end", "info", "trial_start", "trial_result",
                    "trial_end", "trial_error", "warning"]


class ProgressEvent(BaseModel):
    kind: EventKind
    stage: str
    message: str = ""
    trial: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ProgressSink(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...


def null_sink(event: ProgressEvent) -> None:
    """A sink that drops every event (library use without a display)."""


class CollectingSink:
    """Keeps every event (tests, and the report's timeline)."""

    def __init__(self) -> None:
        self.events: list[ProgressEvent] = []

    def __call__(self, event: ProgressEvent) -> None:
        self.events.append(event)
