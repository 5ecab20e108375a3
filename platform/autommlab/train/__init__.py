"""Training on MMEngine: `train(spec)` turns a TrainSpec into a trained checkpoint.

    from autommlab.train import Hyperparameters, TrainSpec, train
    result = train(TrainSpec(task=..., model=card, data=data_card, data_root=..., classes=...,
                             hparams=Hyperparameters(iters=300), work_dir=...))
    result.best_metric, result.checkpoint, result.config_file

Names are imported lazily: importing this package does not import torch or a toolbox.
"""

from __future__ import annotations

from autommlab.lazy import lazy_exports

_EXPORTS = {
    "train": "autommlab.train.runner",
    "build_config": "autommlab.train.config",
    "dump_config": "autommlab.train.config",
    "TrainSpec": "autommlab.train.spec",
    "TrainResult": "autommlab.train.spec",
    "MetricPoint": "autommlab.train.spec",
    "TASK_METRICS": "autommlab.train.spec",
    "Hyperparameters": "autommlab.train.hparams",
}
__all__ = list(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
