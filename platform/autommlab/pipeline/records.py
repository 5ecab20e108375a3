"""The run record: everything one pipeline run decided and produced, saved after every stage.

`run.json` in the run's work directory is written atomically after each stage, so an
interrupted run knows which stages are done (`autommlab runs resume` continues from there)
and `autommlab runs list|show` can read any run, finished or not. The finished record is
also published to the store with the report under `runs/<tenant>/<request-id>/`.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from autommlab.errors import AutommlabError
from autommlab.pipeline.options import RunOptions
from autommlab.store.local import default_root

Status = Literal["running", "succeeded", "failed", "interrupted"]
STAGES: tuple[str, ...] = ("understand", "select", "data", "hpo", "deploy", "report")
RECORD_NAME = "run.json"


class RunTrial(BaseModel):
    """One trial as the run record keeps it (hpo.result.TrialSummary is what Ray Tune
    reported; this is the part a report and `runs show` need)."""

    trial_id: str
    hparams: dict[str, Any]
    status: str = Field(description="TERMINATED | ERROR | STOPPED | ...")
    metric: float | None = Field(default=None, description="best validation metric")
    history: list[tuple[int, float]] = Field(default_factory=list,
                                             description="(iteration, metric) per validation")
    seconds: float | None = None
    error: str | None = None
    checkpoint: str | None = None
    config_file: str | None = None


class RunRecord(BaseModel):
    request_id: str
    tenant: str
    request: str
    options: RunOptions
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    updated: str = ""
    status: Status = "running"
    stages_done: list[str] = Field(default_factory=list)
    current_stage: str | None = None
    error: str | None = None
    error_stage: str | None = None
    # stage outputs
    parse: dict[str, Any] | None = None
    warnings: list[str] = Field(default_factory=list)
    selection: dict[str, Any] | None = None
    data_dir: str | None = None
    metric_name: str | None = None
    target: float | None = Field(default=None, description="the request's metric goal")
    trials: list[RunTrial] = Field(default_factory=list)
    best_trial: str | None = None
    hpo_seconds: float | None = None
    ray_overhead_fraction: float | None = None
    deploy: dict[str, Any] | None = None
    export_prefix: str | None = None
    report_file: str | None = None
    run_prefix: str | None = Field(default=None, description="store prefix of the published "
                                   "run (report, best checkpoint, logs)")
    stage_seconds: dict[str, float] = Field(default_factory=dict)

    def done(self, stage: str) -> bool:
        return stage in self.stages_done

    @property
    def best(self) -> RunTrial | None:
        return next((t for t in self.trials if t.trial_id == self.best_trial), None)


def runs_root(home: Path | None = None) -> Path:
    """Local work directories of runs: `$AUTOMMLAB_HOME/work/runs/<tenant>/<request-id>/`."""
    return (home or default_root()) / "work" / "runs"


def run_dir(tenant: str, request_id: str, home: Path | None = None) -> Path:
    return runs_root(home) / tenant / request_id


def save_record(record: RunRecord, directory: Path) -> Path:
    """Write run.json atomically (a reader never sees half a record)."""
    directory.mkdir(parents=True, exist_ok=True)
    record.updated = datetime.now(UTC).isoformat(timespec="seconds")
    path = directory / RECORD_NAME
    tmp = directory / f".{RECORD_NAME}.tmp-{os.getpid()}"
    tmp.write_text(record.model_dump_json(indent=1))
    os.replace(tmp, path)
    return path


def load_record(directory: Path) -> RunRecord:
    path = directory / RECORD_NAME
    try:
        return RunRecord.model_validate(json.loads(path.read_text()))
    except FileNotFoundError:
        raise AutommlabError(f"no run at {directory} (no {RECORD_NAME}); "
                             "`autommlab runs list` shows the runs there are") from None
    except (ValueError, ValidationError) as exc:
        raise AutommlabError(f"unreadable run record {path}: {exc}") from exc


def list_records(tenant: str | None = None, home: Path | None = None) -> list[RunRecord]:
    """Every readable run record, newest first (unreadable ones are skipped)."""
    root = runs_root(home)
    records: list[RunRecord] = []
    tenants = [root / tenant] if tenant else sorted(p for p in root.glob("*") if p.is_dir())
    for tdir in tenants:
        for rdir in tdir.glob("*"):
            try:
                records.append(load_record(rdir))
            except AutommlabError:
                continue
    return sorted(records, key=lambda r: r.created + r.request_id, reverse=True)


def find_record(request_id: str, tenant: str | None = None,
                home: Path | None = None) -> tuple[RunRecord, Path]:
    """The record of `request_id` (any tenant unless given); a unique prefix is enough."""
    matches = [r for r in list_records(tenant, home) if r.request_id.startswith(request_id)]
    exact = [r for r in matches if r.request_id == request_id]
    if exact:
        matches = exact
    if not matches:
        raise AutommlabError(f"no run {request_id!r}"
                             + (f" for tenant {tenant!r}" if tenant else "")
                             + "; `autommlab runs list` shows the runs there are")
    if len(matches) > 1:
        raise AutommlabError(f"{request_id!r} matches {len(matches)} runs: "
                             + ", ".join(r.request_id for r in matches[:5]))
    record = matches[0]
    return record, run_dir(record.tenant, record.request_id, home)
