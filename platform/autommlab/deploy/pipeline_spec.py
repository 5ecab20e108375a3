"""`pipeline.json`: the preprocessing and decoding an exported model expects, as data.

The toolbox's test pipeline and data preprocessor are translated into a few plain steps
(resize, resize_edge, center_crop, pad, topdown_affine, then normalise) that the standalone
`infer.py` implements with numpy + pillow, so the published model can be used without any
OpenMMLab package. Transforms without a translation are listed under `unsupported_steps`
(infer.py then refuses to guess, and says so) instead of being silently skipped.
"""

from __future__ import annotations

from typing import Any

from autommlab.deploy.records import ExportedModel

FORMAT = "autommlab-onnx-pipeline/1"
# Transforms with nothing to translate: image loading (infer.py loads with pillow) and packing.
_NO_OP_PREFIXES = ("Load", "Pack", "mmdet.Load", "mmdet.Pack", "GetBBoxCenterScale")


def _pixel_value(pad_val: Any) -> list[float]:
    value = pad_val.get("img", 0) if isinstance(pad_val, dict) else pad_val
    if isinstance(value, list | tuple):
        return [float(v) for v in value]
    return [float(value)] * 3


def _step(transform: dict[str, Any]) -> dict[str, Any] | None:
    """One plain step for an mmengine transform dict; None when it has no translation."""
    kind = str(transform.get("type", "")).removeprefix("mmdet.").removeprefix("mmpretrain.")
    if kind == "Resize" and "scale" in transform:
        scale = transform["scale"]
        width, height = (scale, scale) if isinstance(scale, int) else scale
        return {"op": "resize", "width": int(width), "height": int(height),
                "keep_ratio": bool(transform.get("keep_ratio", False))}
    if kind == "ResizeEdge":
        return {"op": "resize_edge", "size": int(transform["scale"]),
                "edge": transform.get("edge", "short")}
    if kind == "CenterCrop":
        crop = transform["crop_size"]
        width, height = (crop, crop) if isinstance(crop, int) else crop
        return {"op": "center_crop", "width": int(width), "height": int(height)}
    if kind == "Pad" and "size" in transform:
        width, height = transform["size"]
        return {"op": "pad", "width": int(width), "height": int(height),
                "value": _pixel_value(transform.get("pad_val", 0))}
    if kind == "TopdownAffine":
        width, height = transform["input_size"]
        return {"op": "topdown_affine", "width": int(width), "height": int(height)}
    return None


def _steps(pipeline: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    steps, unsupported = [], []
    padding = 1.25
    for transform in pipeline:
        kind = str(transform.get("type", ""))
        if kind == "GetBBoxCenterScale":
            padding = float(transform.get("padding", 1.25))
        step = _step(dict(transform))
        if step is not None:
            steps.append(step)
        elif not kind.startswith(_NO_OP_PREFIXES):
            unsupported.append(kind)
    for step in steps:
        if step["op"] == "topdown_affine":
            step["bbox_padding"] = padding
    return steps, unsupported


def _normalisation(preprocessor: dict[str, Any]) -> dict[str, Any]:
    to_rgb = bool(preprocessor.get("to_rgb", preprocessor.get("bgr_to_rgb", False)))
    return {
        # mmcv loads images as BGR; the model consumes RGB when the preprocessor converts.
        "color_order": "RGB" if to_rgb else "BGR",
        "mean": [float(v) for v in preprocessor.get("mean", [0.0, 0.0, 0.0])],
        "std": [float(v) for v in preprocessor.get("std", [1.0, 1.0, 1.0])],
        # the preprocessor pads after normalising (bottom / right) with this value
        "pad_value": float(preprocessor.get("pad_value", preprocessor.get("pad_val", 0))),
    }


def _decoding(task: str, model_cfg: Any, exported: ExportedModel) -> dict[str, Any]:
    if task == "classification":
        return {"scores": "softmax"}
    if task == "detection":
        from autommlab.deploy.verify import min_bbox_size

        return {"boxes": "dets[..., :4] x1 y1 x2 y2 in network-input pixels, dets[..., 4] "
                         "score; labels; rows with score 0 are padding",
                "min_bbox_size": min_bbox_size(model_cfg)}
    if task == "segmentation":
        return {"labels": "output[:, 0] is the class index per network-input pixel"}
    codec = model_cfg.codec[-1] if isinstance(model_cfg.codec, list) else model_cfg.codec
    decoding: dict[str, Any] = {"codec": codec.get("type"),
                                "input_size": list(codec.get("input_size", ()))}
    if "simcc_split_ratio" in codec:
        decoding["simcc_split_ratio"] = float(codec["simcc_split_ratio"])
    if "heatmap_size" in codec:
        decoding["heatmap_size"] = list(codec["heatmap_size"])
    if codec.get("unbiased"):  # DARK refinement (MSRAHeatmap); infer.py implements it
        decoding["dark_blur_kernel"] = int(codec.get("blur_kernel_size", 11))
    return decoding


def _forced_static(steps: list[dict[str, Any]], width: int, height: int) -> None:
    """MMDeploy's static-shape mode for detection / segmentation (`onnx_config.input_shape`
    set): every Resize becomes exactly (width, height) without keep-ratio, and Pad pads to
    it (mmdeploy.codebase.mmdet / mmseg `process_model_config`)."""
    for step in steps:
        if step["op"] == "resize":
            step.update(width=width, height=height, keep_ratio=False)
        elif step["op"] == "pad":
            step.update(width=width, height=height)


def build_pipeline_spec(exported: ExportedModel, model_cfg: Any, classes: list[str],
                        keypoint_names: list[str] | None = None) -> dict[str, Any]:
    """The content of pipeline.json for `exported` (built from its model config)."""
    height, width = exported.input_hw
    steps, unsupported = _steps(list(model_cfg.test_pipeline))
    forced = exported.deploy_config["onnx_config"].get("input_shape")
    if forced and exported.task in ("detection", "segmentation"):
        _forced_static(steps, int(forced[0]), int(forced[1]))
    spec: dict[str, Any] = {
        "format": FORMAT,
        "task": exported.task,
        "model": "model.onnx",
        "input": {"name": exported.input_names[0], "layout": "NCHW", "dtype": "float32",
                  "height": height, "width": width, "dynamic_axes": ["batch"]},
        "outputs": exported.output_names,
        "steps": steps,
        "unsupported_steps": unsupported,
        "normalize": _normalisation(dict(model_cfg.get("data_preprocessor") or {})),
        "classes": list(classes),
        "decode": _decoding(exported.task, model_cfg, exported),
    }
    if keypoint_names:
        spec["keypoint_names"] = list(keypoint_names)
    return spec
