"""Which class phenomena a (request, parse) pair shows (`object_phenomena`), whatever
its kind."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from autommlab.lamp.dataset import LampItem
from autommlab.llm.ru_data.classes import _QUALIFIER_WORDS
from autommlab.llm.ru_data.focus_render import _CAPTURE_TEXT, _CARRIER_POINTS, _STYLE_CLASSES
from autommlab.llm.ru_data.intros import _PARTS
from autommlab.llm.ru_data.lists import _ADJECTIVES
from autommlab.llm.ru_data.text import _NONE_QTY, _plural
from autommlab.llm.ru_forms import ERROR_METRIC, numbers_in, written_metric, written_speed

#: The class phenomena `object_phenomena` reports.
PHENOMENA = ("parts", "negation", "qualifier", "late", "long", "kinds", "adjective", "cue",
             "batch", "count", "interval", "number_word", "error", "decor", "person",
             "batch_form", "count_speed", "error_form", "shared_metric", "relaxed_metric",
             "style_classes", "carrier_points", "annotation_noun", "budget_pair",
             "capture_device", "shared_head")
_KINDS_TEXT = re.compile(r"\b(?:kind|type|species) of\b|\bby species\b|\bsuch as\b|"
                         r"\bnamely\b|\bwhich \w+ it is\b|\bper \w+ type\b", re.IGNORECASE)
_ADJECTIVE_CLASSES = frozenset(a for *_, adjs in _ADJECTIVES for a in adjs)
_CUE_TEXT = re.compile(r"put a box around|boxes please|with bounding boxes|with a box for each|"
                       r"at pixel level|mask per class|pixel by pixel|which pixels belong|"
                       r"but only for|restricted to", re.IGNORECASE)
_TRAP_TEXT = {
    "batch": re.compile(r"\bbatch|\bat a time\b", re.IGNORECASE),
    "count": re.compile(r"\b\d+ (?:cameras|people|players|workers|vehicles|parts|animals|"
                        r"faces|boxes)\b[^.]*\b(?:fps|ms)\b", re.IGNORECASE),
    "interval": re.compile(r"\bevery \d+ (?:seconds|minutes|hours)\b", re.IGNORECASE),
    "number_word": re.compile(r"\b(?:half a|one|two|three|four|five|six|eight|ten|twelve|"
                              r"fifteen|twenty|twenty-five|thirty|forty|fifty|sixty|a hundred) "
                              r"(?:seconds?|frames? per second|milliseconds)\b", re.IGNORECASE),
    "error": re.compile(r"\berror|misclassif|\bwrong\b", re.IGNORECASE),
    "decor": re.compile(r"-like\b|-based\b|\bis fine\b|\bvendor proposed\b|"
                        r"something similar\b|\bsomething like an? \b", re.IGNORECASE),
}
_PART_WORD = re.compile(r"\b(?:" + "|".join(sorted(
    {w.rstrip("s") for g in _PARTS.values() for text in g
     for w in re.findall(r"[a-z-]+", text)} - {"and", "of", "both", "four", "end", "point",
                                                "side", "tip", "corner", "base", "head", "arm",
                                                "joint", "leg", "foot", "face"},
    key=len, reverse=True)) + r")(?:s|es)?\b", re.IGNORECASE)
_NEGATION_TEXT = re.compile(r"\bor not\b|with or without|whether or not|\bor no \w|"
                            r"whether there (?:is|are)|\bor non-\w|\bnot yet\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
_SPEED_FIGURE = re.compile(r"\d\s*(?:fps|ms\b|frames per second)", re.IGNORECASE)
_COUNT_WORDS = re.compile(r"\b(?:up to|as many as|around|tracks|watches|all|with|run|hold) "
                          r"\d+ [a-z]|"
                          r"\b\d+ (?:cameras?|camera streams|classes)\b|\b\d+ [a-z]+(?: [a-z]+)? "
                          r"(?:per (?:frame|image)|in a frame|at once|in view|at the same time)",
                          re.IGNORECASE)
_BATCH_TIME_TEXT = re.compile(r"at a time|batch(?:es)? of|per batch|batch size|\b(?:a|each|"
                              r"every|one|the whole) batch\b", re.IGNORECASE)
_RELAXED_TEXT = re.compile(r"can be lower|matters? less|(?:don't|do not|doesn't) (?:care|matter)|"
                           r"not a priority|less important|no (?:particular )?[\w-]+ target|"
                           r"no target for|nice to have|is secondary|\bignore [\w-]+\b",
                           re.IGNORECASE)
_POINTS_AFTER = re.compile(r"(?:keypoints?|landmarks?)(?:[^.()\n:]{0,40}[(:]|, namely\b)",
                           re.IGNORECASE)


def _focus_phenomena(text: str, task: str, objects: list[str], model: dict[str, Any]
                     ) -> set[str]:
    """The 'focus' kind's phenomena (any kind may show them): 'batch_form' (a batch time
    the answer writes in the batch form), 'count_speed' (a count in the sentence of a
    speed), 'error_form' (an error rate the answer writes as `error`), 'shared_metric'
    (one figure for several metrics), 'relaxed_metric' (a metric named as unimportant),
    'style_classes' (region / material / style labels), 'carrier_points' (a keypoint
    carrier with its points after it), 'annotation_noun' ("car boxes"), 'budget_pair'
    (parameters and FLOPs), 'capture_device' (a camera model), 'shared_head' ("red, green
    and yellow apples")."""
    found: set[str] = set()
    speed = model["speed"]
    if speed["unit"] != "none" and "batch" in written_speed(text, speed):
        found.add("batch_form")
    if speed["unit"] in ("fps", "ms") and any(
            _SPEED_FIGURE.search(c) and _COUNT_WORDS.search(c) and not _BATCH_TIME_TEXT.search(c)
            for c in re.split(r"\.\s|\n", text)):
        found.add("count_speed")
    if any(written_metric(text, m)["name"] == ERROR_METRIC for m in model["metrics"]):
        found.add("error_form")
    values = Counter(float(m["value"]) for m in model["metrics"])
    numbers = numbers_in(text)
    if any(k >= 2 and sum(1 for n in numbers if math.isclose(n, v) or math.isclose(n, v * 100))
           < k for v, k in values.items()):
        found.add("shared_metric")
    if _RELAXED_TEXT.search(text):
        found.add("relaxed_metric")
    if task == "classification" and objects and all(o in _STYLE_CLASSES for o in objects):
        found.add("style_classes")
    if task == "keypoint" and len(objects) == 1 and objects[0] in _CARRIER_POINTS \
            and _POINTS_AFTER.search(text):
        found.add("carrier_points")
    if any(re.search(rf"\b{re.escape(o)} (?:bounding )?(?:boxes|masks|outlines|polygons)\b",
                     text, re.IGNORECASE) for o in objects):
        found.add("annotation_noun")
    if model.get("flops", _NONE_QTY)["unit"] != "none" and \
            model.get("parameters", _NONE_QTY)["unit"] != "none":
        found.add("budget_pair")
    if _CAPTURE_TEXT.search(text):
        found.add("capture_device")
    heads = {o.rsplit(" ", 1)[-1] for o in objects}
    if len(objects) >= 2 and len(heads) == 1 and all(" " in o for o in objects):
        plural = _plural(heads.pop())
        if plural and plural in text and not all(o in text for o in objects):
            found.add("shared_head")
    return found


def object_phenomena(item: LampItem) -> set[str]:
    """The phenomena a pair shows, read from its text and parse (for shares and tests):
    'parts' (a keypoint request naming parts of its carrier), 'negation' (a no / not /
    without phrase around the classes), 'qualifier' (classes kept apart by a qualifier, or
    states of a named subject), 'late' (no class in the first sentence), 'long' (4 or more
    classes), 'kinds' (kinds after a category noun: "the kind of bird (robin, wren)"),
    'adjective' (adjective classes of a cue such as "edge" or "pose"), 'cue' (detection or
    segmentation in other words: "put a box around", "pixel by pixel", "Train DETR on COCO,
    but only for"), 'batch' (a time per batch), 'count' (a count beside a speed),
    'interval' (a capture interval), 'number_word' (a speed in number words), 'error' (an
    error rate as the accuracy target), 'decor' (a decorated model name), 'person' (a
    keypoint request for humans / people / body: the class is person)."""
    text, objects = item.request, [o.lower() for o in item.parse["data"]["object"]]
    found: set[str] = set()
    model = {"speed": {"unit": "none"}, "metrics": [], "specific_model": "none",
             **item.parse.get("model", {})}
    if len(objects) >= 4:
        found.add("long")
    if len(objects) >= 2 and _KINDS_TEXT.search(text) and not (
            item.task == "keypoint" and _PART_WORD.search(text)):
        found.add("kinds")
    if item.task == "classification" and objects and all(
            o in _ADJECTIVE_CLASSES for o in objects):
        found.add("adjective")
    if item.task in ("detection", "segmentation") and _CUE_TEXT.search(text):
        found.add("cue")
    if model["speed"]["unit"] != "none" and _TRAP_TEXT["batch"].search(text):
        found.add("batch")
    for name in ("count", "interval", "number_word"):
        if _TRAP_TEXT[name].search(text):
            found.add(name)
    if _TRAP_TEXT["error"].search(text) and any(
            m["name"] == "accuracy" for m in model["metrics"]):
        found.add("error")
    if model["specific_model"] not in ("none", "") and _TRAP_TEXT["decor"].search(text):
        found.add("decor")
    if item.task == "keypoint" and objects == ["person"] and re.search(
            r"\bhumans?\b|\bpeople\b|\bbody\b", text, re.IGNORECASE) and not re.search(
            r"\bpersons?\b", text, re.IGNORECASE):
        found.add("person")
    # a part word inside a class name ("license plates") is no part
    no_classes = re.sub("|".join(re.escape(f) for o in objects for f in (_plural(o) or o, o)),
                        " ", text, flags=re.IGNORECASE) if objects else text
    if item.task == "keypoint" and _PART_WORD.search(no_classes) and \
            not any(_PART_WORD.fullmatch(o) for o in objects):
        found.add("parts")
    if _NEGATION_TEXT.search(text) or any(
            re.match(r"(?:no|non|not|without|with)\b", o) or " without " in o for o in objects):
        found.add("negation")
    if any(len(o.split()) > 1 and o.split()[0] in _QUALIFIER_WORDS for o in objects) or (
            item.task == "classification" and objects
            and all(o in _QUALIFIER_WORDS for o in objects)):
        found.add("qualifier")
    # the first sentence: the first one of 4+ words that is not a bullet's task line
    # (greetings and headers such as "hey!" or "Request" say nothing either way)
    chunks = [c for c in _SENTENCE_END.split(text.strip()) if c.strip()]
    first = next((i for i, c in enumerate(chunks) if len(c.split()) >= 4
                  and not re.match(r"\W*task:", c, re.IGNORECASE)), None)
    if objects and first is not None:
        def named(chunk: str) -> bool:
            low = chunk.lower()
            return any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", low)
                       for o in objects for f in {o, _plural(o) or o, o.split()[-1]})
        if not any(named(c) for c in chunks[:first + 1]) and \
                any(named(c) for c in chunks[first + 1:]):
            found.add("late")
    return found | _focus_phenomena(text, item.task, objects, model)
