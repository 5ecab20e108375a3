"""Measure zoo models (parameters, FLOPs, CPU latency) from the toolbox's own config.

Model selection filters on params / FLOPs / latency, so those figures must come from the
model that training will build, not from a paper: this module builds the card's shipped
config with the toolbox's registry on the CPU and measures it. `autommlab zoo measure`
(`main_measure`) writes the figures, and the reference accuracy from the toolbox's metafile,
back into the card files; nobody types them by hand.

What is measured, and why:
- parameters: the exact count of the inference model. Segmentors' `auxiliary_head`s are
  training-only (dropped at inference and export), so they are not counted;
- FLOPs: mmengine's `FlopAnalyzer` (the counter behind
  `mmengine.analysis.get_model_complexity_info`, fvcore style: one multiply-add = one FLOP;
  element-wise ops are not counted) on one image of a fixed input size per task, so figures
  are comparable across the models of a task (a detector measured at 320 px next to one at
  640 px would mislead constraint filtering):
  classification 224x224; detection 640x640 (RTMDet / YOLOX test scale); segmentation
  512x512; keypoint (top-down) the codec's input size, 256x192 (HxW) for every card;
- latency: median of batch-1 forwards on one CPU thread under `torch.inference_mode`, after
  warm-up runs, on the machine named in `measured_on`.
The forward measured is the toolbox's tensor mode (`model(x, data_samples, mode='tensor')`):
backbone + neck + head, without the data preprocessor and without post-processing (box
decoding and NMS for detectors, resizing logits for segmentors, keypoint decoding for pose).
Two-stage detectors are the exception: their RPN proposals (with NMS) are part of the tensor
forward, because the RoI head needs them.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from autommlab.errors import ZooError
from autommlab.tasks import Task
from autommlab.zoo.cards import ModelCard, ModelMeasurement, dump_card
from autommlab.zoo.metafiles import find_reference_accuracy
from autommlab.zoo.toolboxes import Toolbox, config_file, package_name

if TYPE_CHECKING:
    import torch
    from mmengine.config import Config

InputShape = tuple[int, int, int]

# Fixed (C, H, W) per task; keypoint shapes come from each config's codec instead.
TASK_INPUT_SHAPES: dict[str, InputShape] = {
    "classification": (3, 224, 224),
    "detection": (3, 640, 640),
    "segmentation": (3, 512, 512),
}
# Submodules that exist only to add training losses; excluded from the parameter count.
TRAINING_ONLY_MODULES: tuple[str, ...] = ("auxiliary_head",)
LATENCY_THREADS = 1
WARMUP_RUNS = 2
MIN_RUNS = 5
MAX_RUNS = 20
LATENCY_BUDGET_S = 20.0


# --- torch, imported late ---------------------------------------------------------------

def _torch() -> Any:
    """Import torch with OMP_WAIT_POLICY=PASSIVE (busy-waiting OpenMP threads make a loaded
    2-core machine 20-45x slower). Late, so reading cards never needs the vision extra."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return import_module("torch")


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block with `count` intra-op threads, restoring the previous setting after."""
    torch = _torch()
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# --- config and model -------------------------------------------------------------------

def strip_pretrained(node: Any) -> Any:
    """Remove every reference to downloadable weights from a config tree.

    No model hub is reachable from here, and a card must build the same model everywhere:
    `init_cfg=dict(type='Pretrained', ...)` entries are dropped (from init_cfg lists too),
    and string `pretrained=` / `load_from=` values (mmseg's 'open-mmlab://...') become None.
    Dicts are edited in place (mmengine ConfigDicts stay ConfigDicts); the cleaned node is
    returned, because lists and tuples are rebuilt.
    """
    if isinstance(node, dict):
        for key in list(node):
            node[key] = _clean_entry(key, node[key])
        return node
    if isinstance(node, list | tuple):
        return type(node)(strip_pretrained(item) for item in node)
    return node


def _clean_entry(key: Any, value: Any) -> Any:
    if key == "init_cfg":
        return _without_pretrained_init(value)
    if key in ("pretrained", "load_from") and isinstance(value, str):
        return None
    return strip_pretrained(value)


def _without_pretrained_init(value: Any) -> Any:
    if _is_pretrained_init(value):
        return None
    if isinstance(value, list | tuple):
        kept = [strip_pretrained(v) for v in value if not _is_pretrained_init(v)]
        return kept or None
    return strip_pretrained(value)


def _is_pretrained_init(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "Pretrained"


def load_model_config(toolbox: str, base_config: str) -> Config:
    """The card's shipped config, read by mmengine, with pretrained weights stripped."""
    from mmengine.config import Config

    cfg = Config.fromfile(str(config_file(toolbox, base_config)))
    for key in list(cfg.keys()):
        cfg[key] = _clean_entry(key, cfg[key])
    return cfg


@cache
def _register(package: str) -> Any:
    """Register the toolbox's modules once and return its MODELS registry."""
    from autommlab.runtime import skip_mmpretrain_multimodal

    skip_mmpretrain_multimodal()  # transformers 5 breaks mmpretrain's multimodal models
    import_module(f"{package}.utils").register_all_modules(init_default_scope=False)
    return import_module(f"{package}.registry").MODELS


def build_model(cfg: Config, toolbox: str) -> torch.nn.Module:
    """Build `cfg.model` with the toolbox's registry, on the CPU, in eval mode.

    The toolbox's scope is set only around the build (not process-wide) so that models of
    several toolboxes can be built in one process, as `zoo measure` does.
    """
    from mmengine.registry import DefaultScope

    package = package_name(toolbox)
    models = _register(package)
    with DefaultScope.overwrite_default_scope(package):
        model = models.build(cfg.model)
    return model.eval()


def input_shape_for(cfg: Config, task: Task) -> InputShape:
    """(C, H, W) the model is measured at (see the module docstring for the choice)."""
    if task in TASK_INPUT_SHAPES:
        return TASK_INPUT_SHAPES[task]
    codec = cfg.get("codec")
    if isinstance(codec, list | tuple):  # some pose configs list one codec per stage
        codec = codec[0]
    if not isinstance(codec, dict) or "input_size" not in codec:
        raise ZooError(f"keypoint config {cfg.filename} has no codec.input_size to measure at")
    width, height = codec["input_size"]
    return (3, int(height), int(width))


def tensor_forward(model: torch.nn.Module, toolbox: str, shape: InputShape) -> torch.nn.Module:
    """A module whose forward(x) is the toolbox's tensor-mode forward of `model`.

    FLOP tracing accepts tensors only, so the data samples detectors need (image metadata
    for the RPN of two-stage detectors) are bound here instead of passed in.
    """
    torch = _torch()
    samples = _detection_samples(shape) if toolbox == "mmdet" else None

    class TensorForward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, inputs: torch.Tensor) -> Any:
            return self.model(inputs, samples, mode="tensor")

    return TensorForward().eval()


def _detection_samples(shape: InputShape) -> list[Any]:
    from mmdet.structures import DetDataSample

    size = (shape[1], shape[2])
    meta = {"img_shape": size, "ori_shape": size, "pad_shape": size,
            "batch_input_shape": size, "scale_factor": (1.0, 1.0)}
    return [DetDataSample(metainfo=meta)]


# --- the three measurements --------------------------------------------------------------

def count_parameters(model: torch.nn.Module) -> int:
    """Exact parameter count of the inference model (training-only heads excluded)."""
    skipped = {id(p) for name in TRAINING_ONLY_MODULES
               if isinstance(getattr(model, name, None), _torch().nn.Module)
               for p in getattr(model, name).parameters()}
    return sum(p.numel() for p in model.parameters() if id(p) not in skipped)


def count_flops(forward: torch.nn.Module, inputs: torch.Tensor) -> int:
    """FLOPs of one forward, as `get_model_complexity_info` counts them.

    FlopAnalyzer is used directly: it is the counter get_model_complexity_info runs, minus the
    second (activation) trace and the per-op warnings that would flood the `zoo measure` output.
    """
    from mmengine.analysis import FlopAnalyzer

    with _torch().no_grad():
        analyzer = FlopAnalyzer(forward, (inputs,))
        analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        return int(analyzer.total())


def median_latency_ms(forward: Callable[[Any], Any], inputs: Any) -> float:
    """Median wall time of one forward: warm-up first, then MIN_RUNS..MAX_RUNS timed runs
    within LATENCY_BUDGET_S (heavy models stop at MIN_RUNS, light ones get MAX_RUNS)."""
    torch = _torch()
    timings: list[float] = []
    with torch.inference_mode():
        for _ in range(WARMUP_RUNS):
            forward(inputs)
        started = time.perf_counter()
        while len(timings) < MAX_RUNS and (
                len(timings) < MIN_RUNS or time.perf_counter() - started < LATENCY_BUDGET_S):
            tick = time.perf_counter()
            forward(inputs)
            timings.append(time.perf_counter() - tick)
    return statistics.median(timings) * 1000.0


def cpu_model_name() -> str:
    """CPU model from /proc/cpuinfo (Linux), else what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine() or "unknown CPU"


def machine_description(threads: int) -> str:
    """'<CPU model> (<n> logical CPUs), <k> torch thread(s), torch <version>'."""
    torch = _torch()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cpu_model_name()} ({cpus} logical CPUs available), "
            f"{threads} torch thread{'s' if threads != 1 else ''}, torch {torch.__version__}")


def measure_model(toolbox: str, base_config: str, task: Task, *, latency: bool = True,
                  seed: int = 0) -> ModelMeasurement:
    """Build the config on the CPU and measure params, FLOPs and (optionally) latency.

    Weights are seeded so repeated measurements trace the same graph: a two-stage detector's
    proposal count after NMS, and so its RoI-head FLOPs, depends on the weights.
    """
    torch = _torch()
    cfg = load_model_config(toolbox, base_config)
    shape = input_shape_for(cfg, task)
    with torch_threads(LATENCY_THREADS):
        torch.manual_seed(seed)
        model = build_model(cfg, toolbox)
        forward = tensor_forward(model, toolbox, shape)
        inputs = torch.randn(1, *shape, generator=torch.Generator().manual_seed(seed))
        params = count_parameters(model)
        flops = count_flops(forward, inputs)
        latency_ms = median_latency_ms(forward, inputs) if latency else None
    return ModelMeasurement(
        params_m=round(params / 1e6, 6),
        flops_g=round(flops / 1e9, 6),
        input_shape=shape,
        latency_ms_cpu=None if latency_ms is None else round(latency_ms, 2),
        measured_on=machine_description(LATENCY_THREADS) if latency else "",
    )


# --- cards --------------------------------------------------------------------------------

class _CardSource(BaseModel):
    """The fields a card needs before it has been measured (a new card has no `measured`)."""

    model_config = ConfigDict(extra="ignore")
    task: Task
    toolbox: Toolbox
    base_config: str


def _read_raw_card(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ZooError(f"cannot read card {path}: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("kind", "model") != "model":
        raise ZooError(f"{path} is not a model card (kind: model)")
    return raw


def _validated(raw: dict[str, Any], path: Path, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ZooError(f"invalid model card {path}:\n{exc}") from exc


def measure_card(path: Path, *, latency: bool = True) -> ModelCard:
    """The card at `path` with fresh measurements and the metafile's reference accuracy.

    The card may lack `measured` (a newly written card); everything else is validated.
    """
    raw = _read_raw_card(path)
    source = _validated(raw, path, _CardSource)
    measured = measure_model(source.toolbox, source.base_config, source.task, latency=latency)
    if not latency and isinstance(raw.get("measured"), dict):
        previous = raw["measured"]  # keep the recorded latency when only re-counting
        measured = measured.model_copy(update={
            "latency_ms_cpu": previous.get("latency_ms_cpu"),
            "measured_on": previous.get("measured_on", "")})
    reference = find_reference_accuracy(source.toolbox, source.base_config, source.task)
    raw["kind"] = "model"
    raw["measured"] = measured.model_dump(mode="json")
    raw["reference_accuracy"] = None if reference is None else reference.model_dump(mode="json")
    return _validated(raw, path, ModelCard)


def update_card_file(path: Path, *, latency: bool = True) -> ModelCard:
    """Measure the card and write it back (atomically: a failed write leaves the old card)."""
    card = measure_card(path, latency=latency)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(dump_card(card), encoding="utf-8")
    temporary.replace(path)
    return card


def card_files(paths: Sequence[Path]) -> list[Path]:
    """Card files named by `paths`; a directory stands for its *.yaml / *.yml files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.is_file():
            files.append(path)
        else:
            raise ZooError(f"no card file or directory at {path}")
    return files


def main_measure(paths: list[Path], *, write: bool = False, latency: bool = True) -> None:
    """`autommlab zoo measure`: measure cards, print a table; `write` updates the card files.

    A card that fails is reported in the table and the others still run; a ZooError listing
    the failures is raised at the end so the command exits non-zero.
    """
    from rich.console import Console
    from rich.table import Table

    progress = Console(stderr=True)
    table = Table(title="zoo models measured" + ("" if write else " (cards not written)"))
    for column in ("card", "task", "params M", "GFLOPs", "input CxHxW", "latency ms",
                   "reference"):
        left = column in ("card", "task", "reference")
        table.add_column(column, justify="left" if left else "right", no_wrap=column != "reference")
    failures: list[str] = []
    for path in card_files(paths):
        progress.print(f"measuring {path.name} ...")
        try:
            card = _measure_quietly(path, write=write, latency=latency)
        except (ZooError, RuntimeError, ImportError, KeyError, ValueError) as exc:
            failures.append(f"{path}: {exc}")
            table.add_row(path.stem, "-", "-", "-", "-", "-", f"FAILED: {type(exc).__name__}")
            continue
        table.add_row(*_row(card))
    console = Console()
    # Piped output defaults to 80 columns, which truncates every column; the table is ~130.
    Console(width=max(console.width, 132)).print(table)
    if failures:
        raise ZooError("could not measure:\n" + "\n".join(failures))


def _measure_quietly(path: Path, *, write: bool, latency: bool) -> ModelCard:
    """Measure one card with the toolboxes' deprecation chatter silenced (it says nothing
    about the card and buries the table); warnings from anywhere else still show."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"(mmcv|mmengine|mmdet|mmseg|mmpose|mmpretrain)\b")
        update = update_card_file if write else measure_card
        return update(path, latency=latency)


def _row(card: ModelCard) -> list[str]:
    m, ref = card.measured, card.reference_accuracy
    latency = "-" if m.latency_ms_cpu is None else f"{m.latency_ms_cpu:.1f}"
    reference = "-" if ref is None else f"{ref.metric} {ref.value:.3f} ({ref.dataset})"
    return [card.name, card.task, f"{m.params_m:.3f}", f"{m.flops_g:.3f}",
            "x".join(str(d) for d in m.input_shape), latency, reference]
