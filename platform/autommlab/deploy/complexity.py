"""FLOPs of the exported model, at the input size it was exported at.

The model card's FLOPs are measured at a fixed size per task (640 px for detectors) so cards
compare fairly; the exported model runs at its training size (often much smaller), so the
constraint check counts it again, the same way (`zoo.measure`: mmengine's FlopAnalyzer on the
toolbox's tensor-mode forward, one multiply-add = one FLOP). The card's figure is the
fallback when counting fails.
"""

from __future__ import annotations

from typing import Any

from autommlab.deploy.export import build_task_processor
from autommlab.deploy.model_config import read_model_config
from autommlab.deploy.records import ExportedModel


def measure_flops(exported: ExportedModel) -> float:
    """GFLOPs of one forward of the exported model's PyTorch source at `input_hw`."""
    import torch

    from autommlab.zoo.measure import count_flops, tensor_forward

    model_cfg = read_model_config(exported.model_config_file, exported.task)
    processor = build_task_processor(model_cfg, exported.deploy_config)
    model = processor.build_pytorch_model(str(exported.weights_file))
    shape = (3, *exported.input_hw)
    toolbox = exported.deploy_config["codebase_config"]["type"]
    forward = tensor_forward(model, toolbox, shape)
    inputs = torch.zeros(1, *shape)
    return count_flops(forward, inputs) / 1e9


def flops_for_checks(exported: ExportedModel, card_flops_g: float | None
                     ) -> tuple[float | None, str]:
    """(GFLOPs, where the figure comes from) for the constraint check."""
    height, width = exported.input_hw
    try:
        return round(measure_flops(exported), 6), (
            f"counted on the PyTorch model at the exported input size {height}x{width}")
    except Exception as exc:  # counting is best-effort: the card's figure is the fallback
        reason: Any = f"{type(exc).__name__}: {exc}"
    if card_flops_g is not None:
        return card_flops_g, (f"from the model card (at the card's input size); counting at "
                              f"{height}x{width} failed: {reason}")
    return None, f"counting at {height}x{width} failed ({reason}) and no card figure was given"
