"""The inference backend a request asks for, and what is produced instead when it cannot be.

ONNX (for ONNX Runtime) is always produced: it is what the other backends are converted
from, and it runs anywhere. Each other backend is one entry of `BACKENDS` (its Python
package, how to install it, what else it needs); adding one never touches the functions.
This release converts to none of them: when one is requested, the outcome says whether its
package is installed, how to get it or to convert the ONNX model with its own tool, and that
the ONNX Runtime model was produced instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec

from autommlab.deploy.records import BackendOutcome

DEFAULT_BACKEND = "onnxruntime"


@dataclass(frozen=True)
class BackendInfo:
    name: str
    package: str  # the importable module that says the runtime is installed
    install: str
    convert: str  # how to convert the published model.onnx with the backend's own tool
    needs: str = ""  # hardware or system requirements beyond the package


BACKENDS: dict[str, BackendInfo] = {
    "openvino": BackendInfo(
        "OpenVINO", "openvino", "pip install openvino",
        "ovc model.onnx (or openvino.convert_model('model.onnx'))"),
    "ncnn": BackendInfo(
        "ncnn", "ncnn", "pip install ncnn",
        "onnx2ncnn model.onnx model.param model.bin (ncnn's converter; MMDeploy's ncnn custom "
        "ops are needed for detection NMS)"),
    "tensorrt": BackendInfo(
        "TensorRT", "tensorrt", "pip install tensorrt (on a machine with an NVIDIA GPU)",
        "trtexec --onnx=model.onnx --saveEngine=model.engine, on the target GPU",
        needs="an NVIDIA GPU with CUDA: TensorRT engines are built on, and for, the GPU "
              "that runs them"),
}


def _has_cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def resolve_backend(requested: str | None) -> BackendOutcome:
    """What will be produced for `requested` ('none' / None / '' mean no preference)."""
    name = (requested or "").strip().lower()
    if name in ("", "none", DEFAULT_BACKEND, "onnx"):
        return BackendOutcome(requested=name or "none", available=True,
                              message="ONNX model for ONNX Runtime (CPU) produced")
    info = BACKENDS.get(name)
    if info is None:
        known = ", ".join([DEFAULT_BACKEND, *BACKENDS])
        return BackendOutcome(
            requested=name, available=False,
            message=f"unknown inference backend {requested!r} (known: {known}); the ONNX "
                    "model for ONNX Runtime was produced instead")
    return BackendOutcome(requested=name, available=False, message=_message(info))


def _message(info: BackendInfo) -> str:
    installed = find_spec(info.package) is not None
    parts = []
    if not installed:
        parts.append(f"{info.name} is not installed (`{info.install}`)")
    else:
        parts.append(f"{info.name} is installed, but autommlab does not convert to it yet")
    if info.needs and not _has_cuda():
        parts.append(f"{info.name} needs {info.needs}, and this machine has none")
    parts.append(f"the ONNX model for ONNX Runtime was produced instead; convert it on the "
                 f"target with: {info.convert}")
    return "; ".join(parts)
