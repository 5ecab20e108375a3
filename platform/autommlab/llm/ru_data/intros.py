"""Task intros: the sentence that names the task and the classes (with keypoint carriers
and their parts)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from autommlab.llm.ru_data.text import _NOT_MODIFIERS, _cap, _join, _natural, _pick, _plural

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
