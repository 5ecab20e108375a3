"""The ``seed_edit`` kind: seed text with located object names swapped and / or one
sentence appended where the seed says nothing about that field."""

from __future__ import annotations

import copy
import itertools
import random
import re
from collections.abc import Sequence
from typing import Any

from autommlab.lamp.dataset import LampItem
from autommlab.llm.ru_data.intros import _carrier_group
from autommlab.llm.ru_data.render import (
    _draw,
    draw_deploy,
    draw_metric,
    render_deploy,
    render_flops,
    render_metric,
    render_params,
    render_speed,
)
from autommlab.llm.ru_data.slots import Slots, _Pools
from autommlab.llm.ru_data.text import _article, _cap, _pick, _plural

# Seed text may be edited only where these find nothing: appending "under 20 ms" to a seed
# that says "speed doesn't matter" would contradict it.
_MENTIONS = {
    "speed": re.compile(r"real[\s-]?time|fps|frames?\b|latenc|speed|fast|quick|slow|\bms\b|"
                        r"millisec|second|\bsec\b|minute|\bmin\b|hour|throughput|batch|"
                        r"offline|per (?:image|frame|photo|scan)|\d\s*(?:s|h)\b|hz\b",
                        re.IGNORECASE),
    "parameters": re.compile(r"param|weights|model size|small|tiny|light|compact|\d\s*[kmb]\b",
                             re.IGNORECASE),
    "flops": re.compile(r"flop|compute|computation|\bmacs?\b|multiply", re.IGNORECASE),
    "metrics": re.compile(r"accura|precision|recall|sensitiv|specific|f1|f-?score|\bap\d*\b|"
                          r"\bmap\b|iou|dice|jaccard|pck|\bar\b|error|%|percent|score|\boks\b|"
                          r"metric|\d\.\d", re.IGNORECASE),
    "engine": re.compile(r"onnx|tensor\s?rt|\btrt\b|openvino|ncnn|engine|runtime|export|"
                         r"tflite|core\s?ml|\bort\b", re.IGNORECASE),
    "hardware": re.compile(r"cloud|server|backend|deploy|\brun|device|phone|mobile|android|"
                           r"\bios\b|iphone|ipad|tablet|laptop|\bpc\b|computer|cpu|gpu|jetson|"
                           r"raspberry|\bpi\b|edge|embedded|nvidia|rtx|gtx|workstation|"
                           r"browser|\bapp\b|offline|batch|nuc|intel|arm\b|cuda|a100|v100|t4|"
                           r"hardware|machine|board|camera module|kiosk|drone", re.IGNORECASE),
}


_GENERIC_SCENARIO_WORDS = {"none", "and", "of", "the", "for", "monitoring", "inspection",
                           "analysis", "analytics", "detection", "quality", "control",
                           "research", "safety", "management", "project", "imaging",
                           "automation", "app", "system", "tracking", "recognition"}


def _domain_words(scenario: str) -> set[str]:
    """The words of a scenario that name a domain ('agriculture', 'driving'), not an
    activity ('monitoring', 'inspection'), so 'wildlife monitoring' ~ 'wildlife'."""
    return set(re.findall(r"[a-z]+", scenario.lower())) - _GENERIC_SCENARIO_WORDS


def _locate_objects(text: str, objects: Sequence[str]) -> list[tuple[int, int, bool]] | None:
    """(start, end, written in the plural) of each object, or None unless every object
    occurs exactly once as a whole word and no two occurrences overlap."""
    spans: list[tuple[int, int, bool]] = []
    for obj in objects:
        forms = {obj: False}
        plural = _plural(obj)
        if plural and plural != obj:
            forms[plural] = True
        alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        hits = list(re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", text, re.IGNORECASE))
        if len(hits) != 1:
            return None
        m = hits[0]
        spans.append((m.start(), m.end(), forms.get(m.group(0).lower(), False)))
    ordered = sorted(spans)
    if any(a[1] > b[0] for a, b in itertools.pairwise(ordered)):
        return None
    return spans


def _swap_objects(text: str, objects: list[str], new: list[str]) -> str | None:
    spans = _locate_objects(text, objects)
    if spans is None:
        return None
    edits = []
    for (start, end, plural), replacement in zip(spans, new, strict=True):
        word = _plural(replacement) if plural else replacement
        if word is None:
            return None  # the seed wrote a plural this class has no certain plural for
        if text[start].isupper():
            word = _cap(word)
        edits.append((start, end, word))
    for start, end, word in sorted(edits, reverse=True):
        before = text[:start]
        article = re.search(r"(?<![\w-])(an?) $", before, re.IGNORECASE)
        if article:  # keep "a"/"an" right for the new word
            art = _article(word.lower() if word[:1].isupper() and word[1:2].islower() else word)
            if article.group(1)[0].isupper():
                art = _cap(art)
            before = before[:article.start(1)] + art + " "
        text = before + word + text[end:]
    return text


def _seed_edit(item: LampItem, slots: Slots, pool: _Pools, rng: random.Random
               ) -> tuple[str, dict[str, Any]] | None:
    """Seed text with located object names swapped and/or one sentence appended (None when
    this seed allows no exact edit)."""
    text, parse = item.request, copy.deepcopy(item.parse)
    edited = False
    if not slots.datasets and rng.random() < 0.7:
        # a dataset names its classes; swapping them under a named dataset would not fit
        group = _carrier_group(slots.objects[0]) if slots.task == "keypoint" else ""
        candidates = [(o, scenario) for o, scenario, _, _ in pool.object_lists
                      if len(o) == len(slots.objects) and not set(o) & set(slots.objects)
                      and (slots.task != "keypoint" or _carrier_group(o[0]) == group != "other")]
        # Classes from the same scenario keep the seed's story plausible ("a greenhouse
        # robot ... ripe and unripe tomatoes"); any other classes only now and then.
        words = _domain_words(slots.scenario)
        related = [o for o, scenario in candidates if words & _domain_words(scenario)]
        candidates = related or ([o for o, _ in candidates] if rng.random() < 0.2 else [])
        if candidates:
            new = list(candidates[rng.randrange(len(candidates))])
            swapped = _swap_objects(text, slots.objects, new)
            if swapped is not None:
                text, edited = swapped, True
                parse["data"]["object"] = new
                parse["data"]["description"] = f"Images of {', '.join(new)}."
    appendable = []
    model = parse["model"]
    for key in ("speed", "flops", "parameters"):
        if model[key]["unit"] == "none" and not _MENTIONS[key].search(text):
            appendable.append(key)
    if not model["metrics"] and not _MENTIONS["metrics"].search(text):
        appendable.append("metrics")
    deploy = parse["deploy"]
    if deploy["inference engine"] == "none" and not _MENTIONS["engine"].search(text) \
            and deploy["gpu"] in ("cpu", "gpu", "none"):
        appendable.append("engine")
    if deploy["gpu"] == "none" and deploy["inference engine"] == "none" \
            and not _MENTIONS["hardware"].search(text):
        appendable.append("hardware")
    last_line = text.rstrip().splitlines()[-1] if text.strip() else ""
    if len(last_line.split()) < 4:
        appendable = []  # a letter's sign-off ("Best, Carla"): nothing goes after it
    if appendable and (not edited or rng.random() < 0.5):
        key = _pick(rng, appendable)
        sentence = _append_sentence(key, parse, rng)
        sep = "\n" if "\n" in text else " "
        if text.rstrip()[-1:] not in ".!?":
            text = text.rstrip() + "."
        text = text.rstrip() + sep + sentence
        edited = True
    return (text, parse) if edited else None


def _append_sentence(key: str, parse: dict[str, Any], rng: random.Random) -> str:
    """A sentence stating one field the seed left empty, and that field set in `parse`."""
    model, deploy, task = parse["model"], parse["deploy"], parse["model"]["task"]
    if key in ("speed", "flops", "parameters"):
        value = _draw(key, rng)
        model[key] = value
        render = {"speed": render_speed, "flops": render_flops, "parameters": render_params}
        rendered = render[key](value, rng)
        assert rendered is not None  # a drawn quantity always has a unit
        return rendered.clause
    if key == "metrics":
        metric = draw_metric(task, rng)
        model["metrics"] = [metric]
        return render_metric(metric, task, rng).clause
    if key == "engine":
        engine = _pick(rng, {"gpu": ("tensorrt", "onnxruntime"), "cpu": ("onnxruntime",),
                             "none": ("onnxruntime",)}[deploy["gpu"]])
        deploy["inference engine"] = engine
        deploy["description"] = f"Deploy with {engine}."
        return _pick(rng, {"tensorrt": ("We'd like to deploy it with TensorRT.",
                                        "Please optimise it with TensorRT."),
                           "onnxruntime": ("Please export it to ONNX.",
                                           "We will serve it with ONNX Runtime.")}[engine])
    gpu, engine = draw_deploy(rng)
    rendered = render_deploy(gpu, engine, rng, form="cloud" if gpu == "none" else None)
    assert rendered is not None  # 'cloud' always names where it runs
    deploy.update({"gpu": gpu, "inference engine": engine,
                   "description": f"Deploy on {gpu}, engine {engine}."})
    return rendered.clause
