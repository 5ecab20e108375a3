"""The deploy stage: export the best trial's checkpoint, verify, benchmark, check, publish."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autommlab.pipeline.run import _Pipeline


def run_deploy_stage(run: _Pipeline) -> None:
    from autommlab.deploy import deploy
    from autommlab.understand.units import normalise_constraints

    record = run.record
    best = record.best
    assert best is not None and best.checkpoint and best.config_file  # checked by the caller
    cfg = run.config()
    engine = cfg.deploy.inference_engine
    backend = "onnxruntime" if engine in ("none", "") else engine
    run.emit("info", "deploy", f"exporting trial {best.trial_id} ({record.metric_name} "
             f"{best.metric:.4f}) to ONNX" + (f" (requested: {backend})"
                                              if backend != "onnxruntime" else ""))
    result = deploy(train_config=Path(best.config_file), checkpoint=Path(best.checkpoint),
                    task=record.selection["data"]["task"], data_root=Path(record.data_dir),
                    constraints=normalise_constraints(cfg), target_device=cfg.deploy.gpu,
                    store=run.store, tenant=record.tenant, request_id=record.request_id,
                    backend=backend, work_dir=run.dir / "export",
                    target_description=cfg.deploy.description)
    record.deploy = result.model_dump(mode="json")
    record.export_prefix = result.store_prefix
    ver = result.verification
    run.emit("info", "deploy", f"onnxruntime vs PyTorch on {ver.images} held-out images: "
             f"{'passed' if ver.passed else 'FAILED'}; {result.benchmark.latency_ms_p50:.1f} ms "
             f"p50 at batch 1; published to {result.store_prefix}")
    if not result.backend.available:
        run.emit("warning", "deploy", result.backend.message)
