"""An MMDeploy rewriter that makes exported RTMDet detectors return what PyTorch returns.

MMDeploy 1.3.1's RTMDet rewrite (`rtmdet_head__predict_by_feat`) decodes boxes without
clipping them to the image and without mmdet's `min_bbox_size` filter, both of which the
PyTorch head applies before NMS. Measured on a trained RTMDet-tiny (digits on 128 px
images): a quarter of the kept boxes extended past the border (IoU with the PyTorch box as
low as 0.4), and the unclipped boxes then changed what NMS suppressed: 77% box agreement.
This rewriter is MMDeploy's own, plus those two steps, registered through MMDeploy's public
extension point for the ONNX Runtime backend only (a backend-specific rewriter takes
precedence over the default one) and removed again after the export.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

RTMDET_PREDICT = "mmdet.models.dense_heads.rtmdet_head.RTMDetHead.predict_by_feat"


def rtmdet_predict_by_feat(self: Any, cls_scores: list[Any], bbox_preds: list[Any],
                           batch_img_metas: list[dict[str, Any]] | None = None,
                           cfg: Any = None, rescale: bool = False, with_nms: bool = True
                           ) -> Any:
    """MMDeploy's RTMDet decode + NMS, with boxes clipped to the image and too-small boxes
    scored 0 (below any score threshold) before NMS, as mmdet does."""
    import torch
    from mmdeploy.codebase.mmdet import get_post_processing_params
    from mmdeploy.codebase.mmdet.deploy.utils import clip_bboxes
    from mmdeploy.core import FUNCTION_REWRITER
    from mmdeploy.mmcv.ops import multiclass_nms

    ctx = FUNCTION_REWRITER.get_context()
    cfg = self.test_cfg if cfg is None else cfg
    batch_size = bbox_preds[0].shape[0]
    priors = torch.cat(self.prior_generator.grid_priors(
        [score.shape[2:] for score in cls_scores], device=cls_scores[0].device))
    scores = torch.cat([score.permute(0, 2, 3, 1).reshape(batch_size, -1, self.cls_out_channels)
                        for score in cls_scores], dim=1).sigmoid()
    deltas = torch.cat([pred.permute(0, 2, 3, 1).reshape(batch_size, -1, 4)
                        for pred in bbox_preds], dim=1)
    x1 = priors[..., 0] - deltas[..., 0]
    y1 = priors[..., 1] - deltas[..., 1]
    x2 = priors[..., 0] + deltas[..., 2]
    y2 = priors[..., 1] + deltas[..., 3]
    if batch_img_metas is not None and "img_shape" in batch_img_metas[0]:
        x1, y1, x2, y2 = clip_bboxes(x1, y1, x2, y2, batch_img_metas[0]["img_shape"])
    bboxes = torch.stack([x1, y1, x2, y2], -1)
    min_size = cfg.get("min_bbox_size", -1)
    if min_size is not None and min_size >= 0:
        valid = ((x2 - x1) > min_size) & ((y2 - y1) > min_size)
        scores = scores * valid.unsqueeze(-1).to(scores.dtype)
    if not with_nms:
        return bboxes, scores
    post = get_post_processing_params(ctx.cfg)
    return multiclass_nms(
        bboxes, scores, post.max_output_boxes_per_class, nms_type=cfg.nms.get("type"),
        iou_threshold=cfg.nms.get("iou_threshold", post.iou_threshold),
        score_threshold=cfg.get("score_thr", post.score_threshold),
        pre_top_k=post.pre_top_k, keep_top_k=cfg.get("max_per_img", post.keep_top_k))


@contextmanager
def exact_rtmdet_rewriter() -> Iterator[None]:
    """Within the block, ONNX Runtime exports of RTMDet use `rtmdet_predict_by_feat`."""
    from mmdeploy.core import FUNCTION_REWRITER

    FUNCTION_REWRITER.register_rewriter(RTMDET_PREDICT, backend="onnxruntime")(
        rtmdet_predict_by_feat)
    try:
        yield
    finally:
        # MMDeploy has no public unregister; its registry's remove_record is the way back.
        FUNCTION_REWRITER._registry.remove_record(rtmdet_predict_by_feat)
