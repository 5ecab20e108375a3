"""Read a trained model's MMEngine config in the shape MMDeploy expects.

MMDeploy reads `test_pipeline`, `data_preprocessor` and (pose) `codec` from the config's top
level. Our training configs carry them there; configs that keep them only in their usual
places (`test_dataloader.dataset.pipeline`, `model.data_preprocessor`) are completed here,
in memory, so an export never depends on which of the two layouts a config uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from autommlab.errors import DeployError
from autommlab.runtime import skip_mmpretrain_multimodal

if TYPE_CHECKING:
    from mmengine.config import Config


def read_model_config(path: Path, task: str) -> Config:
    """The config at `path` with MMDeploy's top-level keys present; DeployError if it lacks
    what an export needs."""
    from mmengine.config import Config

    skip_mmpretrain_multimodal()  # before any toolbox import reaches mmpretrain.models
    if not path.is_file():
        raise DeployError(f"model config {path} does not exist; pass the config the training "
                          "run dumped (TrainResult.config_file)")
    try:
        cfg = Config.fromfile(str(path))
    except (OSError, SyntaxError, ValueError, KeyError, TypeError) as exc:
        raise DeployError(f"cannot read model config {path}: {exc}") from exc
    if "model" not in cfg:
        raise DeployError(f"{path} is not a model config: it has no `model` key")
    if "test_pipeline" not in cfg:
        pipeline = _nested(cfg, "test_dataloader", "dataset", "pipeline")
        if pipeline is None:
            raise DeployError(f"{path} has neither `test_pipeline` nor "
                              "`test_dataloader.dataset.pipeline`: the preprocessing of the "
                              "exported model is unknown")
        cfg.test_pipeline = pipeline
    if "data_preprocessor" not in cfg and "data_preprocessor" in cfg.model:
        cfg.data_preprocessor = cfg.model.data_preprocessor
    if task == "keypoint" and "codec" not in cfg:
        codec = _nested(cfg, "model", "head", "decoder")
        if codec is None:
            raise DeployError(f"{path} has no `codec` (nor `model.head.decoder`): keypoints "
                              "of the exported model could not be decoded")
        cfg.codec = codec
    return cfg


def _nested(cfg: Any, *keys: str) -> Any:
    node = cfg
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def class_names(cfg: Config) -> list[str]:
    """Class names in label order, from the config's dataset metainfo (may be empty)."""
    metainfo = (_nested(cfg, "test_dataloader", "dataset", "metainfo")
                or _nested(cfg, "train_dataloader", "dataset", "metainfo") or {})
    classes = metainfo.get("classes") if isinstance(metainfo, dict) else None
    return [str(name) for name in classes] if classes else []
