"""The data a request is built from: `Slots` (one parse), `Rendered` (one stated
value), `_Pools` (what the seeds of one task share)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autommlab.lamp.dataset import LampItem
from autommlab.llm.ru_data.config import TASKS
from autommlab.llm.ru_data.text import _NONE_QTY, _num, _qty


@dataclass
class Slots:
    """Everything a request says that the parse records; the parse is built from these."""

    task: str
    objects: list[str]
    scenario: str = "none"
    modality: str = "none"
    model: str = "none"
    datasets: list[str] = field(default_factory=list)
    speed: dict[str, Any] = field(default_factory=lambda: dict(_NONE_QTY))
    flops: dict[str, Any] = field(default_factory=lambda: dict(_NONE_QTY))
    parameters: dict[str, Any] = field(default_factory=lambda: dict(_NONE_QTY))
    metrics: list[dict[str, Any]] = field(default_factory=list)
    gpu: str = "none"
    engine: str = "none"

    @classmethod
    def from_parse(cls, parse: dict[str, Any]) -> Slots:
        data, model, deploy = parse["data"], parse["model"], parse["deploy"]
        return cls(task=model["task"], objects=list(data["object"]),
                   scenario=data.get("scenario") or "none",
                   modality=data.get("modality") or "none",
                   model=model["specific_model"] or "none", datasets=list(data["specific"]),
                   speed=dict(model["speed"]), flops=dict(model["flops"]),
                   parameters=dict(model["parameters"]),
                   metrics=[dict(m) for m in model["metrics"]], gpu=deploy["gpu"],
                   engine=deploy["inference engine"])

    def to_parse(self) -> dict[str, Any]:
        objs = ", ".join(self.objects)
        where = {"cpu": "CPU", "gpu": "GPU", "none": "unspecified hardware"}[self.gpu]
        engine = f" with {self.engine}" if self.engine != "none" else ""
        return {
            "data": {"description": f"Images of {objs}." if objs else "none",
                     "scenario": self.scenario, "object": list(self.objects),
                     "modality": self.modality, "specific": list(self.datasets)},
            "model": {"description": f"A {self.task} model.", "task": self.task,
                      "specific_model": self.model,
                      "speed": _qty(self.speed["value"], self.speed["unit"]),
                      "flops": _qty(self.flops["value"], self.flops["unit"]),
                      "parameters": _qty(self.parameters["value"], self.parameters["unit"]),
                      "metrics": [{"name": m["name"], "value": _num(m["value"])}
                                  for m in self.metrics]},
            "deploy": {"description": f"Deploy on {where}{engine}.", "gpu": self.gpu,
                       "inference engine": self.engine},
        }


@dataclass(frozen=True)
class Rendered:
    """One stated value in two registers: `clause` is a sentence ('Latency has to stay below
    20 ms.'), `fragment` fits a comma list or a bullet line ('under 20 ms per image')."""

    clause: str
    fragment: str


# --------------------------------------------------------------------------- pools


@dataclass
class _Pools:
    """What the seeds of one task offer to other seeds of that task."""

    seeds: list[tuple[LampItem, Slots]]
    object_lists: list[tuple[list[str], str, str, list[str]]]  # objects, scenario, modality,
    # datasets: a dataset stays with the classes it was named with
    models: list[str]


def _pools(seeds: Sequence[LampItem]) -> dict[str, _Pools]:
    pools = {t: _Pools([], [], []) for t in TASKS}
    for item in seeds:
        slots = Slots.from_parse(item.parse)
        if slots.task not in pools:
            continue
        pool = pools[slots.task]
        if slots.objects and (slots.task != "classification" or len(slots.objects) >= 2):
            # seeds without classes ("COCO, all 80 categories") stay originals only
            pool.seeds.append((item, slots))
            pool.object_lists.append((slots.objects, slots.scenario, slots.modality,
                                      slots.datasets))
        if slots.model != "none" and slots.model not in pool.models:
            pool.models.append(slots.model)
    return pools
