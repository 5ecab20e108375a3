"""`deploy`: the whole deploy stage, export -> verify -> benchmark -> checks -> publish."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from autommlab.deploy.backends import resolve_backend
from autommlab.deploy.benchmark import benchmark
from autommlab.deploy.checks import check_constraints, targets_gpu
from autommlab.deploy.complexity import flops_for_checks
from autommlab.deploy.export import export_onnx
from autommlab.deploy.heldout import heldout_samples
from autommlab.deploy.model_config import class_names, read_model_config
from autommlab.deploy.pipeline_spec import build_pipeline_spec
from autommlab.deploy.publish import assemble_export, export_prefix, publish_export
from autommlab.deploy.records import DeployResult
from autommlab.deploy.verify import verify
from autommlab.errors import DeployError
from autommlab.store.base import Store
from autommlab.understand.units import Constraints


def _dataset_meta(data_root: Path) -> dict[str, Any]:
    path = data_root / "meta.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _labels(model_cfg: Any, task: str, meta: dict[str, Any]) -> list[str]:
    """Names of the model's output labels (segmentation: background first)."""
    names = class_names(model_cfg)
    if names:
        return names
    classes = [str(name) for name in meta.get("classes", [])]
    return ["background", *classes] if task == "segmentation" and classes else classes


def deploy(train_config: Path, checkpoint: Path, task: str, data_root: Path,
           constraints: Constraints, store: Store, tenant: str, request_id: str,
           backend: str = "onnxruntime", *, target_device: str = "none",
           target_description: str = "",
           card_flops_g: float | None = None, input_shape: tuple[int, int] | None = None,
           images: int = 8, threads: int = 1, work_dir: Path | None = None,
           publish_unverified: bool = False) -> DeployResult:
    """Export the trained model to ONNX, verify it against PyTorch on held-out images of
    `data_root`, benchmark it, check it against `constraints`, and publish it under
    `exports/<tenant>/<request_id>/onnxruntime`.

    `backend` is the requested inference engine; ONNX is produced either way, and the
    result says why another backend was not (`DeployResult.backend`). `target_device` (the
    request's `deploy.gpu`: 'cpu' / 'gpu' / 'none') and `target_description` (free text, e.g.
    'Jetson Orin') say where the model will run: latency on a GPU target is never claimed
    from this machine's CPU measurement. A model that fails verification is not published
    (DeployError) unless `publish_unverified`. `work_dir` keeps the intermediate files
    (its `onnx/` and `export/` are replaced); without it they are deleted on return, and the
    paths in `DeployResult.exported` then name files that no longer exist.
    """
    started = time.perf_counter()
    prefix = export_prefix(tenant, request_id)  # invalid ids fail before the slow steps
    outcome = resolve_backend(backend)
    with tempfile.TemporaryDirectory(prefix="autommlab-deploy-") as scratch:
        work = work_dir or Path(scratch)
        sample = heldout_samples(data_root, task, 1)[0].image
        exported = export_onnx(train_config, checkpoint, task, sample, work / "onnx",
                               input_shape)
        model_cfg = read_model_config(exported.model_config_file, task)
        meta = _dataset_meta(data_root)
        pipeline = build_pipeline_spec(exported, model_cfg, _labels(model_cfg, task, meta),
                                       (meta.get("keypoints") or {}).get("names"))
        verification = verify(exported, data_root, images=images, pipeline=pipeline)
        if not verification.passed and not publish_unverified:
            summary = verification.model_dump_json(
                include={"agreement", "max_abs_diff", "matched", "total"})
            raise DeployError(f"the exported {task} model does not match PyTorch: {summary} "
                              f"({verification.compared}); nothing was published")
        bench = benchmark(exported.onnx_path, exported.input_hw, threads=threads)
        flops_g, flops_source = flops_for_checks(exported, card_flops_g)
        checks = check_constraints(
            constraints, params_m=bench.onnx_params / 1e6, flops_g=flops_g,
            flops_source=flops_source, bench=bench,
            gpu_target=targets_gpu(target_device, outcome.requested, target_description),
            target_name=target_description or "GPU")
        shutil.rmtree(work / "export", ignore_errors=True)  # ours, from an earlier run
        staging = assemble_export(work / "export", exported, pipeline, verification, bench,
                                  checks, outcome)
        publish_export(store, tenant, request_id, staging, metadata={
            "task": task, "backend": "onnxruntime", "requested_backend": outcome.requested,
            "verified": str(verification.passed).lower(), "opset": str(exported.opset)})
    return DeployResult(
        exported=exported, verification=verification, benchmark=bench, constraints=checks,
        backend=outcome, store_prefix=prefix, store_url=store.url, flops_g=flops_g,
        flops_source=flops_source, seconds=round(time.perf_counter() - started, 3))
