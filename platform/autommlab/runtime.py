"""Process-level shims the OpenMMLab stack needs on this torch (2.13), one function each.

Nothing here patches toolbox sources. Each function is independent, idempotent and cheap,
so any stage (training, export, serving) calls only the ones it needs:

- `prepare_process_env`: OMP_WAIT_POLICY=PASSIVE before torch is imported. With the
  default (active spinning), a busy second core made training steps 20-45x slower.
- `set_threads`: torch intra-op threads (and OpenCV's own pool off) for one run.
- `trusted_checkpoints` / `load_trusted_checkpoint`: torch >= 2.6 defaults `torch.load` to
  `weights_only=True`, and MMEngine calls it without the argument, so its own checkpoints
  (which pickle numpy values and message-hub state) no longer load. Only checkpoints this
  platform wrote itself may be loaded with `weights_only=False`: the context is scoped,
  never a process-wide default.
- `skip_mmpretrain_multimodal`: mmpretrain's multimodal models do not import under
  transformers 5 and take every classifier down with them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def prepare_process_env() -> None:
    """Set the OpenMP wait policy before torch loads its OpenMP runtime.

    Too late once torch is imported (the runtime reads it at start-up); the setting is then
    left alone rather than pretending to apply it. A value the user set is kept.
    """
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def set_threads(count: int) -> int:
    """Use `count` torch intra-op threads, OpenCV's own thread pool off; returns the
    previous torch thread count (to restore after a run).

    Data loading runs in the main process on these machines (no worker processes), so
    OpenCV threads would only compete with torch's for the same cores.
    """
    prepare_process_env()
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(max(1, int(count)))
    try:
        import cv2
    except ImportError:  # OpenCV comes with mmcv; tolerate its absence outside training
        return previous
    cv2.setNumThreads(0)
    return previous


@contextmanager
def trusted_checkpoints() -> Iterator[None]:
    """Within the block, `torch.load` calls that do not say otherwise use weights_only=False.

    For MMEngine's `load_checkpoint` / `load_from` / `resume` on checkpoints that this
    platform produced (never on downloaded files: unpickling can run code). Restored on exit,
    also when the block raises.
    """
    prepare_process_env()
    import torch

    original = torch.load

    def load(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("weights_only", False)
        return original(*args, **kwargs)

    torch.load = load
    try:
        yield
    finally:
        torch.load = original


def load_trusted_checkpoint(path: str | Path, map_location: str = "cpu") -> Any:
    """Load one checkpoint this platform wrote (full unpickling; see `trusted_checkpoints`)."""
    prepare_process_env()
    import torch

    return torch.load(str(path), map_location=map_location, weights_only=False)


def skip_mmpretrain_multimodal() -> None:
    """Keep mmpretrain 1.2.0 from importing its multimodal models (BLIP, LLaVA, ...).

    It imports them whenever `transformers>=4.28` is installed, and under transformers 5
    they fail at import (the helpers they subclass moved), which breaks
    `import mmpretrain.models` for every classifier. None of the zoo's models is
    multimodal: clearing the flag before the first import makes mmpretrain register its
    placeholders, as it does without transformers. A no-op once mmpretrain.models is in.
    """
    if "mmpretrain.models" in sys.modules:
        return
    try:
        import mmpretrain.utils.dependency as dependency
    except ImportError:  # mmpretrain not installed: nothing to guard
        return
    dependency.WITH_MULTIMODAL = False
