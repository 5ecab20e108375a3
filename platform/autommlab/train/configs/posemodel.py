"""Top-down pose models (mmpose) resized to a small input and a dataset's keypoint count.

A top-down model's geometry is spread over several config entries that must agree: the
codec (`input_size`, and `heatmap_size` or SimCC bins), the pipeline's TopdownAffine, and
head entries derived from them (RTMCCHead's `input_size` / `in_featuremap_size`, MSPNHead's
`out_shape`, every head's `decoder`). `resize_codec` rescales one codec and `pose_model`
rewrites the head from it, so the shipped ratios (heatmap stride 4, SimCC split ratio,
backbone stride 32) are kept and only the pixel counts change.
"""

from __future__ import annotations

import math
from typing import Any

from autommlab.errors import TrainingError
from autommlab.train.configs.tree import to_plain, unfreeze_backbone, walk_dicts

BACKBONE_STRIDE = 32  # RTMPose's CSPNeXt ends at 1/32; RTMCCHead needs that feature size
# Gaussian widths (heatmap pixels or SimCC bins) shrink with the input; below this a target
# is nearly a single pixel, which trains poorly from random weights.
MIN_SIGMA = 1.5
MIN_KERNEL = 3
OHKM_TOPK = 8  # KeypointOHKMMSELoss's default: the 8 hardest of COCO's 17 keypoints


Codec = dict[str, Any] | list[dict[str, Any]]


def resize_codec(codec: Any, input_wh: tuple[int, int]) -> Codec:
    """The shipped codec (or multi-stage list of codecs) for an input of `input_wh` (W, H)."""
    if isinstance(codec, list | tuple):
        return [_resize_one(c, input_wh) for c in codec]
    if not isinstance(codec, dict) or "input_size" not in codec:
        raise TrainingError(f"pose config has no codec with an input_size: {codec!r}")
    return _resize_one(codec, input_wh)


def _resize_one(codec: dict[str, Any], input_wh: tuple[int, int]) -> dict[str, Any]:
    new = to_plain(codec)
    (width, height), (old_w, old_h) = input_wh, codec["input_size"]
    fx, fy = width / old_w, height / old_h
    new["input_size"] = (width, height)
    if "heatmap_size" in codec:  # keep the heatmap stride (4 for every zoo model)
        heat_w, heat_h = codec["heatmap_size"]
        new["heatmap_size"] = (round(heat_w * fx), round(heat_h * fy))
    # Isotropic widths follow the mean scale; per-axis ones (SimCC) follow their own axis.
    mean_scale = math.sqrt(fx * fy)
    sigma = codec.get("sigma")
    if isinstance(sigma, list | tuple):
        new["sigma"] = tuple(max(MIN_SIGMA, round(s * f, 2)) for s, f in zip(sigma, (fx, fy),
                                                                               strict=True))
    elif isinstance(sigma, int | float):
        new["sigma"] = max(MIN_SIGMA, round(sigma * mean_scale, 2))
    if codec.get("type") == "MSRAHeatmap":
        # DARK (distribution-aware) encoding and decoding: sub-pixel targets and a Taylor
        # refinement of the maximum. Our heatmaps are small (24x24 at 96 px), so the plain
        # arg-max's quantisation costs a lot of OKS: +0.03 AP (0.333 -> 0.364) on the same
        # footwear-keypoints checkpoint, decoding alone.
        new["unbiased"] = True
    if "kernel_size" in codec:  # MegviiHeatmap (RSN / MSPN): odd Gaussian kernel
        new["kernel_size"] = max(MIN_KERNEL, 2 * round(codec["kernel_size"] * mean_scale / 2) + 1)
    return new


def final_codec(codec: Codec) -> dict[str, Any]:
    """The codec that decodes predictions: multi-stage models decode with the last stage's
    (as MMDeploy's pose task does)."""
    return codec[-1] if isinstance(codec, list) else codec


def pose_model(shipped_model: Any, codec: Codec, *, num_keypoints: int,
               flip_test: bool) -> dict[str, Any]:
    """The shipped `model` dict with its head resized to `codec` and `num_keypoints`."""
    model: dict[str, Any] = to_plain(shipped_model)
    head = model.get("head")
    if not isinstance(head, dict) or "out_channels" not in head:
        raise TrainingError("pose model has no head with out_channels to resize "
                            f"(head: {head!r})")
    if isinstance(model.get("backbone"), dict):
        unfreeze_backbone(model["backbone"])
    decoder = final_codec(codec)
    width, height = decoder["input_size"]
    head["out_channels"] = num_keypoints
    head["decoder"] = to_plain(decoder)
    if "input_size" in head:  # RTMCCHead
        head["input_size"] = (width, height)
    if "in_featuremap_size" in head:
        head["in_featuremap_size"] = (math.ceil(width / BACKBONE_STRIDE),
                                      math.ceil(height / BACKBONE_STRIDE))
    if "out_shape" in head:  # MSPNHead: heatmap (H, W)
        heat_w, heat_h = decoder["heatmap_size"]
        head["out_shape"] = (heat_h, heat_w)
    for loss in walk_dicts(head.get("loss")):
        if loss.get("type") == "KeypointOHKMMSELoss":  # hard-keypoint mining: top-k of K
            loss["topk"] = min(int(loss.get("topk", OHKM_TOPK)), num_keypoints)
    test_cfg = model.setdefault("test_cfg", {})
    test_cfg["flip_test"] = flip_test
    return model
