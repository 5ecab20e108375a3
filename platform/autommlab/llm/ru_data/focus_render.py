"""Wording tables and renderers of the phenomena the ``focus`` kind writes (batch
times, counts beside a speed, error rates, shared / relaxed metrics, style classes,
carrier points, annotation nouns, budgets, capture devices, shared heads)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from autommlab.llm.ru_data.intros import Intro
from autommlab.llm.ru_data.render import (
    _METRIC_RANGES,
    _POINTS_OK,
    _TASK_METRICS,
    draw_metric,
    render_metric,
)
from autommlab.llm.ru_data.slots import Rendered, Slots, _Pools
from autommlab.llm.ru_data.text import (
    _NOT_MODIFIERS,
    _cap,
    _fmt,
    _join,
    _num,
    _pct,
    _pick,
    _plural,
    _qty,
    _uncap,
)

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
