"""ONNX Runtime speed of an exported model on this machine's CPU, and its size.

Latency is batch 1 (what a camera stream at N fps needs per frame): warm-up runs first
(ONNX Runtime allocates and picks kernels on the first runs), then p50 / p90 of timed runs.
Throughput is images per second at a larger batch, through the dynamic batch axis. Inputs
are random normal values (what normalised images look like); only detectors' NMS depends on
the values, and noise makes it do typical work (many low-score candidates).
Worker threads do not spin (`allow_spinning=0`): on shared cores spinning steals the time
of the other processes, the same trap as OMP_WAIT_POLICY (DESIGN.md).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from autommlab.deploy.records import BenchmarkReport
from autommlab.errors import DeployError


def onnx_size(path: Path) -> tuple[int, int]:
    """(file bytes, parameter count): the parameters are the elements of the initializers."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    params = sum(int(np.prod(init.dims, dtype=np.int64)) for init in model.graph.initializer)
    return path.stat().st_size, params


def ort_session(path: Path, threads: int) -> Any:
    """A CPU session with `threads` intra-op threads and no inter-op parallelism."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # ORT raises its own exception types (Fail, InvalidGraph, ...)
        raise DeployError(f"ONNX Runtime cannot load {path}: {exc}") from exc


def _timed(run: Any, feed: dict[str, np.ndarray], runs: int, budget_s: float) -> list[float]:
    timings: list[float] = []
    started = time.perf_counter()
    while len(timings) < runs and (len(timings) < 3 or time.perf_counter() - started < budget_s):
        tick = time.perf_counter()
        run(None, feed)
        timings.append((time.perf_counter() - tick) * 1000.0)
    return timings


def _machine(threads: int) -> str:
    from autommlab.zoo.measure import cpu_model_name

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import onnxruntime as ort

    return (f"{cpu_model_name()} ({cpus} logical CPUs available), {threads} ONNX Runtime "
            f"thread{'s' if threads != 1 else ''}, onnxruntime {ort.__version__}")


def benchmark(onnx_path: Path, input_hw: tuple[int, int], *, threads: int = 1,
              warmup: int = 3, runs: int = 20, batch: int = 8, throughput_runs: int = 3,
              budget_s: float = 20.0, seed: int = 0) -> BenchmarkReport:
    """Latency (batch 1) and throughput (`batch`) of the model at `onnx_path` on the CPU.

    Timed runs stop at `runs`, or earlier (after 3) once `budget_s` seconds are spent.
    """
    session = ort_session(onnx_path, threads)
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise DeployError(f"{onnx_path} has {len(inputs)} inputs; the benchmark feeds one image")
    name = inputs[0].name
    rng = np.random.default_rng(seed)
    height, width = input_hw
    one = {name: rng.standard_normal((1, 3, height, width), dtype=np.float32)}
    many = {name: rng.standard_normal((batch, 3, height, width), dtype=np.float32)}
    for _ in range(warmup):
        session.run(None, one)
    latencies = _timed(session.run, one, runs, budget_s)
    session.run(None, many)  # warm-up at the larger shape
    batch_ms = _timed(session.run, many, throughput_runs, budget_s)
    size, params = onnx_size(onnx_path)
    p90 = float(np.percentile(latencies, 90))
    return BenchmarkReport(
        threads=threads, input_hw=input_hw, latency_ms_p50=round(statistics.median(latencies), 3),
        latency_ms_p90=round(p90, 3), latency_runs=len(latencies), throughput_batch=batch,
        throughput_images_per_s=round(batch * 1000.0 / statistics.median(batch_ms), 2),
        onnx_bytes=size, onnx_params=params, machine=_machine(threads))
