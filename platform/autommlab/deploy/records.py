"""The typed records the deploy stage produces (one per step, and the whole result).

They are pydantic models so the pipeline, the CLI and the published JSON files
(`verification.json`, `benchmark.json`, `constraints.json`) share one shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from autommlab.tasks import Task

#: Thresholds a verification must meet (see VerificationReport.passed).
MAX_CLASSIFICATION_DIFF = 1e-4
MIN_AGREEMENT = 0.99


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportedModel(_Record):
    """An ONNX file exported by MMDeploy, and how it was made."""

    task: Task
    onnx_path: Path
    input_names: list[str]
    output_names: list[str]
    input_shapes: dict[str, list[int | str]] = Field(
        description="per input, its dims: an int, or the name of a dynamic axis ('batch')")
    input_hw: tuple[int, int] = Field(description="(H, W) the graph was traced at")
    deploy_config: dict[str, Any] = Field(description="the MMDeploy deploy config used")
    opset: int
    seconds: float = Field(description="wall time of the export (model build, trace, check)")
    weights_file: Path = Field(description="the weights-only checkpoint that was exported")
    model_config_file: Path


class VerificationReport(_Record):
    """ONNX Runtime against PyTorch on the same held-out inputs.

    Both models get the identical preprocessed tensor (the toolbox's test pipeline and data
    preprocessor), and both results go through the same post-processing to the original
    image, so any difference is the export's. Which fields are set depends on the task.
    """

    task: Task
    images: int = Field(description="held-out images (keypoint: instances) compared")
    compared: str = Field(description="what was compared, in words")
    passed: bool
    thresholds: dict[str, float]
    max_abs_diff: float | None = Field(
        default=None, description="classification: max |score difference| over all classes; "
        "keypoint: max distance in pixels of the original image")
    top1_agreement: float | None = None
    agreement: float | None = Field(
        default=None, description="detection: matched boxes / boxes (IoU, label, score); "
        "segmentation: equal pixels / pixels; keypoint: keypoints within tolerance / "
        "keypoints; classification: equals top1_agreement")
    matched: int | None = None
    total: int | None = None
    preprocessing_max_abs_diff: float | None = Field(
        default=None, description="max |difference| between the published pipeline.json "
        "preprocessing (infer.py, numpy + pillow) and the toolbox's, on the input tensor")
    seconds: float = 0.0
    notes: list[str] = []


class BenchmarkReport(_Record):
    """ONNX Runtime speed on this machine's CPU, and the size of the model."""

    threads: int
    input_hw: tuple[int, int]
    latency_ms_p50: float = Field(description="batch 1, median after warm-up")
    latency_ms_p90: float
    latency_runs: int
    throughput_batch: int
    throughput_images_per_s: float
    onnx_bytes: int
    onnx_params: int = Field(description="elements in the ONNX initializers (the weights)")
    machine: str
    provider: str = "CPUExecutionProvider"


class ConstraintCheck(_Record):
    """One constraint of the request against what the exported model measured.

    `passed` is None when the quantity cannot be measured here (e.g. latency on a GPU or
    Jetson target from a CPU-only machine): unknown, never a pretend pass.
    """

    name: Literal["params", "flops", "latency", "fps"]
    required: str
    limit: float
    measured: float | None
    unit: str
    passed: bool | None
    note: str = ""


class BackendOutcome(_Record):
    """What was asked for and what was produced."""

    requested: str
    produced: Literal["onnxruntime"] = "onnxruntime"
    available: bool = Field(description="True when the requested backend was produced")
    message: str


class DeployResult(_Record):
    exported: ExportedModel
    verification: VerificationReport
    benchmark: BenchmarkReport
    constraints: list[ConstraintCheck]
    backend: BackendOutcome
    store_prefix: str = Field(description="where the export was published")
    store_url: str
    flops_g: float | None = None
    flops_source: str = ""
    seconds: float
