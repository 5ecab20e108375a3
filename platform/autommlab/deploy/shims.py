"""Runtime shims that let MMDeploy 1.3.1 export with torch 2.13 (no source patches).

Measured on this stack (DESIGN.md, "Facts measured on these machines"):
- `torch.onnx.export` now defaults to the dynamo exporter; MMDeploy's rewriters and custom
  symbolics target the TorchScript exporter, so every call MMDeploy makes must pass
  `dynamo=False`;
- MMDeploy's RoIAlign symbolic (two-stage detectors) imports
  `torch.onnx.symbolic_opset9._cast_Long`, which torch removed.

`onnx_export_shims()` applies both for the duration of a `with` block and undoes them after,
so nothing outside an export sees a changed torch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def _cast_long(graph: Any, value: Any, non_blocking: Any = False) -> Any:
    """torch's removed `symbolic_opset9._cast_Long`: an ONNX Cast to int64."""
    import torch

    del non_blocking  # part of the old signature; meaningless in a graph
    return graph.op("Cast", value, to_i=torch._C._onnx.TensorProtoDataType.INT64)


def _without_dynamo(export: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(export)
    def legacy_export(*args: Any, **kwargs: Any) -> Any:
        kwargs["dynamo"] = False
        return export(*args, **kwargs)

    return legacy_export


@contextmanager
def onnx_export_shims() -> Iterator[None]:
    """Within the block: TorchScript-based `torch.onnx.export` and `_cast_Long` restored."""
    import torch.onnx
    import torch.onnx.symbolic_opset9 as opset9

    original_export = torch.onnx.export
    had_cast = hasattr(opset9, "_cast_Long")
    torch.onnx.export = _without_dynamo(original_export)
    if not had_cast:
        opset9._cast_Long = _cast_long
    try:
        yield
    finally:
        torch.onnx.export = original_export
        if not had_cast:
            del opset9._cast_Long

