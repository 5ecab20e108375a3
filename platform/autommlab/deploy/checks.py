"""Check the exported model against the request's hard constraints.

Units are the canonical ones of `understand.units.Constraints` (M params, GFLOPs, ms).
Speed is measured here with ONNX Runtime on this machine's CPU; when the request targets a
GPU (or a Jetson, or TensorRT, which needs one), this machine cannot measure the speed that
matters, so those checks are `passed=None` with a note saying so, never a pretend pass.
"""

from __future__ import annotations

import re

from autommlab.deploy.records import BenchmarkReport, ConstraintCheck
from autommlab.understand.units import Constraints

_GPU_WORDS = re.compile(r"\b(gpu|cuda|jetson|nvidia|tensorrt|rtx|gtx|a100|h100|v100|t4|orin|"
                        r"xavier)\b", re.IGNORECASE)


def targets_gpu(device: str = "none", backend: str = "onnxruntime", description: str = ""
                ) -> bool:
    """True when the model is meant to run on a GPU: the device is 'gpu' (or names one), the
    request asks for TensorRT, or the description names a GPU device ('on a Jetson Orin')."""
    named = f"{device} {description}"
    return device == "gpu" or backend == "tensorrt" or bool(_GPU_WORDS.search(named))


def _at_most(name: str, limit: float, measured: float | None, unit: str, source: str
             ) -> ConstraintCheck:
    if measured is None:
        return ConstraintCheck(name=name, required=f"<= {limit:g} {unit}", limit=limit,
                               measured=None, unit=unit, passed=None,
                               note=f"not measured: {source}")
    return ConstraintCheck(name=name, required=f"<= {limit:g} {unit}", limit=limit,
                           measured=round(measured, 4), unit=unit,
                           passed=measured <= limit, note=source)


def check_constraints(constraints: Constraints, *, params_m: float, flops_g: float | None,
                      flops_source: str, bench: BenchmarkReport | None,
                      gpu_target: bool = False, target_name: str = "GPU"
                      ) -> list[ConstraintCheck]:
    """One ConstraintCheck per constraint the request sets (none set: an empty list)."""
    checks: list[ConstraintCheck] = []
    if constraints.max_params_m is not None:
        checks.append(_at_most("params", constraints.max_params_m, params_m, "M",
                               "counted from the ONNX initializers"))
    if constraints.max_gflops is not None:
        checks.append(_at_most("flops", constraints.max_gflops, flops_g, "GFLOPs",
                               flops_source))
    if constraints.max_latency_ms is not None and constraints.min_fps is not None:
        checks.extend(_speed(constraints.max_latency_ms, constraints.min_fps, bench,
                             gpu_target, target_name))
    return checks


def _speed(max_ms: float, min_fps: float, bench: BenchmarkReport | None, gpu_target: bool,
           target_name: str) -> list[ConstraintCheck]:
    latency_req, fps_req = f"<= {max_ms:g} ms", f">= {min_fps:g} fps"
    if bench is None or gpu_target:
        cpu = "" if bench is None else (
            f"; on this machine's CPU it ran at {bench.latency_ms_p50:g} ms per image "
            f"({1000.0 / bench.latency_ms_p50:.1f} fps), which says little about the target")
        note = (f"cannot be measured here: the request targets a {target_name} and this "
                f"machine has none; benchmark the exported model on the target{cpu}"
                if gpu_target else "not measured: no benchmark was run")
        return [ConstraintCheck(name="latency", required=latency_req, limit=max_ms,
                                measured=None, unit="ms", passed=None, note=note),
                ConstraintCheck(name="fps", required=fps_req, limit=min_fps, measured=None,
                                unit="fps", passed=None, note=note)]
    where = f"ONNX Runtime on {bench.machine}"
    fps = 1000.0 / bench.latency_ms_p50
    return [
        ConstraintCheck(name="latency", required=latency_req, limit=max_ms,
                        measured=bench.latency_ms_p50, unit="ms",
                        passed=bench.latency_ms_p50 <= max_ms,
                        note=f"median batch-1 latency (p90 {bench.latency_ms_p90:g} ms), {where}"),
        ConstraintCheck(name="fps", required=fps_req, limit=min_fps, measured=round(fps, 2),
                        unit="fps", passed=fps >= min_fps,
                        note=f"1000 / median batch-1 latency; batched (x{bench.throughput_batch}) "
                             f"throughput was {bench.throughput_images_per_s:g} images/s, "
                             f"{where}"),
    ]
