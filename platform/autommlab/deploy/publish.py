"""Assemble an export's files and publish them atomically to the store.

Layout under `exports/<tenant>/<request-id>/onnxruntime/` (see DESIGN.md, "Where things are
stored"): model.onnx, deploy_config.json, pipeline.json, verification.json, benchmark.json,
constraints.json, backend.json, infer.py, README.md, and the store's MANIFEST.json (written
last by `Store.publish_dir`, so a reader sees the whole export or none of it).
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from autommlab.deploy.records import (
    BackendOutcome,
    BenchmarkReport,
    ConstraintCheck,
    ExportedModel,
    VerificationReport,
)
from autommlab.errors import DeployError
from autommlab.store.base import Store

PRODUCED_BACKEND = "onnxruntime"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def check_id(value: str, what: str) -> str:
    """`value` if it is a safe store key segment (letters, digits, '.', '_', '-'; starts
    with a letter or digit; at most 128 characters), else DeployError."""
    if not isinstance(value, str) or not _SAFE_ID.fullmatch(value) or ".." in value:
        raise DeployError(f"invalid {what} {value!r}: use 1-128 letters, digits, '.', '_' or "
                          "'-', starting with a letter or digit (it becomes a store path)")
    return value


def export_prefix(tenant: str, request_id: str, backend: str = PRODUCED_BACKEND) -> str:
    return (f"exports/{check_id(tenant, 'tenant')}/{check_id(request_id, 'request id')}/"
            f"{check_id(backend, 'backend')}")


def _json(path: Path, data: Any) -> None:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [item.model_dump(mode="json") if isinstance(item, BaseModel) else item
                for item in data]
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def infer_script() -> str:
    """The source of the standalone `infer.py` (onnxruntime + numpy + pillow only)."""
    return resources.files("autommlab.deploy").joinpath("infer_template.py").read_text(
        encoding="utf-8")


def assemble_export(dest: Path, exported: ExportedModel, pipeline: dict[str, Any],
                    verification: VerificationReport, benchmark: BenchmarkReport,
                    constraints: list[ConstraintCheck], backend: BackendOutcome) -> Path:
    """Write every file of the export into the empty directory `dest`; return it."""
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise DeployError(f"cannot assemble the export in {dest}: the directory is not empty")
    shutil.copyfile(exported.onnx_path, dest / "model.onnx")
    _json(dest / "deploy_config.json", exported.deploy_config)
    _json(dest / "pipeline.json", pipeline)
    _json(dest / "verification.json", verification)
    _json(dest / "benchmark.json", benchmark)
    _json(dest / "constraints.json", constraints)
    _json(dest / "backend.json", backend)
    (dest / "infer.py").write_text(infer_script(), encoding="utf-8")
    (dest / "README.md").write_text(
        readme(exported, verification, benchmark, constraints, backend), encoding="utf-8")
    return dest


def publish_export(store: Store, tenant: str, request_id: str, files_dir: Path,
                   metadata: dict[str, str] | None = None) -> str:
    """Publish the assembled export in `files_dir` atomically; return its store prefix."""
    prefix = export_prefix(tenant, request_id)
    missing = [name for name in ("model.onnx", "pipeline.json", "infer.py")
               if not (files_dir / name).is_file()]
    if missing:
        raise DeployError(f"{files_dir} is not an assembled export: {', '.join(missing)} "
                          "missing")
    store.publish_dir(prefix, files_dir, metadata=metadata)
    return prefix


def _check_line(check: ConstraintCheck) -> str:
    verdict = {True: "met", False: "NOT met", None: "unknown"}[check.passed]
    measured = "-" if check.measured is None else f"{check.measured:g} {check.unit}"
    return f"| {check.name} | {check.required} | {measured} | {verdict} | {check.note} |"


def readme(exported: ExportedModel, verification: VerificationReport,
           benchmark: BenchmarkReport, constraints: list[ConstraintCheck],
           backend: BackendOutcome) -> str:
    height, width = exported.input_hw
    lines = [
        f"# {exported.task} model exported to ONNX", "",
        f"Backend: {backend.message}.", "",
        "| file | what it is |", "|---|---|",
        f"| model.onnx | the model (ONNX opset {exported.opset}); input `{exported.input_names[0]}`"
        f" float32 NCHW, batch x 3 x {height} x {width} (dynamic batch); outputs "
        f"{', '.join(f'`{name}`' for name in exported.output_names)} |",
        "| pipeline.json | preprocessing the model expects (resize / crop / pad steps, "
        "channel order, mean and std), class names, how to decode the outputs |",
        "| infer.py | runnable example: `python infer.py IMAGE` (needs onnxruntime, numpy, "
        "pillow); prints the prediction as JSON |",
        "| deploy_config.json | the MMDeploy deploy config the model was exported with |",
        "| verification.json | ONNX Runtime against PyTorch on held-out images |",
        "| benchmark.json | ONNX Runtime latency and throughput on the CPU, model size |",
        "| constraints.json | the request's constraints against what was measured |",
        "| backend.json | the inference backend requested, and what was produced |",
        "| MANIFEST.json | sizes and sha256 of every file (written by the store) |", "",
        "## Verification", "",
        f"{'Passed' if verification.passed else 'FAILED'} on {verification.images} held-out "
        f"images: {verification.compared}.",
        f"Agreement {verification.agreement}, max difference {verification.max_abs_diff}.", "",
        "## Speed (ONNX Runtime, CPU)", "",
        f"{benchmark.latency_ms_p50:g} ms per image (p50, batch 1; p90 "
        f"{benchmark.latency_ms_p90:g} ms), {benchmark.throughput_images_per_s:g} images/s at "
        f"batch {benchmark.throughput_batch}; {benchmark.machine}. "
        f"{benchmark.onnx_params:,} parameters, {benchmark.onnx_bytes:,} bytes.", "",
    ]
    if constraints:
        lines += ["## Constraints", "", "| constraint | required | measured | verdict | note |",
                  "|---|---|---|---|---|", *(_check_line(check) for check in constraints), ""]
    return "\n".join(lines)
