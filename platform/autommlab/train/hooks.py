"""The MMEngine hook that turns each validation into a `MetricPoint` for the caller.

It is how HPO sees a trial's progress (report after every validation) and how a search
stops a trial early: `should_stop()` is asked after each validation and, when true, the
train loop's own stop flag (the one MMEngine's EarlyStoppingHook uses) ends training
cleanly: the best checkpoint of that validation is still written, hooks still close.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from mmengine.hooks import Hook

from autommlab.train.metrics import normalise_metrics
from autommlab.train.spec import MetricPoint

OnValidation = Callable[[MetricPoint], None]
ShouldStop = Callable[[], bool]


class MetricCollectorHook(Hook):
    """Collects every validation as a MetricPoint; runs the caller's callbacks."""

    # After the toolbox hooks that may post-process metrics, before CheckpointHook
    # (VERY_LOW), which is independent of this one.
    priority = "BELOW_NORMAL"

    def __init__(self, task: str, toolbox: str, on_validation: OnValidation | None = None,
                 should_stop: ShouldStop | None = None) -> None:
        self.task = task
        self.toolbox = toolbox
        self.on_validation = on_validation
        self.should_stop = should_stop
        self.history: list[MetricPoint] = []
        self.stopped_early = False
        # An exception raised by the caller's own callback: the runner re-raises it as is
        # instead of reporting it as a crashed trainer.
        self.callback_error: BaseException | None = None
        self.last_iteration = 0
        self._started = time.perf_counter()
        self._loss_sum = 0.0
        self._loss_count = 0

    def before_train(self, runner: Any) -> None:
        self._started = time.perf_counter()

    def after_train_iter(self, runner: Any, batch_idx: int, data_batch: Any = None,
                         outputs: Mapping[str, Any] | None = None) -> None:
        self.last_iteration = runner.iter + 1
        loss = (outputs or {}).get("loss")
        if loss is not None:
            self._loss_sum += float(loss.detach() if hasattr(loss, "detach") else loss)
            self._loss_count += 1

    def after_val_epoch(self, runner: Any, metrics: Mapping[str, Any] | None = None) -> None:
        point = MetricPoint(
            iteration=runner.iter,
            metrics=normalise_metrics(self.task, self.toolbox, metrics or {}),
            train_loss=self._mean_loss(),
            seconds=round(time.perf_counter() - self._started, 3),
        )
        self.history.append(point)
        self._loss_sum, self._loss_count = 0.0, 0
        try:
            if self.on_validation is not None:
                self.on_validation(point)
            stop = self.should_stop is not None and self.should_stop()
        except BaseException as exc:
            self.callback_error = exc
            raise
        if stop and runner.iter < runner.max_iters:
            runner.train_loop.stop_training = True
            self.stopped_early = True

    def _mean_loss(self) -> float | None:
        if not self._loss_count:
            return None
        return self._loss_sum / self._loss_count
