"""TrainSpec -> one complete, validated MMEngine config.

Assembly, in order:
1. the model card's shipped config (`load_model_config`: pretrained init stripped);
2. the task builder's parts (model heads, data, evaluators, deploy keys), replacing the
   shipped top-level keys they name;
3. the parts every task shares, from the hyperparameters: optimizer, iteration-based lr
   schedule, train/val loops, hooks, scope, seed, quiet logging, work_dir;
4. CPU-only rewrites (SyncBN -> BN, no loader worker processes);
5. validation: anything a user can get wrong raises TrainingError here, before MMEngine
   starts, instead of failing minutes later with a toolbox traceback.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autommlab.errors import AutommlabError, TrainingError
from autommlab.train.configs.base import get_task_builder
from autommlab.train.configs.common import read_meta
from autommlab.train.hparams import Hyperparameters
from autommlab.train.metrics import raw_task_metric
from autommlab.zoo.toolboxes import package_name

if TYPE_CHECKING:
    from mmengine.config import Config

    from autommlab.train.spec import TrainSpec

CONFIG_FILENAME = "config.py"
# Shipped top-level keys that only made sense for the toolbox's own (distributed, epoch-
# based, long) recipe; left in the config they would mislead a reader of the dumped file.
STALE_KEYS: tuple[str, ...] = ("optimizer", "auto_scale_lr", "tta_model", "tta_pipeline",
                               "img_ratios", "dataset_type", "data_root", "crop_size")
# Shipped custom hooks that assume epochs (they switch pipelines / modes at epoch N, which
# never comes in an iteration-based loop).
EPOCH_HOOKS: frozenset[str] = frozenset({"PipelineSwitchHook", "YOLOXModeSwitchHook"})
# EMA averages are kept only with a warm-up (ExpMomentumEMA follows the live weights early on);
# a plain EMA with ImageNet's momentum (1e-4) would still be the random init after a few
# hundred iterations, and validation would measure that.
WARMED_EMA_TYPES: frozenset[str] = frozenset({"ExpMomentumEMA"})
REQUIRED_KEYS: tuple[str, ...] = (
    "model", "train_dataloader", "val_dataloader", "val_evaluator", "test_dataloader",
    "test_evaluator", "test_pipeline", "optim_wrapper", "param_scheduler", "train_cfg",
    "val_cfg", "test_cfg", "default_hooks", "default_scope", "work_dir")
# Primary head of each task and where its class count lives (checked against the spec).
_HEAD_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "classification": (("head",),),
    "segmentation": (("decode_head",),),
    "detection": (("bbox_head",), ("roi_head", "bbox_head")),
}
WARMUP_START_FACTOR = 1e-3
LOG_INTERVAL = 10


def build_config(spec: TrainSpec) -> Config:
    """The full MMEngine config for one training run (not yet written anywhere)."""
    from mmengine.config import Config

    from autommlab.zoo.measure import load_model_config

    check_spec(spec)
    try:
        shipped = load_model_config(spec.model.toolbox, spec.model.base_config)
    except AutommlabError as exc:
        raise TrainingError(f"cannot load the config of model {spec.model.name!r}: {exc}") from exc
    parts = get_task_builder(spec.task)(spec, shipped)
    merged = _without_stale(shipped.to_dict())
    merged.update(copy.deepcopy(parts))
    merged.update(shared_parts(spec, merged))
    cpu_only(merged)
    validate_config(merged, spec)
    return Config(merged)


def dump_config(cfg: Config, path: str | Path) -> Path:
    """Write `cfg` as a Python config file that `Config.fromfile` (and MMDeploy) can read."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cfg.dump(str(path))
    return path


# --- checks on the spec (before anything is built) ---------------------------------------

def check_spec(spec: TrainSpec) -> None:
    """Mistakes visible from the spec and the dataset directory alone."""
    if spec.model.task != spec.task:
        raise TrainingError(f"model {spec.model.name!r} is a {spec.model.task} model; it "
                            f"cannot be trained for {spec.task}")
    if spec.data.task != spec.task:
        raise TrainingError(f"dataset {spec.data.name!r} is a {spec.data.task} dataset; it "
                            f"cannot train a {spec.task} model")
    if not spec.data_root.is_dir():
        raise TrainingError(f"dataset directory {spec.data_root} does not exist: build or "
                            f"fetch dataset {spec.data.name!r} there first")
    if not spec.classes:
        raise TrainingError("no classes given: a model needs at least one class")
    meta = read_meta(spec.data_root)
    if list(meta.get("classes", [])) != list(spec.classes):
        raise TrainingError(
            f"classes {list(spec.classes)} do not match the dataset in {spec.data_root}, "
            f"whose labels are {meta.get('classes')} (meta.json, in label order); "
            "training with them would mislabel every image")
    _check_hparams(spec.hparams, _split_size(meta, "train"), spec)
    if _split_size(meta, "val") == 0:
        raise TrainingError(f"dataset {spec.data_root} has no validation images: the best "
                            "checkpoint is chosen on them")


def _split_size(meta: dict[str, Any], split: str) -> int | None:
    splits = meta.get("splits")
    if isinstance(splits, dict) and isinstance(splits.get(split), int):
        return int(splits[split])
    return None


def _check_hparams(hp: Hyperparameters, train_images: int | None, spec: TrainSpec) -> None:
    # BatchNorm needs more than one value per channel; ResNet-style classifiers end at 1x1.
    if hp.batch_size < 2:
        raise TrainingError("batch_size must be at least 2: the models' BatchNorm layers "
                            "cannot train on single images")
    if train_images is not None and hp.batch_size > train_images:
        raise TrainingError(f"batch_size {hp.batch_size} is larger than the training split "
                            f"of {spec.data_root} ({train_images} images)")
    if hp.warmup_iters >= hp.iters:
        raise TrainingError(f"warmup_iters ({hp.warmup_iters}) must be smaller than iters "
                            f"({hp.iters})")


# --- parts every task shares ---------------------------------------------------------------

def shared_parts(spec: TrainSpec, merged: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys that depend on the hyperparameters and the run, not the task."""
    hp = spec.hparams
    scope = package_name(spec.model.toolbox)
    return {
        "optim_wrapper": optim_wrapper(hp, merged.get("optim_wrapper")),
        "param_scheduler": param_schedulers(hp),
        "train_cfg": {"type": "IterBasedTrainLoop", "max_iters": hp.iters,
                      "val_interval": min(spec.val_interval, hp.iters)},
        "val_cfg": {"type": "ValLoop"},
        "test_cfg": {"type": "TestLoop"},
        "default_hooks": default_hooks(spec),
        "custom_hooks": kept_custom_hooks(merged.get("custom_hooks")),
        "log_processor": {"by_epoch": False, "window_size": LOG_INTERVAL},
        "randomness": {"seed": spec.seed, "deterministic": False},
        "default_scope": scope,
        "work_dir": str(spec.work_dir),
        "data_root": str(spec.data_root),
        "env_cfg": {"cudnn_benchmark": False,
                    "mp_cfg": {"mp_start_method": "fork", "opencv_num_threads": 0},
                    "dist_cfg": {"backend": "gloo"}},
        "launcher": "none",
        "log_level": "WARNING",
        "visualizer": quiet_visualizer(merged.get("visualizer")),
        "vis_backends": [{"type": "LocalVisBackend"}],
        "load_from": None,
        "resume": False,
    }


def optim_wrapper(hp: Hyperparameters, shipped: Any = None) -> dict[str, Any]:
    """The optimizer from the hyperparameters; the shipped wrapper's per-parameter rules
    (no decay on norms, head lr multipliers) and gradient clipping are part of the model's
    recipe and kept."""
    optimizer: dict[str, Any] = {"type": hp.optimizer, "lr": hp.lr,
                                 "weight_decay": hp.weight_decay}
    if hp.optimizer in ("SGD", "RMSprop"):
        optimizer["momentum"] = hp.momentum
    else:  # Adam, AdamW
        optimizer["betas"] = (0.9, 0.999)
    wrapper: dict[str, Any] = {"type": "OptimWrapper", "optimizer": optimizer}
    if isinstance(shipped, dict):
        for key in ("paramwise_cfg", "clip_grad"):
            if shipped.get(key) is not None:
                wrapper[key] = copy.deepcopy(shipped[key])
    return wrapper


def param_schedulers(hp: Hyperparameters) -> list[dict[str, Any]]:
    """Linear warm-up over `warmup_iters` (if any), then the schedule over the rest.

    All iteration-based. The main scheduler's milestones / step sizes count from its own
    `begin` (MMEngine counts a scheduler's steps from where it starts), so they are
    fractions of the post-warm-up phase.
    """
    warmup, total = hp.warmup_iters, hp.iters
    main_len = total - warmup
    schedulers: list[dict[str, Any]] = []
    if warmup > 0:
        schedulers.append({"type": "LinearLR", "start_factor": WARMUP_START_FACTOR,
                           "by_epoch": False, "begin": 0, "end": warmup})
    main: dict[str, Any] = {"type": hp.lr_schedule, "by_epoch": False,
                            "begin": warmup, "end": total}
    if hp.lr_schedule == "MultiStepLR":
        milestones = sorted({max(1, round(main_len * f)) for f in (0.67, 0.9)})
        main.update(milestones=[m for m in milestones if m < main_len] or [main_len],
                    gamma=0.1)
    elif hp.lr_schedule == "CosineAnnealingLR":
        main.update(T_max=main_len, eta_min=hp.lr * 0.01)
    elif hp.lr_schedule == "StepLR":
        main.update(step_size=max(1, main_len // 3), gamma=0.1)
    elif hp.lr_schedule == "PolyLR":
        main.update(power=0.9, eta_min=0.0)
    schedulers.append(main)
    return schedulers


def default_hooks(spec: TrainSpec) -> dict[str, Any]:
    """MMEngine's default hooks for a short, quiet, iteration-based run.

    The checkpoint hook keeps only the best checkpoint by the task metric (what deploy
    exports), weights only: trials are never resumed, and periodic / last checkpoints and
    optimizer state would multiply the disk use of every HPO trial. The toolbox's
    visualization hook is dropped: no images are drawn.
    """
    iters = spec.hparams.iters
    return {
        "runtime_info": {"type": "RuntimeInfoHook"},
        "timer": {"type": "IterTimerHook"},
        "logger": {"type": "LoggerHook", "interval": LOG_INTERVAL,
                   "log_metric_by_epoch": False},
        "param_scheduler": {"type": "ParamSchedulerHook"},
        # interval past the end: no periodic checkpoints, only save_best's
        "checkpoint": {"type": "CheckpointHook", "by_epoch": False, "interval": iters + 1,
                       "save_best": raw_task_metric(spec.task), "rule": "greater",
                       "max_keep_ckpts": 1, "save_last": False, "save_optimizer": False,
                       "save_param_scheduler": False},
        "sampler_seed": {"type": "DistSamplerSeedHook"},
    }


def kept_custom_hooks(hooks: Any) -> list[dict[str, Any]]:
    """The shipped/builder custom hooks that work in short iteration-based training."""
    kept = []
    for hook in hooks or []:
        kind = str(hook.get("type", "")).rsplit(".", 1)[-1]
        if kind in EPOCH_HOOKS:
            continue
        if kind == "EMAHook" and hook.get("ema_type") not in WARMED_EMA_TYPES:
            continue
        kept.append(copy.deepcopy(hook))
    return kept


def quiet_visualizer(shipped: Any) -> dict[str, Any]:
    """The toolbox's visualizer type (MMDeploy's visualize step looks it up) with only a
    local backend. No fixed `name`: MMEngine keeps one visualizer per name per process,
    and a second run in the same process would otherwise reuse the first run's."""
    kind = shipped.get("type", "Visualizer") if isinstance(shipped, dict) else "Visualizer"
    return {"type": kind, "vis_backends": [{"type": "LocalVisBackend"}]}


def _without_stale(cfg: dict[str, Any]) -> dict[str, Any]:
    for key in STALE_KEYS:
        cfg.pop(key, None)
    return cfg


# --- CPU-only rewrites ---------------------------------------------------------------------

def cpu_only(cfg: dict[str, Any]) -> None:
    """SyncBN -> BN everywhere (SyncBN needs a process group; these runs have one process;
    the shipped top-level `norm_cfg` variable too, so the dumped file does not mislead), and
    data loading in the main process (see configs.common.dataloader)."""
    _replace_sync_bn(cfg)
    for key in ("train_dataloader", "val_dataloader", "test_dataloader"):
        loader = cfg.get(key)
        if isinstance(loader, dict):
            loader["num_workers"] = 0
            loader["persistent_workers"] = False


def _replace_sync_bn(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") in ("SyncBN", "MMSyncBN"):
            node["type"] = "BN"
        for value in node.values():
            _replace_sync_bn(value)
    elif isinstance(node, list | tuple):
        for item in node:
            _replace_sync_bn(item)


# --- validation of the assembled config ----------------------------------------------------

def validate_config(cfg: dict[str, Any], spec: TrainSpec) -> None:
    """Raise TrainingError naming the first problem that would make MMEngine fail."""
    missing = [key for key in REQUIRED_KEYS if cfg.get(key) is None]
    if missing:
        raise TrainingError(f"the {spec.task} config for {spec.model.name!r} lacks "
                            f"{', '.join(missing)} (task builder bug)")
    for key in ("train_dataloader", "val_dataloader", "test_dataloader"):
        _check_loader(cfg[key], key, spec)
    _check_num_classes(cfg["model"], spec)


def _check_loader(loader: dict[str, Any], key: str, spec: TrainSpec) -> None:
    batch_size = loader.get("batch_size")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise TrainingError(f"{key}.batch_size must be a positive integer, not {batch_size!r}")
    dataset = loader.get("dataset")
    if not isinstance(dataset, dict):
        raise TrainingError(f"{key} has no dataset (task builder bug)")
    for path in _dataset_paths(dataset):
        if not path.exists():
            raise TrainingError(f"{key}: {path} does not exist; dataset {spec.data.name!r} "
                                f"in {spec.data_root} is incomplete or has another layout")


def _dataset_paths(dataset: dict[str, Any]) -> list[Path]:
    """Files and folders a dataset config reads: ann_file and every data_prefix entry."""
    root = Path(dataset.get("data_root") or "")
    prefixes = dataset.get("data_prefix") or {}
    names = list(prefixes.values()) if isinstance(prefixes, dict) else [prefixes]
    if dataset.get("ann_file"):
        names.append(dataset["ann_file"])
    return [root / str(name) for name in names if name]


def _check_num_classes(model: dict[str, Any], spec: TrainSpec) -> None:
    expected = len(spec.classes) + (1 if spec.task == "segmentation" else 0)
    for path in _HEAD_PATHS.get(spec.task, ()):
        head: Any = model
        for part in path:
            head = head.get(part) if isinstance(head, dict) else None
        if isinstance(head, dict) and "num_classes" in head \
                and head["num_classes"] != expected:
            raise TrainingError(
                f"model.{'.'.join(path)}.num_classes is {head['num_classes']}, but the "
                f"dataset has {expected} classes (task builder bug)")
