"""Turn a training checkpoint into a weights-only file MMDeploy can load on torch 2.13.

MMEngine's `load_checkpoint` calls `torch.load` without `weights_only`, which torch >= 2.6
treats as `weights_only=True`; a training checkpoint (optimizer state, message hub, numpy
scalars in `meta`) then fails to load. Instead of loosening `torch.load` for everything
MMDeploy reads, the one file we trust (a checkpoint our own training wrote) is read here with
`weights_only=False`, and a copy holding only tensors and plain metadata is written for the
export. That copy loads under the safe default, and is smaller.
"""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path
from typing import Any

from autommlab.errors import DeployError
from autommlab.runtime import load_trusted_checkpoint

_PLAIN = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """`value` as JSON-like types (what `weights_only` loading accepts); numpy arrays become
    lists, anything else None."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if hasattr(value, "tolist"):  # numpy arrays and scalars (mmpose's sigmas, flip indices)
        return _plain(value.tolist())
    return None


def load_state_dict(checkpoint: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(state_dict, dataset_meta) of a checkpoint our training wrote; DeployError if unusable."""
    import torch

    if not checkpoint.is_file():
        raise DeployError(f"checkpoint {checkpoint} does not exist (or is not a file); pass the "
                          "checkpoint the training run wrote (TrainResult.checkpoint)")
    try:
        # Our own training output, so unpickling it is as safe as running that training.
        raw = load_trusted_checkpoint(checkpoint)
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile,
            ValueError) as exc:
        raise DeployError(f"cannot read checkpoint {checkpoint}: {exc}; it is not a PyTorch "
                          "checkpoint, or it is truncated") from exc
    state = raw.get("state_dict", raw) if isinstance(raw, dict) else None
    if not isinstance(state, dict) or not state or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise DeployError(f"checkpoint {checkpoint} holds no state_dict of tensors; pass an "
                          "MMEngine checkpoint (a dict with 'state_dict')")
    meta = raw.get("meta") if isinstance(raw, dict) else None
    dataset_meta = meta.get("dataset_meta") if isinstance(meta, dict) else None
    return state, _plain(dataset_meta) or {}


def write_weights_only(checkpoint: Path, dest: Path) -> Path:
    """Write `checkpoint`'s weights (and plain dataset metadata) to `dest`; return `dest`."""
    import torch

    state, dataset_meta = load_state_dict(checkpoint)
    dest.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": state, "meta": {"dataset_meta": dataset_meta}}, dest)
    return dest
