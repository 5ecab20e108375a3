"""Render pipeline progress events in the terminal (stderr, so stdout stays for results).

A status line shows where the run is (stage, trials, best metric so far) and is redrawn on
every event; finished steps are printed above it as a log. Without a terminal (CI, pipes)
the same events come out as plain timestamped lines.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console

from autommlab.pipeline.progress import ProgressEvent


class TerminalProgress:
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.stage = ""
        self.best: float | None = None
        self.metric = ""
        self.trials_started = 0
        self.trials_done = 0
        self.status: Any = None
        self.started = time.monotonic()

    def __enter__(self) -> TerminalProgress:
        if self.console.is_terminal:
            self.status = self.console.status("starting")
            self.status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.stop()

    def _line(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        self.console.print(f"[dim]{elapsed:7.1f}s[/] {text}", highlight=False)

    def __call__(self, event: ProgressEvent) -> None:
        data = event.data
        if event.kind == "stage_start":
            self.stage = event.stage
            self._line(f"[bold cyan]▶ {event.stage}[/]")
        elif event.kind == "stage_end":
            self._line(f"[green]✓ {event.message}[/]")
        elif event.kind == "warning":
            self._line(f"  [yellow]warning:[/] {event.message}")
        elif event.kind == "trial_start":
            self.trials_started += 1
            self._line(f"  trial {event.trial} started: {event.message}")
        elif event.kind == "trial_result":
            value = data.get("value")
            self.metric = str(data.get("metric", self.metric))
            if isinstance(value, float):
                self.best = value if self.best is None else max(self.best, value)
            self._line(f"  trial {event.trial} iter {data.get('iteration')}: {self.metric} "
                       f"{_fmt(value)} (best so far {_fmt(self.best)})")
        elif event.kind in ("trial_end", "trial_error"):
            self.trials_done += 1
            colour = "red" if event.kind == "trial_error" else "white"
            self._line(f"  [{colour}]trial {event.trial} {event.message}[/]")
        else:
            self._line(f"  {event.message}")
        if self.status is not None:
            best = f" · best {self.metric} {_fmt(self.best)}" if self.best is not None else ""
            trials = (f" · trials {self.trials_done} done / {self.trials_started} started"
                      if self.trials_started else "")
            self.status.update(f"[bold]{self.stage}[/]{trials}{best}")


def _fmt(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)
