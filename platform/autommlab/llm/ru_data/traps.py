"""The ``trap`` kind: the parse-convention traps and the hard ones the adapter still fails."""

from __future__ import annotations

import copy
import random
from typing import Any

from autommlab.llm.ru_data.compose import _compose, _Forms
from autommlab.llm.ru_data.intros import _parts_group
from autommlab.llm.ru_data.registry import register
from autommlab.llm.ru_data.render import (
    _INTERVALS,
    _METRIC_RANGES,
    _MS_VALUES,
    _POINTS_OK,
    _TASK_METRICS,
    _draw,
    draw_metric,
)
from autommlab.llm.ru_data.slots import Slots, _Pools
from autommlab.llm.ru_data.text import _NONE_QTY, _num, _pick, _qty

_TRAPS: dict[str, tuple[str, ...]] = {
    "classification": ("realtime", "no_speed", "generic", "cloud", "train_gpu", "no_gpu",
                       "error", "error", "rate", "batch", "preamble", "realtime_number",
                       "aside"),
    "detection": ("realtime", "no_speed", "capture", "generic", "cloud", "train_gpu",
                  "no_gpu", "points", "rate", "batch", "preamble", "realtime_number", "aside"),
    "segmentation": ("realtime", "no_speed", "generic", "cloud", "train_gpu", "no_gpu",
                     "points", "rate", "batch", "preamble", "realtime_number", "aside"),
    "keypoint": ("realtime", "no_speed", "capture", "joints", "joints", "joints", "cloud",
                 "train_gpu", "no_gpu", "points", "rate", "batch", "realtime_number", "aside"),
}


#: Traps the adapter still failed on evaluation sets; `_trap` picks one of these 60% of the
#: time: speed figures in other words, counts and capture intervals beside a speed, error
#: rates inside longer prose, decorated model names.
_HARD_TRAPS: dict[str, tuple[str, ...]] = {
    "classification": ("batch_var", "count", "interval", "words", "error_prose",
                       "error_prose", "error_prose", "decor", "decor"),
    "detection": ("batch_var", "count", "count", "interval", "words", "decor", "decor"),
    "segmentation": ("batch_var", "count", "interval", "words", "error_prose", "decor",
                     "decor"),
    "keypoint": ("batch_var", "count", "count", "interval", "words", "decor", "decor"),
}
#: Model names users decorate ("something YOLOX-s-like"), beside the seeds' own.
_DECOR_MODELS: dict[str, tuple[str, ...]] = {
    "classification": ("Swin-T", "ResNet-50", "EfficientNet-B0", "MobileNetV3", "ConvNeXt-T"),
    "detection": ("YOLOX-s", "DETR", "RT-DETR", "Faster R-CNN", "YOLOv8n", "SSD"),
    "segmentation": ("UNet", "Mask R-CNN", "DeepLabV3", "SegFormer-B0", "BiSeNetV2"),
    "keypoint": ("MoveNet Lightning", "RTMPose-s", "HRNet-W32", "ViTPose-B"),
}


def _hard_trap(s: Slots, forms: _Forms, pool: _Pools, trap: str, rng: random.Random) -> None:
    """Set `s` and `forms` for one of `_HARD_TRAPS`."""
    if trap == "batch_var":
        if rng.random() < 0.75:
            s.speed = _qty(_pick(rng, (10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 200)), "ms")
        else:
            s.speed = _qty(_pick(rng, (0.05, 0.1, 0.2, 0.25, 0.5)), "s")
        forms.speed = "batch_var"
    elif trap == "count":
        s.speed = (_qty(_pick(rng, (10, 12, 15, 20, 24, 25, 30, 60)), "fps")
                   if rng.random() < 0.75 else _qty(_pick(rng, (20, 30, 40, 50, 100)), "ms"))
        forms.speed = "count"
    elif trap == "interval":
        n = _pick(rng, (2, 3, 5, 10, 15, 30))
        forms.extra = _pick(rng, _INTERVALS).format(n=n)
        if rng.random() < 0.6 or s.speed["unit"] not in ("ms", "fps", "s"):
            s.speed = dict(_NONE_QTY)  # the interval alone: no speed requirement
        else:
            forms.speed = "direct"
    elif trap == "words":
        unit = rng.choices(("s", "fps", "ms"), weights=(0.45, 0.4, 0.15))[0]
        values = {"s": (0.5, 0.5, 1, 2, 3, 5), "fps": (1, 2, 3, 4, 5, 10, 15, 20, 25, 30),
                  "ms": (20, 30, 40, 50, 60, 100)}[unit]
        s.speed, forms.speed = _qty(_pick(rng, values), unit), "words"
    elif trap == "error_prose":
        s.metrics = [m for m in s.metrics if m["name"] != "accuracy"]
        s.metrics.insert(rng.randrange(len(s.metrics) + 1),
                         {"name": "accuracy", "value": _num(rng.randint(85, 99) / 100)})
        forms.metric, forms.style = "error_prose", "prose"
        if s.speed["unit"] == "none":  # a longer request: the error rate among other figures
            s.speed = _draw("speed", rng)
        if s.parameters["unit"] == "none" and rng.random() < 0.6:
            s.parameters = _draw("parameters", rng)
    elif trap == "decor":
        s.model = _pick(rng, [*pool.models[:8], *_DECOR_MODELS[s.task]])
        forms.model = "decor"


@register("trap")
def _trap(slots: Slots, pool: _Pools, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """One convention trap on the seed's slots (see the module doc)."""
    s = copy.deepcopy(slots)
    forms = _Forms()
    if rng.random() < 0.6:
        _hard_trap(s, forms, pool, _pick(rng, _HARD_TRAPS[s.task]), rng)
        return _compose(s, rng, forms)
    options = list(_TRAPS[s.task])
    if s.task == "keypoint" and _parts_group(s.objects) is None:
        options = [o for o in options if o != "joints"]
    trap = _pick(rng, options)
    if trap in ("realtime", "no_speed"):
        s.speed, forms.speed = dict(_NONE_QTY), trap
    elif trap == "realtime_number":
        s.speed, forms.speed = _qty(_pick(rng, ("15", "20", "25", "30", "60")), "fps"), "realtime"
    elif trap == "capture":
        s.speed = (_qty(_pick(rng, ("5", "10", "15", "20", "25")), "fps")
                   if rng.random() < 0.6 else dict(_NONE_QTY))
        forms.speed, forms.style = "capture", "prose"
    elif trap in ("generic", "joints"):
        forms.intro = trap
    elif trap == "cloud":
        s.gpu, s.engine, forms.deploy = "none", _pick(rng, ("none", "onnxruntime")), "cloud"
    elif trap in ("train_gpu", "no_gpu"):
        s.gpu, forms.deploy = "cpu", trap
        s.engine = _pick(rng, ("none", "none", "onnxruntime", "openvino"))
    elif trap == "error":
        s.metrics = [m for m in s.metrics if m["name"] != "accuracy"]
        # whole and half percents: "below 1%", "at most 0.5%" (the adapter wrote 0.95 for both)
        value = (rng.randint(80, 99) / 100 if rng.random() < 0.75
                 else 1 - _pick(rng, (5, 15, 25, 35, 45)) / 1000)
        s.metrics.insert(0, {"name": "accuracy", "value": _num(value)})
        forms.metric = "error"
    elif trap == "points":
        s.metrics = [m for m in s.metrics if m["name"] not in _POINTS_OK]
        name = _pick(rng, [n for n in _TASK_METRICS[s.task] if n in _POINTS_OK])
        lo, hi = _METRIC_RANGES[name]
        s.metrics.insert(0, {"name": name, "value": _num(rng.randint(lo, hi) / 100)})
        forms.metric = "points"
    elif trap == "rate":
        v = _pick(rng, ("1", "2", "3", "4", "5", "6", "10", "12", "15", "20", "25", "30", "40",
                        "50", "60", "100", "120"))
        s.speed, forms.speed = _qty(float(v), "fps"), _pick(rng, ("per_minute", "per_minute",
                                                                  "per_hour"))
    elif trap == "batch":
        if rng.random() < 0.8:
            s.speed = _qty(_pick(rng, [str(v) for v in _MS_VALUES[:14]]), "ms")
        else:
            s.speed = _qty(float(_pick(rng, ("0.05", "0.1", "0.25", "0.5"))), "s")
        forms.speed = "batch"
    elif trap == "aside":
        if not s.metrics:
            s.metrics = [draw_metric(s.task, rng)]
        forms.aside = True
    elif trap == "preamble":
        forms.preamble = _pick(rng, ("size", "resolution"))
    return _compose(s, rng, forms)
