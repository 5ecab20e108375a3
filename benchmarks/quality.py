"""Quality benchmark: one request per task through the whole pipeline at `--budget medium`.

    python benchmarks/quality.py [--budget medium] [--tasks classification detection ...]

Each request runs in its own AUTOMMLAB_HOME under benchmarks/results/work (fresh store,
datasets built at the budget's scale), exactly as `autommlab run` would. The goal (issue 3):
classification >= 0.90 top-1, detection mAP >= 0.5, segmentation mIoU >= 0.6, keypoint
AP >= 0.5, each run under 20 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from autommlab.pipeline.progress import ProgressEvent

REQUESTS = {
    "classification": ("Classify sneakers, sandals and ankle boots in shop photos with at "
                       "least 90% accuracy, exported to ONNX.", 0.90),
    "detection": ("Detect sneakers, sandals and ankle boots in photos, mAP at least 0.5, "
                  "export to ONNX.", 0.5),
    "segmentation": ("Segment sneakers, sandals and ankle boots pixel by pixel, mIoU at least "
                     "0.6, ONNX.", 0.6),
    "keypoint": ("Locate the top, bottom, left, right and center keypoints of shoes, keypoint "
                 "AP at least 0.5, ONNX.", 0.5),
}
RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", default="medium")
    parser.add_argument("--searcher", default="tpe")
    parser.add_argument("--tasks", nargs="*", default=list(REQUESTS))
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from autommlab.pipeline import RunOptions, run_pipeline

    rows = []
    out_file = RESULTS / f"quality-{args.budget}.json"
    previous = json.loads(out_file.read_text()) if out_file.exists() else {"runs": {}}
    for task in args.tasks:
        request, goal = REQUESTS[task]
        home = RESULTS / "work" / task
        shutil.rmtree(home, ignore_errors=True)
        os.environ["AUTOMMLAB_HOME"] = str(home)
        start = time.monotonic()
        row = {"task": task, "request": request, "goal": goal}
        try:
            record = run_pipeline(request, RunOptions(budget=args.budget,
                                                      searcher=args.searcher),
                                  progress=_printer(task))
            best = record.best
            ver = (record.deploy or {}).get("verification", {})
            row |= {"dataset": record.selection["data"]["dataset"],
                    "model": record.selection["model"]["model"],
                    "metric_name": record.metric_name,
                    "metric": best.metric if best else None,
                    "trials": len(record.trials), "best_hparams": best.hparams if best else None,
                    "onnx_verified": ver.get("passed"), "verification": ver,
                    "stage_seconds": record.stage_seconds}
        except Exception as exc:  # a benchmark reports failures, it does not stop at them
            row |= {"error": f"{type(exc).__name__}: {exc}"}
        row["seconds"] = round(time.monotonic() - start, 1)
        row["met"] = row.get("metric") is not None and row["metric"] >= goal
        rows.append(row)
        previous["runs"][task] = row
        previous["machine"] = f"{platform.processor() or platform.machine()}, " \
                              f"{os.cpu_count()} logical CPUs"
        RESULTS.mkdir(parents=True, exist_ok=True)
        out_file.write_text(json.dumps(previous, indent=1))
    print("\n| task | dataset | model | metric | goal | met | trials | ONNX verified | minutes |")
    print("|---|---|---|---:|---:|---|---:|---|---:|")
    for r in rows:
        metric = f"{r['metric_name']} {r['metric']:.3f}" if r.get("metric") is not None else \
            r.get("error", "-")[:60]
        print(f"| {r['task']} | {r.get('dataset', '-')} | {r.get('model', '-')} | {metric} | "
              f"{r['goal']} | {'yes' if r['met'] else 'NO'} | {r.get('trials', '-')} | "
              f"{r.get('onnx_verified')} | {r['seconds'] / 60:.1f} |")
    print(f"\nwritten: {out_file}")


def _printer(task: str) -> Callable[[ProgressEvent], None]:
    def sink(event: ProgressEvent) -> None:
        if event.kind in ("stage_end", "trial_end", "trial_error", "warning", "info"):
            print(f"[{task}] {event.stage}: {event.trial or ''} {event.message}", flush=True)
    return sink


if __name__ == "__main__":
    main()
