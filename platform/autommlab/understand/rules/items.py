"""One object list -> clean class names: split, strip, singularise.

Determiners, counts, generic words, verbs and participle phrases are removed; the head
noun is singularised with WordNet (plural-only nouns kept); coordinated adjectives share
the last item's head noun ("damaged and undamaged buildings").
"""

from __future__ import annotations

import re

from autommlab.understand.rules.names import find_datasets, find_model
from autommlab.understand.rules.vocabulary import (
    ADJECTIVE_ONLY,
    CONSTRAINT_WORDS,
    DETERMINERS,
    GENERIC,
    ING_VERB,
    LIST_END,
    SPLIT,
    TRAILING_GENERIC,
    VERBS,
    is_ing_verb,
)
from autommlab.wordnet import is_adjective_only, is_adverb, is_noun, singular


def clean_item(item: str) -> str | None:
    item = item.strip(" '\"-*`").replace(_KEEP_SPACE, " ")
    item = re.sub(r"^[a-z-]+s'\s+", "", item)  # "workers' hard hats" -> "hard hats"
    # "the user's hair" -> "hair" (but "driver's license" and "golfer's swing" stay)
    item = re.sub(r"^(?:user|customer|patient|person|visitor|client|shopper|seller|buyer)s?'s?\s+",
                  "", item)
    if not item or re.match(r"[\d,.]+(?:\s|$)", item):
        return None  # "300 matches", "4 cameras": counts, not classes ("3d mask" is fine)
    item = item.split(" the ")[-1]  # "steel plant the molten slag" -> "molten slag"
    item = DETERMINERS.sub("", item + " ").strip()
    # "detect pedestrian" -> "pedestrian"
    item = re.sub(rf"^(?:is|are|be|mask|paint over|{VERBS})\s+", "", item)
    if not item or item in GENERIC or not re.search(r"[a-z]", item):
        return None
    if any(w in GENERIC for w in item.split()) and all(
            w in ADJECTIVE_ONLY or w in GENERIC for w in item.split()):
        return None  # "everyday objects", "various items"
    words = item.split()
    if len(words) > 4 or words[0] in ("i", "we", "you") or any(
            w in ("need", "want") for w in words):
        return None
    for i, w in enumerate(words[1:], 1):
        if is_ing_verb(w):
            words = words[:i]  # "workers lifting boxes" -> "workers"
            break
    while len(words) > 1 and words[-1] in TRAILING_GENERIC:
        words.pop()  # "pallet objects" -> "pallet"
    if len(words) > 1 and words[-1] in ("case", "cases") and re.search(r"\d", words[-2]):
        words.pop()  # "covid-19 cases" -> "covid-19" (but "drill case" stays)
    if len(words) > 1 and words[-1] in ("area", "areas") and is_noun(words[-2]):
        words.pop()  # "lung area" -> "lung", but "drivable area" stays
    if "of" in words[1:-1]:
        at = words.index("of")
        if singular(words[at - 1]) != words[at - 1]:
            words = words[:at]  # "leaves of arabidopsis" -> "leaves" (not "capture of dancers")
    if len(words) > 1 and is_ing_verb(words[-1]):
        words.pop()  # "person exercising" -> "person"
    if (len(words) > 1 and words[-1].endswith("ed") and not is_noun(words[-1])
            and is_noun(singular(words[-2])) and not is_adverb(words[-2])):
        words.pop()  # "sea turtles landed (on deck)" -> "sea turtles"
    if CONSTRAINT_WORDS.search(item) or find_datasets(item) or find_model(item):
        return None
    words[-1] = singular(words[-1])
    out = " ".join(words)
    return None if out in GENERIC else out


_ADVERBS = re.compile(r"\b(?:individually|separately|mostly|mainly|accurately|precisely|exactly|"
                      r"reliably|quickly|correctly|automatically|primarily|especially|"
                      r"particularly|simultaneously|respectively)\b")
# "pedestrians waiting at the crossing and the cyclists": the participle phrase is dropped,
# the list goes on.
_PARTICIPLE_PHRASE = re.compile(
    rf"\b{ING_VERB}\s+(?:at|in|on|along|across|"
    r"near|inside|around|through|over|under|by)\s+[^,;.:]*?(?=\s+(?:and|or)\s|[,;.:]|$)")


_KEEP_SPACE = "\u00a0"  # joins "with"/"without" to their noun inside one item
_WITH_ITEM = re.compile(r"\b(with(?:out)?) (?:an? )?([a-z-]+)(?=\s*(?:,|\band\b|\bor\b|$|\.))")


# "primates such as chimpanzees and gorillas", "breeds like beagle": the members follow.
_MEMBERS_MARKER = re.compile(r"^(?:[a-z-]+\s+){0,3}?(?:such as|like|e\.g\.,?|including|namely|"
                             r"i\.e\.,?)\s+")


def split_list(segment: str) -> list[str]:
    segment = DETERMINERS.sub("", segment.lstrip())
    segment = _MEMBERS_MARKER.sub("", segment)
    # "heads without helmets and vests", "with mask, without mask": "with(out) X" is part of
    # the item, not the end of the list.
    segment = _WITH_ITEM.sub(lambda m: f"{m.group(1)}{_KEEP_SPACE}{m.group(2)}", segment)
    segment = _PARTICIPLE_PHRASE.sub("", _ADVERBS.sub("", segment))
    end = LIST_END.search(segment)
    if end:
        segment = segment[:end.start()]
    items: list[str] = []
    for raw in SPLIT.split(segment):
        cleaned = clean_item(raw)
        if cleaned and cleaned not in items:
            items.append(cleaned)
    return share_head_noun(items)


def share_head_noun(items: list[str]) -> list[str]:
    """"damaged and undamaged buildings" -> damaged building, undamaged building."""
    if len(items) < 2 or len(items[-1].split()) < 2:
        return items
    head = items[-1].split()[-1]
    if all(len(i.split()) == 1 and is_adjective_only(i) for i in items[:-1]):
        return [f"{i} {head}" for i in items[:-1]] + [items[-1]]
    return items
