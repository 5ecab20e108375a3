"""Export a trained OpenMMLab model to ONNX with MMDeploy's `torch2onnx`.

The graph is traced at the (H, W) the model's own test pipeline produces for a sample image
(or at `input_shape` when given), with a dynamic batch axis (see `deploy_configs`), at opset
11; when torch reports an operator that needs a newer opset (SegFormer's attention needs 13),
the export is retried once at the opset torch names, up to MAX_OPSET. The
result is checked with `onnx.checker` before it is returned, so a file that exists is a
valid ONNX model.
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autommlab.deploy.deploy_configs import ONNX_FILE, DeployConfig, build_deploy_config
from autommlab.deploy.model_config import read_model_config
from autommlab.deploy.records import ExportedModel
from autommlab.deploy.rewriters import exact_rtmdet_rewriter
from autommlab.deploy.shims import onnx_export_shims
from autommlab.deploy.weights import write_weights_only
from autommlab.errors import DeployError
from autommlab.tasks import TASKS

if TYPE_CHECKING:
    from mmengine.config import Config

WEIGHTS_FILE = "weights.pth"
# Highest opset an export may fall back to: ONNX Runtime 1.17+ and OpenVINO / TensorRT 8.6+
# all read opset 17.
MAX_OPSET = 17
DEPLOY_CONFIG_FILE = "deploy_config.json"


def build_task_processor(model_cfg: Config, deploy_cfg: DeployConfig | dict[str, Any]) -> Any:
    """MMDeploy's task processor for the model (CPU), with MMDeploy's log chatter reduced."""
    from mmdeploy.apis import build_task_processor as build
    from mmdeploy.utils import get_root_logger
    from mmengine.config import Config

    get_root_logger().setLevel(logging.WARNING)
    return build(model_cfg, Config(dict(deploy_cfg)), "cpu")


def traced_input_hw(task: str, model_cfg: Config, processor: Any, model: Any,
                    sample_image: Path) -> tuple[int, int]:
    """(H, W) of the tensor the model's test pipeline and data preprocessor make of the
    sample image: the size the exported graph is traced at."""
    if task == "keypoint":  # top-down: every crop is warped to the codec's input size
        codec = model_cfg.codec[-1] if isinstance(model_cfg.codec, list) else model_cfg.codec
        width, height = codec["input_size"]
        return int(height), int(width)
    _, inputs = processor.create_input(str(sample_image), None,
                                       data_preprocessor=model.data_preprocessor)
    if isinstance(inputs, list | tuple):
        inputs = inputs[0]
    return int(inputs.shape[-2]), int(inputs.shape[-1])


def _check_onnx(path: Path) -> Any:
    import onnx

    if not path.is_file():
        raise DeployError(f"MMDeploy reported no error but wrote no ONNX file at {path}")
    try:
        onnx.checker.check_model(str(path))  # by path: works for models over 2 GB too
    except onnx.checker.ValidationError as exc:
        raise DeployError(f"the exported ONNX model {path} is invalid: {exc}") from exc
    return onnx.load(str(path), load_external_data=False)


def _dims(value_info: Any) -> list[int | str]:
    return [dim.dim_param or dim.dim_value for dim in value_info.type.tensor_type.shape.dim]


def export_onnx(model_config: Path, checkpoint: Path, task: str, sample_image: Path,
                out_dir: Path, input_shape: tuple[int, int] | None = None,
                *, dynamic_hw: bool = False) -> ExportedModel:
    """Export the model of `model_config` + `checkpoint` to `out_dir/end2end.onnx`.

    `input_shape` is (H, W). None (the default) keeps the model's own test pipeline, and
    the graph is traced at the size it makes of `sample_image` (our pipelines resize, or
    resize and pad, to one fixed size). A given shape is MMDeploy's static-shape mode: for
    detection and segmentation the pipeline's Resize is forced to exactly that size
    (no keep-ratio) and Pad to it; pipeline.json then describes the forced steps.
    Writes `out_dir/deploy_config.json` and the weights-only checkpoint it exported from.
    """
    started = time.perf_counter()
    if task not in TASKS:
        raise DeployError(f"unknown task {task!r}; known: {', '.join(TASKS)}")
    if not sample_image.is_file():
        raise DeployError(f"sample image {sample_image} does not exist")
    model_cfg = read_model_config(model_config, task)
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = write_weights_only(checkpoint, out_dir / WEIGHTS_FILE)
    try:
        traced_hw = (_probe_input_hw(task, model_cfg, weights, sample_image)
                     if dynamic_hw else None)
        deploy_cfg = build_deploy_config(task, model_cfg, input_shape, dynamic_hw=dynamic_hw)
        try:
            _torch2onnx(deploy_cfg, model_cfg, weights, sample_image, out_dir)
        except Exception as exc:
            opset = _needed_opset(exc)
            if opset is None or opset <= deploy_cfg["onnx_config"]["opset_version"]:
                raise
            # e.g. aten::unflatten (nn.MultiheadAttention, SegFormer) exists from opset 13
            deploy_cfg = build_deploy_config(task, model_cfg, input_shape,
                                             dynamic_hw=dynamic_hw, opset=opset)
            _torch2onnx(deploy_cfg, model_cfg, weights, sample_image, out_dir)
    except DeployError:
        raise
    except Exception as exc:  # the toolboxes raise anything; the user needs one clear error
        raise DeployError(f"exporting the {task} model {model_config} to ONNX failed: "
                          f"{type(exc).__name__}: {exc}") from exc
    onnx_path = out_dir / ONNX_FILE
    graph = _check_onnx(onnx_path).graph
    initializers = {init.name for init in graph.initializer}
    inputs = [value for value in graph.input if value.name not in initializers]
    shapes = {value.name: _dims(value) for value in inputs}
    height, width = shapes[inputs[0].name][2:4]
    hw = traced_hw or (int(height), int(width))
    (out_dir / DEPLOY_CONFIG_FILE).write_text(json.dumps(deploy_cfg, indent=1) + "\n",
                                              encoding="utf-8")
    return ExportedModel(
        task=task, onnx_path=onnx_path, input_names=[value.name for value in inputs],
        output_names=[value.name for value in graph.output], input_shapes=shapes,
        input_hw=hw, deploy_config=dict(deploy_cfg),
        opset=deploy_cfg["onnx_config"]["opset_version"],
        seconds=round(time.perf_counter() - started, 3), weights_file=weights,
        model_config_file=model_config)


def _probe_input_hw(task: str, model_cfg: Config, weights: Path, sample_image: Path
                    ) -> tuple[int, int]:
    """(H, W) the sample image becomes: what a dynamic-H/W graph is traced (and benchmarked)
    at, since the graph itself then does not say."""
    processor = build_task_processor(model_cfg, build_deploy_config(task, model_cfg, None))
    model = processor.build_pytorch_model(str(weights))
    return traced_input_hw(task, model_cfg, processor, model, sample_image)


def _needed_opset(exc: BaseException) -> int | None:
    """The opset torch says an unsupported operator needs ("... added in version 13"), if
    the export failed for that reason and the opset is one we allow (<= MAX_OPSET)."""
    if type(exc).__name__ != "UnsupportedOperatorError":
        return None
    found = re.search(r"added in version (\d+)", str(exc))
    opset = int(found.group(1)) if found else None
    return opset if opset is not None and opset <= MAX_OPSET else None


def _torch2onnx(deploy_cfg: DeployConfig, model_cfg: Config, weights: Path,
                sample_image: Path, out_dir: Path) -> None:
    from mmdeploy.apis import torch2onnx
    from mmengine.config import Config

    with onnx_export_shims(), exact_rtmdet_rewriter():
        torch2onnx(str(sample_image), str(out_dir), ONNX_FILE, Config(dict(deploy_cfg)),
                   model_cfg, str(weights), "cpu")
