"""RU-LLaMA's training data: seed request/parse pairs -> thousands of varied, exact pairs.

The LoRA-tuned request-understanding model learns from (request text, parse) pairs. The
hand-written LAMP-style dev sets are the seeds; this module multiplies them without ever
letting a generated text drift away from its parse. Two rules keep every pair exact:

* Slot-built text: a request is assembled from slots (task, objects, model, datasets,
  speed, FLOPs, parameters, metrics, hardware, engine) by renderers that each state one
  known value, so the parse is built from the same slots the text was built from.
* Span edits of seed text only where the span is located exactly: object names that
  occur verbatim exactly once are swapped, and a sentence stating a field is appended only
  when the seed's parse leaves that field empty and its text has no word about it. Seed
  text is never rewritten with patterns that could leave it inconsistent with its parse.

Variation kinds (the id of a generated item says its kind: ``ru-<kind>-<n>-<seed id>``):

* ``original``   the seeds themselves.
* ``numbers``    a seed's slots with speed / FLOPs / parameter / metric constraints drawn
  again: other values, units and phrasings (per-minute rates, batch times, error rates,
  "mAP above 40", percent vs fraction, "2 billion FLOPs").
* ``swap``       a seed's constraints with objects from another seed of the same task, and
  a fresh model name, datasets, hardware and inference engine.
* ``paraphrase`` a seed's own slots, same values, in another sentence frame.
* ``trap``       the cases PARSE_CONVENTIONS.md calls out: "real time" with no number,
  "speed doesn't matter", capture frame rates, generic words ("items", "objects"),
  keypoint requests that list joints or parts, the cloud / a backend, a training GPU that is
  not the target, "no GPU", error rates (also half percents), rates per minute or hour (also
  of items on a line), times per batch (also "a batch every 300 ms"), AP in points, and a
  metric named with no target ("precision can be lower"). 60% of traps are the ones the
  adapter still failed on evaluation sets (`_HARD_TRAPS`): batch times in other words ("8
  crops at a time within 400 ms" -> 50 ms), counts beside a speed ("up to 4 people at once,
  30 fps" -> 30 fps; "2 cameras, 15 fps each"), capture intervals that are no requirement
  ("a snapshot every 5 minutes"), speeds in number words the rules parser reads ("half a
  second", "two frames per second"), error rates inside longer prose ("misclassification
  rate under 7 percent"), decorated model names ("something YOLOX-s-like" -> YOLOX-s,
  "Mask R-CNN is fine", "we currently use MoveNet Lightning and want something similar").
* ``seed_edit``  seed text with located object names swapped and/or one sentence appended.
* ``classes``    the seed's constraints with class phrasings the adapter got wrong, labelled
  as the dev sets label them: keypoint carriers next to their parts ("keypoints of cars
  (wheels, headlights)" -> car; shirts, documents, robot arms, ... not only creatures);
  negative words ("crack or no crack" -> crack, no crack; "is there a crack or not? The two
  classes are crack and no crack"; "workers with and without helmets"; "all workers, with or
  without helmets" -> worker; "defective or non-defective"); qualifiers ("ripe and unripe
  tomatoes" -> ripe tomato, unripe tomato; "whether a banana is ripe or overripe" -> ripe,
  overripe); classes named only after the first sentence or after the requirements.
* ``lists``      the seed's constraints with class lists the adapter got wrong: 4-6 classes
  (some multi-word, some a word-prefix of another: "pin, pinhole", "crack, crack line")
  written "a, b, c, d or e", in brackets after a category noun, after a colon or in a
  sentence of their own (every class labelled, the category never); kinds after a category
  noun ("the kind of bird in a photo (robin, wren, jay, finch)" -> robin, wren, jay, finch);
  adjective classes of a cue word that suggests another task ("classify the margin of each
  leaf as lobed, serrated, entire or toothed" -> classification); detection / segmentation
  in other words ("put a box around each", "outline ... at pixel level", "a mask per class",
  "Train DETR on COCO, but only for dog, cat and horse" -> model DETR, dataset COCO); and
  keypoints of "humans", "people", "body", "human pose" -> person.
  `object_phenomena` tells which of these a pair shows (``parts``, ``negation``,
  ``qualifier``, ``late``, ``long``, ``kinds``, ``adjective``, ``cue``, ``batch``,
  ``count``, ``interval``, ``number_word``, ``error``, ``decor``, ``person``), whatever
  its kind.

Evaluation sets (`EVAL_FILES`) never feed generation, and `check_disjoint` refuses a
training set with a request equal or nearly equal to an evaluation request.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
import random
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from autommlab.errors import AutommlabError
from autommlab.lamp.dataset import LampItem, read_lamp_jsonl
from autommlab.llm.ru_forms import ERROR_METRIC, numbers_in, written_metric, written_speed
from autommlab.understand.schema import schema_errors
from autommlab.wordnet import is_adjective_only, is_noun

# --------------------------------------------------------------------------- files

_DATA_DIR = Path(__file__).resolve().parents[3] / "tests" / "data"
#: The dev sets: the only files generation reads.
SEED_FILES: tuple[Path, ...] = (_DATA_DIR / "lamp_dev.jsonl",
                                *(_DATA_DIR / f"lamp_dev{i}.jsonl" for i in range(2, 11)))
#: Evaluation sets: never generation input; training data is checked against them.
EVAL_FILES: tuple[Path, ...] = (_DATA_DIR / "lamp_holdout.jsonl", _DATA_DIR / "lamp_test.jsonl",
                                _DATA_DIR / "lamp_select.jsonl")

TASKS = ("classification", "detection", "segmentation", "keypoint")
KINDS = ("original", "numbers", "swap", "paraphrase", "trap", "seed_edit", "classes", "lists",
         "focus")
#: Share of each generated kind (the originals are kept on top, see `generate_ru_pairs`).
#: 'focus' (about a fifth of a 4000-item build) took its share from all others in proportion.
KIND_WEIGHTS: dict[str, float] = {"numbers": 0.09, "swap": 0.085, "paraphrase": 0.085,
                                  "trap": 0.185, "seed_edit": 0.095, "classes": 0.085,
                                  "lists": 0.155, "focus": 0.22}
#: At most this share of the output is originals (all seeds fit in a 5000-item build).
ORIGINAL_MAX_SHARE = 0.3
#: `check_disjoint`: rapidfuzz ratio at or above which two requests are near copies.
NEAR_COPY_RATIO = 95.0

_T = TypeVar("_T")
_KIND_ID = re.compile(r"^ru-(?P<kind>[a-z_]+)-\d+-")


def variation_kind(item: LampItem) -> str:
    """The variation kind of an item `generate_ru_pairs` made (seeds: ``original``)."""
    m = _KIND_ID.match(item.id)
    return m.group("kind") if m else "original"


# --------------------------------------------------------------------------- numbers


def _fmt(value: float, commas: bool = False) -> str:
    """A number as a person writes it: 20, 0.5, 1.25 (no float noise, no '20.0')."""
    value = round(float(value), 6)
    if value.is_integer():
        return f"{int(value):,}" if commas else str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _num(value: float) -> int | float:
    """A parse value: 20 rather than 20.0 (as in the dev sets); float noise rounded away."""
    value = round(float(value), 10)
    return int(value) if value.is_integer() else value


def _pct(fraction: float) -> str:
    return _fmt(fraction * 100)


def _qty(value: float, unit: str) -> dict[str, Any]:
    return {"value": _num(value), "unit": unit}


_NONE_QTY: dict[str, Any] = {"value": 0, "unit": "none"}

# --------------------------------------------------------------------------- words

# Plurals: only words whose plural is certain are pluralised; everything else is written in
# the singular (a class list "rust, soiling" reads fine). The parse is always the singular.
_IRREGULAR = {
    "person": "people", "man": "men", "woman": "women", "child": "children",
    "mouse": "mice", "goose": "geese", "tooth": "teeth", "foot": "feet", "knife": "knives",
    "leaf": "leaves", "wolf": "wolves", "calf": "calves", "shelf": "shelves", "loaf": "loaves",
    "fish": "fish", "sheep": "sheep", "deer": "deer", "moose": "moose", "salmon": "salmon",
    "trout": "trout", "tuna": "tuna", "shrimp": "shrimp", "aircraft": "aircraft",
    "tomato": "tomatoes", "potato": "potatoes", "mango": "mangoes", "bus": "buses",
    "rhino": "rhinos", "zebra": "zebras", "louse": "lice", "ox": "oxen", "cactus": "cacti",
    "nucleus": "nuclei", "starfish": "starfish", "jellyfish": "jellyfish", "swine": "swine",
    "dice": "dice", "series": "series", "species": "species", "lens": "lenses",
    "photo": "photos", "piano": "pianos", "kangaroo": "kangaroos", "logo": "logos",
    "video": "videos", "radio": "radios", "silo": "silos", "tattoo": "tattoos",
}
# Mass nouns and words that name a material or a state: never pluralised.
_MASS = {
    "rust", "graffiti", "corrosion", "debris", "litter", "smoke", "fire", "water", "grass",
    "hair", "sky", "vegetation", "soil", "mold", "mould", "damage", "foam", "oil", "sand",
    "snow", "ice", "moss", "algae", "blood", "fog", "dust", "mud", "trash", "garbage",
    "waste", "clothing", "equipment", "furniture", "luggage", "baggage", "background",
    "road", "skin", "stroma", "edema", "necrosis", "fluid", "plastic", "paper", "glass",
    "metal", "cardboard", "wood", "concrete", "asphalt", "gravel", "terrain", "cloud",
    "shadow", "rice", "wheat", "corn", "lettuce", "cheese", "bread", "meat",
    "cotton", "linen", "silk", "wool", "polyester", "leather", "denim", "foliage",
    "tissue", "fat", "muscle", "bone", "enamel", "dentin", "pulp", "caries", "plaque",
    "scale", "spalling", "efflorescence", "porosity", "slag", "weed", "kelp", "coral",
    "seagrass", "pneumonia", "normal", "healthy", "diseased", "good", "bad", "defective",
    "ripe", "unripe", "pass", "fail", "ok", "clear", "cloudy", "rain", "rainy",
    "sunny", "snowy", "blurry", "sharp", "benign", "malignant", "crop",
    "cropland", "forest", "farmland", "grassland", "wetland", "urban", "bare", "erosion",
    "lightning", "soiling", "lane", "sidewalk", "building",
    "pavement", "flooring", "tumor", "tumour", "liver", "lung", "heart", "brain", "kidney",
    "spleen", "retina", "myocardium", "epithelium", "cartilage", "dermis", "wall", "glue",
    "sealant", "paint", "grease", "ink", "varnish", "mortar", "grout", "lichen", "mildew",
}
_NOT_MODIFIERS = {"with", "without", "of", "in", "on", "for", "from", "at", "by", "to", "and",
                  "or", "not", "no", "worn", "under", "over"}
# Labels that are states even where WordNet also lists a noun sense ("a normal", "a short").
_STATES = {"normal", "short", "present", "good", "bad", "clear", "empty", "full", "open",
           "closed", "intact", "fine", "ok", "positive", "negative", "other", "missing"}
_ADJECTIVE_END = re.compile(r"(?:ed|ing|ous|ive|ful|less|able|ible|al|ic|ish|y)$")


@lru_cache(maxsize=4096)
def _countable_head(word: str) -> bool:
    """Whether `word` can head a plural class name: a WordNet noun that is not only a state
    ('battery' yes; 'healthy', 'defective' no). Without WordNet data, a suffix heuristic."""
    if word in _IRREGULAR:
        return True
    if word in _STATES:
        return False
    try:
        return is_noun(word) and not is_adjective_only(word)
    except AutommlabError:  # WordNet data not installed: stay on the safe side
        return not ((_ADJECTIVE_END.search(word) and len(word) > 4) or word.endswith("ly"))


def _plural(noun: str) -> str | None:
    """The plural of a class name, or None when it is not certain (then keep the singular)."""
    words = noun.split()
    last = words[-1] if words else ""
    if not re.fullmatch(r"[a-z]+(?:-[a-z]+)?", last) or last in _MASS:
        return None
    if re.search(r"-(?:up|in|out|off|on|down|over)$", last):
        return None  # "built-up", "check-in": not a countable head noun
    if _NOT_MODIFIERS & set(words[:-1]):
        return None  # "face with mask" -> "faces with mask": the head is not the last word
    if not _countable_head(last):
        return None
    if last in _IRREGULAR:
        plural = _IRREGULAR[last]
    elif last.endswith(("ch", "sh", "x")):
        plural = last + "es"
    elif last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "z", "f", "fe", "o", "i", "um", "ae", "ex", "ix")):
        return None
    else:
        plural = last + "s"
    return " ".join([*words[:-1], plural])


def _natural(nouns: Sequence[str], rng: random.Random, p_plural: float = 1.0) -> list[str]:
    """How classes are named in running text: plurals where certain (one choice for the
    whole list, so a list reads evenly), else as written."""
    if rng.random() >= p_plural:
        return list(nouns)
    return [_plural(noun) or noun for noun in nouns]


def _join(items: Sequence[str], conj: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def _article(word: str) -> str:
    """'a' or 'an' by sound: 'an mAP', 'an F1', 'an apple', 'a Dice', 'a PCK'."""
    head = word.split()[0]
    if head[:1].isupper() and (len(head) == 1 or head[1:2].isupper() or head[1:2].isdigit()):
        return "an" if head[0] in "AEFHILMNORSX" else "a"  # an acronym: the letter's name
    if head.startswith(("mAP", "mIoU")):
        return "an"
    return "an" if head[:1].lower() in "aeiou" else "a"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _uncap(text: str) -> str:
    """Lower-case the first letter unless the first word is a name ('TensorRT', 'mAP')."""
    first = text.split(" ", 1)[0]
    if first[1:2].isupper() or any(ch.isdigit() for ch in first) or first in ("I",):
        return text
    return text[:1].lower() + text[1:]


# --------------------------------------------------------------------------- slots


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


def _pick(rng: random.Random, options: Sequence[_T]) -> _T:
    return options[rng.randrange(len(options))]


# --------------------------------------------------------------------------- speed

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


# --------------------------------------------------------------------------- task intros

_HUMANS = {
    "person", "worker", "patient", "player", "golfer", "dancer", "pedestrian", "tennis player",
    "climber", "human", "baby", "infant", "basketball player", "yoga practitioner", "shopper",
    "resident", "customer", "fashion model", "weightlifter", "cyclist", "participant",
    "passenger", "student", "athlete", "warehouse worker", "skateboarder", "picker", "runner",
    "gymnast", "streamer", "figure skater", "operator", "jockey", "driver", "football player",
    "swimmer", "boxer", "skier", "surgeon", "child",
}
_QUADRUPEDS = {"dog", "horse", "cat", "mouse", "cow", "pig", "sheep", "macaque", "dairy cow",
               "giraffe", "zebra", "elephant", "tiger", "monkey", "rat", "chimpanzee",
               "gorilla", "orangutan", "lion", "goat", "deer", "lizard"}
_BIRDS = {"bird", "pigeon", "chicken", "broiler chicken", "duck", "parrot"}
_FISH = {"fish", "salmon", "zebrafish", "trout"}
_INSECTS = {"fruit fly", "insect", "bee", "ant", "locust"}
_JOINTS: dict[str, tuple[str, ...]] = {
    "human": ("shoulders, elbows, wrists, hips, knees and ankles", "head, shoulders and hips",
              "elbows, knees and ankles", "wrists, elbows and shoulders"),
    "hand": ("fingertips and knuckles", "fingertips, knuckles and wrist"),
    "face": ("eyes, nose and mouth corners", "eye corners, nose tip and chin"),
    "quadruped": ("nose, eyes, paws and tail base", "nose, ears, legs and tail",
                  "head, withers and hooves"),
    "bird": ("beak, wings, feet and tail", "beak, eyes and wing tips"),
    "fish": ("snout, fins and tail", "head, dorsal fin and tail fork"),
    "insect": ("head, thorax, legs and wings", "antennae, legs and wings"),
}


# Things (not creatures) that carry keypoints, by the parts requests name on them. A 135M
# model reading "keypoints of cars (wheels, headlights)" tends to copy the parts as classes;
# these let the generator write such requests for every carrier kind the dev sets have.
_THING_CARRIERS: dict[str, frozenset[str]] = {
    "vehicle": frozenset({"car", "truck", "bus", "van", "tractor", "vehicle"}),
    "top": frozenset({"shirt", "t-shirt", "dress", "jacket", "hoodie", "blouse", "sweater",
                      "short sleeve top"}),
    "flat": frozenset({"document", "license plate", "pallet", "connector housing", "book",
                       "usb-c connector", "toolbox", "drill case", "parcel", "whiteboard"}),
    "arm": frozenset({"robot arm", "robotic arm"}),
    "excavator": frozenset({"excavator"}),
    "foot": frozenset({"foot"}),
    "instrument": frozenset({"surgical instrument", "laparoscopic grasper",
                             "laparoscopic instrument"}),
    "plant": frozenset({"maize plant", "tomato plant", "seedling"}),
}
#: The parts requests name on a carrier, per carrier group (creatures: `_JOINTS`).
_PARTS: dict[str, tuple[str, ...]] = {
    **_JOINTS,
    "vehicle": ("wheels, headlights and mirrors", "wheel centres, headlights and taillights",
                "wheels and bumper corners", "headlights, taillights and licence plate corners",
                "wheel hubs, mirrors and roof corners"),
    "top": ("collar, sleeves and hem", "collar, sleeve ends and hem corners",
            "neckline, shoulders, cuffs and hem", "collar and sleeve tips"),
    "flat": ("four corners", "corners", "corner points"),
    "arm": ("base, shoulder, elbow, wrist and gripper", "joints and end-effector",
            "base, elbow, wrist and gripper tip"),
    "excavator": ("bucket tip, arm joint, boom base and cab", "boom, arm and bucket"),
    "foot": ("toe, heel and ankle", "toe tip, heel and both sides"),
    "instrument": ("tip, joint and shaft end", "jaw tips, joint and shaft"),
    "plant": ("leaf tips and stem base", "leaf tips, nodes and stem base"),
}
#: Carriers no dev seed has, so the parts-vs-carrier rule is not learnt for a fixed list.
_EXTRA_CARRIERS: tuple[tuple[str, ...], ...] = (
    ("truck",), ("bus",), ("van",), ("tractor",), ("jacket",), ("hoodie",), ("sweater",),
    ("parcel",), ("book",), ("whiteboard",), ("tomato plant",), ("seedling",), ("car", "van"),
    ("shirt", "jacket"), ("bus", "truck"))


def _carrier_group(carrier: str) -> str:
    if carrier in ("hand", "face"):
        return carrier
    for group, members in (("human", _HUMANS), ("quadruped", _QUADRUPEDS), ("bird", _BIRDS),
                           ("fish", _FISH), ("insect", _INSECTS), *_THING_CARRIERS.items()):
        if carrier in members:
            return group
    return "other"


def _parts_group(objects: Sequence[str]) -> str | None:
    """The part group all `objects` share ("car", "truck" -> vehicle), or None."""
    groups = {_carrier_group(o) for o in objects}
    group = next(iter(groups)) if len(groups) == 1 else None
    return group if group in _PARTS and 1 <= len(objects) <= 2 else None


@dataclass(frozen=True)
class Intro:
    """The task and its objects: `verb` follows 'We need a model that can ...', `noun`
    opens a terse request, `lines` are bullet-style lines."""

    verb: str
    noun: str
    lines: tuple[str, ...]
    #: A sentence naming the classes, set when `verb`, `noun` and `lines` name none: it
    #: closes the request (after the requirements) or, with `second`, follows the opening.
    late: str = ""
    second: bool = False


def _classification_intro(rng: random.Random, verbs: Sequence[str], nouns: Sequence[str],
                          classes: str) -> Intro:
    """A classification intro that names its classes in the bullet lines too."""
    return Intro(_pick(rng, verbs), _pick(rng, nouns),
                 ("Task: image classification", f"Classes: {classes}"))


def _distributed(objects: Sequence[str]) -> str | None:
    """'ripe and unripe tomatoes' for ["ripe tomato", "unripe tomato"]: one head written
    once after its qualifiers (None unless every class is one qualifier + the same head)."""
    split = [o.split(" ", 1) for o in objects]
    if len(objects) < 2 or any(len(w) != 2 for w in split) or len({w[1] for w in split}) > 1:
        return None
    if {w[0] for w in split} & _NOT_MODIFIERS or len({w[0] for w in split}) < len(split):
        return None  # "face with mask": not a qualifier in front of a head
    head = split[0][1]
    return f"{_join([w[0] for w in split])} {_plural(head) or head}"


def _late_intro(task: str, objects: list[str], plur: str, imgs: str, img: str,
                rng: random.Random) -> Intro:
    """A request whose first sentence names the task but no class; the classes follow in a
    later sentence (after the requirements, or right after the opening)."""
    sing, comma, labels_or = _join(objects), ", ".join(objects), _join(objects, "or")
    if task == "classification":
        verbs = [f"classify our {imgs}", f"sort {imgs} into a few classes",
                 f"build an image classifier for our {imgs}", f"give each {img} one label"]
        nouns = ["Image classification", f"A classifier for our {imgs}"]
        lates = [f"The classes are {sing}.", f"Classes: {comma}.",
                 f"Each {img} should be labelled {labels_or}.", f"The labels we need are {sing}."]
    elif task == "detection":
        verbs = [f"detect objects in our {imgs}", f"put boxes around a few kinds of objects "
                 f"in {imgs}", "train an object detector for our cameras"]
        nouns = ["Object detection", f"A detector for our {imgs}"]
        lates = [f"It should find {plur}.", f"The classes are {plur}.", f"Classes: {comma}.",
                 f"What we need boxed: {plur}.", f"The objects to detect are {plur}."]
    elif task == "segmentation":
        verbs = [f"segment our {imgs}", f"produce pixel masks for our {imgs}",
                 "do semantic segmentation of our camera images"]
        nouns = ["Semantic segmentation", f"Pixel masks for our {imgs}"]
        lates = [f"The classes to segment are {sing}.", f"Masks are needed for {plur}.",
                 f"Classes: {comma}."]
    else:
        verbs = [f"estimate keypoints in our {imgs}", "do keypoint detection on our videos",
                 f"find keypoints in our {imgs}"]
        nouns = ["Keypoint detection", f"Keypoints in our {imgs}"]
        lates = [f"The keypoints are on {plur}.", f"It should find the keypoints of {plur}.",
                 f"Object: {comma}."]
        group = _parts_group(objects)
        if group and rng.random() < 0.5:  # the carrier named late, beside its parts
            parts = _pick(rng, _PARTS[group])
            lates = [f"It should find the {parts} of each {sing}.",
                     f"We need the {parts} of the {plur}."]
    task_line = {"classification": "image classification", "detection": "object detection",
                 "segmentation": "semantic segmentation", "keypoint": "keypoint detection"}
    return Intro(_pick(rng, verbs), _pick(rng, nouns), (f"Task: {task_line[task]}",),
                 late=_pick(rng, lates), second=rng.random() < 0.35)


def _intro(task: str, objects: list[str], imgs: str, img: str, rng: random.Random,
           form: str | None = None) -> Intro:
    """How a request names its task and classes; form 'generic' adds generic words that are
    not classes ('items', 'objects'), 'joints' / 'parts' list keypoints that are not the
    carrier, 'late' names the classes only in a later sentence, 'distributive' writes
    qualified classes with one head ('ripe and unripe tomatoes')."""
    # "detect cars", "keypoints of horses" read best in the plural; "segment road and sky"
    # and class labels ("healthy or diseased") often stay singular
    natural = _natural(objects, rng, 0.6 if task in ("classification", "segmentation") else 1.0)
    plur, sing = _join(natural), _join(objects)
    labels_or, comma = _join(objects, "or"), ", ".join(objects)
    if form == "distributive" and task != "classification":
        plur = _distributed(objects) or plur
    if form == "late":
        return _late_intro(task, objects, plur, imgs, img, rng)
    if task == "classification":
        if form == "generic":
            verbs = [f"sort the items on our line into {sing}",
                     f"classify the objects in each {img} as {labels_or}",
                     f"label each of the things we photograph as {labels_or}"]
            nouns = [f"Item classification into {sing}"]
        else:
            verbs = [f"classify {imgs} as {labels_or}", f"sort {imgs} into {sing}",
                     f"label each {img} as {labels_or}",
                     f"categorise {imgs} into the classes {comma}"]
            if all(_plural(o) for o in objects):
                verbs.append(f"tell apart {plur}")
            nouns = [f"Image classification into {sing}", f"Classify {imgs} as {labels_or}",
                     f"Classification of {imgs} as {labels_or}"]
        return _classification_intro(rng, verbs, nouns, comma)
    if task == "detection":
        if form == "generic":
            verbs = [f"detect the following objects: {comma}",
                     f"locate these items in {imgs}: {comma}"]
            if len(objects) > 1:
                verbs.append(f"find several kinds of things in our {imgs}, namely {plur}")
            nouns = [f"Detection of the following objects: {comma}"]
        else:
            verbs = [f"detect {plur} in {imgs}", f"draw bounding boxes around {plur}",
                     f"locate {plur} in {imgs}", f"find and box all {plur} in {imgs}",
                     f"put boxes around the {plur} in {imgs}"]
            nouns = [f"Object detection of {plur}", f"{_cap(sing)} detection",
                     f"A detector for {plur}"]
        return Intro(_pick(rng, verbs), _pick(rng, nouns),
                     ("Task: object detection", f"Classes: {comma}"))
    if task == "segmentation":
        if form == "generic":
            verbs = [f"segment the following objects: {comma}",
                     f"produce pixel masks for these things: {comma}"]
            nouns = [f"Segmentation of the following items: {comma}"]
        else:
            verbs = [f"segment {plur} in {imgs}", f"produce pixel masks of {plur}",
                     f"do semantic segmentation of {plur} in {imgs}",
                     f"outline {plur} pixel by pixel in {imgs}"]
            nouns = [f"Semantic segmentation of {plur}", f"{_cap(sing)} segmentation",
                     f"Pixel masks for {plur}"]
        return Intro(_pick(rng, verbs), _pick(rng, nouns),
                     ("Task: semantic segmentation", f"Classes: {comma}"))
    # keypoint: the objects are what carries the keypoints, never the joints
    groups = {_carrier_group(o) for o in objects}
    creature = groups <= {"human", "quadruped", "bird", "fish", "insect"}
    group = _parts_group(objects)
    if form in ("joints", "parts") and group:
        # the parts come before, beside (in brackets) or after the carrier, so where a
        # noun stands does not decide whether it is the class
        parts = _pick(rng, _PARTS[group])
        each = f"each {sing}" if len(objects) == 1 else f"every {sing}"
        verbs = [f"locate the {parts} of {each}", f"detect the keypoints of the {plur}: {parts}",
                 f"track the {parts} of {plur} in {imgs}", f"find the {parts} on {plur} in {imgs}",
                 f"detect keypoints on {plur}, such as the {parts}",
                 f"detect the keypoints of {plur} ({parts})", f"mark the {parts} of {each}",
                 f"predict where the {parts} of {plur} are", f"estimate keypoints ({parts}) on "
                 f"{plur} in {imgs}"]
        nouns = [f"{_cap(sing)} keypoints ({parts})", f"Keypoints of {plur}: {parts}",
                 f"{_cap(parts)} of {plur} as keypoints", f"Keypoints on {plur} ({parts})"]
        return Intro(_pick(rng, verbs), _pick(rng, nouns),
                     ("Task: keypoint detection", f"Object: {comma}", f"Keypoints: {parts}"))
    verbs = [f"detect the keypoints of {plur}", f"estimate {sing} keypoints in {imgs}",
             f"locate the keypoints of {plur} in {imgs}",
             f"estimate the landmarks of each {objects[0]}" if len(objects) == 1
             else f"estimate the landmarks of {plur}"]
    nouns = [f"{_cap(sing)} keypoint detection", f"Keypoints of {plur}"]
    if creature:
        verbs += [f"estimate the pose of {plur} in {imgs}", f"do pose estimation for {plur}"]
        nouns += [f"{_cap(sing)} pose estimation"]
    if objects == ["person"]:  # PARSE_CONVENTIONS: "human pose" is carried by a person
        verbs += [f"estimate human pose in {imgs}", f"find the body keypoints in {imgs}"]
        nouns += ["Human pose estimation", "Body keypoint detection"]
    return Intro(_pick(rng, verbs), _pick(rng, nouns),
                 ("Task: keypoint detection", f"Object: {comma}"))


# Modalities written into the text as they are recorded in the parse ("thermal images").
_MODALITIES = ("infrared", "thermal", "x-ray", "grayscale", "satellite", "aerial",
               "microscopy", "MRI", "CT", "multispectral", "SAR", "fundus", "dermoscopy",
               "endoscopy", "ultrasound", "depth", "underwater")


# --------------------------------------------------------------------------- assembly

@dataclass
class _Pieces:
    intro: Intro
    scenario: str | None
    model: Rendered | None
    datasets: Rendered | None
    constraints: list[tuple[str, Rendered]]  # (bullet label, rendered)
    deploy: Rendered | None
    preamble: str | None = None  # a sentence with no constraint in it (dataset size, ...)
    model_name: str = "none"
    dataset_names: tuple[str, ...] = ()


_OPENINGS = ("We need a model that can {v}.", "I'd like to train a model to {v}.",
             "Please build a model to {v}.", "Our team wants to {v}.",
             "Can you train something to {v}?", "Looking for a model to {v}.",
             "We are looking for a network that can {v}.")
_LABELS = {"speed": ("Speed", "Speed requirement", "Runtime"),
           "flops": ("Compute", "FLOPs", "Budget"),
           "params": ("Size", "Parameters", "Model size"), "metric": ("Metric", "Target")}


def _prose(p: _Pieces, rng: random.Random) -> str:
    intro = _pick(rng, _OPENINGS).format(v=p.intro.verb)
    if p.scenario:
        intro = intro[:-1] + f" for our {p.scenario} project" + intro[-1]
    if p.intro.late and p.intro.second:  # the classes in the second sentence
        intro += " " + p.intro.late
    middle = [r.clause for r in (p.model, p.datasets) if r]
    clauses = [r.clause for _, r in p.constraints]
    if len(p.constraints) >= 2 and rng.random() < 0.3:
        clauses = [f"Requirements: {_join([r.fragment for _, r in p.constraints])}."]
    tail = [p.deploy.clause] if p.deploy else []
    body = middle + clauses + tail if rng.random() < 0.7 else middle + tail + clauses
    return " ".join([*([p.preamble] if p.preamble else []), intro, *body])


def _casual(p: _Pieces, rng: random.Random) -> str:
    start = _pick(rng, ("hi, i need something to {v}", "hey! we want to {v}",
                        "need a model to {v}", "so basically we want to {v}"))
    text = start.format(v=p.intro.verb)
    if p.scenario:
        text += f" for our {p.scenario} thing"
    extras = [r.fragment for r in (p.model, p.datasets) if r]
    extras += [r.fragment for _, r in p.constraints]
    if p.deploy:
        extras.append(p.deploy.fragment)
    if extras:
        text += ". " + ", ".join(extras)
    return text + _pick(rng, (" pls", " thanks!", "", " :)"))


def _bullets(p: _Pieces, rng: random.Random) -> str:
    dash = _pick(rng, ("", "- ", "* "))
    lines = list(p.intro.lines)
    if p.scenario:
        lines.append(f"Use case: {p.scenario}")
    if p.model_name != "none":
        lines.append(_pick(rng, ("Model: {m}", "Model: something like {m}",
                                 "Architecture: {m}")).format(m=p.model_name))
    if p.dataset_names:
        lines.append(f"{_pick(rng, ('Data', 'Dataset'))}: {', '.join(p.dataset_names)}")
    metrics = [r.fragment for label, r in p.constraints if label == "metric"]
    for label, r in p.constraints:
        if label != "metric":
            lines.append(f"{_pick(rng, _LABELS[label])}: {r.fragment}")
    if metrics:
        lines.append(f"{_pick(rng, ('Metrics', 'Targets', 'Goal'))}: {', '.join(metrics)}")
    if p.deploy:
        lines.append(f"{_pick(rng, ('Deployment', 'Hardware', 'Deploy'))}: {p.deploy.fragment}")
    head = _pick(rng, ("", "Request\n", "Model request\n", "Requirement spec\n"))
    return head + "\n".join(dash + line for line in lines)


def _terse(p: _Pieces, rng: random.Random) -> str:
    parts = [p.intro.noun]
    parts += [r.fragment for r in (p.model, p.datasets) if r]
    parts += [r.fragment for _, r in p.constraints]
    if p.deploy:
        parts.append(p.deploy.fragment)
    sep = _pick(rng, (", ", "; "))
    return sep.join(parts) + "."


def _runon(p: _Pieces, rng: random.Random) -> str:
    text = _pick(rng, ("I need a model that can {v}", "we want a model to {v}",
                       "the idea is to {v}")).format(v=p.intro.verb)
    clauses = [r.clause for r in (p.model, p.datasets) if r]
    clauses += [r.clause for _, r in p.constraints]
    if p.deploy:
        clauses.append(p.deploy.clause)
    for clause in clauses:
        text += " and " + _uncap(clause.rstrip(".?"))
    return _cap(text) + "."


_STYLES: dict[str, tuple[Callable[[_Pieces, random.Random], str], float]] = {
    "prose": (_prose, 0.36), "casual": (_casual, 0.14), "bullets": (_bullets, 0.2),
    "terse": (_terse, 0.15), "runon": (_runon, 0.15),
}


@dataclass
class _Forms:
    """Trap forms a composition must use (None: the renderer picks)."""

    speed: str | None = None
    deploy: str | None = None
    intro: str | None = None
    metric: str | None = None
    preamble: str | None = None
    style: str | None = None
    #: Builds the intro instead of `_intro` (the 'classes' kind writes its own class
    #: phrasings): called with (imgs, img, rng).
    intro_fn: Callable[[str, str, random.Random], Intro] | None = None
    #: Add a sentence naming a metric with no target ("precision can be lower").
    aside: bool = False
    #: `render_model` form ('decor').
    model: str | None = None
    #: A sentence that states no parse value (a capture interval), placed before or after.
    extra: str | None = None
    #: The intro already names the model and datasets ("Train DETR on COCO, but only ...").
    names_said: bool = False
    #: Ready-made constraint text by slot ('speed', 'metric', or 'budget' for parameters and
    #: FLOPs in one phrase) used instead of the renderers; the 'focus' kind writes its own.
    rendered: dict[str, list[Rendered]] = field(default_factory=dict)


_PREAMBLES = ("We have about {n} labelled {imgs}.", "Our dataset has {n} annotated {imgs}.",
              "So far {n} {imgs} are labelled.")


def _compose(slots: Slots, rng: random.Random, forms: _Forms | None = None
             ) -> tuple[str, dict[str, Any]]:
    """Text and parse for `slots`; each piece of text states exactly one slot's value."""
    forms = forms or _Forms()
    slots = copy.deepcopy(slots)
    modality = slots.modality if slots.modality in _MODALITIES else None
    if modality and rng.random() < 0.6:
        img = f"{modality} image"
        imgs = f"{modality} images"
    else:
        modality = None
        img = _pick(rng, ("image", "photo", "frame", "picture"))
        imgs = f"{img}s"
    slots.modality = modality or "none"
    scenario = slots.scenario if slots.scenario != "none" and rng.random() < 0.5 else None
    if scenario and not re.fullmatch(r"[a-z][a-z -]{2,40}", scenario):
        scenario = None  # write only plain scenario names into running text
    slots.scenario = scenario or "none"
    constraints: list[tuple[str, Rendered]] = []
    speed = render_speed(slots.speed, rng, forms.speed, img)
    if "speed" in forms.rendered:
        constraints += [("speed", r) for r in forms.rendered["speed"]]
    elif speed:
        constraints.append(("speed", speed))
    if "budget" in forms.rendered:
        constraints += [("params", r) for r in forms.rendered["budget"]]
    else:
        for label, rendered in (("flops", render_flops(slots.flops, rng)),
                                ("params", render_params(slots.parameters, rng))):
            if rendered:
                constraints.append((label, rendered))
    constraints += [("metric", r) for r in forms.rendered.get("metric", [])]
    for metric in ([] if "metric" in forms.rendered else slots.metrics):
        form = (forms.metric if (forms.metric not in ("error", "error_prose")
                                 or metric["name"] == "accuracy") else None)
        if forms.metric == "points" and metric["name"] not in _POINTS_OK:
            form = None
        constraints.append(("metric", render_metric(metric, slots.task, rng, form)))
    if len(constraints) > 1 and rng.random() < 0.5:
        rng.shuffle(constraints)
    preamble = None
    if forms.preamble or rng.random() < 0.12:
        n = _fmt(rng.choice((800, 1200, 2500, 4000, 12000, 30000, 50000)), commas=True)
        preamble = _pick(rng, _PREAMBLES).format(n=n, imgs=imgs)
        if forms.preamble == "resolution" or rng.random() < 0.3:
            preamble += _pick(rng, (" The images are 1920x1080.", " Frames are 1280x720.",
                                    " We have 3 cameras on the site."))
    intro = (forms.intro_fn(imgs, img, rng) if forms.intro_fn
             else _intro(slots.task, slots.objects, imgs, img, rng, forms.intro))
    pieces = _Pieces(
        intro=intro,
        scenario=scenario,
        model=None if forms.names_said else render_model(slots.model, rng, forms.model),
        datasets=None if forms.names_said else render_datasets(slots.datasets, rng),
        constraints=constraints,
        deploy=render_deploy(slots.gpu, slots.engine, rng, forms.deploy), preamble=preamble,
        model_name=slots.model, dataset_names=tuple(slots.datasets))
    if forms.speed == "capture":
        pieces.constraints = [c for c in constraints if c[0] != "speed"]
    names = list(_STYLES)
    if forms.intro in ("generic", "distributive"):
        names = ["prose", "casual", "runon"]  # these phrasings live in the running text
    if intro.late:
        names = [n for n in names if n != "casual"]  # a late sentence after "thanks!" jars
    style = forms.style or rng.choices(names, weights=[_STYLES[s][1] for s in names])[0]
    text = _STYLES[style][0](pieces, rng)
    if intro.late and not (intro.second and style == "prose"):  # prose places a second one
        text += ("\n" if style == "bullets" else " ") + intro.late
    if preamble and style != "prose":  # prose places it itself
        text = preamble + ("\n" if style == "bullets" else " ") + text
    if forms.speed == "capture":
        text += " " + _capture_clause(slots, rng)
    if forms.aside:
        text += ("\n" if style == "bullets" else " ") + _aside_clause(slots, rng)
    if forms.extra:
        sep = "\n" if style == "bullets" else " "
        text = forms.extra + sep + text if rng.random() < 0.4 else text + sep + forms.extra
    return text, slots.to_parse()


_ASIDE_NAMES = {"accuracy": "accuracy", "precision": "precision", "recall": "recall",
                "f1-score": "F1", "AP": "mAP", "IoU": "mIoU", "dice": "Dice", "PCK": "PCK",
                "AR": "recall"}


def _aside_clause(slots: Slots, rng: random.Random) -> str:
    """A metric named with no target is no requirement: "Recall >= 0.9; precision can be
    lower" states recall only."""
    named = {m["name"] for m in slots.metrics}
    others = [_ASIDE_NAMES[n] for n in (*_TASK_METRICS[slots.task], "precision", "recall")
              if n not in named and _ASIDE_NAMES[n] not in {_ASIDE_NAMES[m] for m in named}]
    other = _pick(rng, [*dict.fromkeys(others), "specificity"])
    return _pick(rng, (f"{_cap(other)} can be lower.", f"{_cap(other)} matters less to us.",
                       f"{_cap(other)} is less important.",
                       f"We have no target for {other}."))


def _capture_clause(slots: Slots, rng: random.Random) -> str:
    """A camera's frame rate is the source's, not a target: only the model's figure counts."""
    rec = _pick(rng, ("30", "50", "60", "120", "240"))
    if slots.speed["unit"] == "fps":
        return (f"The cameras record at {rec} fps, but the model only needs to handle "
                f"{_fmt(slots.speed['value'])} FPS.")
    return _pick(rng, (f"The videos are recorded at {rec} fps, but the analysis runs "
                       "offline, so speed is not a requirement.",
                       f"Our cameras record at {rec} fps; that's just the camera, we analyse "
                       "everything offline."))


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


# --------------------------------------------------------------------------- kinds


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


def _draw(key: str, rng: random.Random) -> dict[str, Any]:
    if key == "speed":
        return draw_speed(rng)
    if key == "flops":
        return draw_quantity(_FLOPS_DRAW, rng, (0.65, 0.3, 0.05))
    return draw_quantity(_PARAMS_DRAW, rng, (0.75, 0.2, 0.05))


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


def _paraphrase(slots: Slots, pool: _Pools, rng: random.Random
                ) -> tuple[str, dict[str, Any]]:
    """The seed's own slots and values in another frame."""
    return _compose(slots, rng)


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


# --------------------------------------------------------------------------- classes kind
#
# Class phrasings the shipped adapter still gets wrong, each written so its classes follow
# the dev sets' annotations: the carrier, not the parts ("keypoints of cars (wheels,
# headlights)" -> car); "no X" / "without X" only where the user names it as a class
# ("crack or no crack" -> crack, no crack; "workers, with or without helmets" -> worker);
# qualifiers as written ("ripe and unripe tomatoes" -> ripe tomato, unripe tomato; "whether
# a banana is ripe or overripe" -> ripe, overripe); classes named after the requirements.

#: (subject of the photo, what is present or not): "a crack or no crack" -> crack, no crack.
_PRESENCE: tuple[tuple[str, str], ...] = (
    ("concrete patch", "crack"), ("wall", "crack"), ("worker", "helmet"), ("X-ray", "fracture"),
    ("steel beam", "rust"), ("pipe joint", "leak"), ("MRI slice", "tumor"), ("wafer", "defect"),
    ("field plot", "weed"), ("parcel", "damage"), ("bottle", "cap"), ("bottle", "label"),
    ("wall", "graffiti"), ("bread slice", "mold"), ("road patch", "pothole"),
    ("car door", "dent"), ("phone screen", "scratch"), ("camera view", "smoke"),
    ("camera view", "fire"), ("parking bay", "car"), ("meeting room", "person"),
    ("bag", "threat"), ("weld", "crack"), ("tooth", "cavity"), ("camera-trap image", "animal"),
    ("shelf", "gap"), ("hive frame", "queen bee"), ("skin photo", "lesion"))
#: Mass nouns among `_PRESENCE` ("any rust", never "a rust").
_MASS_PRESENCE = {"rust", "damage", "graffiti", "mold", "smoke", "fire"}
#: (subject, state) pairs written "X or non-X" / "X or not yet X" (dev: defective /
#: non-defective, blooming / not yet blooming).
_NON_STATES = (("weld seam", "defective"), ("storage bin", "empty"), ("casting", "defective"),
               ("shipping label", "compliant"), ("tray", "empty"), ("glass bottle", "defective"))
_NOT_YET_STATES = (("sunflower", "blooming"), ("strawberry", "ripe"), ("banana", "ripe"),
                   ("wound", "healed"), ("bread dough", "proofed"), ("tulip", "open"))
#: (carrier, what it wears): "workers with and without helmets".
_GEAR = (("worker", "helmet"), ("worker", "hard hat"), ("worker", "high-vis vest"),
         ("worker", "safety vest"), ("face", "mask"), ("person", "face mask"),
         ("cyclist", "helmet"), ("rider", "helmet"), ("driver", "seatbelt"),
         ("worker", "safety harness"), ("cook", "hairnet"), ("nurse", "mask"))
#: (subject, its states): classification of a state is labelled with the state alone
#: ("whether a banana is unripe, ripe or overripe" -> unripe, ripe, overripe).
_STATE_SUBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("banana", ("unripe", "ripe", "overripe")), ("tomato", ("ripe", "unripe")),
    ("avocado", ("unripe", "ripe", "overripe")), ("solar panel", ("clean", "dusty")),
    ("parking space", ("occupied", "empty")), ("loaf", ("well baked", "underbaked", "burnt")),
    ("eye", ("open", "closed")), ("door", ("open", "closed")),
    ("coral colony", ("healthy", "bleached", "dead")), ("wafer", ("good", "defective")),
    ("leaf", ("healthy", "diseased")), ("road surface", ("dry", "wet", "icy")),
    ("shelf", ("full", "empty")), ("mango", ("ripe", "unripe")),
    ("bin", ("empty", "half full", "full")), ("skin lesion", ("benign", "malignant")),
    ("scaffold", ("safe", "unsafe")), ("cow", ("lame", "healthy")),
    ("vegetable", ("fresh", "spoiled")), ("weld", ("good", "porous", "cracked")),
    ("tire", ("worn", "new")), ("egg", ("clean", "dirty", "cracked")))
#: (head noun, qualifiers): located classes that differ by a qualifier, kept as written
#: ("ripe and unripe tomatoes" -> ripe tomato, unripe tomato); the seeds add their own.
_QUALIFIED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tomato", ("ripe", "unripe")), ("strawberry", ("ripe", "unripe")),
    ("apple", ("fresh", "rotten")), ("box", ("damaged", "intact")),
    ("parcel", ("damaged", "undamaged")), ("egg", ("cracked", "intact")),
    ("tile", ("cracked", "chipped", "missing")), ("insulator", ("broken", "intact")),
    ("bottle", ("full", "empty")), ("leaf", ("healthy", "diseased")),
    ("coral", ("live", "dead")), ("building", ("collapsed", "intact")),
    ("pallet", ("broken", "intact")), ("screw", ("missing", "loose")),
    ("bolt", ("missing", "rusted")), ("tooth", ("healthy", "decayed", "filled")),
    ("pepper", ("red", "green")), ("cell", ("infected", "uninfected")),
    ("blueberry", ("ripe", "unripe")), ("lemon", ("ripe", "unripe")),
    ("panel", ("cracked", "soiled")), ("chicken", ("dead", "live")),
    ("cup", ("empty", "full")), ("traffic light", ("red", "green")))
#: Qualifiers that keep a class apart from its head noun (`object_phenomena` counts them).
_QUALIFIER_WORDS = frozenset(
    {q for _, qs in (*_QUALIFIED, *_STATE_SUBJECTS) for q in qs}
    | {"ripe", "unripe", "overripe", "damaged", "intact", "broken", "cracked", "chipped",
       "missing", "dead", "live", "healthy", "diseased", "rotten", "fresh", "decayed",
       "filled", "collapsed", "loose", "rusted", "infected", "uninfected", "burnt", "burned",
       "green", "red", "yellow", "empty", "full", "dirty", "clean"})
#: Phrasings per task and how often the 'classes' kind writes each.
_CLASS_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "classification": (("negation", 0.5), ("qualifier", 0.2), ("late", 0.3)),
    "detection": (("negation", 0.35), ("qualifier", 0.35), ("late", 0.3)),
    "segmentation": (("qualifier", 0.5), ("late", 0.5)),
    "keypoint": (("parts", 0.75), ("late", 0.25)),
}


def _a(noun: str) -> str:
    return f"any {noun}" if noun in _MASS_PRESENCE else f"{_article(noun)} {noun}"


def _pl(noun: str) -> str:
    return noun if noun in _MASS_PRESENCE else (_plural(noun) or noun)


def _negation_intro(task: str, rng: random.Random) -> tuple[list[str], Callable[
        [str, str, random.Random], Intro]]:
    """Classes with a negative word in or around them, labelled as the dev sets do."""
    if task == "classification":
        form = rng.choices(("or_no", "or_not", "with_without", "non", "not_yet"),
                           weights=(0.35, 0.25, 0.15, 0.13, 0.12))[0]
        if form in ("non", "not_yet"):
            subject, state = _pick(rng, _NON_STATES if form == "non" else _NOT_YET_STATES)
            other = f"non-{state}" if form == "non" else f"not yet {state}"
            objects = [state, other]

            def make(imgs: str, img: str, r: random.Random) -> Intro:
                verbs = [f"tell whether a {subject} is {state} or {other}",
                         f"classify {subject} {imgs} as {state} or {other}",
                         f"say if the {subject} in each {img} is {state} or {other}"]
                nouns = [f"{_cap(state)} vs {other} classification of {_pl(subject)}",
                         f"Classify each {subject} as {state} or {other}"]
                return _classification_intro(r, verbs, nouns, f"{state}, {other}")
            return objects, make
        subject, thing = _pick(rng, _PRESENCE)
        if form == "with_without":
            objects = [f"with {thing}", f"without {thing}"]
        else:
            objects = [thing, f"no {thing}"]

        def make(imgs: str, img: str, r: random.Random) -> Intro:
            pos, neg = objects
            if form == "or_no":
                verbs = [f"classify each {img} of a {subject} as {thing} or no {thing}",
                         f"tell for each {subject} whether it shows {_a(thing)} or no {thing}",
                         f"label {subject} {imgs} as {thing} / no {thing}"]
                nouns = [f"{_cap(thing)} or no {thing}? Classify {subject} {imgs}",
                         f"{_cap(thing)} / no {thing} classifier for {_pl(subject)}"]
                return _classification_intro(r, verbs, nouns, f"{pos}, {neg}")
            # "or not" / "with or without" are no classes: the labels are said apart
            if form == "or_not":
                verbs = [f"check whether each {subject} has {_a(thing)} or not",
                         f"tell whether there is {_a(thing)} in each {img} or not",
                         f"decide if a {subject} shows {_a(thing)} or not"]
            else:
                bare = thing if thing in _MASS_PRESENCE else _a(thing)  # "with or without rust"
                verbs = [f"sort {subject} {imgs} by whether they are with or without {bare}",
                         f"check each {subject} {img}: with or without {bare}?",
                         f"tell whether the {subject} in each {img} is shown with or without "
                         f"{bare}"]
            late = _pick(r, (f"The two classes are {pos} and {neg}.", f"Labels: {pos}, {neg}.",
                             f"So the classes are {pos} and {neg}."))
            return Intro(_pick(r, verbs), f"{_cap(verbs[0])}", ("Task: image classification",),
                         late=late, second=r.random() < 0.5)
        return objects, make
    carrier, gear = _pick(rng, _GEAR)
    form = rng.choices(("both", "item_without", "with_or_without", "whether"),
                       weights=(0.3, 0.3, 0.25, 0.15))[0]
    many, gears = _plural(carrier) or carrier, _pl(gear)
    objects = {"both": [f"{carrier} with {gear}", f"{carrier} without {gear}"],
               "item_without": [gear, f"{carrier} without {gear}"],
               "with_or_without": [carrier], "whether": [gear]}[form]

    def make_det(imgs: str, img: str, r: random.Random) -> Intro:
        if form == "both":
            phrase = f"{many} with {gears} and {many} without {gears}"
        elif form == "item_without":
            phrase = f"{gears} and {many} without {gears}"
        elif form == "with_or_without":
            phrase = _pick(r, (f"all {many}, with or without {gears}",
                               f"every {carrier}, whether or not they wear {_a(gear)}",
                               f"{many} (with or without {gears})"))
        else:
            verbs = [f"check whether there are any {gears} in each {img} and put a box "
                     f"around every {gear}", f"find out whether {_a(gear)} is visible and "
                     f"draw a bounding box around each one"]
            return Intro(_pick(r, verbs), f"{_cap(gear)} detection (boxes), whether or not "
                         f"one is present", ("Task: object detection",
                                             f"Classes: {', '.join(objects)}"))
        verbs = [f"detect {phrase} in {imgs}", f"put boxes around {phrase}",
                 f"find {phrase} in our {imgs}"]
        nouns = [f"Detection of {phrase}", f"Boxes around {phrase}"]
        return Intro(_pick(r, verbs), _pick(r, nouns),
                     ("Task: object detection", f"Classes: {', '.join(objects)}"))
    return objects, make_det


def _qualifier_intro(task: str, pool: _Pools, rng: random.Random
                     ) -> tuple[list[str], str | None, Callable[
                         [str, str, random.Random], Intro] | None]:
    """Qualified classes: (objects, intro form, intro builder)."""
    if task == "classification":
        subject, states = _pick(rng, _STATE_SUBJECTS)
        states = tuple(states)
        keep = rng.random() < 0.35  # "into ripe tomatoes and unripe tomatoes": kept
        objects = [f"{q} {subject}" for q in states] if keep else list(states)

        def make(imgs: str, img: str, r: random.Random) -> Intro:
            if keep:
                named = _join([_plural(o) or o for o in objects])
                verbs = [f"sort photos of {_pl(subject)} into {named}",
                         f"classify each {subject} {img} as {_join(objects, 'or')}"]
                nouns = [f"Sorting {subject} {imgs} into {named}"]
            else:
                labels = _join(objects, "or")
                verbs = [f"tell whether the {subject} in each {img} is {labels}",
                         f"classify {subject} {imgs} as {labels}",
                         f"say if {_article(subject)} {subject} is {labels}"]
                nouns = [f"{_cap(subject)} state: {labels}", f"Is the {subject} {labels}?"]
            # bullets name the subject too, or the states would have nothing to be about
            return Intro(_pick(r, verbs), _pick(r, nouns),
                         ("Task: image classification", f"Input: one {subject} per {img}",
                          f"Classes: {', '.join(objects)}"))
        return objects, None, make
    mined = [o for o, *_ in pool.object_lists if _distributed(o)]
    if mined and rng.random() < 0.4:
        objects = list(_pick(rng, mined))
    else:
        head, quals = _pick(rng, _QUALIFIED)
        quals = list(quals)
        if len(quals) > 2 and rng.random() < 0.5:
            quals = rng.sample(quals, 2)
        objects = [f"{q} {head}" for q in quals]
        if rng.random() < 0.15:  # one qualified class alone ("damaged boxes")
            objects = objects[:1]
    return objects, ("distributive" if len(objects) > 1 and rng.random() < 0.65 else None), None


def _classes(slots: Slots, pool: _Pools, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The seed's constraints with one of the class phrasings above."""
    s = copy.deepcopy(slots)
    forms = _Forms()
    names, weights = zip(*_CLASS_FORMS[s.task], strict=True)
    phenomenon = rng.choices(names, weights=weights)[0]
    new: list[str] | None = None
    if phenomenon == "parts":
        lists = [(o, sc, mo, ds) for o, sc, mo, ds in pool.object_lists if _parts_group(o)]
        if rng.random() < 0.2 or not lists:
            new = list(_pick(rng, _EXTRA_CARRIERS))
        else:
            objects, s.scenario, s.modality, datasets = lists[rng.randrange(len(lists))]
            s.objects, s.datasets = list(objects), list(datasets) if rng.random() < 0.5 else []
        forms.intro = "parts"
    elif phenomenon == "late":
        forms.intro = "late"
    elif phenomenon == "negation":
        new, forms.intro_fn = _negation_intro(s.task, rng)
    else:
        new, forms.intro, forms.intro_fn = _qualifier_intro(s.task, pool, rng)
    if new is not None:  # other classes: the seed's datasets and story no longer fit
        s.objects, s.datasets, s.scenario, s.modality = new, [], "none", "none"
    return _compose(s, rng, forms)


# --------------------------------------------------------------------------- lists kind
#
# Class lists the shipped adapter still got wrong: it dropped the last class of a long list
# (more so where one class is a word-prefix of another: "pin, pinhole"), labelled the
# category noun in front of its kinds ("the kind of bird (robin, wren, jay)" -> bird),
# and read cue words ("edge", "outline", "pose") as another task.

#: (category noun, its classes): 4-6 classes, some multi-word, some a prefix of another.
_LONG_LISTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "classification": (
        ("part", ("bolt", "nut", "washer", "spring", "rivet", "hex key")),
        ("flower", ("rose", "tulip", "daisy", "sunflower", "dandelion")),
        ("surface defect", ("pin", "pinhole", "scratch", "dent", "burr")),
        ("tile defect", ("crack", "crack line", "chip", "stain", "bubble")),
        ("plot", ("seed", "seedling", "weed", "bare soil")),
        ("waste item", ("paper", "plastic bottle", "glass jar", "metal can", "cardboard",
                        "food waste")),
        ("dish", ("pizza", "pizza slice", "burger", "salad", "pasta")),
        ("tool", ("hammer", "screwdriver", "wrench", "pliers", "tape measure")),
        ("cloud type", ("cumulus", "stratus", "cirrus", "cumulonimbus", "altostratus")),
        ("coin", ("penny", "nickel", "dime", "quarter", "half dollar")),
        ("tree", ("oak", "oak sapling", "pine", "birch", "maple")),
        ("skin mark", ("mole", "mole cluster", "freckle", "wart", "scar")),
        ("machine part", ("rod", "rod end", "bearing", "gear", "shaft", "gear rack")),
        ("document", ("invoice", "receipt", "passport", "id card", "bank statement")),
    ),
    "detection": (
        ("warehouse object", ("forklift", "pallet", "pallet jack", "worker", "traffic cone")),
        ("surface defect", ("pin", "pinhole", "scratch", "dent", "burr")),
        ("road user", ("pedestrian", "bicycle", "car", "bus", "motorcycle", "truck")),
        ("plant", ("seed", "seedling", "weed", "stone")),
        ("bridge defect", ("crack", "crack line", "spall", "rust stain", "exposed rebar")),
        ("litter item", ("bottle", "bottle cap", "can", "cup", "straw")),
        ("flying object", ("drone", "bird", "plane", "helicopter", "balloon")),
        ("kitchen item", ("knife", "cutting board", "pan", "pan lid", "spoon")),
        ("shelf product", ("cereal box", "milk carton", "can", "jar", "jar lid")),
        ("fastener", ("screw", "screw head", "bolt", "nut", "washer")),
    ),
    "segmentation": (
        ("street class", ("road", "sidewalk", "building", "vegetation", "sky", "car")),
        ("pavement defect", ("crack", "crack line", "pothole", "patch", "manhole")),
        ("organ", ("liver", "kidney", "spleen", "pancreas", "gallbladder")),
        ("seabed class", ("water", "sand", "rock", "seagrass", "coral")),
        ("field class", ("wheat", "weed", "soil", "stone", "seedling", "seed")),
        ("roof part", ("tile", "tile edge", "chimney", "solar panel", "skylight")),
        ("tissue type", ("tumor", "stroma", "necrosis", "fat", "lymphocyte")),
    ),
    "keypoint": (
        ("farm animal", ("cow", "pig", "sheep", "goat")),
        ("pet", ("dog", "cat", "rabbit", "hamster")),
        ("zoo animal", ("lion", "tiger", "zebra", "giraffe", "elephant")),
        ("vehicle", ("car", "van", "truck", "bus")),
    ),
}
#: (category noun, its kinds): the kinds are the classes, never the category.
_KINDS_OF: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "classification": (
        ("bird", ("robin", "wren", "jay", "finch")),
        ("dog", ("beagle", "poodle", "pug", "border collie", "dachshund")),
        ("tree", ("oak", "birch", "maple", "pine")),
        ("mushroom", ("chanterelle", "porcini", "morel", "fly agaric")),
        ("apple", ("gala", "fuji", "braeburn", "granny smith")),
        ("butterfly", ("monarch", "swallowtail", "red admiral", "painted lady")),
        ("weed", ("dandelion", "thistle", "clover", "nettle")),
        ("fish", ("cod", "haddock", "plaice", "hake", "mackerel")),
        ("cheese", ("brie", "cheddar", "gouda", "blue cheese")),
    ),
    "detection": (
        ("bird", ("gull", "crow", "pigeon", "starling")),
        ("vehicle", ("car", "van", "truck", "bus", "tractor")),
        ("insect", ("aphid", "whitefly", "thrips", "spider mite")),
        ("fish", ("cod", "haddock", "plaice", "hake")),
        ("pest", ("rat", "mouse", "cockroach", "pigeon")),
    ),
    "segmentation": (
        ("crop", ("wheat", "barley", "maize", "rapeseed")),
        ("land cover", ("forest", "grassland", "water", "urban", "bare soil")),
        ("cell", ("red blood cell", "white blood cell", "platelet")),
    ),
    "keypoint": (
        ("animal", ("dog", "cat", "horse", "cow")),
        ("bird", ("pigeon", "chicken", "duck", "parrot")),
    ),
}
#: (subject, cue word, adjective classes): a cue word ("edge", "outline", "pose") that
#: reads like another task, but each image gets one of the adjectives: classification.
_ADJECTIVES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("knob", "surface", ("smooth", "ribbed", "knurled", "matte")),
    ("leaf", "margin", ("lobed", "serrated", "entire", "toothed")),
    ("leaf", "edge", ("smooth", "wavy", "serrated", "spiny")),
    ("pebble", "outline", ("round", "oval", "angular", "flat")),
    ("knife blade", "edge", ("sharp", "dull", "chipped")),
    ("fabric", "texture", ("plain", "twill", "satin", "knitted")),
    ("crystal", "shape", ("cubic", "needle-like", "plate-like", "prismatic")),
    ("dog", "pose", ("sitting", "standing", "lying", "running")),
    ("arrowhead", "points", ("triangular", "notched", "stemmed", "leaf-shaped")),
    ("coin", "edge", ("reeded", "plain", "lettered", "ornamented")),
    ("tablet", "outline", ("round", "oval", "capsule-shaped", "oblong")),
    ("signature", "stroke", ("fluent", "shaky", "broken")),
    ("bread crust", "texture", ("crisp", "soft", "cracked", "glossy")),
    ("cat", "pose", ("curled", "stretched", "upright", "crouched")),
    ("weld bead", "shape", ("convex", "flat", "concave", "irregular")),
)
#: (model, dataset) pairs for "Train DETR on COCO, but only for ...".
_NAMED_TRAINING = {"detection": (("DETR", "COCO"), ("Faster R-CNN", "COCO"),
                                 ("YOLOv8", "COCO"), ("RetinaNet", "Pascal VOC")),
                   "segmentation": (("Mask2Former", "ADE20K"), ("DeepLabV3", "Cityscapes"),
                                    ("SegFormer", "Cityscapes"))}
_NAMED_CLASSES = {"COCO": ("dog", "cat", "horse", "sheep", "cow", "bicycle", "bus", "truck",
                           "person", "bird", "boat", "train"),
                  "Pascal VOC": ("dog", "cat", "horse", "sheep", "bicycle", "bus", "boat",
                                 "bottle", "chair"),
                  "ADE20K": ("wall", "floor", "ceiling", "window", "door", "bed", "table"),
                  "Cityscapes": ("road", "sidewalk", "car", "pedestrian", "building", "sky",
                                 "vegetation")}
#: Words for a person whose keypoints are wanted (the class is 'person').
_PERSON_WORDS = ("human pose", "humans", "people", "body", "human body", "human")


def _list_phrase(items: list[str], rng: random.Random) -> str:
    """'a, b, c, d or e' / 'a, b, c and d' (no Oxford comma, as the adapter saw it fail)."""
    return _join(items, _pick(rng, ("and", "and", "or")))


def _long_intro(task: str, category: str, objects: list[str], rng: random.Random
                ) -> Callable[[str, str, random.Random], Intro]:
    cats = _plural(category) or category

    def make(imgs: str, img: str, r: random.Random) -> Intro:
        natural = _natural(objects, r, 0.5 if task in ("classification", "segmentation")
                           else 0.9)
        listed, comma = _list_phrase(natural, r), ", ".join(natural)
        lines = ("Task: " + {"classification": "image classification",
                             "detection": "object detection",
                             "segmentation": "semantic segmentation",
                             "keypoint": "keypoint detection"}[task],
                 f"Classes: {', '.join(objects)}")
        if task == "classification":
            verbs = [f"sort the {cats} ({comma})", f"classify each {img} as {listed}",
                     f"sort {imgs} of {cats} into these classes: {comma}",
                     f"tell which of the {cats} is shown: {listed}",
                     f"label each {img} with one of {listed}"]
            nouns = [f"Classification of {cats} ({comma})", f"{_cap(category)} classes: {comma}"]
        elif task == "detection":
            verbs = [f"detect {listed} in {imgs}", f"find the {cats} ({comma}) in our {imgs}",
                     f"put boxes around these {cats}: {comma}",
                     f"locate every {category} in {imgs}, that is {listed}"]
            nouns = [f"Detection of {cats} ({comma})", f"Boxes for: {comma}"]
        elif task == "segmentation":
            verbs = [f"segment {listed} in {imgs}", f"produce masks for the {cats} ({comma})",
                     f"segment our {imgs} into these classes: {comma}"]
            nouns = [f"Segmentation of {cats} ({comma})", f"Masks for: {comma}"]
        else:
            verbs = [f"estimate the pose of the {cats} ({comma})",
                     f"detect keypoints of {listed} in {imgs}",
                     f"find the keypoints of these {cats}: {comma}"]
            nouns = [f"Keypoints of {cats} ({comma})", f"Pose of {listed}"]
        if r.random() < 0.25:  # the list in a sentence of its own
            task_verb = {"classification": f"classify {imgs} of {cats}",
                         "detection": f"detect {cats} in {imgs}",
                         "segmentation": f"segment {cats} in {imgs}",
                         "keypoint": f"estimate the keypoints of {cats}"}[task]
            late = _pick(r, (f"There are {len(objects)} classes: {listed}.",
                             f"The classes are {listed}.",
                             f"We care about {listed}."))
            return Intro(task_verb, _cap(task_verb), lines[:1], late=late,
                         second=r.random() < 0.6)
        return Intro(_pick(r, verbs), _pick(r, nouns), lines)
    return make


def _kinds_intro(task: str, category: str, objects: list[str], rng: random.Random
                 ) -> Callable[[str, str, random.Random], Intro]:
    cats = _plural(category) or category

    def make(imgs: str, img: str, r: random.Random) -> Intro:
        natural = _natural(objects, r, 0.0 if task == "classification" else 0.7)
        listed, comma, ors = _list_phrase(natural, r), ", ".join(natural), _join(natural, "or")
        if task == "classification":
            verbs = [f"identify the kind of {category} in a {img} ({comma})",
                     f"classify {cats} by species, such as {listed}",
                     f"tell which {category} it is, namely {ors}",
                     f"recognise the type of {category} ({comma}) in each {img}"]
            nouns = [f"{_cap(category)} type classification ({comma})",
                     f"Which {category}? {_cap(comma)}"]
        elif task == "detection":
            verbs = [f"detect {cats} in {imgs}, namely {listed}",
                     f"find {cats} such as {listed} in our {imgs}",
                     f"put a box around each {category} ({comma})"]
            nouns = [f"{_cap(category)} detection ({comma})"]
        elif task == "segmentation":
            verbs = [f"segment the {cats} in {imgs}, namely {listed}",
                     f"produce masks per {category} type ({comma})"]
            nouns = [f"{_cap(category)} segmentation ({comma})"]
        else:
            verbs = [f"estimate the pose of {cats} such as {listed}",
                     f"detect keypoints of {cats} ({comma})"]
            nouns = [f"{_cap(category)} keypoints ({comma})"]
        return Intro(_pick(r, verbs), _pick(r, nouns),
                     ("Task: " + task, f"Classes: {', '.join(objects)}"))
    return make


def _adjective_intro(subject: str, cue: str, objects: list[str]
                     ) -> Callable[[str, str, random.Random], Intro]:
    subjects = _plural(subject) or subject

    def make(imgs: str, img: str, r: random.Random) -> Intro:
        ors, comma = _join(objects, "or"), ", ".join(objects)
        verbs = [f"classify the {cue} of each {subject} as {ors}",
                 f"look at the {cue} of the {subject} in each {img} and say whether it is {ors}",
                 f"sort {subject} {imgs} by {cue}: {comma}",
                 f"label every {subject} {img} by its {cue} ({comma})"]
        nouns = [f"{_cap(subject)} {cue} classification: {comma}",
                 f"Classify {subjects} by {cue} ({ors})"]
        return Intro(_pick(r, verbs), _pick(r, nouns),
                     ("Task: image classification", f"Input: one {subject} per {img}",
                      f"Classes ({cue}): {comma}"))
    return make


def _cue_intro(task: str, objects: list[str], rng: random.Random
               ) -> Callable[[str, str, random.Random], Intro]:
    """Detection / segmentation said in other words than 'detect' / 'segment'."""
    def make(imgs: str, img: str, r: random.Random) -> Intro:
        natural = _natural(objects, r, 0.9 if task == "detection" else 0.5)
        listed, comma = _join(natural), ", ".join(natural)
        one = objects[0] if len(objects) == 1 else None
        if task == "detection":
            verbs = [f"put a box around each {one}" if one else
                     f"put a box around each of these: {comma}",
                     f"find {listed} in our {imgs}; we need the locations, so boxes please",
                     f"localise {listed} with bounding boxes",
                     f"tell where the {listed} are in each {img}, with a box for each"]
            nouns = [f"Boxes around {listed}", f"Localisation of {listed} (bounding boxes)"]
        else:
            verbs = [f"outline the {listed} at pixel level",
                     f"get a mask per class ({comma}) for our {imgs}",
                     f"separate {listed} in the image pixel by pixel",
                     f"mark exactly which pixels belong to {listed}"]
            nouns = [f"Pixel-level outlines of {listed}", f"A mask per class: {comma}"]
        return Intro(_pick(r, verbs), _pick(r, nouns),
                     ("Task: " + {"detection": "find and box objects",
                                  "segmentation": "pixel masks"}[task],
                      f"Classes: {', '.join(objects)}"))
    return make


def _person_intro(imgs: str, img: str, r: random.Random) -> Intro:
    word = _pick(r, _PERSON_WORDS)
    verbs = {"human pose": [f"estimate human pose in {imgs}", "track human pose in our videos"],
             "humans": [f"find the keypoints of humans in {imgs}",
                        "estimate the joints of the humans in each frame"],
             "people": [f"detect body keypoints of the people in {imgs}",
                        f"estimate the pose of all people in each {img}"],
             "body": [f"find body keypoints in {imgs}", "estimate full body pose in our videos"],
             "human body": [f"locate the joints of the human body in {imgs}"],
             "human": [f"estimate the keypoints of every human in our {imgs}"]}[word]
    nouns = {"human pose": "Human pose estimation", "humans": "Keypoints of humans",
             "people": "Pose estimation for people", "body": "Body keypoint detection",
             "human body": "Human body keypoints", "human": "Human keypoint detection"}
    return Intro(_pick(r, verbs), nouns[word], ("Task: keypoint detection",
                                                f"Target: {word}"))


#: Phrasings per task and how often the 'lists' kind writes each.
_LIST_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "classification": (("long", 0.45), ("kinds", 0.2), ("adjective", 0.35)),
    "detection": (("long", 0.45), ("kinds", 0.15), ("cue", 0.25), ("named", 0.15)),
    "segmentation": (("long", 0.45), ("kinds", 0.1), ("cue", 0.3), ("named", 0.15)),
    "keypoint": (("long", 0.3), ("kinds", 0.2), ("person", 0.5)),
}


def _lists(slots: Slots, pool: _Pools, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The seed's constraints with one of the class-list phrasings above."""
    s = copy.deepcopy(slots)
    forms = _Forms()
    names, weights = zip(*_LIST_FORMS[s.task], strict=True)
    form = rng.choices(names, weights=weights)[0]
    s.datasets, s.scenario, s.modality = [], "none", "none"
    if form == "long":
        category, classes = _pick(rng, _LONG_LISTS[s.task])
        n = rng.randint(4, len(classes))
        objects = list(classes[:n]) if rng.random() < 0.5 else rng.sample(classes, n)
        forms.intro_fn = _long_intro(s.task, category, objects, rng)
    elif form == "kinds":
        category, kinds = _pick(rng, _KINDS_OF[s.task])
        objects = list(kinds)
        forms.intro_fn = _kinds_intro(s.task, category, objects, rng)
    elif form == "adjective":
        subject, cue, adjectives = _pick(rng, _ADJECTIVES)
        objects = list(adjectives)
        forms.intro_fn = _adjective_intro(subject, cue, objects)
    elif form == "cue":
        objects = list(s.objects)
        forms.intro_fn = _cue_intro(s.task, objects, rng)
    elif form == "named":
        s.model, dataset = _pick(rng, _NAMED_TRAINING[s.task])
        objects = rng.sample(_NAMED_CLASSES[dataset], rng.randint(2, 4))
        s.datasets = [dataset]
        model, natural = s.model, _natural(objects, rng, 0.9 if s.task == "detection" else 0.4)
        listed = _join(natural)

        def make(imgs: str, img: str, r: random.Random) -> Intro:
            verbs = [f"train {model} on {dataset}, but only for {listed}",
                     f"fine-tune {model} on {dataset} restricted to {listed}"]
            return Intro(_pick(r, verbs), f"{model} on {dataset}, only {listed}",
                         (f"Task: {s.task}", f"Classes: {', '.join(objects)}"))
        forms.intro_fn = make
        forms.style = _pick(rng, ("prose", "runon", "casual", "terse"))
        forms.names_said = True  # the intro names both
    else:  # person
        objects = ["person"]
        forms.intro_fn = _person_intro
    s.objects = objects
    text, parse = _compose(s, rng, forms)
    return text, parse


# --------------------------------------------------------------------------- focus kind
#
# Phenomena the v4 adapter still got wrong, each with its own wording tables (the seed's
# other slots stay): batch times in many wordings, counts beside a speed, error-rate
# wordings, several metrics sharing one target, metrics named only as relaxed, class labels
# that sound like regions / materials / styles (still classification), a keypoint carrier
# named before its points, object names before an annotation noun ("car boxes"), parameters
# and FLOPs side by side with look-alike units, capture devices that are no deployment
# target, and a head noun shared by a list ("sourdough, rye and white loaves").

# Batch times: every wording says "batch" or "at a time", the words `ru_forms` keys the
# batch form on; a bare "8 images in 400 ms" would leave the division to the model.
_BATCH_CLAUSES = (
    "It has to process {n} {items} at a time in {t} {u}.",
    "A batch of {n} {items} must be done within {t} {u}.",
    "{t} {u} for every batch of {n} {items}, that is the budget.",
    "The model handles {n} {items} at a time and gets {t} {u} for them.",
    "We feed it batches of {n}. Each batch has to finish in {t} {u}.",
    "Within {t} {u} it must get through a batch of {n} {items}.",
    "Batch size is {n}; the whole batch must take no more than {t} {u}.",
    "Our budget is {t} {u} per batch, and a batch holds {n} {items}.",
    "{n} {items} arrive together as one batch and have to be processed in under {t} {u}.",
    "It should run a batch of {n} {items} in {t} {u} or less.",
    "The server groups {n} {items} per batch; latency per batch: at most {t} {u}.",
    "In {t} {u} it needs to finish {n} {items} at a time.",
    "We process {n} {items} at a time, and each batch gets {t} {u}.",
    "The pipeline sends batches; one batch is {n} {items}, and {t} {u} is the limit for it.",
)
_BATCH_FRAGMENTS = (
    "{n} {items} at a time in {t} {u}", "a batch of {n} within {t} {u}",
    "{t} {u} per batch of {n} {items}", "{t} {u} for every batch of {n}",
    "batch of {n}, {t} {u} max", "batch size {n}, under {t} {u} per batch",
    "within {t} {u} for {n} {items} at a time", "{n} at a time, {t} {u} tops",
)
_BATCH_ITEMS = ("images", "frames", "photos", "crops", "tiles", "scans", "patches",
                "pictures", "samples")
_BATCH_TOTALS = {"ms": (60, 75, 90, 100, 120, 150, 180, 200, 240, 250, 300, 320, 350, 400, 450,
                        480, 500, 600, 640, 700, 750, 800, 900, 960, 1000, 1200, 1500, 1600,
                        2000, 2400, 3000),
                 "s": (0.5, 0.8, 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)}
_BATCH_UNIT_WORDS = {"ms": ("ms", "ms", "milliseconds", "msec"), "s": ("s", "seconds", "sec")}


def _draw_batch(rng: random.Random) -> tuple[int, float, str]:
    """(batch size 2-64, total time, unit) whose per-image time has at most 4 decimals."""
    unit = "ms" if rng.random() < 0.75 else "s"
    for _ in range(100):
        total, n = float(_pick(rng, _BATCH_TOTALS[unit])), rng.randint(2, 64)
        per = total / n
        if abs(round(per, 4) * n - total) < 1e-9 and (unit == "s" or per >= 1):
            return n, total, unit
    return 4, 200.0, "ms"


def _batch_rendered(n: int, total: float, unit: str, rng: random.Random) -> Rendered:
    u = _pick(rng, _BATCH_UNIT_WORDS[unit])
    if u == "seconds" and total == 1:
        u = "second"
    values = {"n": n, "t": _fmt(total), "u": u, "items": _pick(rng, _BATCH_ITEMS)}
    clause = _pick(rng, _BATCH_CLAUSES).format(**values)
    return Rendered(_cap(clause), _pick(rng, _BATCH_FRAGMENTS).format(**values))


# Counts beside a speed: the count is no speed and goes nowhere in the parse.
_COUNT_FPS = (
    "Up to {k} {things} can be in view at once, and it has to run at {r} fps.",
    "It tracks {k} {things} at the same time at {r} FPS.",
    "We run {k} cameras and need {r} fps per camera.",
    "{r} fps with up to {k} {things} per image.",
    "At {r} fps, with as many as {k} {things} in a frame.",
    "Expect around {k} {things} per frame; the target is {r} frames per second.",
    "There are {k} camera streams, each at {r} fps.",
    "It must keep {r} fps even with {k} {things} in the frame.",
    "All {c} classes, at least {r} FPS.",
    "It distinguishes {c} classes and needs {r} fps.",
)
_COUNT_MS = (
    "Up to {k} {things} per image, and each image within {t} ms.",
    "Each frame can hold {k} {things} and must be processed in under {t} ms.",
    "{t} ms per frame, even with {k} {things} in the frame.",
    "It watches {k} cameras; latency per frame below {t} ms.",
    "With all {c} classes it should still answer in under {t} ms per image.",
    "It tracks {k} {things} and has {t} ms per frame.",
    "Under {t} ms per image with up to {k} {things} at once.",
)
_COUNT_FRAGMENTS = {"fps": ("up to {k} {things} at once, {r} fps", "{k} cameras @ {r} fps",
                            "{r} fps, {k} {things} per frame", "{c} classes, {r} FPS",
                            "tracks {k} {things} at {r} fps"),
                    "ms": ("{t} ms per frame, up to {k} {things} per image",
                           "{k} cameras, under {t} ms each frame",
                           "{c} classes, < {t} ms per image",
                           "up to {k} {things} in a frame, {t} ms")}
#: Counted things that fit any request (the seed's own classes are used too).
_COUNT_THINGS = ("objects", "items", "instances", "targets")


def _count_rendered(s: Slots, rng: random.Random) -> Rendered:
    """A count next to the speed; `s.speed` is set to the speed it states."""
    unit = "fps" if rng.random() < 0.6 else "ms"
    value = _pick(rng, (5, 10, 12, 15, 20, 24, 25, 30, 50, 60) if unit == "fps"
                  else (15, 20, 25, 30, 40, 50, 60, 80, 100, 150))
    k = _pick(rng, [c for c in (2, 3, 4, 6, 8, 10, 12, 16, 20, 32, 50) if c != value])
    # the seed's classes counted only where they are countable instances ("8 cars", not
    # "8 agricultures" in a land-cover segmentation)
    plurals = ([p for o in s.objects if (p := _plural(o))]
               if s.task in ("detection", "keypoint") else [])
    if s.task == "keypoint":
        plurals.append("people")
    things = _pick(rng, plurals) if plurals and rng.random() < 0.6 else _pick(rng, _COUNT_THINGS)
    values = {"k": k, "things": things, "r": value, "t": value, "c": len(s.objects)}
    clauses = _COUNT_FPS if unit == "fps" else _COUNT_MS
    fragments = _COUNT_FRAGMENTS[unit]
    if len(s.objects) < 3 or len(s.objects) == value:  # "N classes" only where N is right
        clauses = tuple(c for c in clauses if "{c}" not in c)
        fragments = tuple(f for f in fragments if "{c}" not in f)
    s.speed = _qty(value, unit)
    return Rendered(_pick(rng, clauses).format(**values),
                    _pick(rng, fragments).format(**values))


# Error rates: every wording has "error", "wrong" or "misclassif" (what `ru_forms` keys the
# error form on) and states the rate in percent or as K in 100 ("K mistakes per 1000" would
# need arithmetic `ru_forms` does not do, so it is never written).
_ERROR_PCT = (("The error rate must be below {e}%.", "error rate below {e}%"),
              ("It should misclassify fewer than {e}% of the {imgs}.",
               "misclassifies fewer than {e}%"),
              ("We tolerate an error rate of {e}% at most.", "error rate <= {e}%"),
              ("Keep misclassifications under {e} percent.", "misclassifications < {e} percent"),
              ("No more than {e}% of the {imgs} may be classified wrong.",
               "at most {e}% wrong"),
              ("Top-1 error should not exceed {e}%.", "top-1 error under {e}%"))
_ERROR_COUNT = (("At most {k} in 100 predictions may be wrong.", "at most {k} in 100 wrong"),
                ("No more than {k} errors per 100 {imgs}.", "no more than {k} errors per 100"),
                ("It may get at most {k} out of every 100 {imgs} wrong.",
                 "{k} out of 100 wrong at most"),
                ("Fewer than {k} wrong predictions per 100 {imgs}, please.",
                 "fewer than {k} wrong per 100 {imgs}"),
                ("We accept up to {k} misclassified {imgs} in 100.",
                 "up to {k} misclassified in 100"))


def _error_rendered(s: Slots, rng: random.Random) -> Rendered:
    """An error-rate wording; `s.metrics` gets accuracy = 1 - error in front."""
    whole = rng.random() < 0.6
    e = rng.randint(1, 15) if whole else _pick(rng, (0.5, 1.5, 2.5, 3.5, 4.5, 7.5, 12.5))
    s.metrics = [m for m in s.metrics if m["name"] != "accuracy"]
    s.metrics.insert(0, {"name": "accuracy", "value": _num(1 - e / 100)})
    imgs = _pick(rng, ("images", "photos", "samples", "predictions"))
    table = _ERROR_COUNT if whole and rng.random() < 0.5 else _ERROR_PCT
    clause, fragment = _pick(rng, table)
    values = {"e": _fmt(e), "k": _fmt(e), "imgs": imgs}
    return Rendered(clause.format(**values), fragment.format(**values))


# Several metrics, one target: one entry per named metric, same value.
_SHARED_GROUPS = {"classification": (("precision", "recall"), ("f1-score", "accuracy"),
                                     ("precision", "recall", "f1-score"),
                                     ("accuracy", "recall"), ("accuracy", "precision")),
                  "detection": (("precision", "recall"), ("AP", "AR"), ("AP", "recall"),
                                ("precision", "recall", "f1-score"), ("precision", "AP")),
                  "segmentation": (("IoU", "dice"), ("precision", "recall"),
                                   ("IoU", "accuracy"), ("dice", "f1-score"),
                                   ("IoU", "dice", "accuracy")),
                  "keypoint": (("AP", "AR"), ("AP", "PCK"), ("PCK", "AR"))}
_SHARED_SURFACES = {"accuracy": ("accuracy",), "precision": ("precision",),
                    "recall": ("recall", "sensitivity"), "f1-score": ("F1", "F1 score"),
                    "AP": ("AP", "mAP"), "AR": ("AR", "average recall"),
                    "IoU": ("mIoU", "IoU"), "dice": ("Dice", "Dice score"), "PCK": ("PCK",)}
_SHARED_CLAUSES = ("{names} should both be above {x}.", "We need {names} of at least {x} each.",
                   "{names} over {x}.", "Both {names} must reach {x}.",
                   "Target: {x} or better on {names}.", "{names} each at {x} or higher.",
                   "For {names} we want at least {x}, each.")
_SHARED_FRAGMENTS = ("{names} both above {x}", "{names} >= {x}", "{names} of at least {x} each",
                     "{names} over {x}", "{x}+ on {names}")


def _shared_rendered(s: Slots, rng: random.Random) -> Rendered:
    """One target for 2-3 metrics; `s.metrics` gets one entry per metric."""
    names = list(_pick(rng, _SHARED_GROUPS[s.task]))
    lo, hi = max(_METRIC_RANGES[n][0] for n in names), min(_METRIC_RANGES[n][1] for n in names)
    v = rng.randint(min(lo, hi), max(lo, hi)) / 100
    s.metrics = [{"name": n, "value": _num(v)} for n in names]
    surfaces = [_pick(rng, _SHARED_SURFACES[n]) for n in names]
    form = _pick(rng, ["pct", "pct", "frac"] + (["points"] if set(names) <= _POINTS_OK else []))
    x = {"pct": f"{_pct(v)}%", "frac": _fmt(v), "points": _pct(v)}[form]
    two = len(surfaces) == 2
    clauses = _SHARED_CLAUSES if two else tuple(c.replace("both", "all").replace("Both ", "All of ")
                                                for c in _SHARED_CLAUSES)
    joined = _join(surfaces) if rng.random() < 0.75 else " & ".join(surfaces)
    clause = _pick(rng, clauses).format(names=joined, x=x)
    return Rendered(_cap(clause), _pick(rng, _SHARED_FRAGMENTS).format(
        names=joined if rng.random() < 0.6 else "/".join(surfaces), x=x).replace(
        "both", "both" if two else "all"))


# A metric named only as relaxed is no requirement (not in the parse).
_RELAXED = ("{O} can be lower.", "{O} matters less.", "We don't care about {o}.",
            "{O} is not a priority.", "{O} doesn't matter much for us.",
            "No particular {o} target.", "{O} is nice to have, nothing more.",
            "Ignore {o}.", "{O} is secondary.", "We do not care much about {o}.")
_RELAXED_NAMES = {"accuracy": "accuracy", "precision": "precision", "recall": "recall",
                  "f1-score": "F1", "AP": "mAP", "AR": "AR", "IoU": "mIoU", "dice": "Dice",
                  "PCK": "PCK"}


def _relaxed_rendered(s: Slots, rng: random.Random) -> Rendered:
    """A required metric (or none) and a relaxed one beside it; only the first is kept."""
    pool_names = [*_TASK_METRICS[s.task], "precision", "recall"]
    if rng.random() < 0.25:
        s.metrics, main = [], None
    else:
        metric = draw_metric(s.task, rng)
        s.metrics, main = [metric], render_metric(metric, s.task, rng)
    named = {m["name"] for m in s.metrics}
    other = _RELAXED_NAMES[_pick(rng, [n for n in pool_names if n not in named])]
    relaxed = _pick(rng, _RELAXED).format(O=_cap(other), o=other)
    if main is None:
        return Rendered(relaxed, _uncap(relaxed.rstrip(".")))
    joiner = _pick(rng, (" ", "; ", ", but "))
    tail = relaxed if joiner == " " else _uncap(relaxed)
    clause = main.clause[:-1] + (joiner if joiner != " " else ". ") + tail
    return Rendered(clause, f"{main.fragment} ({_uncap(relaxed.rstrip('.'))})")


# Classification labels that sound like regions, materials, styles, periods, weather,
# textures or moods: still classification, the labels are the objects.
#: (what is labelled, the attribute, the labels)
_STYLE_DOMAINS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("satellite tile", "land-cover type", ("forest", "cropland", "urban", "water", "wetland",
                                            "grassland", "bare soil")),
    ("painting", "art style", ("impressionism", "cubism", "baroque", "surrealism", "pop art",
                               "realism")),
    ("building photo", "architectural period", ("gothic", "baroque", "victorian", "modernist",
                                                "art deco")),
    ("fabric swatch", "material", ("cotton", "denim", "silk", "wool", "linen", "polyester")),
    ("road photo", "road surface condition", ("dry", "wet", "icy", "snow-covered", "slushy")),
    ("webcam image", "weather", ("sunny", "cloudy", "rainy", "foggy", "snowy")),
    ("texture patch", "texture", ("striped", "dotted", "checkered", "plain", "woven")),
    ("movie still", "mood", ("calm", "tense", "joyful", "gloomy", "romantic")),
    ("aerial image", "terrain", ("mountainous", "desert", "coastal", "flat", "hilly")),
    ("floor photo", "flooring material", ("hardwood", "carpet", "laminate", "vinyl",
                                          "concrete")),
    ("rock sample photo", "rock type", ("granite", "basalt", "limestone", "sandstone",
                                        "marble")),
    ("soil photo", "soil type", ("clay", "sandy", "loamy", "silty", "peaty")),
    ("wine label", "region", ("bordeaux", "burgundy", "rioja", "tuscany", "napa valley")),
    ("furniture photo", "design era", ("mid-century", "victorian", "industrial",
                                       "scandinavian", "rustic")),
    ("sea photo", "sea state", ("calm", "moderate", "rough", "very rough")),
    ("coin photo", "period", ("roman", "medieval", "early modern", "modern")),
    ("sky photo", "cloud type", ("cumulus", "stratus", "cirrus", "cumulonimbus")),
    ("street scene", "time of day", ("day", "night", "dusk", "dawn")),
    ("field tile", "growth stage", ("emergence", "tillering", "flowering", "ripening")),
    ("album cover", "genre", ("jazz", "rock", "classical", "hip hop", "electronic")),
    ("roof photo", "roof material", ("slate", "metal", "shingle", "thatch", "clay tile")),
    ("climate-zone map tile", "climate zone", ("tropical", "arid", "temperate", "polar")),
    ("interior photo", "decor style", ("minimalist", "bohemian", "industrial", "classic")),
    ("pavement image", "surface type", ("asphalt", "cobblestone", "gravel", "concrete")),
)
_STYLE_CLASSES = frozenset(c for *_, labels in _STYLE_DOMAINS for c in labels)


def _style_intro(rng: random.Random) -> tuple[list[str], Callable[[str, str, random.Random],
                                                                   Intro]]:
    unit, attr, labels = _pick(rng, _STYLE_DOMAINS)
    objects = rng.sample(labels, rng.randint(3, min(5, len(labels))))
    units = _plural(unit) or unit

    def make(imgs: str, img: str, r: random.Random) -> Intro:
        listed, comma = _join(objects, _pick(r, ("or", "and"))), ", ".join(objects)
        verbs = [f"categorise each {unit} as {_join(objects, 'or')}",
                 f"label every {unit} by its {attr}: {comma}",
                 f"sort {units} by {attr} into {_join(objects)}",
                 f"tell which {attr} each {unit} shows ({comma})",
                 f"assign one {attr} to each {unit} ({listed})",
                 f"put every {unit} into one of these {attr} classes: {comma}",
                 f"decide for each {unit} whether it is {_join(objects, 'or')}",
                 f"classify {units} by {attr} ({listed})"]
        nouns = [f"{_cap(attr)} classification of {units}: {comma}",
                 f"{_cap(unit)} classifier ({attr}: {comma})",
                 f"Label each {unit} by {attr}: {listed}"]
        lines = ((f"Goal: label every {unit} by its {attr}", f"Classes: {comma}")
                 if r.random() < 0.5 else ("Task: image classification",
                                           f"{_cap(attr)} labels: {comma}"))
        return Intro(_pick(r, verbs), _pick(r, nouns), lines)
    return objects, make


# A keypoint carrier named first, its points after it: the carrier is the object.
_CARRIER_POINTS: dict[str, tuple[str, ...]] = {
    "hand": ("thumb tip, index tip, wrist", "fingertips, knuckles, wrist"),
    "foot": ("heel, big toe, little toe, ankle", "heel, toe tip, arch"),
    "face": ("eye corners, nose tip, mouth corners, chin", "eyes, nose, mouth"),
    "fish": ("snout, dorsal fin, tail fork, pectoral fin", "head, fins, tail"),
    "car": ("wheel centres, headlights, mirrors", "four wheels, two headlights"),
    "bird": ("beak, crown, wing tips, tail", "beak, eyes, feet"),
    "cow": ("withers, hip bones, tail head, hooves", "nose, ears, spine, tail"),
    "shoe": ("toe, heel, lace top, sole edge", "toe tip, heel, collar"),
    "horse": ("nose, withers, hocks, hooves", "poll, withers, croup"),
    "dog": ("nose, ears, paws, tail base", "eyes, nose, elbows, knees"),
    "chair": ("seat corners, leg tips, backrest top", "leg ends, seat corners"),
    "bottle": ("cap, neck, base corners", "cap centre, shoulders, base"),
    "leaf": ("tip, base, midrib", "apex, base, margin points"),
    "bicycle": ("wheel hubs, saddle, handlebar ends, pedals", "hubs, saddle, handlebar"),
    "drone": ("rotor centres, body centre, camera", "four rotors, nose"),
    "crab": ("claw tips, eyes, leg joints", "claws, carapace corners"),
    "glove": ("fingertips, cuff corners", "thumb tip, fingertips, wrist band"),
    "guitar": ("headstock, neck joint, bridge", "tuning pegs, bridge ends"),
    "sheep": ("nose, ears, hooves, tail", "head, withers, rump"),
    "mouse": ("nose, ears, tail base, paws", "snout, ears, tail tip"),
    "door": ("hinges, handle, corners", "four corners, handle"),
    "forklift": ("fork tips, mast top, wheels", "fork tips, cab corners"),
    "tennis racket": ("head top, throat, handle end", "frame tip, handle butt"),
    "laptop": ("screen corners, hinge ends", "lid corners, keyboard corners"),
}


def _carrier_intro(rng: random.Random) -> tuple[list[str], Callable[[str, str, random.Random],
                                                                     Intro]]:
    carrier = _pick(rng, list(_CARRIER_POINTS))
    points = _pick(rng, _CARRIER_POINTS[carrier]).split(", ")
    plural = _plural(carrier) or carrier

    def make(imgs: str, img: str, r: random.Random) -> Intro:
        comma = ", ".join(points)
        listed = _join(points)
        verbs = [f"detect {carrier} keypoints ({comma})",
                 f"find the landmarks on the {carrier}: {comma}",
                 f"locate keypoints on each {carrier}: {listed}",
                 f"predict {carrier} landmarks ({comma}) in {imgs}",
                 f"track the {carrier} keypoints, namely {listed}",
                 f"estimate {carrier} keypoints in {imgs} ({comma})",
                 f"mark the keypoints of every {carrier}: {comma}",
                 f"get {carrier} landmarks ({listed}) from {imgs}"]
        nouns = [f"{_cap(carrier)} keypoints ({comma})", f"Landmarks on the {carrier}: {comma}",
                 f"Keypoints on {plural}: {listed}", f"{_cap(carrier)} landmark detection "
                 f"({comma})"]
        lines = ("Task: keypoint detection", _pick(r, (f"Keypoints: {carrier} ({comma})",
                                                       f"Landmarks on the {carrier}: {comma}")))
        return Intro(_pick(r, verbs), _pick(r, nouns), lines)
    return [carrier], make


# Object names before an annotation noun: "just the car boxes" -> car.
_BOX_VERBS = ("get just the {x} boxes from our {imgs}", "draw {x} bounding boxes on {imgs}",
              "output {x} boxes for each {img}", "predict {x} bounding boxes in {imgs}",
              "return only the {x} boxes", "produce {x} bounding boxes for our {imgs}")
_BOX_NOUNS = ("{X} bounding boxes on {imgs}", "Just the {x} boxes, nothing else",
              "{X} boxes in {imgs}")
_MASK_VERBS = ("predict {x} masks for our {imgs}", "produce {x} outlines in {imgs}",
               "draw {x} polygons on each {img}", "get pixel-accurate {x} masks",
               "return just the {x} masks", "output {x} polygons for every {img}",
               "trace {x} outlines in our {imgs}")
_MASK_NOUNS = ("{X} masks for {imgs}", "{X} polygons from {imgs}", "Just the {x} outlines",
               "{X} segmentation masks")


def _annotation_intro(s: Slots, pool: _Pools, rng: random.Random
                      ) -> tuple[list[str], Callable[[str, str, random.Random], Intro]]:
    """Classes written attributively before boxes / masks / outlines / polygons."""
    plain = [o for objs, *_ in pool.object_lists for o in objs
             if re.fullmatch(r"[a-z]+(?: [a-z]+)?", o) and not _NOT_MODIFIERS & set(o.split())]
    objects = list(dict.fromkeys(rng.sample(plain, min(len(plain), rng.choice((1, 1, 2, 2, 3))))))
    x = _join(objects)
    verbs, nouns = ((_BOX_VERBS, _BOX_NOUNS) if s.task == "detection"
                    else (_MASK_VERBS, _MASK_NOUNS))

    def make(imgs: str, img: str, r: random.Random) -> Intro:
        values = {"x": x, "X": _cap(x), "imgs": imgs, "img": img}
        what = "boxes" if s.task == "detection" else _pick(r, ("masks", "outlines", "polygons"))
        lines = (f"Task: {'object detection' if s.task == 'detection' else 'segmentation'}",
                 f"Output: just the {x} {what}")
        return Intro(_pick(r, verbs).format(**values), _pick(r, nouns).format(**values), lines)
    return objects, make


# Parameters and FLOPs side by side, with look-alike units ("2M params, 300M FLOPs").
_PARAM_DRAWS = {"K": (100, 150, 250, 300, 500, 750, 800, 900), "M": (0.5, 1.2, 2, 3.5, 5, 8,
                                                                   12, 25, 40),
                "B": (0.5, 1, 1.3, 3, 7)}
_FLOP_DRAWS = {"MFLOPs": (50, 120, 300, 450, 600, 800), "GFLOPs": (0.5, 1, 2.5, 4, 8, 15, 30),
               "TFLOPs": (0.1, 0.5, 1, 2)}
_PARAM_WORDS = {"K": ("{x}K", "{x}k", "{x} thousand", "{x}K"), "M": ("{x}M", "{x} million",
                                                                      "{x} M"),
                "B": ("{x}B", "{x} billion")}
_FLOP_WORDS = {"MFLOPs": ("{x} MFLOPs", "{x}M FLOPs", "{x} million FLOPs", "{x} MFLOPS"),
               "GFLOPs": ("{x} GFLOPs", "{x}G FLOPs", "{x} billion FLOPs", "{x}B FLOPs",
                          "{x} GFLOPS"),
               "TFLOPs": ("{x} TFLOPs", "{x} trillion FLOPs")}
_BUDGET_CLAUSES = ("It must stay under {P} and under {F}.", "The budget is {P} and {F}.",
                   "At most {P}, and no more than {F} per image.",
                   "The model must have fewer than {P} and need less than {F}.",
                   "Keep it below {F} and {P}.", "Compute below {F}; size below {P}.",
                   "We can afford {F} and {P} at most.", "No more than {P}, {F} max.")
_BUDGET_FRAGMENTS = ("under {P} and under {F}", "{P}, {F}", "{F}, {P}", "<= {P} / <= {F}",
                     "{P} max, {F} max", "at most {F} and {P}")


def _budget_rendered(s: Slots, rng: random.Random) -> Rendered:
    """Parameters and FLOPs in one phrase; sets both slots."""
    p_unit = rng.choices(("K", "M", "B"), weights=(0.35, 0.5, 0.15))[0]
    f_unit = "MFLOPs" if p_unit in ("K", "M") and rng.random() < 0.5 else rng.choices(
        ("MFLOPs", "GFLOPs", "TFLOPs"), weights=(0.3, 0.6, 0.1))[0]
    p, f = _pick(rng, _PARAM_DRAWS[p_unit]), _pick(rng, _FLOP_DRAWS[f_unit])
    s.parameters, s.flops = _qty(p, p_unit), _qty(f, f_unit)
    amount = _pick(rng, _PARAM_WORDS[p_unit]).format(x=_fmt(p))
    values = {"P": f"{amount} {_pick(rng, ('parameters', 'params', 'parameters'))}",
              "F": _pick(rng, _FLOP_WORDS[f_unit]).format(x=_fmt(f))}
    return Rendered(_pick(rng, _BUDGET_CLAUSES).format(**values),
                    _pick(rng, _BUDGET_FRAGMENTS).format(**values))


# Capture devices are no deployment target: gpu stays as the deployment sentence (if any)
# says, 'none' when there is none.
_CAPTURE_DEVICES = ("Canon EOS R6", "Nikon D850", "Sony A7 III", "GoPro Hero 11",
                    "iPhone 14 Pro", "Samsung Galaxy S23", "Pixel 7", "DJI Mavic 3 drone",
                    "Epson Perfection V600 scanner", "Fujitsu ScanSnap scanner",
                    "Basler ace camera", "FLIR A70 thermal camera", "Hikvision IP camera",
                    "Axis P1375 camera", "Zeiss Axiocam microscope camera",
                    "Intel RealSense D435", "Logitech C920 webcam", "Olympus TG-6")
_CAPTURE_CLAUSES = ("The photos are taken with a {d}.", "All images were shot on a {d}.",
                    "We capture everything with a {d}; it only takes the pictures.",
                    "Frames come from a {d} mounted above the line.",
                    "Our technicians take the pictures with a {d} and upload them.",
                    "Images are recorded with a {d}.", "The data comes from a {d}.",
                    "Pictures are captured on a {d}, nothing runs on it.")
_CAPTURE_TEXT = re.compile("|".join(re.escape(d) for d in _CAPTURE_DEVICES))


# A head noun shared by a list: "sourdough, rye and white loaves" -> sourdough loaf, ...
_SHARED_HEADS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("loaf", ("sourdough", "rye", "white", "wholemeal", "spelt")),
    ("apple", ("red", "green", "yellow", "bruised")),
    ("pepper", ("red", "green", "yellow", "orange")),
    ("bottle", ("glass", "plastic", "aluminium")),
    ("helmet", ("white", "yellow", "blue", "red")),
    ("pallet", ("wooden", "plastic", "metal")),
    ("screw", ("phillips", "torx", "slotted", "hex")),
    ("cable", ("red", "black", "blue", "green")),
    ("egg", ("brown", "white", "cracked")),
    ("bag", ("paper", "plastic", "cloth")),
    ("brick", ("red", "grey", "broken")),
    ("tile", ("cracked", "chipped", "stained")),
    ("jar", ("glass", "plastic", "ceramic")),
    ("mug", ("white", "striped", "chipped")),
    ("leaf", ("healthy", "rusty", "spotted", "curled")),
    ("tyre", ("summer", "winter", "all-season")),
)


def _head_intro(task: str, rng: random.Random
                ) -> tuple[list[str], Callable[[str, str, random.Random], Intro]]:
    head, quals = _pick(rng, _SHARED_HEADS)
    chosen = rng.sample(quals, rng.randint(2, min(4, len(quals))))
    objects = [f"{q} {head}" for q in chosen]
    phrase = f"{_join(chosen, _pick(rng, ('and', 'and', 'or')))} {_plural(head)}"

    def make(imgs: str, img: str, r: random.Random) -> Intro:
        verbs = {"classification": [f"tell apart {phrase}", f"sort {imgs} of {phrase}",
                                    f"classify {imgs} showing {phrase}"],
                 "detection": [f"detect {phrase} in {imgs}", f"find and box {phrase}",
                               f"locate {phrase} on the shelf"],
                 "segmentation": [f"segment {phrase} in {imgs}",
                                  f"produce pixel masks of {phrase}"]}[task]
        nouns = {"classification": f"Classification of {phrase}",
                 "detection": f"Detection of {phrase}",
                 "segmentation": f"Segmentation of {phrase}"}[task]
        lines = (f"Task: {task}", f"Classes: {phrase}")
        return Intro(_pick(r, verbs), nouns, lines)
    return objects, make


#: How often the 'focus' kind writes each phenomenon, per task.
_FOCUS_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "classification": (("batch_time", 0.15), ("count_speed", 0.1), ("error_wording", 0.16),
                       ("shared_metric", 0.11), ("relaxed_metric", 0.07),
                       ("style_classes", 0.18), ("budget_pair", 0.08),
                       ("capture_device", 0.07), ("shared_head", 0.08)),
    "detection": (("batch_time", 0.15), ("count_speed", 0.14), ("shared_metric", 0.12),
                  ("relaxed_metric", 0.08), ("annotation_noun", 0.2), ("budget_pair", 0.1),
                  ("capture_device", 0.09), ("shared_head", 0.12)),
    "segmentation": (("batch_time", 0.15), ("count_speed", 0.1), ("shared_metric", 0.12),
                     ("relaxed_metric", 0.08), ("annotation_noun", 0.22), ("budget_pair", 0.1),
                     ("capture_device", 0.1), ("shared_head", 0.13)),
    "keypoint": (("batch_time", 0.15), ("count_speed", 0.16), ("shared_metric", 0.12),
                 ("relaxed_metric", 0.08), ("carrier_points", 0.3), ("budget_pair", 0.1),
                 ("capture_device", 0.09)),
}


def _focus(slots: Slots, pool: _Pools, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The seed's slots with one of the focus phenomena above. A batch time or an error
    rate is drawn again (a few times) until `ru_forms` writes it in the batch / error form,
    so the answer never asks the model for the division or the subtraction."""
    names, weights = zip(*_FOCUS_FORMS[slots.task], strict=True)
    form = rng.choices(names, weights=weights)[0]
    for _ in range(10):
        text, parse = _focus_form(slots, pool, form, rng)
        if _focus_form_ok(form, text, parse):
            break
    return text, parse


def _focus_form_ok(form: str, text: str, parse: dict[str, Any]) -> bool:
    model = parse["model"]
    if form == "batch_time":
        return "batch" in written_speed(text, model["speed"])
    if form == "error_wording":
        return any(written_metric(text, m)["name"] == ERROR_METRIC for m in model["metrics"])
    return True


def _focus_form(slots: Slots, pool: _Pools, form: str, rng: random.Random
                ) -> tuple[str, dict[str, Any]]:
    s = copy.deepcopy(slots)
    forms = _Forms()
    new: list[str] | None = None
    if form == "batch_time":
        n, total, unit = _draw_batch(rng)
        s.speed = _qty(total / n, unit)
        forms.rendered["speed"] = [_batch_rendered(n, total, unit, rng)]
    elif form == "count_speed":
        forms.rendered["speed"] = [_count_rendered(s, rng)]
    elif form == "error_wording":
        rendered = _error_rendered(s, rng)
        forms.rendered["metric"] = [rendered] + [render_metric(m, s.task, rng)
                                                 for m in s.metrics[1:]]
    elif form == "shared_metric":
        forms.rendered["metric"] = [_shared_rendered(s, rng)]
    elif form == "relaxed_metric":
        forms.rendered["metric"] = [_relaxed_rendered(s, rng)]
    elif form == "budget_pair":
        forms.rendered["budget"] = [_budget_rendered(s, rng)]
    elif form == "capture_device":
        device = _pick(rng, _CAPTURE_DEVICES)
        forms.extra = _pick(rng, _CAPTURE_CLAUSES).format(d=device).replace(
            f"a {device}", f"{_article(device)} {device}")
        if rng.random() < 0.5:  # no deployment sentence: the hardware is unstated
            s.gpu, s.engine = "none", "none"
        else:
            s.gpu, s.engine = draw_deploy(rng)
    elif form == "style_classes":
        new, forms.intro_fn = _style_intro(rng)
    elif form == "carrier_points":
        new, forms.intro_fn = _carrier_intro(rng)
    elif form == "annotation_noun":
        new, forms.intro_fn = _annotation_intro(s, pool, rng)
    else:  # shared_head
        new, forms.intro_fn = _head_intro(s.task, rng)
    if new is not None:  # other classes: the seed's datasets and story no longer fit
        s.objects, s.datasets, s.scenario, s.modality = new, [], "none", "none"
    return _compose(s, rng, forms)


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


# --------------------------------------------------------------------------- public API

_Builder = Callable[[Slots, _Pools, random.Random], tuple[str, dict[str, Any]]]
_BUILDERS: dict[str, _Builder] = {"numbers": _numbers, "swap": _swap,
                                  "paraphrase": _paraphrase, "trap": _trap,
                                  "classes": _classes, "lists": _lists, "focus": _focus}


def _norm_text(text: str) -> str:
    return " ".join(text.lower().split())


def _quota(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of `total` by `weights` (deterministic)."""
    raw = {k: total * w / sum(weights.values()) for k, w in weights.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (counts[k] - raw[k], k))[:total - sum(counts.values())]:
        counts[k] += 1
    return counts


def generate_ru_pairs(seeds: list[LampItem], n: int, seed: int = 0) -> list[LampItem]:
    """`n` training pairs from `seeds`, deterministic for `seed`.

    The seeds themselves come first (all of them when they are at most
    `ORIGINAL_MAX_SHARE` of `n`, else a task-balanced sample); the rest is split evenly
    over the four tasks and, within a task, over the kinds by `KIND_WEIGHTS`. Every parse
    is schema-valid and no two requests are the same text.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)  # noqa: S311 - data sampling, not security
    pools = _pools(seeds)
    n_orig = min(len(seeds), int(n * ORIGINAL_MAX_SHARE + 0.999999))
    if n_orig < len(seeds):
        by_task: dict[str, list[LampItem]] = {}
        for item in seeds:
            by_task.setdefault(item.task, []).append(item)
        for items in by_task.values():
            rng.shuffle(items)
        order = [items[i] for i in range(max(map(len, by_task.values()), default=0))
                 for items in by_task.values() if i < len(items)]
        originals = order[:n_orig]
    else:
        originals = list(seeds)
    out: list[LampItem] = list(originals)
    seen = {_norm_text(item.request) for item in seeds}
    tasks = [t for t in TASKS if pools[t].seeds]
    if not tasks and n > len(out):
        raise ValueError("no seed has a task and classes to generate from")
    per_task = _quota(n - len(out), dict.fromkeys(tasks, 1.0))
    plan: list[tuple[str, str]] = []
    for task in tasks:
        for kind, count in _quota(per_task[task], KIND_WEIGHTS).items():
            plan += [(task, kind)] * count
    rng.shuffle(plan)
    for index, (task, kind) in enumerate(plan):
        out.append(_generate_one(pools[task], kind, index, rng, seen))
    return out


def _generate_one(pool: _Pools, kind: str, index: int, rng: random.Random,
                  seen: set[str]) -> LampItem:
    for attempt in range(200):
        item, slots = pool.seeds[rng.randrange(len(pool.seeds))]
        # seed_edit falls back to a slot-built paraphrase for seeds that allow no exact edit
        use = kind if kind != "seed_edit" or attempt < 150 else "paraphrase"
        if use == "seed_edit":
            made = _seed_edit(item, slots, pool, rng)
            if made is None:
                continue
        else:
            made = _BUILDERS[use](slots, pool, rng)
        text, parse = made
        key = _norm_text(text)
        if key in seen:
            continue
        errors = schema_errors(parse)
        if errors:  # a bug in a renderer, never data to train on
            raise RuntimeError(f"generated parse is not schema-valid: {errors[:3]}")
        seen.add(key)
        return LampItem(id=f"ru-{use}-{index:05d}-{item.id}", request=text, parse=parse)
    raise RuntimeError(f"could not generate a new {kind} item for {pool.seeds[0][1].task}")


def check_disjoint(train: list[LampItem], eval_items: list[LampItem]) -> None:
    """ValueError naming the training ids whose request equals (after lower-casing and
    whitespace normalisation) or nearly equals (rapidfuzz ratio >= 95) an evaluation
    request: training on those would leak the evaluation into the model."""
    eval_texts = [_norm_text(e.request) for e in eval_items]
    exact = {text: e.id for text, e in zip(eval_texts, eval_items, strict=True)}
    clashes: list[str] = []
    for item in train:
        text = _norm_text(item.request)
        if text in exact:
            clashes.append(f"{item.id} == {exact[text]}")
            continue
        hit = process.extractOne(text, eval_texts, scorer=fuzz.ratio,
                                 score_cutoff=NEAR_COPY_RATIO)
        if hit is not None:
            clashes.append(f"{item.id} ~ {eval_items[hit[2]].id} (ratio {hit[1]:.1f})")
    if clashes:
        shown = "; ".join(clashes[:20]) + (f"; ... {len(clashes) - 20} more"
                                           if len(clashes) > 20 else "")
        raise ValueError(f"{len(clashes)} training request(s) copy evaluation requests: "
                         f"{shown}")


@dataclass(frozen=True)
class RUDataReport:
    """What `build_ru_dataset` wrote."""

    path: Path
    total: int
    seeds: int
    eval_items: int
    per_task: dict[str, int]
    per_kind: dict[str, int]
    #: Pairs showing each class phenomenon (`object_phenomena`; a pair may show several).
    per_phenomenon: dict[str, int] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "total": self.total, "seeds": self.seeds,
                "eval_items": self.eval_items, "per_task": self.per_task,
                "per_kind": self.per_kind, "per_phenomenon": self.per_phenomenon}


def load_items(paths: Sequence[Path]) -> list[LampItem]:
    return [item for path in paths for item in read_lamp_jsonl(Path(path))]


def write_items(items: Sequence[LampItem], out_path: Path) -> None:
    """JSONL in the dev sets' line format, written atomically (temp file + os.replace) so a
    reader never sees a half-written training set."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", dir=out_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps({"id": item.id, "task": item.task, "request": item.request,
                                    "parse": item.parse}) + "\n")
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_ru_dataset(out_path: Path, n: int, seed: int = 0,
                     seed_files: Sequence[Path] = SEED_FILES,
                     eval_files: Sequence[Path] = EVAL_FILES) -> RUDataReport:
    """Load the seeds, generate `n` pairs, refuse any that copy an evaluation request,
    and write them to `out_path`."""
    overlap = {Path(p).resolve() for p in seed_files} & {Path(p).resolve() for p in eval_files}
    if overlap:
        raise ValueError(f"evaluation files given as seeds: {sorted(map(str, overlap))}")
    seeds = load_items(seed_files)
    eval_items = load_items(eval_files)
    items = generate_ru_pairs(seeds, n, seed)
    check_disjoint(items, eval_items)
    write_items(items, out_path)
    kinds = Counter(variation_kind(i) for i in items)
    tasks = Counter(i.task for i in items)
    phenomena = Counter(f for i in items for f in object_phenomena(i))
    return RUDataReport(path=Path(out_path), total=len(items), seeds=len(seeds),
                        eval_items=len(eval_items),
                        per_task={t: tasks[t] for t in sorted(tasks)},
                        per_kind={k: kinds[k] for k in KINDS if kinds[k]},
                        per_phenomenon={f: phenomena[f] for f in PHENOMENA})


__all__ = ["EVAL_FILES", "KINDS", "PHENOMENA", "SEED_FILES", "RUDataReport",
           "build_ru_dataset", "check_disjoint", "generate_ru_pairs", "load_items",
           "object_phenomena", "render_metric", "render_speed", "variation_kind", "write_items"]
