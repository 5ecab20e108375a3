"""The contract between the generic config assembly and the per-task builders.

A task builder turns (TrainSpec, the card's shipped config with pretrained weights stripped)
into the task-specific parts of an MMEngine config: model (heads resized to the dataset's
classes), data loaders and pipelines over the dataset's files, evaluators, and the top-level
keys MMDeploy reads (`test_pipeline`, `data_preprocessor`, `codec`, ...). Everything the
tasks share (optimizer, lr schedule, train loop, hooks, default scope, env) is added by
`autommlab.train.config.build_config`, so a builder never touches hyperparameters other than
`batch_size`.

Builders self-register (PEFT style): importing `autommlab.train.configs.<task>` calls
`register_task_builder`; `get_task_builder` imports the module on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from autommlab.errors import AutommlabError

if TYPE_CHECKING:
    from mmengine.config import Config

    from autommlab.train.spec import TrainSpec

# Plain dict of top-level config keys, e.g. {"model": {...}, "train_dataloader": {...}}.
TaskParts = dict[str, Any]
TaskBuilder = Callable[["TrainSpec", "Config"], TaskParts]

_BUILDERS: dict[str, TaskBuilder] = {}
# task -> module that registers its builder when imported
_MODULES = {
    "classification": "autommlab.train.configs.classification",
    "detection": "autommlab.train.configs.detection",
    "segmentation": "autommlab.train.configs.segmentation",
    "keypoint": "autommlab.train.configs.keypoint",
}


def register_task_builder(task: str) -> Callable[[TaskBuilder], TaskBuilder]:
    def decorate(builder: TaskBuilder) -> TaskBuilder:
        _BUILDERS[task] = builder
        return builder
    return decorate


def get_task_builder(task: str) -> TaskBuilder:
    if task not in _BUILDERS and task in _MODULES:
        import_module(_MODULES[task])
    try:
        return _BUILDERS[task]
    except KeyError:
        raise AutommlabError(f"no training config builder for task {task!r}; "
                             f"known: {sorted(_MODULES)}") from None
