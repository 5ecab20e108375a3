"""How numbers and words are written: number formats, plurals, articles, joins, picks."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from autommlab.errors import AutommlabError
from autommlab.wordnet import is_adjective_only, is_noun

_T = TypeVar("_T")


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


def _pick(rng: random.Random, options: Sequence[_T]) -> _T:
    return options[rng.randrange(len(options))]
