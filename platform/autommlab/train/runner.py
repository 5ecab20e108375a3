"""Run one training: TrainSpec -> MMEngine Runner -> TrainResult.

The config is written to `work_dir/config.py` first and the runner is built from that file,
so what ran is exactly what deploy later reads. Every validation is reported through
`on_validation`; `should_stop` ends training after a validation (HPO early stopping).
A failure inside MMEngine or a toolbox becomes TrainingError with the cause attached;
KeyboardInterrupt and errors raised by the caller's own callbacks pass through unchanged.
"""

from __future__ import annotations

import logging
import time
import traceback
import uuid
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autommlab.errors import TrainingError
from autommlab.runtime import prepare_process_env, set_threads, skip_mmpretrain_multimodal
from autommlab.train.config import CONFIG_FILENAME, build_config, dump_config
from autommlab.train.spec import TASK_METRICS, MetricPoint, TrainResult
from autommlab.zoo.toolboxes import package_name

if TYPE_CHECKING:
    from autommlab.train.hooks import OnValidation, ShouldStop
    from autommlab.train.spec import TrainSpec


def train(spec: TrainSpec, on_validation: OnValidation | None = None,
          should_stop: ShouldStop | None = None) -> TrainResult:
    """Train `spec.model` on `spec.data_root`; return the history and the best checkpoint."""
    prepare_process_env()
    cfg = build_config(spec)
    spec.work_dir.mkdir(parents=True, exist_ok=True)
    config_file = dump_config(cfg, spec.work_dir / CONFIG_FILENAME)
    previous_threads = set_threads(spec.threads)
    try:
        collector, runner, seconds = _run(spec, config_file, on_validation, should_stop)
    finally:
        set_threads(previous_threads)
    return _result(spec, collector.history, _best_checkpoint(runner, spec), config_file,
                   seconds)


@cache
def register_toolbox(toolbox: str) -> None:
    """Register the toolbox's models, datasets, transforms and metrics in MMEngine (once)."""
    skip_mmpretrain_multimodal()  # mmseg and mmpose import mmpretrain's models too
    import_module(f"{package_name(toolbox)}.utils").register_all_modules(
        init_default_scope=False)
    if toolbox == "mmdet":
        from autommlab.train.toolbox_fixes import fix_ssd_head_predict

        fix_ssd_head_predict()  # mmdet 3.3 SSDHead.predict needs loss_cls (mmdet #11063)


def _run(spec: TrainSpec, config_file: Path, on_validation: OnValidation | None,
         should_stop: ShouldStop | None) -> tuple[Any, Any, float]:
    from mmengine.config import Config
    from mmengine.runner import Runner

    from autommlab.train.hooks import MetricCollectorHook

    register_toolbox(spec.model.toolbox)
    cfg = Config.fromfile(str(config_file))
    # MMEngine keeps one logger / message hub / visualizer per experiment name per process;
    # its default name has one-second resolution, so two runs in one process could share.
    cfg.experiment_name = f"{spec.model.name}-{uuid.uuid4().hex[:8]}"
    collector = MetricCollectorHook(spec.task, spec.model.toolbox, on_validation, should_stop)
    started = time.perf_counter()
    runner = None
    try:
        runner = Runner.from_cfg(cfg)
        runner.register_hook(collector)
        runner.train()
    except Exception as exc:
        if isinstance(exc, TrainingError) or exc is collector.callback_error:
            raise
        raise TrainingError(
            f"training {spec.model.name} on {spec.data.name} failed after iteration "
            f"{collector.last_iteration} of {spec.hparams.iters}: "
            f"{_describe(exc)}") from exc
    finally:
        if runner is not None:
            _close_log_files(runner)
    return collector, runner, time.perf_counter() - started


def _close_log_files(runner: Any) -> None:
    """Close the run's log file: MMEngine keeps its logger (and the open file) for the life
    of the process, and one process may run many HPO trials."""
    for handler in list(runner.logger.handlers):
        if isinstance(handler, logging.FileHandler):
            handler.close()
            runner.logger.removeHandler(handler)


def _describe(exc: BaseException) -> str:
    """'<Type>: <message> (at <file>:<line> in <function>)': toolbox errors are often bare
    assertions, and the frame that raised is then the only clue."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name})" \
        if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _best_checkpoint(runner: Any, spec: TrainSpec) -> Path:
    """The checkpoint CheckpointHook kept as best (recorded in the runner's message hub)."""
    best = runner.message_hub.get_info("best_ckpt")
    path = Path(best) if best else None
    if path is None or not path.is_file():
        candidates = sorted(spec.work_dir.glob("best_*.pth"))
        if not candidates:
            raise TrainingError(f"training {spec.model.name} wrote no best checkpoint in "
                                f"{spec.work_dir}: no validation ran")
        path = candidates[-1]
    return path


def _result(spec: TrainSpec, history: list[MetricPoint], checkpoint: Path,
            config_file: Path, seconds: float) -> TrainResult:
    name = TASK_METRICS[spec.task]
    scored = [p for p in history if name in p.metrics]
    if not scored:
        raise TrainingError(f"no validation of {spec.model.name} reported {name!r} "
                            f"(got {sorted(history[-1].metrics) if history else 'none'})")
    # First maximum: CheckpointHook replaces the best only on a strictly greater score.
    best = max(scored, key=lambda p: (p.metrics[name], -p.iteration))
    return TrainResult(metric_name=name, best_metric=best.metrics[name],
                       best_iteration=best.iteration, history=history, checkpoint=checkpoint,
                       config_file=config_file, work_dir=spec.work_dir,
                       seconds=round(seconds, 3))
