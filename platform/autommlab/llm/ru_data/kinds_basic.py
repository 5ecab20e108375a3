"""The basic kinds: ``numbers`` (constraints drawn again), ``swap`` (another seed's
classes) and ``paraphrase`` (same slots, another frame)."""

from __future__ import annotations

import copy
import random
from typing import Any

from autommlab.llm.ru_data.compose import _compose
from autommlab.llm.ru_data.registry import register
from autommlab.llm.ru_data.render import _METRIC_RANGES, _draw, draw_deploy, draw_metric
from autommlab.llm.ru_data.slots import Slots, _Pools
from autommlab.llm.ru_data.text import _NONE_QTY, _num, _pick


@register("numbers")
def _numbers(slots: Slots, pool: _Pools, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The seed's slots; every constraint drawn again (value, unit and phrasing)."""
    s = copy.deepcopy(slots)
    keep = [k for k in ("speed", "flops", "parameters") if getattr(s, k)["unit"] != "none"]
    for key in ("speed", "flops", "parameters"):
        if key in keep or rng.random() < (0.45 if key == "speed" else 0.25):
            setattr(s, key, _draw(key, rng))
        else:
            setattr(s, key, dict(_NONE_QTY))
    names = [m["name"] for m in s.metrics] or ([] if rng.random() < 0.4 else [""])
    s.metrics = []
    for name in names:
        metric = draw_metric(s.task, rng, exclude=[m["name"] for m in s.metrics])
        if name:
            lo, hi = _METRIC_RANGES.get(name, (50, 95))
            metric = {"name": name, "value": _num(rng.randint(lo, hi) / 100)}
        if metric["name"] not in [m["name"] for m in s.metrics]:
            s.metrics.append(metric)
    if all(getattr(s, k)["unit"] == "none" for k in ("speed", "flops", "parameters")) \
            and not s.metrics:
        s.speed = _draw("speed", rng)
    return _compose(s, rng)


@register("swap")
def _swap(slots: Slots, pool: _Pools, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The seed's constraints with another seed's classes, a fresh model name, datasets,
    hardware and engine."""
    s = copy.deepcopy(slots)
    objects, s.scenario, s.modality, datasets = pool.object_lists[
        rng.randrange(len(pool.object_lists))]
    s.objects = list(objects)
    s.model = _pick(rng, pool.models) if pool.models and rng.random() < 0.45 else "none"
    s.datasets = list(datasets) if rng.random() < 0.6 else []
    s.gpu, s.engine = draw_deploy(rng)
    return _compose(s, rng)


@register("paraphrase")
def _paraphrase(slots: Slots, pool: _Pools, rng: random.Random
                ) -> tuple[str, dict[str, Any]]:
    """The seed's own slots and values in another frame."""
    return _compose(slots, rng)
