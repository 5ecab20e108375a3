"""The ``lists`` kind: long class lists, kinds after a category noun, adjective classes,
task cue words, named training sets, person keypoints."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from autommlab.llm.ru_data.compose import _compose, _Forms
from autommlab.llm.ru_data.intros import Intro
from autommlab.llm.ru_data.registry import register
from autommlab.llm.ru_data.slots import Slots, _Pools
from autommlab.llm.ru_data.text import _cap, _join, _natural, _pick, _plural

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


@register("lists")
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
