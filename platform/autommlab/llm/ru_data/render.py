"""Constraint slots as text and fresh draws of them: speed, FLOPs, parameters, metrics,
deployment, model names and datasets."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autommlab.llm.ru_data.slots import Rendered
from autommlab.llm.ru_data.text import _article, _cap, _fmt, _join, _num, _pct, _pick, _qty

_SPEED_UNITS_DRAW = (("ms", 0.4), ("fps", 0.4), ("s", 0.15), ("min", 0.05))
_MS_VALUES = (5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 500)
_FPS_VALUES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 25, 30, 40, 50, 60, 100, 120)
_S_VALUES = (0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10)
_BATCH_SIZES = (2, 4, 8, 16, 32, 64)


def _seconds(v: float, unit: str) -> str:
    words = {"s": ("second", "seconds"), "min": ("minute", "minutes"), "h": ("hour", "hours")}
    one, many = words[unit]
    return one if float(v) == 1 else many


def render_speed(speed: dict[str, Any], rng: random.Random, form: str | None = None,
                 img: str = "image") -> Rendered | None:
    """Text stating `speed` exactly (None for no requirement unless `form` is a trap form).

    Forms: 'direct'; 'batch' (ms / s: "a batch of 4 in 240 ms" states 60 ms);
    'per_minute' / 'per_hour' (fps: "360 images a minute" states 6 fps); 'realtime' and
    'no_speed' (value 0, unit none: "real time" with no number is not a figure).
    """
    v, unit = float(speed["value"]), speed["unit"]
    if form in ("batch_var", "count", "words"):
        extra = _render_speed_extra(v, unit, form, rng, img)
        if extra:
            return extra
        form = None
    if unit == "none":
        if form == "realtime":
            return Rendered(_pick(rng, ("It has to run in real time.",
                                        "Real-time performance is a must.",
                                        "It needs to be real-time.",
                                        "Results have to come back in real time.")),
                            _pick(rng, ("real-time", "must run in real time",
                                        "real-time inference")))
        if form == "no_speed":
            return Rendered(_pick(rng, ("Speed doesn't matter; it runs offline.",
                                        "There is no latency requirement.",
                                        "Inference speed is not important for us.")),
                            _pick(rng, ("no speed requirement", "speed not important",
                                        "offline, so no latency target")))
        return None
    x = _fmt(v)
    if form is None:
        options = ["direct"]
        if unit in ("ms", "s"):
            options.append("batch")
        if unit == "fps" and (v * 60).is_integer():
            options += ["per_minute", "per_minute"]
        if unit == "fps" and (v * 3600).is_integer() and v * 3600 <= 200_000:
            options.append("per_hour")
        form = "direct" if rng.random() < 0.55 else _pick(rng, options)
    if form == "batch" and unit in ("ms", "s"):
        # a realistic batch: the whole batch within ~2 s (or the smallest batch)
        sizes = [b for b in _BATCH_SIZES if v * b <= (2000 if unit == "ms" else 2)] or [2]
        n = _pick(rng, [str(b) for b in sizes])
        total = _fmt(v * int(n))
        u = "ms" if unit == "ms" else _pick(rng, ("s", _seconds(v * int(n), "s")))
        imgs = _pick(rng, ("images", "frames", f"{img}s"))
        return Rendered(
            _pick(rng, (f"A batch of {n} {imgs} must finish in {total} {u}.",
                        f"It should process a batch of {n} {imgs} within {total} {u}.",
                        f"We need {total} {u} per batch of {n} or less.",
                        f"Our system takes a batch of {n} {imgs} every {total} {u}, and the "
                        "model must fit in that.",
                        f"Today a batch of {n} {imgs} goes through in {total} {u}; the new "
                        "model must be at least that fast.")),
            _pick(rng, (f"a batch of {n} {imgs} in {total} {u}",
                        f"batches of {n} in under {total} {u}",
                        f"{total} {u} per batch of {n}")))
    if form in ("per_minute", "per_hour") and unit == "fps":
        per = 60 if form == "per_minute" else 3600
        count = _fmt(v * per, commas=True)
        span = "minute" if per == 60 else "hour"
        # one image per item on a line: "600 items a minute" is 10 fps too
        imgs = _pick(rng, ("images", "photos", "frames", f"{img}s", "items"))
        a_span = f"a{'n' if span == 'hour' else ''} {span}"
        return Rendered(
            _pick(rng, (f"It has to handle {count} {imgs} per {span}.",
                        f"We need to process {count} {imgs} {a_span}.",
                        f"Throughput must reach {count} {imgs} per {span}.",
                        f"The line moves about {count} {imgs} {a_span} and the model has to "
                        "keep up.",
                        f"Across all cameras we get up to {count} {imgs} per {span}, and the "
                        "model has to handle that.",
                        f"The throughput target is {count} {imgs} per {span}.")),
            _pick(rng, (f"{count} {imgs} per {span}",
                        f"{count} {imgs} a{'n' if span == 'hour' else ''} {span}")))
    if unit == "ms":
        return Rendered(
            _pick(rng, (f"Inference must take under {x} ms per {img}.",
                        f"Latency has to stay below {x} ms.",
                        f"Each {img} must be processed within {x} ms.",
                        f"It should answer in at most {x} milliseconds per {img}.",
                        f"Each {img} has to be done in {x} ms or less.")),
            _pick(rng, (f"under {x} ms per {img}", f"at most {x} ms per frame",
                        f"{x} ms or less per {img}", f"latency below {x} ms",
                        f"< {x} ms per {img}", f"no more than {x} milliseconds per {img}")))
    if unit in ("s", "min", "h"):
        word = _seconds(v, unit)
        short = {"s": "s", "min": "min", "h": "h"}[unit]
        return Rendered(
            _pick(rng, (f"Each {img} may take up to {x} {word}.",
                        f"Processing one {img} must take less than {x} {word}.",
                        f"Each {img} must be done within {x} {word}.")),
            _pick(rng, (f"at most {x} {short} per {img}", f"under {x} {word} per {img}",
                        f"within {x} {word} per {img}")))
    if unit == "fps":
        if form == "realtime":  # "real time" with a number: the number is the figure
            return Rendered(f"It must run in real time, at least {x} FPS.",
                            f"real time ({x} fps)")
        frames, images = ("frame", "image") if v == 1 else ("frames", "images")
        return Rendered(
            _pick(rng, (f"It must run at {x} FPS or faster.",
                        f"It needs to sustain {x} {frames} per second.",
                        f"Throughput should be at least {x} {images} per second.",
                        f"We need at least {x} fps.")),
            _pick(rng, (f"at least {x} FPS", f"{x} fps or more", f">= {x} fps",
                        f"{x} {frames} per second", f"{x} FPS minimum")))
    return None  # no unit this module writes (never in the schema's enum)


#: Number words the rules parser reads (`autommlab.understand.rules.text`), by value.
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight",
                 10: "ten", 12: "twelve", 15: "fifteen", 20: "twenty", 25: "twenty-five",
                 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 100: "a hundred"}
#: (what is counted, how many at once): a count beside a speed is no speed.
_COUNTED = ("people", "players", "workers", "vehicles", "parts", "animals", "faces", "boxes")


def _render_speed_extra(v: float, unit: str, form: str, rng: random.Random,
                        img: str) -> Rendered | None:
    """Speed traps (None where `form` does not fit the unit): 'batch_var' (a time per
    batch in other words: "8 images at a time within 400 ms" states 50 ms), 'count' (a
    count beside the speed is no speed: "up to 4 people at once, 30 fps"), 'words' (the
    figure in number words the rules parser reads: "half a second", "two frames per
    second")."""
    x = _fmt(v)
    if form == "batch_var" and unit in ("ms", "s"):
        sizes = [b for b in (2, 4, 8, 16) if v * b <= (2000 if unit == "ms" else 2)] or [2]
        n = _pick(rng, sizes)
        total = _fmt(v * n)
        u = unit if rng.random() < 0.6 else ("milliseconds" if unit == "ms"
                                             else _seconds(v * n, "s"))
        imgs = _pick(rng, ("images", "frames", f"{img}s", "crops"))
        return Rendered(
            _pick(rng, (f"It gets {n} {imgs} at a time and has to finish them within {total} "
                        f"{u}.",
                        f"Batches of {n} must go through in under {total} {u}.",
                        f"We send {n} {imgs} in one batch, and the whole batch may take at "
                        f"most {total} {u}.",
                        f"The model sees batches of {n} {imgs}; each batch needs to be done "
                        f"in {total} {u} or less.",
                        f"Processing {n} {imgs} at a time, a batch must not take longer than "
                        f"{total} {u}.")),
            _pick(rng, (f"{n} {imgs} at a time within {total} {u}",
                        f"batches of {n} in under {total} {u}",
                        f"{total} {u} for each batch of {n} {imgs}")))
    if form == "count" and unit in ("fps", "ms"):
        k = _pick(rng, (2, 3, 4, 5, 6, 8, 10, 12))
        while k == v:
            k += 1
        what = _pick(rng, _COUNTED)
        if unit == "fps":
            return Rendered(
                _pick(rng, (f"There can be up to {k} {what} in view at once, and it must run "
                            f"at {x} fps.",
                            f"It tracks {k} {what} at the same time and needs {x} FPS.",
                            f"We have {k} cameras, {x} fps each, and the model must keep up "
                            f"with each stream.",
                            f"Up to {k} {what} at once, {x} fps.")),
                _pick(rng, (f"up to {k} {what} at once, {x} fps",
                            f"{k} cameras, {x} fps each",
                            f"tracks {k} {what}, needs {x} FPS")))
        return Rendered(
            _pick(rng, (f"Up to {k} {what} can be in a frame at once; each frame must still be "
                        f"processed within {x} ms.",
                        f"With {k} cameras feeding it, each frame has to be done in under "
                        f"{x} ms.")),
            _pick(rng, (f"up to {k} {what} per frame, under {x} ms per frame",
                        f"{k} cameras, each frame within {x} ms")))
    if form == "words":
        if unit == "s" and v == 0.5:
            return Rendered(_pick(rng, (f"Each {img} may take half a second at most.",
                                        f"It should answer in under half a second per {img}.")),
                            _pick(rng, (f"half a second per {img}",
                                        f"under half a second per {img}")))
        word = _NUMBER_WORDS.get(int(v)) if v.is_integer() else None
        if word is None:
            return None
        if unit == "s":
            sec = "second" if v == 1 else "seconds"
            return Rendered(_pick(rng, (f"It may take {word} {sec} per {img}, not more.",
                                        f"Each {img} has to be done within {word} {sec}.")),
                            _pick(rng, (f"{word} {sec} per {img}",
                                        f"at most {word} {sec} per {img}")))
        if unit == "fps":
            frames = "frame" if v == 1 else "frames"
            return Rendered(_pick(rng, (f"It needs to handle at least {word} {frames} per "
                                        "second.",
                                        f"It must run at {word} {frames} per second or more.")),
                            _pick(rng, (f"{word} {frames} per second",
                                        f"at least {word} {frames} per second")))
        if unit == "ms":
            return Rendered(f"Each {img} must be done in under {word} milliseconds.",
                            f"under {word} milliseconds per {img}")
    return None


#: Capture or snapshot intervals: how often images come, not how fast the model must be.
_INTERVALS = ("The camera takes a snapshot every {n} minutes.",
              "We sample one frame every {n} seconds for the report.",
              "A new photo arrives about every {n} minutes.",
              "The drone captures an image every {n} seconds.",
              "Images are uploaded once every {n} hours.")


def draw_speed(rng: random.Random) -> dict[str, Any]:
    unit = rng.choices([u for u, _ in _SPEED_UNITS_DRAW],
                       weights=[w for _, w in _SPEED_UNITS_DRAW])[0]
    values: Sequence[float] = {"ms": _MS_VALUES, "fps": _FPS_VALUES, "s": _S_VALUES,
                               "min": (1, 2, 5, 10)}[unit]
    return _qty(values[rng.randrange(len(values))], unit)


# --------------------------------------------------------------------------- FLOPs, params

_FLOPS_DRAW = {"GFLOPs": (0.3, 0.5, 1, 1.5, 2, 3, 4, 5, 8, 10, 20, 30, 50, 100),
               "MFLOPs": (50, 100, 150, 200, 300, 400, 500, 600, 800),
               "TFLOPs": (0.2, 0.5, 1, 2)}
_PARAMS_DRAW = {"M": (0.5, 1, 1.5, 2, 3, 4, 5, 8, 10, 15, 20, 25, 30, 50, 100),
                "K": (50, 100, 200, 300, 500, 800), "B": (0.5, 1, 2)}


def render_flops(flops: dict[str, Any], rng: random.Random) -> Rendered | None:
    """'2 billion FLOPs' states GFLOPs 2; 'million FLOPs' MFLOPs; otherwise the unit as is."""
    v, unit = float(flops["value"]), flops["unit"]
    if unit == "none":
        return None
    x = _fmt(v)
    word = {"GFLOPs": "billion", "MFLOPs": "million", "TFLOPs": "trillion"}.get(unit)
    spelled = f"{x} {word} FLOPs" if word and rng.random() < 0.4 else f"{x} {unit}"
    return Rendered(
        _pick(rng, (f"The model must stay below {spelled}.",
                    f"Keep the compute under {spelled} per {_pick(rng, ('image', 'frame'))}.",
                    f"Compute should not exceed {spelled}.",
                    f"We have a compute budget of {spelled}.")),
        _pick(rng, (f"under {spelled}", f"at most {spelled}", f"{spelled} max",
                    f"<= {spelled}", f"below {spelled}")))


def render_params(params: dict[str, Any], rng: random.Random) -> Rendered | None:
    """'500K parameters' states K 500; '5 million parameters' M 5; the unit as written."""
    v, unit = float(params["value"]), params["unit"]
    if unit == "none":
        return None
    x = _fmt(v)
    word = {"K": "thousand", "M": "million", "B": "billion"}[unit]
    compact = _pick(rng, (f"{x}{unit}", f"{x} {unit}")) if unit != "B" else f"{x}B"
    amount = f"{x} {word}" if rng.random() < 0.4 else compact
    noun = _pick(rng, ("parameters", "params"))
    return Rendered(
        _pick(rng, (f"The model should have fewer than {amount} parameters.",
                    f"Keep it below {amount} {noun}.",
                    f"It must not exceed {amount} {noun}.",
                    f"The parameter count must stay under {compact}.")),
        _pick(rng, (f"< {amount} {noun}", f"under {amount} {noun}",
                    f"fewer than {amount} {noun}", f"at most {amount} {noun}",
                    f"{amount} {noun} max")))


def draw_quantity(table: dict[str, Sequence[float]], rng: random.Random,
                  weights: Sequence[float]) -> dict[str, Any]:
    unit = rng.choices(list(table), weights=weights)[0]
    values = table[unit]
    return _qty(values[rng.randrange(len(values))], unit)


# --------------------------------------------------------------------------- metrics

# How users write each canonical metric, per task ("*" for any task).
_METRIC_SURFACES: dict[str, dict[str, tuple[str, ...]]] = {
    "accuracy": {"classification": ("accuracy", "top-1 accuracy", "classification accuracy"),
                 "*": ("pixel accuracy", "accuracy")},
    "AP": {"detection": ("mAP", "box AP", "AP50", "mAP@0.5", "average precision", "AP"),
           "segmentation": ("mask AP", "mAP", "AP"),
           "keypoint": ("AP", "OKS AP", "mAP"), "*": ("mAP", "AP")},
    "IoU": {"*": ("mIoU", "mean IoU", "IoU", "Jaccard index", "intersection over union")},
    "dice": {"*": ("Dice", "Dice coefficient", "mean Dice", "Dice score")},
    "PCK": {"*": ("PCK@0.2", "PCK", "PCKh@0.5", "PCK@0.1")},
    "AR": {"*": ("AR", "average recall")},
    "precision": {"*": ("precision",)},
    "recall": {"*": ("recall", "sensitivity")},
    "f1-score": {"*": ("F1", "F1 score", "F1-score")},
}
# Names whose value users also write in points ("mAP above 40" -> 0.40).
_POINTS_OK = {"AP", "IoU", "dice", "PCK", "AR"}
_METRIC_RANGES = {"accuracy": (80, 99), "AP": (30, 80), "IoU": (50, 90), "dice": (70, 95),
                  "PCK": (70, 98), "AR": (50, 80), "precision": (80, 99), "recall": (80, 99),
                  "f1-score": (70, 95)}
_TASK_METRICS = {"classification": ("accuracy", "precision", "recall", "f1-score"),
                 "detection": ("AP", "recall", "precision", "f1-score", "AR"),
                 "segmentation": ("IoU", "dice", "AP", "accuracy", "f1-score"),
                 "keypoint": ("AP", "PCK", "AR")}


def render_metric(metric: dict[str, Any], task: str, rng: random.Random,
                  form: str | None = None) -> Rendered:
    """Text stating one metric target; `form` 'error' writes accuracy as an error rate
    ("error below 5%" states accuracy 0.95), 'points' writes "mAP above 40"."""
    name, v = metric["name"], float(metric["value"])
    if form == "error_prose" and name == "accuracy":
        e = _fmt((1 - v) * 100)
        options = [f"the error rate has to stay below {e}%",
                   f"the misclassification rate should be under {e} percent",
                   f"no more than {e}% of the predictions may be wrong (error rate)",
                   f"we can live with an error rate of at most {e}%"]
        if (1 - v) * 100 == round((1 - v) * 100):
            options.append(f"at most {e} in 100 may be wrong")
        phrase = _pick(rng, options)
        return Rendered(_cap(phrase) + ".", phrase)
    if form == "error" or (form is None and name == "accuracy" and task == "classification"
                           and rng.random() < 0.25):
        e = _fmt((1 - v) * 100)
        what = _pick(rng, ("error rate", "error", "top-1 error", "misclassification rate"))
        return Rendered(
            _pick(rng, (f"The {what} must stay below {e}%.",
                        f"{_cap(what)} should be under {e}%.",
                        f"We can accept {_article(what)} {what} of at most {e}%.")),
            _pick(rng, (f"{what} below {e}%", f"{what} under {e}%", f"{what} <= {e}%",
                        f"{what} of at most {e}%")))
    surfaces = _METRIC_SURFACES.get(name, {"*": (name,)})
    s = _pick(rng, surfaces.get(task, surfaces["*"]))
    forms = ["pct", "pct", "frac", "frac"]
    if name in _POINTS_OK and v * 100 > 1 and "@" not in s and not s[-1].isdigit():
        forms.append("points")
    vform = form if form in ("points", "pct", "frac") else _pick(rng, forms)
    if vform == "points":
        x = _pct(v)
    elif vform == "pct":
        x = f"{_pct(v)}{_pick(rng, ('%', '%', ' percent'))}"
    else:
        x = _fmt(v)
    fragments = [f"{s} >= {x}", f"{s} of at least {x}", f"{s} above {x}",
                 f"{s} {x} or better", f"{s} of {x}"]
    if vform == "pct" and "%" in x:
        fragments.append(f"at least {x} {s}")
    return Rendered(
        _pick(rng, (f"It should reach {_article(s)} {s} of at least {x}.",
                    f"We need {s} above {x}.",
                    f"The {s} must be {x} or higher.",
                    f"Our target is {_article(s)} {s} of {x}.")),
        _pick(rng, fragments))


def draw_metric(task: str, rng: random.Random, exclude: Sequence[str] = ()) -> dict[str, Any]:
    names = [n for n in _TASK_METRICS[task] if n not in exclude] or list(_TASK_METRICS[task])
    name = names[0] if rng.random() < 0.5 else _pick(rng, names)  # the usual one first
    lo, hi = _METRIC_RANGES[name]
    return {"name": name, "value": _num(rng.randint(lo, hi) / 100)}


# --------------------------------------------------------------------------- deploy

# (where it runs, short noun, engines that make sense there)
_HW: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "cpu": [
        ("on a Raspberry Pi 4", "Raspberry Pi 4", ("none", "ncnn", "onnxruntime")),
        ("on a Raspberry Pi 5", "Raspberry Pi 5", ("none", "ncnn", "onnxruntime")),
        ("in an Android app", "Android app", ("none", "ncnn", "onnxruntime")),
        ("on-device on iPhones", "iPhone app", ("none", "onnxruntime")),
        ("on the phone itself", "smartphone", ("none", "ncnn", "onnxruntime")),
        ("on a laptop without a GPU", "laptop without GPU", ("none", "openvino", "onnxruntime")),
        ("on an Intel NUC", "Intel NUC", ("openvino",)),
        ("on the CPU only", "CPU only", ("none", "openvino", "onnxruntime")),
        ("on an ARM Cortex-A53 CPU", "ARM Cortex-A53 CPU", ("none", "ncnn", "onnxruntime")),
        ("on our office PCs without a GPU", "office PCs without GPU",
         ("none", "openvino", "onnxruntime")),
        ("on a CPU-only server", "CPU-only server", ("none", "openvino", "onnxruntime")),
        ("on an Intel Core i7 CPU", "Intel Core i7 CPU", ("none", "openvino", "onnxruntime")),
    ],
    "gpu": [
        ("on a Jetson Orin", "Jetson Orin", ("none", "tensorrt", "onnxruntime")),
        ("on a Jetson Nano", "Jetson Nano", ("none", "tensorrt")),
        ("on a Jetson Xavier NX", "Jetson Xavier NX", ("none", "tensorrt")),
        ("on our A100 server", "A100 server", ("none", "tensorrt", "onnxruntime")),
        ("on an RTX 4090", "RTX 4090", ("none", "tensorrt", "onnxruntime")),
        ("on an RTX 3060 workstation", "RTX 3060 workstation", ("none", "tensorrt")),
        ("on NVIDIA T4 GPUs", "NVIDIA T4", ("none", "tensorrt", "onnxruntime")),
        ("on a GPU server with CUDA", "CUDA GPU server", ("none", "tensorrt", "onnxruntime")),
        ("on a V100", "V100", ("none", "tensorrt")),
        ("on an NVIDIA L4 GPU", "NVIDIA L4", ("none", "tensorrt", "onnxruntime")),
    ],
    "none": [  # no processor named: 'the cloud', 'our backend', 'servers', 'a batch job'
        ("in the cloud", "cloud", ("none", "onnxruntime")),
        ("on our backend", "backend", ("none", "onnxruntime")),
        ("on our backend servers", "backend servers", ("none", "onnxruntime")),
        ("as a nightly batch job on our servers", "batch job on servers", ("none",)),
        ("behind our web API", "web API", ("none", "onnxruntime")),
    ],
}
_ENGINE_WORDS: dict[str, tuple[tuple[str, str], ...]] = {  # (with-phrase, noun)
    "onnxruntime": (("with ONNX Runtime", "ONNX Runtime"), ("using onnxruntime", "onnxruntime"),
                    ("via ONNX", "ONNX")),
    "tensorrt": (("with TensorRT", "TensorRT"), ("optimised with TensorRT", "TensorRT")),
    "openvino": (("with OpenVINO", "OpenVINO"), ("using OpenVINO", "OpenVINO")),
    "ncnn": (("using ncnn", "ncnn"), ("with ncnn", "ncnn")),
}
_NO_GPU_HW = (("on a laptop without a GPU", "laptop without a GPU"),
              ("on a machine with no GPU", "machine with no GPU"),
              ("on office computers without a graphics card", "office PC, no GPU"),
              ("on CPU only", "CPU only"))
_TRAIN_GPU = ("our A100 cluster", "8 V100s", "a rented H100", "our RTX 4090 box")


def render_deploy(gpu: str, engine: str, rng: random.Random, form: str | None = None
                  ) -> Rendered | None:
    """Text stating the target hardware class and engine exactly.

    Hardware is only named in a way the conventions classify (a phone is cpu, a Jetson is
    gpu, 'the cloud' is none); an engine is only paired with hardware where it is used, and
    TensorRT / OpenVINO / ncnn are never written without hardware (alone they would not say
    which processor it is). Forms: 'cloud' (gpu none, hardware words that name no
    processor), 'no_gpu' ("a laptop without a GPU"), 'train_gpu' (a training GPU that is
    not the target).
    """
    eng = _ENGINE_WORDS.get(engine)
    with_phrase, eng_noun = eng[rng.randrange(len(eng))] if eng else ("", "")
    if form == "no_gpu" and gpu == "cpu" and engine in ("none", "onnxruntime", "openvino"):
        loc, noun = _NO_GPU_HW[rng.randrange(len(_NO_GPU_HW))]
    elif form == "train_gpu" and gpu == "cpu":
        entries = [h for h in _HW["cpu"] if engine in h[2]]
        loc, noun, _ = entries[rng.randrange(len(entries))]
        train = _pick(rng, _TRAIN_GPU)
        tail = f" {with_phrase}" if with_phrase else ""
        return Rendered(f"We train on {train}, but inference runs {loc}{tail}.",
                        f"trained on {train}, deployed {loc}{tail}")
    else:
        entries = [h for h in _HW[gpu] if engine in h[2]]
        if not entries and gpu != "none":  # an unusual pairing in a seed: say both anyway
            entries = _HW[gpu]
        if gpu == "none" and ((form != "cloud" and rng.random() < 0.4) or not entries):
            entries = []  # hardware unstated: say nothing about it
        if not entries:
            if engine == "none":
                return None
            if engine != "onnxruntime":  # never drawn; a seed pairing TensorRT with no hardware
                return Rendered(f"We want to deploy it {with_phrase}.", eng_noun)
            return Rendered(_pick(rng, ("Please export it to ONNX.",
                                        "We will serve it with ONNX Runtime.",
                                        "It has to run with onnxruntime.")),
                            _pick(rng, ("exported to ONNX", "ONNX Runtime", "onnxruntime")))
        loc, noun, _ = entries[rng.randrange(len(entries))]
    tail = f" {with_phrase}" if with_phrase else ""
    plus = f" + {eng_noun}" if eng_noun else ""
    return Rendered(
        _pick(rng, (f"It will run {loc}{tail}.", f"We deploy {loc}{tail}.",
                    f"The model is going to be used {loc}{tail}.")),
        _pick(rng, (f"runs {loc}{tail}", f"{noun}{plus}", f"deployed {loc}{tail}")))


def _compatible_engines(gpu: str) -> tuple[str, ...]:
    return {"cpu": ("none", "none", "onnxruntime", "openvino", "ncnn"),
            "gpu": ("none", "none", "tensorrt", "tensorrt", "onnxruntime"),
            "none": ("none", "none", "none", "onnxruntime")}[gpu]


def draw_deploy(rng: random.Random) -> tuple[str, str]:
    gpu = rng.choices(("cpu", "gpu", "none"), weights=(0.38, 0.37, 0.25))[0]
    return gpu, _pick(rng, _compatible_engines(gpu))


# --------------------------------------------------------------------------- model, data

def render_model(model: str, rng: random.Random, form: str | None = None
                 ) -> Rendered | None:
    """A named architecture, also offered as an example or relayed from someone else;
    form 'decor' wraps the name in words that are not part of it ("something YOLOX-s-like",
    "Mask R-CNN is fine", "we currently use MoveNet Lightning and want something similar")."""
    if model == "none":
        return None
    if form == "decor":
        return Rendered(
            _pick(rng, (f"Something {model}-like would do.",
                        f"Something like a {model} is what we have in mind.",
                        f"{model} is fine.", f"Our vendor proposed {model}.",
                        f"We currently use {model} and want something similar.",
                        f"A {model}-based model would be ideal.",
                        f"Maybe start from {model}, unless you know better.")),
            _pick(rng, (f"something {model}-like", f"{model} is fine",
                        f"vendor proposed {model}", f"something similar to our current {model}",
                        f"{model}-based")))
    return Rendered(
        _pick(rng, (f"Something like {model} would be good.", f"A colleague suggested {model}.",
                    f"Please use {model}.", f"We'd like to try {model}.",
                    f"My boss says we should use {model}.", f"Ideally it is a {model}.")),
        _pick(rng, (f"something like {model}", f"ideally {model}", f"{model} preferred",
                    f"based on {model}", f"model: {model}")))


def render_datasets(datasets: Sequence[str], rng: random.Random) -> Rendered | None:
    if not datasets:
        return None
    names = _join(datasets)
    noun = "dataset" if len(datasets) == 1 else "datasets"
    return Rendered(
        _pick(rng, (f"Train it on {names}.", f"We want to use the {names} {noun}.",
                    f"The training data should be {names}.", f"Please train on {names}.")),
        _pick(rng, (f"trained on {names}", f"on the {names} {noun}", f"using {names}")))


def _draw(key: str, rng: random.Random) -> dict[str, Any]:
    if key == "speed":
        return draw_speed(rng)
    if key == "flops":
        return draw_quantity(_FLOPS_DRAW, rng, (0.65, 0.3, 0.05))
    return draw_quantity(_PARAMS_DRAW, rng, (0.75, 0.2, 0.05))
