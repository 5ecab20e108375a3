"""Runtime fixes for bugs in the pinned toolbox releases (no source patches; idempotent).

- mmdet 3.3.0: `BaseDenseHead._predict_by_feat_single` reads `self.loss_cls` (added for
  V3Det's custom class channels), but `SSDHead.__init__` skips AnchorHead's and never sets
  it, so every SSD prediction (validation, test, inference) raises AttributeError
  (open-mmlab/mmdetection#11063, #11780; fix proposed in PR #11524, unreleased). A class
  attribute `loss_cls = None` makes that check fall through to SSD's softmax scores, exactly
  what mmdet < 3.3 did. SSD computes its loss inline and never reads the attribute; the ONNX
  export path (MMDeploy's rewrite of predict_by_feat) does not read it either.
"""

from __future__ import annotations

from autommlab.runtime import skip_mmpretrain_multimodal


def fix_ssd_head_predict() -> None:
    """Give mmdet's SSDHead the `loss_cls` attribute its prediction code expects."""
    skip_mmpretrain_multimodal()  # importing mmdet.models imports mmpretrain's models
    try:
        from mmdet.models.dense_heads import SSDHead
    except ImportError:  # mmdet not installed: no SSD to fix
        return
    if "loss_cls" not in vars(SSDHead):
        SSDHead.loss_cls = None
