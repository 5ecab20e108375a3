"""The hyperparameter knowledge base: which hyperparameters worked for which dataset and model.

AutoML-GPT transfers hyperparameters from similar, earlier training runs. Those runs are
kept as JSON Lines records, one per finished training run, in up to two files:

* the shipped prior, `<zoo>/hpo/history.jsonl`, produced by the LAMP benchmark from real
  runs and versioned with the zoo (it may be absent: transfer then falls back to TPE);
* the user's own history, `$AUTOMMLAB_HOME/hpo/history.jsonl` (or the key
  `hpo/history.jsonl` of a store), which grows with every finished request.

JSON Lines because appending one record is one `write` of one line (no read-modify-write of
a whole document, no lost updates between two local writers), and a corrupt line costs only
that line: it is skipped with a warning, never an error that stops a search.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autommlab.errors import HPOError

if TYPE_CHECKING:
    from autommlab.hpo.result import TrialSummary
    from autommlab.store.base import Store

log = logging.getLogger(__name__)

HISTORY_KEY = "hpo/history.jsonl"  # relative to the zoo dir, the local home and a store


class HPORecord(BaseModel):
    """One finished training run and the hyperparameters it used."""

    # Unknown keys are ignored: a newer autommlab may add fields to shared history files.
    model_config = ConfigDict(extra="ignore")

    dataset: str
    model: str
    task: str
    hparams: dict[str, Any] = Field(description="Hyperparameters fields; clipped on use")
    metric_name: str
    metric: float
    budget: str | None = None
    seconds: float | None = None
    source: str = Field(default="user", description="benchmark | user | ...")
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat())


def record_from_trial(trial: TrialSummary, *, dataset: str, model: str, task: str,
                      metric_name: str, budget: str | None = None,
                      source: str = "user") -> HPORecord | None:
    """The history record of one finished HPO trial (None if it has no metric), e.g. the
    best trial of a request, appended to the user's history when the request finishes."""
    if trial.best_metric is None or trial.hparams is None:
        return None
    return HPORecord(dataset=dataset, model=model, task=task,
                     hparams=trial.hparams.model_dump(), metric_name=metric_name,
                     metric=trial.best_metric, budget=budget, seconds=trial.train_seconds,
                     source=source)


def shipped_history_path(zoo_dir: Path | None = None) -> Path:
    """`<zoo>/hpo/history.jsonl` of the default zoo (or of `zoo_dir`)."""
    from autommlab.zoo.catalog import default_zoo_dir

    return (zoo_dir if zoo_dir is not None else default_zoo_dir()) / HISTORY_KEY


def user_history_path() -> Path:
    """`$AUTOMMLAB_HOME/hpo/history.jsonl` (default `~/.autommlab/hpo/history.jsonl`)."""
    from autommlab.store.local import default_root

    return default_root() / HISTORY_KEY


def parse_records(text: str, where: str) -> list[HPORecord]:
    """Records of a JSONL text; blank lines are skipped, bad lines skipped with a warning."""
    records: list[HPORecord] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(HPORecord.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            log.warning("skipping line %d of %s: not a valid history record (%s)", number,
                        where, str(exc).splitlines()[0])
    return records


def read_history(path: Path) -> list[HPORecord]:
    """The records of one history file; an absent file has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise HPOError(f"cannot read the hyperparameter history {path}: {exc}") from exc
    return parse_records(text, str(path))


def append_record(path: Path, record: HPORecord) -> None:
    """Append one record as one line (O_APPEND: concurrent local writers do not interleave
    within a line of this size)."""
    line = (record.model_dump_json() + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as exc:
        raise HPOError(f"cannot append to the hyperparameter history {path}: {exc}") from exc


def read_store_history(store: Store, key: str = HISTORY_KEY) -> list[HPORecord]:
    """The records kept in a store (local directory or S3); none when the key is absent."""
    from autommlab.errors import NotFoundInStoreError

    try:
        data = store.get_bytes(key)
    except NotFoundInStoreError:
        return []
    return parse_records(data.decode("utf-8", errors="replace"), f"{store.url}/{key}")


def append_store_record(store: Store, record: HPORecord, key: str = HISTORY_KEY) -> None:
    """Append one record to a store's history.

    Object stores have no append, so this reads and rewrites the object: two writers at the
    same instant can lose one record. A history record is advice, not data of record, and one
    request writes one record at its end, so this is accepted rather than locked.
    """
    existing = b""
    if store.exists(key):
        existing = store.get_bytes(key)
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
    store.put_bytes(key, existing + (record.model_dump_json() + "\n").encode("utf-8"))


@dataclass(frozen=True)
class HPOHistory:
    """All known records, with the queries hyperparameter transfer needs."""

    records: tuple[HPORecord, ...] = ()

    @classmethod
    def load(cls, paths: Iterable[Path] | None = None) -> HPOHistory:
        """Records of `paths` (default: the shipped prior, then the user's history)."""
        chosen = list(paths) if paths is not None else [shipped_history_path(),
                                                        user_history_path()]
        records: list[HPORecord] = []
        for path in chosen:
            found = read_history(Path(path))
            log.debug("%d hyperparameter records from %s", len(found), path)
            records.extend(found)
        return cls(tuple(records))

    @classmethod
    def from_source(cls, source: HPOHistory | Path | str | None) -> HPOHistory:
        """A searcher's `history` option: a history as is, a file's records, or (None) the
        default files of `load`."""
        if isinstance(source, HPOHistory):
            return source
        return cls.load([Path(source)] if source is not None else None)

    def __len__(self) -> int:
        return len(self.records)

    def datasets(self) -> list[str]:
        """Names of the datasets that have at least one record, sorted."""
        return sorted({r.dataset for r in self.records})

    def for_dataset(self, dataset: str, model: str | None = None) -> list[HPORecord]:
        return [r for r in self.records
                if r.dataset == dataset and (model is None or r.model == model)]

    def best_for(self, dataset: str, model: str | None = None,
                 mode: str = "max") -> HPORecord | None:
        """The best record of `dataset` (for `model` when given), or None.

        Records with different metric names are not comparable; the best is taken among the
        records of the most common metric name of that dataset (every task has one metric, so
        this only matters for hand-edited files).
        """
        candidates = self.for_dataset(dataset, model)
        if not candidates:
            return None
        names = [r.metric_name for r in candidates]
        common = max(set(names), key=lambda n: (names.count(n), n))
        same = [r for r in candidates if r.metric_name == common]
        pick = max if mode == "max" else min
        return pick(same, key=lambda r: r.metric)
