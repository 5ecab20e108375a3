"""`run_pipeline` end to end, one request per task: real parsing, selection, dataset build,
Ray Tune over real MMEngine training, MMDeploy ONNX export checked with onnxruntime,
publishing to the (local) store, and the report.

Trials are capped at a few dozen iterations (`max_iters`) on a tenth of each dataset: these
tests check that every stage works and hands the right files on, not model quality (that is
`make bench-quality`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from autommlab.pipeline import RunOptions, run_pipeline
from autommlab.pipeline.progress import CollectingSink
from autommlab.pipeline.records import STAGES, list_records
from autommlab.store import open_store
from pipeline_env import pipeline_env

REQUESTS = {
    "classification": "Classify sneakers, sandals and ankle boots for a shoe shop, ONNX.",
    "detection": "Detect sneakers, sandals and ankle boots in photos, export to ONNX.",
    "segmentation": "Segment sneakers, sandals and ankle boots pixel by pixel, ONNX.",
    "keypoint": "Locate the top, bottom, left, right and center keypoints of shoes, ONNX.",
}


@pytest.fixture(scope="module")
def env() -> Iterator[Path]:
    import ray

    with pipeline_env("am-e2e-") as root:
        ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, num_cpus=2,
                 log_to_driver=False)
        try:
            yield root
        finally:
            ray.shutdown()


@pytest.mark.parametrize("task", list(REQUESTS))
def test_request_to_verified_onnx(task: str, env: Path) -> None:
    sink = CollectingSink()
    options = RunOptions(budget="small", trials=2, max_concurrent=2, max_iters=30,
                         data_scale=0.1, tenant="acme", searcher="random")
    record = run_pipeline(REQUESTS[task], options, progress=sink)

    assert record.status == "succeeded", record.error
    assert record.stages_done == list(STAGES)
    assert record.selection["data"]["task"] == task
    assert len(record.trials) == 2
    best = record.best
    assert best is not None and best.metric is not None and 0.0 <= best.metric <= 1.0
    assert Path(best.checkpoint).is_file()

    # The export: verified against PyTorch, complete in the store (manifest last).
    dep = record.deploy
    assert dep["verification"]["passed"], dep["verification"]
    store = open_store(None)
    prefix = f"exports/acme/{record.request_id}/onnxruntime"
    assert record.export_prefix == prefix
    manifest = store.read_manifest(prefix)
    assert manifest is not None
    files = {f.path for f in manifest.files}
    assert {"model.onnx", "infer.py", "pipeline.json", "verification.json"} <= files

    # The run (report, record, best checkpoint) is published too.
    run_manifest = store.read_manifest(f"runs/acme/{record.request_id}")
    assert run_manifest is not None
    run_files = {f.path for f in run_manifest.files}
    assert {"run.json", "report/report.md", "report/curves.png"} <= run_files
    assert any(p.startswith("best/") and p.endswith(".pth") for p in run_files)
    report = Path(record.report_file).read_text()
    assert record.request_id in report and "Export and verification" in report

    kinds = [(e.kind, e.stage) for e in sink.events]
    for stage in STAGES:
        assert ("stage_start", stage) in kinds and ("stage_end", stage) in kinds
    assert ("trial_result", "hpo") in kinds
    assert any(r.request_id == record.request_id for r in list_records("acme"))


def test_cli_show_and_list_read_the_finished_runs(env: Path) -> None:
    runs = [json.loads(line) for line in _cli("runs", "list", "--json").splitlines()]
    assert runs and all(r["status"] == "succeeded" for r in runs)
    shown = json.loads(_cli("runs", "show", runs[0]["request_id"], "--json"))
    assert shown["request_id"] == runs[0]["request_id"]
    assert shown["export_prefix"].startswith("exports/acme/")


def _cli(*args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "autommlab.cli", *args], capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout
