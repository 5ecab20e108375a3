"""MMDeploy deploy configs, written as typed dicts (MMDeploy 1.3.1's wheel ships none).

One config per task, for the ONNX Runtime backend. Shared choices, and why:
- opset 11: the opset MMDeploy's rewriters and its onnxruntime configs target; every op our
  default models need (NonMaxSuppression, Resize, TopK, ...) exists there;
- a dynamic batch axis on the input and every output, so one file serves batch 1 (latency)
  and batched throughput; height and width stay static at the size the model's test
  pipeline produces (our pipelines resize to a fixed size), which keeps shape inference and
  constant folding complete; `dynamic_hw=True` makes them dynamic for callers that need it;
- detection post-processing thresholds are copied from the model's own `test_cfg`, so the
  exported NMS keeps what the PyTorch model keeps (MMDeploy takes `pre_top_k` and
  `max_output_boxes_per_class` from the deploy config and the rest from `test_cfg`).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from autommlab.errors import DeployError

OPSET = 11
INPUT_NAME = "input"
ONNX_FILE = "end2end.onnx"


class CodebaseConfig(TypedDict):
    type: Literal["mmpretrain", "mmdet", "mmseg", "mmpose"]
    task: Literal["Classification", "ObjectDetection", "Segmentation", "PoseDetection"]
    model_type: NotRequired[str]
    post_processing: NotRequired[PostProcessing]
    with_argmax: NotRequired[bool]
    export_postprocess: NotRequired[bool]


class PostProcessing(TypedDict):
    """MMDeploy's detection post-processing parameters (`multiclass_nms`)."""

    score_threshold: float
    confidence_threshold: float
    iou_threshold: float
    max_output_boxes_per_class: int
    pre_top_k: int
    keep_top_k: int
    background_label_id: int


class OnnxConfig(TypedDict):
    type: Literal["onnx"]
    export_params: bool
    keep_initializers_as_inputs: bool
    opset_version: int
    save_file: str
    input_names: list[str]
    output_names: list[str]
    input_shape: list[int] | None  # (W, H), MMDeploy's order; None = what the pipeline makes
    optimize: bool
    dynamic_axes: dict[str, dict[int, str]]


class BackendConfig(TypedDict):
    type: str


class DeployConfig(TypedDict):
    codebase_config: CodebaseConfig
    backend_config: BackendConfig
    onnx_config: OnnxConfig


# task -> (codebase, MMDeploy task name)
CODEBASES: dict[str, tuple[Any, Any]] = {
    "classification": ("mmpretrain", "Classification"),
    "detection": ("mmdet", "ObjectDetection"),
    "segmentation": ("mmseg", "Segmentation"),
    "keypoint": ("mmpose", "PoseDetection"),
}


def output_names(task: str, model_cfg: Any) -> list[str]:
    """The ONNX output names MMDeploy's backend wrappers expect for this model."""
    if task == "detection":
        return ["dets", "labels"]
    if task == "keypoint":
        head = model_cfg.model.get("head", {})
        decoder = head.get("decoder") or {}
        if decoder.get("type") == "SimCCLabel":
            return ["simcc_x", "simcc_y"]
    return ["output"]


def post_processing(model_cfg: Any) -> PostProcessing:
    """Detection NMS parameters taken from the model's `test_cfg` (see module docstring)."""
    test_cfg = model_cfg.model.get("test_cfg") or {}
    if "rcnn" in test_cfg:  # two-stage detectors: the final (R-CNN) stage decides
        test_cfg = test_cfg["rcnn"]
    nms = test_cfg.get("nms") or {}
    keep = int(test_cfg.get("max_per_img", 100))
    return PostProcessing(
        score_threshold=float(test_cfg.get("score_thr", 0.05)),
        confidence_threshold=0.005,  # only used by YOLOv3-style objectness; unused here
        iou_threshold=float(nms.get("iou_threshold", 0.5)),
        max_output_boxes_per_class=keep,
        pre_top_k=int(test_cfg.get("nms_pre", 1000)),
        keep_top_k=keep,
        background_label_id=-1,
    )


def build_deploy_config(task: str, model_cfg: Any, input_hw: tuple[int, int] | None,
                        *, dynamic_hw: bool = False, opset: int = OPSET) -> DeployConfig:
    """The deploy config for `task`'s model config (an mmengine Config or dict).

    `input_hw` (H, W) sets MMDeploy's static input shape, which for detection and
    segmentation forces the test pipeline's Resize / Pad to exactly that size; None keeps
    the pipeline, and the graph is traced at the (fixed) size it produces. With
    `dynamic_hw`, height and width become dynamic axes too.
    """
    if task not in CODEBASES:
        raise DeployError(f"cannot export task {task!r}: known tasks are {sorted(CODEBASES)}")
    codebase, mmdeploy_task = CODEBASES[task]
    codebase_cfg = CodebaseConfig(type=codebase, task=mmdeploy_task)
    if task == "detection":
        codebase_cfg["model_type"] = "end2end"
        codebase_cfg["post_processing"] = post_processing(model_cfg)
    elif task == "segmentation":
        codebase_cfg["with_argmax"] = True  # the graph returns the label map
    elif task == "keypoint":
        codebase_cfg["export_postprocess"] = False  # keypoints decoded outside the graph
    outputs = output_names(task, model_cfg)
    input_axes = {0: "batch", 2: "height", 3: "width"} if dynamic_hw else {0: "batch"}
    axes: dict[str, dict[int, str]] = {INPUT_NAME: input_axes}
    axes.update({name: {0: "batch"} for name in outputs})
    if dynamic_hw and task == "segmentation":
        axes["output"] = {0: "batch", 2: "height", 3: "width"}
    shape = None if input_hw is None or dynamic_hw else [input_hw[1], input_hw[0]]
    return DeployConfig(
        codebase_config=codebase_cfg,
        backend_config=BackendConfig(type="onnxruntime"),
        onnx_config=OnnxConfig(
            type="onnx", export_params=True, keep_initializers_as_inputs=False,
            opset_version=opset, save_file=ONNX_FILE, input_names=[INPUT_NAME],
            output_names=outputs, input_shape=shape, optimize=False, dynamic_axes=axes),
    )
