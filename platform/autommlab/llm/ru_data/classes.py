"""The ``classes`` kind: keypoint carriers with their parts, negative words, qualifiers,
classes named late."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from autommlab.llm.ru_data.compose import _compose, _Forms
from autommlab.llm.ru_data.intros import (
    _EXTRA_CARRIERS,
    Intro,
    _classification_intro,
    _distributed,
    _parts_group,
)
from autommlab.llm.ru_data.registry import register
from autommlab.llm.ru_data.slots import Slots, _Pools
from autommlab.llm.ru_data.text import _article, _cap, _join, _pick, _plural

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


@register("classes")
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
