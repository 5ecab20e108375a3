"""Run an exported autommlab model on one image: ONNX Runtime + numpy + pillow only.

    python infer.py IMAGE [--bbox X Y W H] [--model model.onnx] [--pipeline pipeline.json]

Prints the prediction as JSON. Preprocessing and decoding follow pipeline.json, which
describes what the model was trained with (resize, crop, pad, mean / std, class names).
Keypoint models are top-down: they see one object cropped at --bbox (default: the whole
image). This file is published next to model.onnx and has no other dependency.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent


# --- image operations (OpenCV-compatible bilinear sampling, as the training pipeline) -----

def _bilinear(image: np.ndarray, src_x: np.ndarray, src_y: np.ndarray,
              outside: float | None) -> np.ndarray:
    """Sample `image` (H, W, C float) at the float pixel coordinates src_x / src_y.

    `outside=None` clamps at the border (cv2.resize); a number fills the outside with it
    (cv2.warpAffine with a constant border).
    """
    height, width = image.shape[:2]
    x0, y0 = np.floor(src_x).astype(np.int64), np.floor(src_y).astype(np.int64)
    fx, fy = (src_x - x0)[..., None], (src_y - y0)[..., None]

    def pixel(ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
        inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
        values = image[np.clip(ys, 0, height - 1), np.clip(xs, 0, width - 1)]
        if outside is not None:
            values = np.where(inside[..., None], values, outside)
        return values

    if outside is None:
        x0, y0 = np.clip(x0, 0, width - 1), np.clip(y0, 0, height - 1)
        fx = np.where((src_x < 0)[..., None], 0.0, fx)
        fy = np.where((src_y < 0)[..., None], 0.0, fy)
    top = pixel(y0, x0) * (1 - fx) + pixel(y0, x0 + 1) * fx
    bottom = pixel(y0 + 1, x0) * (1 - fx) + pixel(y0 + 1, x0 + 1) * fx
    return top * (1 - fy) + bottom * fy


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Bilinear resize with half-pixel centres, like cv2.resize(INTER_LINEAR)."""
    src_h, src_w = image.shape[:2]
    xs = (np.arange(width) + 0.5) * (src_w / width) - 0.5
    ys = (np.arange(height) + 0.5) * (src_h / height) - 0.5
    grid_x, grid_y = np.meshgrid(xs, ys)
    return _round(_bilinear(image, grid_x, grid_y, outside=None))


def _round(image: np.ndarray) -> np.ndarray:
    """Back to 8-bit values, as the training pipeline's uint8 images are."""
    return np.clip(np.floor(image + 0.5), 0, 255)


def warp_box(image: np.ndarray, center: np.ndarray, scale: np.ndarray, width: int,
             height: int) -> np.ndarray:
    """Crop the box (center, scale) to width x height (mmpose TopdownAffine, no rotation)."""
    ratio = width / scale[0]
    xs = (np.arange(width) - width / 2) / ratio + center[0]
    ys = (np.arange(height) - height / 2) / ratio + center[1]
    grid_x, grid_y = np.meshgrid(xs, ys)
    return _round(_bilinear(image, grid_x, grid_y, outside=0.0))


def box_center_scale(bbox_xywh: list[float], width: int, height: int, padding: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """mmpose's GetBBoxCenterScale + the aspect-ratio fix of TopdownAffine."""
    x, y, w, h = bbox_xywh
    center = np.array([x + w / 2, y + h / 2])
    scale = np.array([w, h]) * padding
    aspect = width / height
    if scale[0] > scale[1] * aspect:
        scale = np.array([scale[0], scale[0] / aspect])
    else:
        scale = np.array([scale[1] * aspect, scale[1]])
    return center, scale


# --- preprocessing -------------------------------------------------------------------------

def load_image(path: Path, color_order: str) -> np.ndarray:
    """(H, W, 3) float array in the channel order the model consumes."""
    from PIL import Image

    with Image.open(path) as img:
        rgb = np.asarray(img.convert("RGB"), dtype=np.float64)
    return rgb if color_order == "RGB" else rgb[..., ::-1]


def preprocess(image: np.ndarray, pipeline: dict[str, Any],
               bbox_xywh: list[float] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """(1, 3, H, W) float32 input and what decoding needs to map results back."""
    if pipeline.get("unsupported_steps"):
        raise SystemExit("pipeline.json lists preprocessing steps this script does not "
                         f"implement: {pipeline['unsupported_steps']}; use the toolbox instead")
    meta: dict[str, Any] = {"original_hw": image.shape[:2], "scale_xy": (1.0, 1.0),
                            "offset_xy": (0.0, 0.0)}
    for step in pipeline["steps"]:
        image = _apply(step, image, meta, bbox_xywh)
    meta["valid_hw"] = image.shape[:2]
    norm = pipeline["normalize"]
    image = (image - np.array(norm["mean"])) / np.array(norm["std"])
    net_h, net_w = pipeline["input"]["height"], pipeline["input"]["width"]
    if image.shape[0] > net_h or image.shape[1] > net_w:
        raise SystemExit(f"preprocessed image {image.shape[:2]} exceeds the model input "
                         f"{(net_h, net_w)}")
    padded = np.full((net_h, net_w, 3), norm["pad_value"], dtype=np.float64)
    padded[:image.shape[0], :image.shape[1]] = image
    return padded.transpose(2, 0, 1)[None].astype(np.float32), meta


def _apply(step: dict[str, Any], image: np.ndarray, meta: dict[str, Any],
           bbox_xywh: list[float] | None) -> np.ndarray:
    height, width = image.shape[:2]
    op = step["op"]
    if op in ("resize", "resize_edge"):
        new_w, new_h = _resized_size(step, width, height)
        sx, sy = meta["scale_xy"]
        meta["scale_xy"] = (sx * new_w / width, sy * new_h / height)
        return resize(image, new_w, new_h)
    if op == "center_crop":
        top = max(0, round((height - step["height"]) / 2))
        left = max(0, round((width - step["width"]) / 2))
        ox, oy = meta["offset_xy"]
        meta["offset_xy"] = (ox + left, oy + top)
        return image[top:top + step["height"], left:left + step["width"]]
    if op == "pad":
        padded = np.empty((max(height, step["height"]), max(width, step["width"]), 3))
        padded[...] = np.array(step["value"])
        padded[:height, :width] = image
        return padded
    if op == "topdown_affine":
        box = bbox_xywh or [0.0, 0.0, float(width), float(height)]
        center, scale = box_center_scale(box, step["width"], step["height"],
                                         step.get("bbox_padding", 1.25))
        meta.update(center=center, box_scale=scale, crop_wh=(step["width"], step["height"]))
        return warp_box(image, center, scale, step["width"], step["height"])
    raise SystemExit(f"unknown preprocessing step {op!r} in pipeline.json")


def _resized_size(step: dict[str, Any], width: int, height: int) -> tuple[int, int]:
    if step["op"] == "resize_edge":
        size, edge = step["size"], step["edge"]
        if (edge == "short" and width < height) or (edge == "long" and width > height) \
                or edge == "width":
            return size, int(size * height / width)
        return int(size * width / height), size
    if not step["keep_ratio"]:
        return step["width"], step["height"]
    long_edge, short_edge = max(step["width"], step["height"]), min(step["width"], step["height"])
    factor = min(long_edge / max(width, height), short_edge / min(width, height))
    return int(width * factor + 0.5), int(height * factor + 0.5)


# --- decoding ------------------------------------------------------------------------------

def _name(classes: list[str], index: int) -> str:
    return classes[index] if 0 <= index < len(classes) else str(index)


def decode(pipeline: dict[str, Any], outputs: list[np.ndarray], meta: dict[str, Any]
           ) -> dict[str, Any]:
    task, classes = pipeline["task"], pipeline["classes"]
    if task == "classification":
        scores = outputs[0][0]
        order = np.argsort(-scores)[:5]
        return {"task": task, "top": [{"class": _name(classes, int(i)),
                                       "score": round(float(scores[i]), 6)} for i in order]}
    if task == "detection":
        return {"task": task, "objects": _boxes(pipeline, outputs, meta)}
    if task == "segmentation":
        return {"task": task, "pixels": _label_counts(outputs[0][0, 0], meta, classes)}
    return {"task": task, "keypoints": _keypoints(pipeline, outputs, meta)}


def _boxes(pipeline: dict[str, Any], outputs: list[np.ndarray], meta: dict[str, Any]
           ) -> list[dict[str, Any]]:
    dets, labels = outputs[0][0], outputs[1][0]
    sx, sy = meta["scale_xy"]
    min_size = pipeline["decode"].get("min_bbox_size")
    out_h, out_w = meta["original_hw"]
    objects = []
    for det, label in zip(dets, labels, strict=True):
        x1, y1, x2, y2, score = (float(v) for v in det)
        if score <= 0 or label < 0:
            continue  # padding rows
        if min_size is not None and (x2 - x1 <= min_size or y2 - y1 <= min_size):
            continue  # what the toolbox drops (test_cfg.min_bbox_size)
        box = [min(max(x1 / sx, 0.0), out_w), min(max(y1 / sy, 0.0), out_h),
               min(max(x2 / sx, 0.0), out_w), min(max(y2 / sy, 0.0), out_h)]
        objects.append({"class": _name(pipeline["classes"], int(label)),
                        "score": round(score, 6), "box_xyxy": [round(v, 2) for v in box]})
    return objects


def _label_counts(label_map: np.ndarray, meta: dict[str, Any], classes: list[str]
                  ) -> dict[str, int]:
    valid_h, valid_w = meta["valid_hw"]
    label_map = label_map[:valid_h, :valid_w]
    out_h, out_w = meta["original_hw"]
    rows = np.minimum((np.arange(out_h) * valid_h / out_h).astype(int), valid_h - 1)
    cols = np.minimum((np.arange(out_w) * valid_w / out_w).astype(int), valid_w - 1)
    full = label_map[rows][:, cols]  # nearest-neighbour back to the original size
    values, counts = np.unique(full, return_counts=True)
    return {_name(classes, int(v)): int(c) for v, c in zip(values, counts, strict=True)}


def _keypoints(pipeline: dict[str, Any], outputs: list[np.ndarray], meta: dict[str, Any]
               ) -> list[dict[str, Any]]:
    decoding = pipeline["decode"]
    if "simcc_split_ratio" in decoding:
        simcc_x, simcc_y = outputs[0][0], outputs[1][0]
        points = np.stack([simcc_x.argmax(-1), simcc_y.argmax(-1)], -1).astype(np.float64)
        points /= decoding["simcc_split_ratio"]
        scores = np.minimum(simcc_x.max(-1), simcc_y.max(-1))
    else:  # heatmaps: arg-max, refined by DARK or by a quarter-pixel shift (as mmpose does)
        heatmaps = outputs[0][0]
        points, scores = _heatmap_maximum(heatmaps, decoding.get("dark_blur_kernel"))
        heat_h, heat_w = heatmaps.shape[-2:]
        width, height = meta["crop_wh"]
        points *= np.array([width / heat_w, height / heat_h])
    width, height = meta["crop_wh"]
    points = points / np.array([width, height]) * meta["box_scale"] \
        + meta["center"] - 0.5 * meta["box_scale"]
    names = pipeline.get("keypoint_names") or [str(i) for i in range(len(points))]
    return [{"name": name, "xy": [round(float(x), 2), round(float(y), 2)],
             "score": round(float(s), 4)} for name, (x, y), s in zip(names, points, scores,
                                                                     strict=True)]


def _heatmap_maximum(heatmaps: np.ndarray, dark_kernel: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    count, height, width = heatmaps.shape
    flat = heatmaps.reshape(count, -1)
    index = flat.argmax(-1)
    points = np.stack([index % width, index // width], -1).astype(np.float64)
    if dark_kernel:
        return _refine_dark(points, heatmaps, dark_kernel), flat.max(-1)
    for k, (x, y) in enumerate(points.astype(int)):
        heat = heatmaps[k]
        dx = heat[y, x + 1] - heat[y, x - 1] if 1 < x < width - 1 else 0.0
        dy = heat[y + 1, x] - heat[y - 1, x] if 1 < y < height - 1 else 0.0
        points[k] += np.sign([dx, dy]) * 0.25
    return points, flat.max(-1)


def _refine_dark(points: np.ndarray, heatmaps: np.ndarray, kernel: int) -> np.ndarray:
    """DARK: blur each heatmap (OpenCV's Gaussian for `kernel`, zero border, peak kept), take
    its log, and move the maximum by one Newton step (mmpose's refine_keypoints_dark)."""
    count, height, width = heatmaps.shape
    radius = (kernel - 1) // 2
    sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8  # cv2.getGaussianKernel's default sigma
    taps = np.exp(-((np.arange(kernel) - radius) ** 2) / (2 * sigma ** 2))
    taps /= taps.sum()
    logs = np.empty_like(heatmaps, dtype=np.float64)
    for k in range(count):
        padded = np.pad(heatmaps[k].astype(np.float64), radius)
        rows = sum(taps[i] * padded[:, i:i + width] for i in range(kernel))
        blurred = sum(taps[i] * rows[i:i + height, :] for i in range(kernel))
        peak = blurred.max()
        if peak > 0:
            blurred *= heatmaps[k].max() / peak
        logs[k] = np.log(np.maximum(blurred, 1e-10))
    refined = points.copy()
    for k, (x, y) in enumerate(points.astype(int)):
        if not (1 < x < width - 2 and 1 < y < height - 2):
            continue
        h = logs[k]
        dx = 0.5 * (h[y, x + 1] - h[y, x - 1])
        dy = 0.5 * (h[y + 1, x] - h[y - 1, x])
        dxx = 0.25 * (h[y, x + 2] - 2 * h[y, x] + h[y, x - 2])
        dxy = 0.25 * (h[y + 1, x + 1] - h[y - 1, x + 1] - h[y + 1, x - 1] + h[y - 1, x - 1])
        dyy = 0.25 * (h[y + 2, x] - 2 * h[y, x] + h[y - 2, x])
        det = dxx * dyy - dxy ** 2
        if det != 0:
            hessian_inv = np.array([[dyy, -dxy], [-dxy, dxx]]) / det
            refined[k] -= hessian_inv @ np.array([dx, dy])
    return refined


# --- command line --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=Path)
    parser.add_argument("--bbox", type=float, nargs=4, metavar=("X", "Y", "W", "H"),
                        help="keypoint models: the object's box (default: whole image)")
    parser.add_argument("--model", type=Path, default=HERE / "model.onnx")
    parser.add_argument("--pipeline", type=Path, default=HERE / "pipeline.json")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    import onnxruntime as ort

    pipeline = json.loads(args.pipeline.read_text(encoding="utf-8"))
    image = load_image(args.image, pipeline["normalize"]["color_order"])
    tensor, meta = preprocess(image, pipeline, args.bbox)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    session = ort.InferenceSession(str(args.model), options, providers=["CPUExecutionProvider"])
    outputs = session.run(None, {pipeline["input"]["name"]: tensor})
    result = {"image": str(args.image), **decode(pipeline, outputs, meta)}
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
