"""Run records, request targets, budgets and the report (no training: fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autommlab.errors import AutommlabError
from autommlab.pipeline.options import RunOptions, check_id, new_request_id
from autommlab.pipeline.records import (
    RunRecord,
    RunTrial,
    find_record,
    list_records,
    load_record,
    run_dir,
    save_record,
)
from autommlab.pipeline.report import write_report
from autommlab.pipeline.run import request_target
from autommlab.understand import get_parser


def _record(request_id: str, tenant: str = "acme", **kw: object) -> RunRecord:
    return RunRecord(request_id=request_id, tenant=tenant, request="classify shoes",
                     options=RunOptions(tenant=tenant), **kw)


def test_record_round_trip_and_lookup(tmp_path: Path) -> None:
    a = _record("r-20261121-000001-aaaaaa", created="2026-11-21T00:00:01+00:00")
    b = _record("r-20261121-000002-bbbbbb", tenant="other", created="2026-11-21T00:00:02+00:00")
    for r in (a, b):
        save_record(r, run_dir(r.tenant, r.request_id, tmp_path))
    assert [r.request_id for r in list_records(home=tmp_path)] == [b.request_id, a.request_id]
    assert [r.request_id for r in list_records("acme", home=tmp_path)] == [a.request_id]
    found, directory = find_record("r-20261121-000001", home=tmp_path)
    assert found.request_id == a.request_id and directory.name == a.request_id
    assert load_record(directory).tenant == "acme"
    with pytest.raises(AutommlabError, match="matches 2 runs"):
        find_record("r-20261121", home=tmp_path)
    with pytest.raises(AutommlabError, match="no run 'nope'"):
        find_record("nope", home=tmp_path)


def test_unreadable_record_is_skipped_by_list_and_named_by_load(tmp_path: Path) -> None:
    bad = run_dir("acme", "r-bad", tmp_path)
    bad.mkdir(parents=True)
    (bad / "run.json").write_text("{not json")
    assert list_records(home=tmp_path) == []
    with pytest.raises(AutommlabError, match="unreadable run record"):
        load_record(bad)


def test_ids_are_validated() -> None:
    assert check_id(new_request_id(), "request id").startswith("r-")
    for bad in ("", "Acme", "../etc", "a/b", "x" * 64, "-x"):
        with pytest.raises(AutommlabError, match="invalid tenant"):
            check_id(bad, "tenant")


def test_budget_data_scale() -> None:
    assert 0 < RunOptions().scale < 1
    assert RunOptions(budget="medium").scale == 1.0
    assert RunOptions(data_scale=0.5).scale == 0.5


@pytest.mark.parametrize(("text", "metric", "target"), [
    ("classify sneakers and sandals with at least 90% accuracy", "accuracy", 0.9),
    ("detect digits, mAP of 0.5 or better", "bbox_mAP", 0.5),
    ("segment digits, mIoU above 0.6", "mIoU", 0.6),
    ("classify sneakers and sandals", "accuracy", None),
])
def test_request_target(text: str, metric: str, target: float | None) -> None:
    cfg = get_parser("rules").parse(text).config
    assert request_target(cfg, metric) == target


def test_report_has_plots_tables_and_checks(tmp_path: Path) -> None:
    trials = [
        RunTrial(trial_id="t1", hparams={"optimizer": "AdamW", "lr": 1e-3,
                     "weight_decay": 1e-4, "batch_size": 16, "iters": 100,
                     "lr_schedule": "CosineAnnealingLR"},
                     status="TERMINATED", metric=0.81, history=[(50, 0.7), (100, 0.81)],
                     seconds=30),
        RunTrial(trial_id="t2", hparams={"optimizer": "SGD", "lr": 0.05,
                     "weight_decay": 5e-4, "batch_size": 32, "iters": 100,
                     "lr_schedule": "StepLR"},
                     status="TERMINATED", metric=0.86, history=[(50, 0.8), (100, 0.86)],
                     seconds=31),
        RunTrial(trial_id="t3", hparams={"optimizer": "Adam", "lr": 0.5,
                     "weight_decay": 0.0, "batch_size": 8, "iters": 100,
                     "lr_schedule": "PolyLR"}, status="ERROR",
                     error="Traceback ...\nTrainingError: loss is NaN"),
    ]
    cfg = get_parser("rules").parse("classify sneakers and sandals, accuracy 90%").config
    record = _record("r-1", trials=trials, best_trial="t2", metric_name="accuracy",
                     target=0.9, parse=cfg.to_json_dict(),
                     deploy={"verification": {"passed": True, "images": 20,
                                              "max_abs_diff": 3e-6},
                             "constraints": [{"name": "params", "required": "<= 5 M",
                                              "measured": 3.5, "unit": "M", "passed": True},
                                             {"name": "latency", "required": "<= 5 ms",
                                              "measured": None, "passed": None,
                                              "note": "Jetson target"}]},
                     stage_seconds={"hpo": 61.0})
    path = write_report(record, tmp_path)
    text = path.read_text()
    for png in ("curves.png", "scatter.png", "best_so_far.png"):
        assert (tmp_path / png).stat().st_size > 1000
        assert f"]({png})" in text
    assert "accuracy = 0.8600" in text and "NOT met" in text  # 0.86 < target 0.9
    assert "| t2 (best) | TERMINATED | 0.8600 | SGD |" in text
    assert "trial `t3` failed: TrainingError: loss is NaN" in text
    assert "| latency | <= 5 ms | - | not measurable here | Jetson target |" in text
    assert "| params | <= 5 M | 3.5 M | pass |" in text
    assert "**passed**" in text
