"""Deploy: ONNX export of every task, verified with ONNX Runtime against PyTorch, published.

Classification, segmentation and keypoint models are built from the toolboxes' shipped
configs adapted to the built datasets, with random weights (export fidelity does not depend
on training; `deploymodels`). The detector is trained for real through `autommlab.train`
(a few iterations: its boxes are what NMS and the box-clipping rewriter act on) and goes
through the whole `deploy()` into a local store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("mmdeploy", reason="mmdeploy is not installed (the deploy extra)")
pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (the deploy extra)")

from autommlab.deploy.backends import resolve_backend
from autommlab.deploy.benchmark import benchmark, ort_session
from autommlab.deploy.checks import check_constraints, targets_gpu
from autommlab.deploy.export import export_onnx
from autommlab.deploy.model_config import read_model_config
from autommlab.deploy.pipeline_spec import build_pipeline_spec
from autommlab.deploy.publish import export_prefix, infer_script, publish_export
from autommlab.deploy.records import (
    MAX_CLASSIFICATION_DIFF,
    MIN_AGREEMENT,
    BenchmarkReport,
    DeployResult,
    ExportedModel,
)
from autommlab.deploy.verify import verify
from autommlab.errors import DeployError, StoreError
from autommlab.store.base import MANIFEST_NAME
from autommlab.store.local import LocalStore
from autommlab.understand.units import Constraints
from deploymodels import random_init_model

pytestmark = [
    *(pytest.mark.filterwarnings(f"ignore::{category}:mm(cv|engine|det|seg|pose|pretrain|deploy)")
      for category in ("DeprecationWarning", "FutureWarning", "UserWarning")),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning"),
]

# task -> (built dataset, classes of the subset)
DATASETS: dict[str, tuple[str, list[str] | None]] = {
    "classification": ("fashion-footwear", None),
    "detection": ("digit-detection", ["0", "1"]),
    "segmentation": ("digit-segmentation", None),
    "keypoint": ("footwear-keypoints", None),
}
RANDOM_INIT_TASKS = ("classification", "segmentation", "keypoint")
EXPORT_FILES = {"model.onnx", "deploy_config.json", "pipeline.json", "verification.json",
                "benchmark.json", "constraints.json", "backend.json", "infer.py", "README.md"}


def first_test_image(root: Path, task: str) -> Path:
    if task == "classification":
        return root / "test" / (root / "test.txt").read_text().split()[0]
    return sorted((root / "test" / "images").glob("*.png"))[0]


@pytest.fixture(scope="module")
def data_root(built_subset: Callable[..., Path]) -> Callable[[str], Path]:
    def get(task: str) -> Path:
        name, classes = DATASETS[task]
        return built_subset(name, classes)
    return get


@pytest.fixture(scope="module")
def exported(data_root: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
             ) -> Callable[[str], ExportedModel]:
    """Factory: the random-init model of a task, exported once per module."""
    cache: dict[str, ExportedModel] = {}

    def get(task: str) -> ExportedModel:
        if task not in cache:
            root, work = data_root(task), tmp_path_factory.mktemp(f"export-{task}")
            config, checkpoint = random_init_model(task, root, work / "model")
            cache[task] = export_onnx(config, checkpoint, task, first_test_image(root, task),
                                      work / "onnx")
        return cache[task]
    return get


@pytest.fixture(scope="module")
def trained_detector(data_root: Callable[[str], Path],
                     tmp_path_factory: pytest.TempPathFactory) -> Any:
    """RTMDet-tiny trained for 10 iterations by autommlab.train (a TrainResult)."""
    from autommlab.train import Hyperparameters, TrainSpec, train
    from autommlab.zoo.catalog import load_cards

    root = data_root("detection")
    cards = load_cards()
    meta = json.loads((root / "meta.json").read_text())
    spec = TrainSpec(task="detection", model=cards.model("rtmdet-tiny"),
                     data=cards.dataset(meta["subset_of"]), data_root=root,
                     classes=meta["classes"], work_dir=tmp_path_factory.mktemp("train-det"),
                     hparams=Hyperparameters(batch_size=8, iters=10, lr=2e-3), val_interval=10)
    return train(spec)


@pytest.fixture(scope="module")
def deployed(trained_detector: Any, data_root: Callable[[str], Path],
             tmp_path_factory: pytest.TempPathFactory) -> tuple[DeployResult, LocalStore]:
    """The trained detector through the whole deploy(), asking for TensorRT (not here)."""
    from autommlab.deploy import deploy

    work = tmp_path_factory.mktemp("deploy-det")
    store = LocalStore(work / "store")
    result = deploy(trained_detector.config_file, trained_detector.checkpoint, "detection",
                    data_root("detection"),
                    Constraints(max_params_m=10, max_gflops=50, max_latency_ms=1000 / 30),
                    store, "tenant-a", "req-001", backend="tensorrt", images=8,
                    work_dir=work / "work")
    return result, store


def onnx_model(task: str, exported: Callable[[str], ExportedModel],
               deployed: tuple[DeployResult, LocalStore]) -> ExportedModel:
    return deployed[0].exported if task == "detection" else exported(task)


# --- export and verification -----------------------------------------------------------------

@pytest.mark.parametrize("task", RANDOM_INIT_TASKS)
def test_export_matches_pytorch(task: str, exported: Callable[[str], ExportedModel],
                                data_root: Callable[[str], Path]) -> None:
    model = exported(task)
    assert model.onnx_path.is_file() and model.seconds > 0
    assert model.input_shapes["input"][:2] == ["batch", 3]
    pipeline = build_pipeline_spec(model, read_model_config(model.model_config_file, task), [])
    report = verify(model, data_root(task), images=4, batch_size=2, pipeline=pipeline)
    assert report.passed, report
    assert report.images == 4 and report.total
    # infer.py's numpy preprocessing is the toolbox's within bilinear rounding (1-2 levels)
    assert report.preprocessing_max_abs_diff is not None
    assert report.preprocessing_max_abs_diff <= 2.5 / 57
    if task == "classification":
        assert report.max_abs_diff <= MAX_CLASSIFICATION_DIFF and report.top1_agreement == 1.0
    else:
        assert report.agreement >= MIN_AGREEMENT
    if task == "keypoint":
        assert report.max_abs_diff < 1e-3  # pixels of the original image
    # SegFormer's attention needs opset 13: the export retried at the opset torch named
    assert model.opset == (13 if task == "segmentation" else 11)


def test_pipeline_json_follows_mmdeploy_static_shape_mode(
        exported: Callable[[str], ExportedModel]) -> None:
    """With an explicit input shape MMDeploy stretches detection / segmentation inputs to
    it; pipeline.json must then say so, or infer.py would feed the model something else."""
    from mmengine.config import Config

    model = exported("classification").model_copy(update={
        "task": "detection", "input_hw": (96, 128), "output_names": ["dets", "labels"],
        "deploy_config": {"onnx_config": {"input_shape": [128, 96]}}})
    cfg = Config({"model": {"test_cfg": {"min_bbox_size": 0}}, "data_preprocessor": {},
                  "test_pipeline": [
                      {"type": "LoadImageFromFile"},
                      {"type": "Resize", "scale": (640, 640), "keep_ratio": True},
                      {"type": "Pad", "size": (640, 640), "pad_val": {"img": (114, 114, 114)}},
                      {"type": "RandomThing"}, {"type": "PackDetInputs"}]})
    spec = build_pipeline_spec(model, cfg, ["a"])
    assert spec["steps"] == [
        {"op": "resize", "width": 128, "height": 96, "keep_ratio": False},
        {"op": "pad", "width": 128, "height": 96, "value": [114.0, 114.0, 114.0]}]
    assert spec["unsupported_steps"] == ["RandomThing"]
    assert spec["normalize"]["color_order"] == "BGR"


def test_deploy_trained_detector_end_to_end(deployed: tuple[DeployResult, LocalStore]) -> None:
    result, store = deployed
    ver = result.verification
    assert ver.passed and ver.total > 0 and ver.matched == ver.total, ver
    assert ver.agreement >= MIN_AGREEMENT
    assert result.exported.output_names == ["dets", "labels"]
    # asked for TensorRT: not here, said so, and ONNX was produced and published anyway
    assert not result.backend.available and result.backend.produced == "onnxruntime"
    assert "TensorRT" in result.backend.message and "ONNX" in result.backend.message
    assert result.store_prefix == "exports/tenant-a/req-001/onnxruntime"
    manifest = store.read_manifest(result.store_prefix)
    assert manifest is not None
    assert {entry.path for entry in manifest.files} == EXPORT_FILES
    assert manifest.metadata["verified"] == "true"
    # constraints: params and FLOPs measured; latency on a TensorRT (GPU) target unknown
    checks = {check.name: check for check in result.constraints}
    assert checks["params"].passed is True and checks["params"].measured < 10
    assert checks["flops"].passed is True and "exported input size" in checks["flops"].note
    assert checks["latency"].passed is None and checks["fps"].passed is None
    assert "cannot be measured here" in checks["latency"].note


# --- the exported graph --------------------------------------------------------------------

@pytest.mark.parametrize("task", ["classification", "detection", "segmentation", "keypoint"])
def test_dynamic_batch(task: str, exported: Callable[[str], ExportedModel],
                       deployed: tuple[DeployResult, LocalStore]) -> None:
    """Batch 3 gives, per image, what batch 1 gives."""
    model = onnx_model(task, exported, deployed)
    session = ort_session(model.onnx_path, threads=1)
    height, width = model.input_hw
    batch = np.random.default_rng(0).standard_normal((3, 3, height, width), dtype=np.float32)
    together = session.run(None, {"input": batch})
    for i in range(3):
        alone = session.run(None, {"input": batch[i:i + 1]})
        for joint, single in zip(together, alone, strict=True):
            assert joint.shape[0] == 3 and single.shape[0] == 1
            if task == "detection":  # padded to the batch's most boxes: compare the kept rows
                count = single.shape[1]
                np.testing.assert_allclose(joint[i, :count], single[0], atol=1e-4)
            else:
                np.testing.assert_allclose(joint[i], single[0], atol=1e-4)


def test_benchmark_reports_latency_throughput_and_size(
        exported: Callable[[str], ExportedModel]) -> None:
    model = exported("classification")
    report = benchmark(model.onnx_path, model.input_hw, threads=1, runs=5, batch=4)
    assert 0 < report.latency_ms_p50 <= report.latency_ms_p90
    assert report.latency_runs == 5 and report.throughput_batch == 4
    assert report.throughput_images_per_s > 0
    assert report.onnx_bytes == model.onnx_path.stat().st_size
    assert 11e6 < report.onnx_params < 11.3e6  # ResNet-18 with a 3-class head


# --- the published example script ----------------------------------------------------------

def run_infer(export_dir: Path, image: Path, *extra: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(export_dir / "infer.py"), str(image), *extra],
                          capture_output=True, text=True, timeout=120, cwd=export_dir.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("task", RANDOM_INIT_TASKS)
def test_infer_script_runs_standalone(task: str, exported: Callable[[str], ExportedModel],
                                      data_root: Callable[[str], Path], tmp_path: Path) -> None:
    model, root = exported(task), data_root(task)
    meta = json.loads((root / "meta.json").read_text())
    classes = meta["classes"] if task != "segmentation" else ["background", *meta["classes"]]
    names = (meta.get("keypoints") or {}).get("names")
    spec = build_pipeline_spec(model, read_model_config(model.model_config_file, task), classes,
                               names)
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    shutil.copyfile(model.onnx_path, export_dir / "model.onnx")
    (export_dir / "pipeline.json").write_text(json.dumps(spec))
    (export_dir / "infer.py").write_text(infer_script())
    extra: list[str] = []
    if task == "keypoint":
        ann = json.loads((root / "test" / "annotations.json").read_text())["annotations"][0]
        extra = ["--bbox", *(str(v) for v in ann["bbox"])]
    out = run_infer(export_dir, first_test_image(root, task), *extra)
    assert out["task"] == task
    if task == "classification":
        assert {item["class"] for item in out["top"]} == set(classes)
        assert abs(sum(item["score"] for item in out["top"]) - 1.0) < 1e-3
    elif task == "segmentation":
        assert sum(out["pixels"].values()) == 128 * 128
        assert set(out["pixels"]) <= set(classes)
    else:
        assert [point["name"] for point in out["keypoints"]] == names
        x, y, w, h = ann["bbox"]
        for point in out["keypoints"]:  # inside the (padded) box it was cropped at
            px, py = point["xy"]
            assert x - w < px < x + 2 * w and y - h < py < y + 2 * h


def test_published_infer_script_detects(deployed: tuple[DeployResult, LocalStore],
                                        data_root: Callable[[str], Path],
                                        tmp_path: Path) -> None:
    result, store = deployed
    store.fetch_artifact(result.store_prefix, tmp_path / "export")
    out = run_infer(tmp_path / "export", first_test_image(data_root("detection"), "detection"))
    assert out["task"] == "detection" and out["objects"]
    for obj in out["objects"]:
        x1, y1, x2, y2 = obj["box_xyxy"]
        assert obj["class"] in ("0", "1") and 0 <= x1 < x2 <= 128 and 0 <= y1 < y2 <= 128


# --- errors, backends, constraints ---------------------------------------------------------

def test_bad_checkpoint_is_a_deploy_error(data_root: Callable[[str], Path],
                                          tmp_path: Path) -> None:
    root = data_root("classification")
    config, _ = random_init_model("classification", root, tmp_path / "model")
    image = first_test_image(root, "classification")
    with pytest.raises(DeployError, match="does not exist"):
        export_onnx(config, tmp_path / "missing.pth", "classification", image, tmp_path / "a")
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a checkpoint")
    with pytest.raises(DeployError, match="cannot read checkpoint"):
        export_onnx(config, garbage, "classification", image, tmp_path / "b")
    with pytest.raises(DeployError, match="model config"):
        export_onnx(tmp_path / "nope.py", garbage, "classification", image, tmp_path / "c")


@pytest.mark.parametrize(("backend", "expected"), [
    ("coreml", "unknown inference backend 'coreml'"),
    ("openvino", "pip install openvino"),
    ("ncnn", "pip install ncnn"),
    ("tensorrt", "NVIDIA GPU"),
])
def test_unavailable_backend_says_why_and_falls_back_to_onnx(backend: str, expected: str
                                                             ) -> None:
    outcome = resolve_backend(backend)
    if backend in ("openvino", "ncnn") and "is installed" in outcome.message:
        pytest.skip(f"{backend} is installed here")
    assert not outcome.available and outcome.produced == "onnxruntime"
    assert expected in outcome.message
    assert "ONNX model for ONNX Runtime was produced instead" in outcome.message


def test_onnxruntime_backend_is_available() -> None:
    for name in ("onnxruntime", "none", None):
        assert resolve_backend(name).available


@pytest.mark.parametrize("bad", ["", "../x", "a/b", ".staging-1", "x" * 200, "a b", "é"])
def test_tenant_and_request_ids_are_validated(bad: str, tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="invalid tenant"):
        export_prefix(bad, "req-1")
    with pytest.raises(DeployError, match="invalid request id"):
        publish_export(LocalStore(tmp_path), "tenant", bad, tmp_path)


def _bench(latency_ms: float) -> BenchmarkReport:
    return BenchmarkReport(threads=1, input_hw=(32, 32), latency_ms_p50=latency_ms,
                           latency_ms_p90=latency_ms * 1.2, latency_runs=5, throughput_batch=8,
                           throughput_images_per_s=2000 / latency_ms, onnx_bytes=1,
                           onnx_params=1, machine="test CPU")


def test_constraint_checks_on_cpu_and_gpu_targets() -> None:
    constraints = Constraints(max_params_m=5, max_gflops=1.0, max_latency_ms=1000 / 30)
    cpu = {c.name: c for c in check_constraints(
        constraints, params_m=11.2, flops_g=0.5, flops_source="counted", bench=_bench(20.0))}
    assert (cpu["params"].passed, cpu["flops"].passed) == (False, True)
    assert cpu["latency"].passed is True and cpu["latency"].measured == 20.0
    assert cpu["fps"].passed is True and cpu["fps"].measured == 50.0
    slow = {c.name: c for c in check_constraints(
        constraints, params_m=1, flops_g=None, flops_source="no figure", bench=_bench(50.0))}
    assert slow["latency"].passed is False and slow["fps"].passed is False
    assert slow["flops"].passed is None  # unknown, not a pass
    gpu = check_constraints(constraints, params_m=1, flops_g=0.1, flops_source="counted",
                            bench=_bench(50.0), gpu_target=True, target_name="Jetson Orin")
    speed = [c for c in gpu if c.name in ("latency", "fps")]
    assert [c.passed for c in speed] == [None, None]
    assert all("Jetson Orin" in c.note and c.measured is None for c in speed)
    assert check_constraints(Constraints(), params_m=1, flops_g=1, flops_source="",
                             bench=None) == []


@pytest.mark.parametrize(("device", "backend", "text", "gpu"), [
    ("gpu", "onnxruntime", "", True), ("cpu", "tensorrt", "", True),
    ("none", "onnxruntime", "runs on a Jetson Nano", True), ("cpu", "onnxruntime", "", False),
    ("none", "openvino", "an Intel laptop", False)])
def test_gpu_targets_are_recognised(device: str, backend: str, text: str, gpu: bool) -> None:
    assert targets_gpu(device, backend, text) is gpu


# --- S3: a server killed in the middle of publishing an export ---------------------------------

@pytest.mark.s3
def test_s3_killed_mid_publish_leaves_no_export_manifest(
        seaweedfs_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from autommlab.store import S3Store
    from s3server import use_s3_env
    from test_store_local import fail_on_call

    server = seaweedfs_factory()
    bucket = server.create_bucket("deploy-crash")
    use_s3_env(monkeypatch, server, tmp_path)
    store = S3Store(bucket, "crash")
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    (export_dir / "model.onnx").write_bytes(b"\x08\x07onnx" * 50_000)
    (export_dir / "pipeline.json").write_text("{}")
    (export_dir / "infer.py").write_text(infer_script())
    (export_dir / "README.md").write_text("# export\n")

    fail_on_call(monkeypatch, store, "_stage_file", 2, before=lambda _args: server.kill())
    with pytest.raises(StoreError, match="cannot reach the S3 endpoint"):
        publish_export(store, "tenant-a", "req-9", export_dir)
    monkeypatch.undo()

    server.start()  # same data directory and ports
    use_s3_env(monkeypatch, server, tmp_path)
    reader = S3Store(bucket, "crash")
    prefix = export_prefix("tenant-a", "req-9")
    assert reader.read_manifest(prefix) is None
    assert not [key for key in reader.list_keys("exports") if key.endswith(MANIFEST_NAME)]
    # publishing again succeeds, and then the export is complete
    publish_export(reader, "tenant-a", "req-9", export_dir)
    manifest = reader.read_manifest(prefix)
    assert manifest is not None and {e.path for e in manifest.files} == {
        "model.onnx", "pipeline.json", "infer.py", "README.md"}


def test_infer_script_dark_decoding_matches_mmpose() -> None:
    """infer.py's numpy DARK refinement gives mmpose's keypoints (cv2 blur + Newton step)."""
    import numpy as np
    from mmpose.codecs.utils import get_heatmap_maximum, refine_keypoints_dark

    from autommlab.deploy.infer_template import _heatmap_maximum

    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[0:24, 0:24]
    centres = rng.uniform(3, 20, size=(5, 2))
    heatmaps = np.stack([np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * 1.5 ** 2))
                         for cx, cy in centres]).astype(np.float32)
    heatmaps += rng.uniform(0, 0.05, heatmaps.shape).astype(np.float32)
    ours, _ = _heatmap_maximum(heatmaps.copy(), 11)
    theirs, _ = get_heatmap_maximum(heatmaps.copy())
    theirs = refine_keypoints_dark(theirs[None].astype(np.float64), heatmaps.copy(),
                                   blur_kernel_size=11)[0]
    assert np.abs(ours - theirs).max() < 1e-3
    assert np.abs(ours - centres).max() < 0.5  # and it finds the sub-pixel centres
