"""`run_pipeline()`: request text -> understood -> selected -> trained (HPO) -> exported.

This is the one entry point the CLI (`autommlab run`), the Kubernetes operator and the
gateway call. Each stage is a small function that reads the run record and writes its
outputs back into it; the record is saved after every stage, so `resume_pipeline` skips
the stages that are done (and Ray Tune's own experiment state lets HPO skip finished
trials). A stage that fails marks the record failed, says which stage and why, and
re-raises the `AutommlabError` (the CLI turns it into a message and an exit code).
"""

from __future__ import annotations

import functools
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from autommlab.errors import AutommlabError, BackendUnavailableError, HPOError, TrainingError
from autommlab.pipeline.options import RunOptions, check_id, new_request_id
from autommlab.pipeline.progress import ProgressEvent, ProgressSink, null_sink
from autommlab.pipeline.records import (
    STAGES,
    RunRecord,
    find_record,
    run_dir,
    save_record,
)
from autommlab.store import Store, open_store
from autommlab.understand.schema import RequestConfig

if TYPE_CHECKING:
    from autommlab.zoo.catalog import ZooCatalog

# Metric names users write, per task metric (the parse keeps the user's wording).
_TARGET_NAMES = {
    "accuracy": ("accuracy", "acc", "top-1", "top1", "top-1 accuracy"),
    "bbox_mAP": ("ap", "map", "map@0.5:0.95", "bbox map", "box ap", "average precision"),
    "mIoU": ("miou", "iou", "mean iou"),
    "AP": ("ap", "map", "oks ap", "average precision", "pck"),
}
# Models tagged like this train well from scratch on a CPU in minutes (set from the
# quality benchmark); preferred when nobody named a model and no GPU is present.
CPU_PREFERENCE = ("cpu-default", "cpu-trainable")


def run_pipeline(request: str, options: RunOptions | None = None, *,
                 progress: ProgressSink = null_sink, request_id: str | None = None,
                 home: Path | None = None, zoo_dir: Path | None = None) -> RunRecord:
    """Run every stage for a new request; return the finished record."""
    options = options or RunOptions()
    check_id(options.tenant, "tenant")
    _check_searcher(options.searcher)
    request_id = check_id(request_id or new_request_id(), "request id")
    record = RunRecord(request_id=request_id, tenant=options.tenant, request=request,
                       options=options)
    directory = run_dir(options.tenant, request_id, home)
    if (directory / "run.json").exists():
        raise AutommlabError(f"run {request_id} already exists at {directory}; use "
                             f"`autommlab runs resume {request_id}`")
    save_record(record, directory)
    return _Pipeline(record, directory, progress, zoo_dir).run()


def resume_pipeline(request_id: str, *, tenant: str | None = None,
                    progress: ProgressSink = null_sink, home: Path | None = None,
                    zoo_dir: Path | None = None) -> RunRecord:
    """Continue an interrupted or failed run from its first unfinished stage."""
    record, directory = find_record(request_id, tenant, home)
    if record.status == "succeeded":
        progress(ProgressEvent(kind="info", stage="report",
                               message=f"run {record.request_id} already succeeded"))
        return record
    record.status, record.error, record.error_stage = "running", None, None
    return _Pipeline(record, directory, progress, zoo_dir).run()


class _Pipeline:
    def __init__(self, record: RunRecord, directory: Path, progress: ProgressSink,
                 zoo_dir: Path | None) -> None:
        self.record = record
        self.dir = directory
        self.progress = progress
        self.zoo_dir = zoo_dir
        self._store: Store | None = None

    @property
    def options(self) -> RunOptions:
        return self.record.options

    @functools.cached_property
    def catalog(self) -> ZooCatalog:
        """The zoo's cards, read once per run (select, data and trainer all use them)."""
        from autommlab.zoo.catalog import load_cards

        return load_cards(self.zoo_dir)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.options.store_url)
        return self._store

    def emit(self, kind: str, stage: str, message: str = "", trial: str | None = None,
             **data: object) -> None:
        self.progress(ProgressEvent(kind=kind, stage=stage, message=message, trial=trial,
                                    data=data))

    def run(self) -> RunRecord:
        steps: dict[str, Callable[[], None]] = {
            "understand": self.understand, "select": self.select, "data": self.data,
            "hpo": self.hpo, "deploy": self.deploy, "report": self.report}
        for stage in STAGES:
            if self.record.done(stage):
                continue
            with self.stage(stage):
                steps[stage]()
        self.record.status = "succeeded"
        self.record.current_stage = None
        save_record(self.record, self.dir)
        return self.record

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.record.current_stage = name
        save_record(self.record, self.dir)
        self.emit("stage_start", name)
        start = time.monotonic()
        try:
            yield
        except KeyboardInterrupt:
            self.record.status = "interrupted"
            self.record.error_stage = name
            self.record.error = f"interrupted during {name}"
            save_record(self.record, self.dir)
            raise
        except Exception as exc:
            self.record.status = "failed"
            self.record.error_stage = name
            self.record.error = str(exc) or type(exc).__name__
            save_record(self.record, self.dir)
            if isinstance(exc, AutommlabError):
                raise
            raise AutommlabError(f"stage {name} failed: {type(exc).__name__}: {exc}") from exc
        seconds = time.monotonic() - start
        self.record.stage_seconds[name] = round(seconds, 2)
        self.record.stages_done.append(name)
        save_record(self.record, self.dir)
        self.emit("stage_end", name, f"{name} done in {seconds:.1f} s", seconds=seconds)

    # --- stages ------------------------------------------------------------------------------

    def understand(self) -> None:
        from autommlab.understand import get_parser

        parsed = get_parser(self.options.parser_backend).parse(self.record.request)
        self.record.parse = parsed.to_json_dict()
        self.record.warnings = list(parsed.warnings)
        for warning in parsed.warnings:
            self.emit("warning", "understand", warning)
        cfg = parsed.config
        self.emit("info", "understand", f"task {cfg.model.task}; objects "
                  f"{', '.join(cfg.data.object) or 'none'}; deploy "
                  f"{cfg.deploy.inference_engine} on {cfg.deploy.gpu}")

    def config(self) -> RequestConfig:
        return RequestConfig.model_validate(self.record.parse)

    def select(self) -> None:
        from autommlab.select import select
        from autommlab.train.spec import TASK_METRICS

        cfg = self.config()
        catalog = self.catalog
        prefer = () if _has_gpu() else CPU_PREFERENCE
        selection = select(cfg, catalog.datasets, catalog.models, prefer_tags=prefer)
        self.record.selection = selection.model_dump(mode="json")
        self.record.metric_name = TASK_METRICS[cfg.model.task]
        self.record.target = request_target(cfg, self.record.metric_name)
        self.emit("info", "select", f"dataset {selection.data.dataset} "
                  f"({', '.join(selection.data.classes)}); model {selection.model.model}")

    def data(self) -> None:
        from autommlab.select.subset import make_subset
        from autommlab.zoo.build import build_dataset, dataset_prefix

        name = self.record.selection["data"]["dataset"]
        classes = self.record.selection["data"]["classes"]
        card = self.catalog.dataset(name)
        prefix = dataset_prefix(name)
        manifest = self.store.read_manifest(prefix)
        built_scale = float(manifest.metadata.get("scale", "1.0")) if manifest else 0.0
        if manifest is None or built_scale < self.options.scale:
            self.emit("info", "data", f"building {name} at scale {self.options.scale:g} "
                      f"into {self.store.url}")
            build_dataset(card, self.store, scale=self.options.scale)
        else:
            self.emit("info", "data", f"{name} is in the store (scale {built_scale:g})")
        dest = self.dir / "data"
        with tempfile.TemporaryDirectory(dir=self.dir) as tmp:
            self.store.fetch_artifact(prefix, Path(tmp) / name)
            if dest.exists():
                shutil.rmtree(dest)
            make_subset(Path(tmp) / name, classes, dest)
        self.record.data_dir = str(dest)

    def trainer(self) -> object:
        from autommlab.pipeline.trial import TrialTrainer

        catalog = self.catalog
        sel = self.record.selection
        return TrialTrainer(
            task=sel["data"]["task"], model=catalog.model(sel["model"]["model"]),
            data=catalog.dataset(sel["data"]["dataset"]), data_root=Path(self.record.data_dir),
            classes=sel["data"]["classes"], trials_dir=self.dir / "trials",
            val_fraction=self.options.plan.val_interval_fraction,
            threads=self.options.threads_per_trial, seed=self.options.seed)

    def hpo(self) -> None:
        from autommlab.pipeline.hpo_stage import run_hpo_stage

        run_hpo_stage(self)
        if self.record.best is None:
            errors = "; ".join(f"{t.trial_id}: {t.error}" for t in self.record.trials
                               if t.error)[:2000]
            raise HPOError(f"no trial produced a model ({len(self.record.trials)} trials). "
                           f"{errors}")

    def deploy(self) -> None:
        from autommlab.pipeline.deploy_stage import run_deploy_stage

        best = self.record.best
        if best is None or not best.checkpoint or not Path(best.checkpoint).is_file():
            raise TrainingError("the best trial has no checkpoint on disk; rerun the HPO stage")
        run_deploy_stage(self)

    def report(self) -> None:
        from autommlab.pipeline.report import publish_run, write_report

        report_file = write_report(self.record, self.dir / "report")
        self.record.report_file = str(report_file)
        save_record(self.record, self.dir)
        self.record.run_prefix = publish_run(self.record, self.dir, self.store)
        self.emit("info", "report", f"report: {report_file}")


def request_target(cfg: RequestConfig, metric_name: str) -> float | None:
    """The request's goal for the task metric, e.g. 'at least 90% accuracy' -> 0.9."""
    names = _TARGET_NAMES.get(metric_name, ())
    for metric in cfg.model.metrics:
        key = metric.name.strip().lower()
        if key in names or any(key.startswith(n) for n in names):
            return metric.value
    return None


def _check_searcher(name: str) -> None:
    """Fail before any work when the searcher does not exist (not after building data)."""
    from autommlab.hpo.searchers.base import PLANNED_SEARCHERS, available_searchers

    known = available_searchers()
    if name in PLANNED_SEARCHERS:
        raise BackendUnavailableError(f"searcher {name!r}: {PLANNED_SEARCHERS[name]}. "
                                      f"Available: {', '.join(known)}")
    if name not in known:
        raise BackendUnavailableError(f"unknown searcher {name!r}; available: "
                                      f"{', '.join(known)}")


def _has_gpu() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())
