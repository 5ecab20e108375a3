"""What carries the keypoints in a keypoint request ("pose of the workers" -> worker).

Order: "pose/keypoints of|on|per X", then "X keypoints/pose/landmarks", then "pose for X",
then "the joints of X", then the first noun whose first WordNet sense is an animal or a
person. Body parts and joints are never the carrier.
"""

from __future__ import annotations

import re

from autommlab.understand.rules.items import split_list
from autommlab.understand.rules.names import find_datasets
from autommlab.understand.rules.vocabulary import BODY_PARTS, GENERIC
from autommlab.wordnet import creature_lemmas, is_noun, singular

_KP_WORDS = (r"(?:pose estimation|pose|poses|keypoints?|key points?|landmarks?|skeletons?|"
             r"joints?|posture|corner points?)")
_KP_TAIL = (r"(?:\s+(?:detection|estimation|locali[sz]ation|model|tracking|analysis|estimator|"
            r"positions|locations|coordinates|angles|points))?")
_KP_OF = re.compile(rf"{_KP_WORDS}{_KP_TAIL}(?:\s*\([^)]*\))?\s+(?:of|on|per)\s+(?P<list>)")
_KP_FOR = re.compile(rf"{_KP_WORDS}{_KP_TAIL}(?:\s*\([^)]*\))?\s+for\s+(?P<list>)")
# "the fingertips and knuckles of a hand", "the knee and hip angles of the patient"
_PART_WORDS = ("fingertip", "knuckle", "joint", "angle", "point", "position", "corner", "eye",
               "ear", "paw", "hoof", "limb", "leg", "wing", "tip", "head", "tail", "beak",
               "snout", "nose", "toe", "heel", "side", "fin", "hand", "arm", "shoulder",
               "antenna", "end-effector", "effector")
_PARTS_OF = re.compile(r"\b(?:" + "|".join(sorted(p + "s?" for p in {*_PART_WORDS, *BODY_PARTS})) +
                       r"|hooves|feet|teeth|antennae),?\s+of\s+(?P<list>)")
_KP_BEFORE = re.compile(rf"(?<![\w-])(?P<np>(?:[a-z][a-z-]*\s+)?[a-z][a-z-]*)(?:'s)?\s+"
                        rf"(?:{_KP_WORDS}|alignment)(?![\w-])(?<!poses)")
# Faces, hands and feet carry keypoints although they are body parts.
_LIMB_CARRIER = re.compile(r"(?<![\w-])(face|facial|hands?|feet|foot)\s+(?:key[\s-]?points?|"
                           r"landmarks?|pose|alignment)(?![\w-])")
_KEYPOINT_ADJECTIVES = {"facial": "face", "face": "face"}
_NOT_CARRIERS = (GENERIC | BODY_PARTS) - {"foot", "hand", "face"} | {
    "find", "finds", "train", "check", "build", "help", "need", "want", "use", "make", "up",
    "set", "put",
    "estimate", "estimating", "estimation", "detect", "predict", "track", "locate", "the",
    "a", "an", "their", "its", "2d", "3d", "full", "whole", "upper", "lower", "key",
    "real-time", "accurate", "precise", "fine", "model", "for", "and", "with",
    "our", "my", "keypoint", "detection", "single", "top-down", "bottom-up", "multi-person",
    "whole-body", "body", "unsafe", "fashion", "posture", "of", "on", "in", "at", "to",
    "animal", "alignment", "robot", "like", "get", "do", "run",
    "estimator", "i", "we", "you", "me", "us", "from", "by", "per", "some", "any",
}


def keypoint_carriers(text: str) -> list[str]:
    """What carries the keypoints: faces / hands / feet named with a keypoint word, then
    'pose of X', then 'X keypoints', then 'pose for X', then 'the joints of X', then the
    first animal or person named anywhere (other body parts are never the carrier)."""
    limbs = [m.group(1) for m in _LIMB_CARRIER.finditer(text)]
    named = [_KEYPOINT_ADJECTIVES.get(w, singular(w)) for w in limbs]
    if named:
        return list(dict.fromkeys(named))  # "hand landmarks of patients" -> hand
    found = _carrier_lists(text, _KP_OF)
    if found:
        return found
    found = []
    for m in _KP_BEFORE.finditer(text):
        words = m.group("np").split()
        while words and (words[0] in _NOT_CARRIERS or (words[0] in _KEYPOINT_ADJECTIVES
                         and len(words) > 1)):
            words.pop(0)
        while len(words) > 1 and words[-1] in _NOT_CARRIERS:
            words.pop()
        if not words:
            continue
        if words[-1] in _KEYPOINT_ADJECTIVES:
            found.append(_KEYPOINT_ADJECTIVES[words[-1]])
        elif words[-1].endswith("ed") and not is_noun(words[-1]):
            continue  # "have to be located with keypoints"
        elif (words[-1] not in _NOT_CARRIERS or len(words) == 2) and not find_datasets(words[-1]):
            words[-1] = singular(words[-1])
            found.append(" ".join(words))
    if found:
        return list(dict.fromkeys(found))
    return (_carrier_lists(text, _KP_FOR) or _carrier_lists(text, _PARTS_OF)
            or _first_creature(text))


def _carrier_lists(text: str, rx: re.Pattern[str]) -> list[str]:
    found: list[str] = []
    for m in rx.finditer(text):
        segment = text[m.end("list"):m.end("list") + 120]
        # "head, thorax and legs of fruit flies": the carrier follows the body parts.
        owner = re.search(r"\bof\s+(?:the\s+)?(?P<rest>.*)", segment)
        if owner and all(i in BODY_PARTS for i in split_list(segment[:owner.start()]
                                                              .replace(",", " and "))):
            segment = owner.group("rest")
        # Examples of parts end the carrier list ("a golfer's swing, like shoulders, hips");
        # a comma ends it unless a series follows ("cows, pigs and sheep").
        segment = re.split(r",?\s+(?:like|such as|e\.g\.|including)\b", segment)[0]
        if not re.match(r"^[^.;]*?,[^.;]*?\b(?:and|or)\b", segment):
            segment = segment.split(",")[0]
        for item in split_list(segment):
            owner, _, owned = item.partition("'s ")
            # "the dog's legs" -> dog; "the driver's face" -> face (faces carry landmarks)
            item = owned if owned in ("face", "faces", "hand", "hands", "body", "foot", "feet"
                                      ) else owner
            item = item.split(" of ")[-1]
            item = re.sub(r"\s+\w+ed$", "", item)  # "horses tracked" -> "horses"
            if re.fullmatch(r"(?=\S*\d)(?=\S*[a-z])\S+", item):
                continue  # "apollocar3d": a dataset or product code, not a carrier
            if item not in _NOT_CARRIERS and not find_datasets(item) and item not in found:
                found.append(item)
    return found


_COMMON_VERBS = {
    "have", "has", "had", "do", "does", "make", "want", "need", "see", "use", "run", "get",
    "take", "find", "check", "look", "know", "like", "help", "work", "build", "try", "go",
    "let", "put", "say", "tell", "give", "show", "keep", "start", "hold", "bring", "turn",
    "move", "live", "play", "teach", "assist", "assistant", "user", "customer", "team",
}


def _first_creature(text: str) -> list[str]:
    """Fallback: the first noun that WordNet says is an animal or a person."""
    for word in re.findall(r"[a-z]+", text):
        lemma = singular(word)
        if lemma in _NOT_CARRIERS or lemma in _COMMON_VERBS or len(lemma) < 3:
            continue
        if lemma in creature_lemmas():
            return [lemma]
    return []
