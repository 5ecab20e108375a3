"""Small models for export tests, assembled from the toolboxes' shipped configs.

`random_init_model(task, data_root, dest)` writes a full MMEngine config (.py, with the
top-level `test_pipeline` / `data_preprocessor` / `codec` MMDeploy reads) adapted to the
built dataset at `data_root` (classes, small input size), and a random-init checkpoint in
MMEngine's format. Export fidelity (ONNX vs PyTorch on the same inputs) does not depend on
the weights being trained, so these stand in for trained models where a test needs all four
tasks within its time budget; one test trains a model for real through `autommlab.train`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autommlab.runtime import skip_mmpretrain_multimodal
from autommlab.zoo.measure import build_model, load_model_config

# task -> (toolbox, shipped config) of the default small model of each task
MODELS: dict[str, tuple[str, str]] = {
    "classification": ("mmpretrain", "resnet/resnet18_8xb32_in1k.py"),
    "detection": ("mmdet", "rtmdet/rtmdet_tiny_8xb32-300e_coco.py"),
    "segmentation": ("mmsegmentation",
                     "segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py"),
    "keypoint": ("mmpose", "body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py"),
}
CLASSIFICATION_SIZE = 32
DETECTION_SIZE = 128
SEGMENTATION_SIZE = 128
KEYPOINT_SIZE = (96, 128)  # (w, h); RTMPose's feature map is input / 32


def _meta(data_root: Path) -> dict[str, Any]:
    return json.loads((data_root / "meta.json").read_text(encoding="utf-8"))


def _classification(cfg: Any, meta: dict[str, Any]) -> None:
    cfg.model.head.num_classes = len(meta["classes"])
    cfg.model.head.topk = (1,)
    cfg.data_preprocessor.num_classes = len(meta["classes"])
    cfg.test_pipeline = [dict(type="LoadImageFromFile"),
                         dict(type="Resize", scale=(CLASSIFICATION_SIZE, CLASSIFICATION_SIZE)),
                         dict(type="PackInputs")]


def _detection(cfg: Any, meta: dict[str, Any]) -> None:
    size = (DETECTION_SIZE, DETECTION_SIZE)
    cfg.model.bbox_head.num_classes = len(meta["classes"])
    cfg.model.test_cfg.max_per_img = 20
    cfg.model.test_cfg.score_thr = 0.05
    cfg.test_pipeline = [dict(type="LoadImageFromFile"),
                         dict(type="Resize", scale=size, keep_ratio=True),
                         dict(type="Pad", size=size, pad_val=dict(img=(114, 114, 114))),
                         dict(type="PackDetInputs", meta_keys=(
                             "img_id", "img_path", "ori_shape", "img_shape", "scale_factor"))]
    cfg.data_preprocessor = cfg.model.data_preprocessor


def _segmentation(cfg: Any, meta: dict[str, Any]) -> None:
    classes = len(meta["classes"]) + 1  # background first
    cfg.model.decode_head.num_classes = classes
    cfg.model.test_cfg = dict(mode="whole")
    size = (SEGMENTATION_SIZE, SEGMENTATION_SIZE)
    cfg.model.data_preprocessor.size = size
    cfg.data_preprocessor = cfg.model.data_preprocessor
    cfg.test_pipeline = [dict(type="LoadImageFromFile"),
                         dict(type="Resize", scale=size, keep_ratio=True),
                         dict(type="PackSegInputs")]


def _keypoint(cfg: Any, meta: dict[str, Any]) -> None:
    width, height = KEYPOINT_SIZE
    cfg.codec.input_size = KEYPOINT_SIZE
    head = cfg.model.head
    head.out_channels = len(meta["keypoints"]["names"])
    head.input_size = KEYPOINT_SIZE
    head.in_featuremap_size = (width // 32, height // 32)
    head.decoder = cfg.codec
    cfg.data_preprocessor = cfg.model.data_preprocessor
    cfg.test_pipeline = [dict(type="LoadImage"), dict(type="GetBBoxCenterScale"),
                         dict(type="TopdownAffine", input_size=KEYPOINT_SIZE),
                         dict(type="PackPoseInputs")]


_ADAPT = {"classification": _classification, "detection": _detection,
          "segmentation": _segmentation, "keypoint": _keypoint}


def random_init_model(task: str, data_root: Path, dest: Path, seed: int = 0
                      ) -> tuple[Path, Path]:
    """(config .py, checkpoint .pth) of the task's default model adapted to the dataset."""
    import torch

    skip_mmpretrain_multimodal()
    toolbox, base_config = MODELS[task]
    cfg = load_model_config(toolbox, base_config)
    _ADAPT[task](cfg, _meta(data_root))
    cfg.test_dataloader.dataset.pipeline = cfg.test_pipeline
    dest.mkdir(parents=True, exist_ok=True)
    config_file = dest / "model_config.py"
    cfg.dump(str(config_file))
    torch.manual_seed(seed)
    model = build_model(cfg, toolbox)
    checkpoint = dest / "random_init.pth"
    classes = list(_meta(data_root)["classes"])
    torch.save({"state_dict": model.state_dict(),
                "meta": {"dataset_meta": {"classes": classes}}}, checkpoint)
    return config_file, checkpoint
