"""Training on MMEngine: configs are complete and validated, and real runs train and report.

The training tests run MMEngine for a few dozen iterations on scale-0.1 built datasets, on
one CPU thread: they prove the whole path (config -> Runner -> validations -> best
checkpoint -> dumped config), not accuracy (the figures for that are in the report of the
training experiments).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autommlab.errors import TrainingError
from autommlab.train.config import build_config, dump_config, param_schedulers
from autommlab.train.hparams import LR_SCHEDULES, OPTIMIZERS, Hyperparameters
from autommlab.train.metrics import normalise_metrics
from autommlab.train.spec import MetricPoint, TrainSpec
from autommlab.zoo.catalog import load_cards

pytestmark = [
    *(pytest.mark.filterwarnings(f"ignore::{category}:mm(cv|engine|det|seg|pose|pretrain)")
      for category in ("DeprecationWarning", "FutureWarning", "UserWarning")),
    pytest.mark.filterwarnings("ignore:`torch.jit.:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def cards() -> Any:
    return load_cards()


@pytest.fixture(scope="module")
def footwear(built_subset: Callable[..., Path]) -> Path:
    return built_subset("fashion-footwear")


@pytest.fixture(scope="module")
def digits_seg(built_subset: Callable[..., Path]) -> Path:
    return built_subset("digit-segmentation", ["0", "1"])


def make_spec(cards: Any, model_name: str, dataset: str, root: Path, work_dir: Path,
              **changes: Any) -> TrainSpec:
    card = cards.model(model_name)
    hparams = changes.pop("hparams", Hyperparameters(iters=20, batch_size=8))
    fields: dict[str, Any] = {
        "task": card.task, "model": card, "data": cards.dataset(dataset), "data_root": root,
        "classes": json.loads((root / "meta.json").read_text())["classes"],
        "hparams": hparams, "work_dir": work_dir, "val_interval": 10}
    fields.update(changes)
    return TrainSpec(**fields)


# --- config assembly and validation (no training) ---------------------------------------

@pytest.mark.parametrize("schedule", LR_SCHEDULES)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_and_schedule_builds(optimizer: str, schedule: str) -> None:
    """The config's optimizer and schedulers are built by MMEngine itself and stepped through
    the run: warm-up starts low, the peak is the requested lr, the end is below it."""
    import torch
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import PARAM_SCHEDULERS

    from autommlab.train.config import optim_wrapper

    hp = Hyperparameters(optimizer=optimizer, lr_schedule=schedule, lr=0.01, iters=60,
                         warmup_iters=6)
    wrapper = build_optim_wrapper(torch.nn.Linear(2, 2), optim_wrapper(hp))
    assert type(wrapper.optimizer).__name__ == optimizer
    schedulers = [PARAM_SCHEDULERS.build({**s, "optimizer": wrapper})
                  for s in param_schedulers(hp)]
    lrs = []
    for _ in range(hp.iters):
        lrs.append(wrapper.get_lr()["lr"][0])
        wrapper.step()  # no gradients: parameters stay, the schedule still advances
        for scheduler in schedulers:
            scheduler.step()
    assert lrs[0] < 0.001 * 1.01
    assert max(lrs) == pytest.approx(0.01)
    assert lrs[-1] < 0.01


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("schedule", LR_SCHEDULES)
def test_full_config_for_every_optimizer_and_schedule(
        optimizer: str, schedule: str, cards: Any, footwear: Path, tmp_path: Path) -> None:
    hp = Hyperparameters(optimizer=optimizer, lr_schedule=schedule, iters=100,
                         warmup_iters=10 if schedule != "PolyLR" else 0)
    cfg = build_config(make_spec(cards, "resnet-18", "fashion-footwear", footwear, tmp_path,
                                 hparams=hp))
    assert cfg.optim_wrapper.optimizer.type == optimizer
    assert cfg.param_scheduler[-1].type == schedule
    assert cfg.param_scheduler[-1].end == 100
    assert cfg.train_cfg == {"type": "IterBasedTrainLoop", "max_iters": 100, "val_interval": 10}
    assert ("momentum" in cfg.optim_wrapper.optimizer) == (optimizer in ("SGD", "RMSprop"))


def test_classification_config(cards: Any, footwear: Path, tmp_path: Path) -> None:
    from mmengine.config import Config

    cfg = build_config(make_spec(cards, "resnet-18", "fashion-footwear", footwear, tmp_path))
    assert cfg.default_scope == "mmpretrain"
    assert cfg.model.head.num_classes == 3
    assert cfg.model.data_preprocessor.num_classes == 3
    assert cfg.data_preprocessor == cfg.model.data_preprocessor  # MMDeploy reads the top one
    assert [t["type"] for t in cfg.test_pipeline] == ["LoadImageFromFile", "Resize",
                                                      "PackInputs"]
    assert cfg.test_pipeline[1]["scale"] == (32, 32)  # 28x28 images, stride-32 backbones
    assert cfg.train_dataloader.num_workers == 0
    assert cfg.default_hooks.checkpoint.save_best == "accuracy/top1"
    assert cfg.load_from is None and cfg.resume is False
    reread = Config.fromfile(dump_config(cfg, tmp_path / "config.py"))
    assert reread.model == cfg.model
    assert reread.train_dataloader.dataset.metainfo.classes == ("sandal", "sneaker",
                                                                "ankle boot")


def test_segmentation_config(cards: Any, digits_seg: Path, tmp_path: Path) -> None:
    cfg = build_config(make_spec(cards, "bisenetv2", "digit-segmentation", digits_seg,
                                 tmp_path))
    assert cfg.default_scope == "mmseg"
    assert cfg.model.decode_head.num_classes == 3  # background + '0' + '1'
    assert {h.num_classes for h in cfg.model.auxiliary_head} == {3}
    assert "SyncBN" not in cfg.pretty_text  # CPU: one process, no process group
    assert cfg.model.data_preprocessor["size"] == (128, 128)
    assert cfg.train_dataloader.dataset.metainfo.classes == ("background", "0", "1")
    assert not any(t["type"] == "RandomFlip" for t in cfg.train_pipeline)  # digits
    assert not any(t["type"] == "LoadAnnotations" for t in cfg.test_pipeline)


def test_stdc_boundary_head_keeps_two_classes(cards: Any, digits_seg: Path,
                                              tmp_path: Path) -> None:
    cfg = build_config(make_spec(cards, "stdc1", "digit-segmentation", digits_seg, tmp_path))
    heads = {h.type: h.num_classes for h in cfg.model.auxiliary_head}
    assert heads == {"FCNHead": 3, "STDCHead": 2}


def test_lraspp_input_size(cards: Any, digits_seg: Path, tmp_path: Path) -> None:
    """LR-ASPP's head pools with a fixed 49x49 window at 1/8 scale: small inputs are raised
    to 416 by default, and an explicit smaller one is refused."""
    cfg = build_config(make_spec(cards, "lraspp-mobilenet-v3", "digit-segmentation",
                                 digits_seg, tmp_path))
    assert cfg.crop_size == (416, 416)
    with pytest.raises(TrainingError, match="at least 392x392"):
        build_config(make_spec(cards, "lraspp-mobilenet-v3", "digit-segmentation",
                               digits_seg, tmp_path, input_size=(128, 128)))


def test_epoch_hooks_and_cold_ema_are_dropped() -> None:
    from autommlab.train.config import kept_custom_hooks

    kept = kept_custom_hooks([
        {"type": "EMAHook", "momentum": 1e-4},
        {"type": "EMAHook", "ema_type": "ExpMomentumEMA", "momentum": 2e-4},
        {"type": "PipelineSwitchHook", "switch_epoch": 280},
        {"type": "mmdet.PipelineSwitchHook", "switch_epoch": 280},
        {"type": "SyncBuffersHook"},
    ])
    assert [h["type"] for h in kept] == ["EMAHook", "SyncBuffersHook"]
    assert kept[0]["ema_type"] == "ExpMomentumEMA"


def test_missing_dataset_dir_is_named(cards: Any, footwear: Path, tmp_path: Path) -> None:
    spec = make_spec(cards, "resnet-18", "fashion-footwear", footwear, tmp_path,
                     data_root=tmp_path / "nowhere")
    with pytest.raises(TrainingError, match=r"dataset directory .*nowhere does not exist"):
        build_config(spec)


def test_missing_split_file_is_named(cards: Any, footwear: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(footwear, copy)
    (copy / "val.txt").unlink()
    with pytest.raises(TrainingError, match=r"val_dataloader: .*val\.txt does not exist"):
        build_config(make_spec(cards, "resnet-18", "fashion-footwear", copy, tmp_path))


def test_wrong_classes_are_refused(cards: Any, footwear: Path, tmp_path: Path) -> None:
    spec = make_spec(cards, "resnet-18", "fashion-footwear", footwear, tmp_path,
                     classes=["sneaker", "sandal", "ankle boot"])
    with pytest.raises(TrainingError, match=r"do not match .*'sandal', 'sneaker', 'ankle boot'"):
        build_config(spec)


@pytest.mark.parametrize(("hparams", "message"), [
    (Hyperparameters(batch_size=1), "at least 2"),
    (Hyperparameters(batch_size=512), "larger than the training split"),
    (Hyperparameters(iters=10, warmup_iters=10), "warmup_iters"),
])
def test_bad_hyperparameters_are_refused(hparams: Hyperparameters, message: str, cards: Any,
                                         footwear: Path, tmp_path: Path) -> None:
    spec = make_spec(cards, "resnet-18", "fashion-footwear", footwear, tmp_path,
                     hparams=hparams)
    with pytest.raises(TrainingError, match=message):
        build_config(spec)


def test_model_of_another_task_is_refused(cards: Any, footwear: Path, tmp_path: Path) -> None:
    spec = make_spec(cards, "resnet-18", "fashion-footwear", footwear, tmp_path,
                     model=cards.model("fast-scnn"))
    with pytest.raises(TrainingError, match="segmentation model"):
        build_config(spec)


# --- metric names and scales -------------------------------------------------------------

def test_metrics_are_normalised_to_fractions() -> None:
    assert normalise_metrics("classification", "mmpretrain", {"accuracy/top1": 93.5}) == {
        "accuracy": 0.935}
    assert normalise_metrics("segmentation", "mmsegmentation",
                             {"aAcc": 99.0, "mIoU": 71.25, "mAcc": 80.0}) == {
        "aAcc": 0.99, "mIoU": 0.7125, "mAcc": 0.8}
    assert normalise_metrics("detection", "mmdet", {
        "coco/bbox_mAP": 0.5, "coco/bbox_mAP_s": -1.0, "coco/bbox_mAP_copypaste": "0.5 ..."
    }) == {"bbox_mAP": 0.5}
    assert normalise_metrics("keypoint", "mmpose", {"coco/AP": 0.8, "coco/AR": 0.9}) == {
        "AP": 0.8, "AR": 0.9}


def test_importing_the_package_does_not_import_torch() -> None:
    code = ("import sys, autommlab.train as t; t.TrainSpec; t.Hyperparameters; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- real training -------------------------------------------------------------------------

def _check_result(result: Any, metric: str, iters: int) -> None:
    assert result.metric_name == metric
    assert 0.0 <= result.best_metric <= 1.0
    assert result.checkpoint.is_file() and result.checkpoint.suffix == ".pth"
    assert result.config_file == result.work_dir / "config.py"
    assert result.config_file.is_file()
    assert [p.iteration for p in result.history] == list(range(10, iters + 1, 10))
    assert all(p.train_loss is not None and p.train_loss > 0 for p in result.history)
    assert all(0.0 <= v <= 1.0 for p in result.history for v in p.metrics.values())
    assert result.best_metric == max(p.metrics[metric] for p in result.history)


def test_classification_trains(cards: Any, footwear: Path, tmp_path: Path) -> None:
    from autommlab.runtime import load_trusted_checkpoint
    from autommlab.train import train

    seen: list[MetricPoint] = []
    spec = make_spec(cards, "resnet-18", "fashion-footwear", footwear, tmp_path / "run")
    result = train(spec, on_validation=seen.append)
    _check_result(result, "accuracy", 20)
    assert seen == result.history
    checkpoint = load_trusted_checkpoint(result.checkpoint)
    assert checkpoint["state_dict"]["head.fc.weight"].shape[0] == 3
    assert "optimizer" not in checkpoint  # weights only: trials are never resumed


def test_trusted_checkpoints_let_mmengine_load_ours(cards: Any, footwear: Path,
                                                    tmp_path: Path) -> None:
    """MMEngine calls torch.load without weights_only, which torch 2.13 refuses for its
    checkpoints (they pickle message-hub state); inside the shim they load."""
    import torch
    from mmengine.runner.checkpoint import _load_checkpoint

    from autommlab.runtime import trusted_checkpoints
    from autommlab.train import train

    spec = make_spec(cards, "shufflenet-v2", "fashion-footwear", footwear, tmp_path / "run",
                     hparams=Hyperparameters(iters=10, batch_size=8))
    result = train(spec)
    with pytest.raises(Exception, match="weights_only"):
        _load_checkpoint(str(result.checkpoint), map_location="cpu")
    with trusted_checkpoints():
        state = _load_checkpoint(str(result.checkpoint), map_location="cpu")
    assert "state_dict" in state
    assert torch.load.__name__ == "load"  # restored after the block


def test_segmentation_trains(cards: Any, digits_seg: Path, tmp_path: Path) -> None:
    from autommlab.train import train

    spec = make_spec(cards, "fast-scnn", "digit-segmentation", digits_seg, tmp_path / "run",
                     hparams=Hyperparameters(iters=20, batch_size=4))
    result = train(spec)
    _check_result(result, "mIoU", 20)
    assert {"mIoU", "aAcc", "mAcc"} <= set(result.history[-1].metrics)


def test_should_stop_ends_training_after_a_validation(cards: Any, footwear: Path,
                                                      tmp_path: Path) -> None:
    from autommlab.train import train

    spec = make_spec(cards, "shufflenet-v2", "fashion-footwear", footwear, tmp_path / "run",
                     hparams=Hyperparameters(iters=1000, batch_size=8))
    result = train(spec, should_stop=lambda: True)
    assert [p.iteration for p in result.history] == [10]
    assert result.best_iteration == 10 and result.checkpoint.is_file()


def test_callback_errors_pass_through(cards: Any, footwear: Path, tmp_path: Path) -> None:
    from autommlab.train import train

    class Abort(Exception):
        pass

    def abort(point: MetricPoint) -> None:
        raise Abort(point.iteration)

    spec = make_spec(cards, "shufflenet-v2", "fashion-footwear", footwear, tmp_path / "run")
    with pytest.raises(Abort):
        train(spec, on_validation=abort)


def test_crash_becomes_training_error(cards: Any, footwear: Path, tmp_path: Path) -> None:
    import shutil

    from autommlab.train import train

    copy = tmp_path / "data"
    shutil.copytree(footwear, copy)
    first = (copy / "train.txt").read_text().split()[0]
    (copy / "train" / first).unlink()
    (copy / "train" / first).write_bytes(b"not a png")
    spec = make_spec(cards, "shufflenet-v2", "fashion-footwear", copy, tmp_path / "run",
                     hparams=Hyperparameters(iters=20, batch_size=150))
    with pytest.raises(TrainingError, match=r"shufflenet-v2 on fashion-footwear failed after "
                                            r"iteration 0 of 20: .*Error") as info:
        train(spec)
    assert info.value.__cause__ is not None
