"""Target classes: the objects the user names, lower case, singular, qualifiers kept.

Strategy: find object lists after the verbs and nouns that introduce them ("detect",
"classify ... into", "classes:", "distinguish between", "whether ... is A or B",
"a detector for"), cut each list at prepositions and clause ends, split on commas / and /
or / vs, strip determiners and generic words, singularise the head noun. For keypoint
requests the object is what carries the keypoints ("pose of the worker" -> worker).
"""

from __future__ import annotations

import re

from autommlab.wordnet import singular

_GENERIC = {
    "object", "objects", "item", "items", "thing", "things", "stuff", "image", "images",
    "picture", "pictures", "photo", "photos", "frame", "frames", "class", "classes",
    "category", "categories", "type", "types", "kind", "kinds", "instance", "instances",
    "target", "targets", "sample", "samples", "example", "examples", "label", "labels",
    "one", "ones", "each", "it", "them", "they", "these", "those", "this", "that", "something",
    "anything", "everything", "model", "models", "video", "videos", "footage", "data",
    "dataset", "detector", "classifier", "segmenter", "other", "others", "rest", "etc",
    "region", "regions", "area", "areas", "part", "parts", "pixel", "pixels", "location",
    "locations", "position", "positions", "presence", "number", "count", "kind of",
    "camera", "cameras", "feed", "feeds", "stream", "streams", "scene", "scenes", "view",
    "shot", "shots", "clip", "clips", "input", "output", "variety", "varieties", "sort",
    "sorts", "group", "groups", "keypoint", "keypoints", "landmark", "landmarks", "pose",
    "poses", "mask", "masks", "box", "boxes", "bounding box", "bounding boxes", "outline",
    "outlines", "contour", "contours", "joint", "joints", "skeleton", "skeletons",
}
_DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|all|any|each|every|various|different|multiple|several|individual|both|"
    r"our|my|their|its|his|her|some|specific|certain|possible|other|many|few|more|most|"
    r"such|these|those|this|that|which|what|whether|either|neither|potential|visible|"
    r"common|typical|main|major|individual|separate|distinct|single|two|three|four|five|six|"
    r"seven|eight|nine|ten|\d+|types? of|kinds? of|sorts? of|classes of|categories of|"
    r"instances of|pieces? of|examples? of|images? of|pictures? of|photos? of|frames? of|"
    r"locations? of|positions? of|presence of|number of|amount of|occurrences? of|"
    r"appearance of|regions? of|areas? of|pixels? of|masks? of|outlines? of|boundaries of|"
    r"contours? of|varieties of|varieties|species of|breeds? of|individual|also|just|only|"
    r"even|still|then|e\.?g\.?|i\.?e\.?|like|such as|including|namely|either)\s+)+"
)
# Words that end an object list (prepositions, verbs, clause connectors).
_STOP = (r"in|on|at|from|with|within|under|using|that|which|who|so|to|across|over|by|"
         r"when|while|during|per|for|via|inside|into|onto|through|where|as|if|whether|than|"
         r"is|are|was|were|be|being|been|has|have|had|can|could|should|must|will|would|"
         r"need|needs|running|run|runs|deployed|deploy|and then|then|but|because|since|"
         r"before|after|without|against|near|around|along|among|between|it|we|i|you|they|"
         r"our|my|please|ideally|preferably|also|plus|under|below|above|less|more|at least|"
         r"about|based|trained|captured|taken|seen|visible|appearing|present|shown|"
         r"mounted|installed|coming|moving|passing|lying|sitting|standing|walking|flying|"
         r"growing|floating|parked|driving|of the|of our|of each|of every|of a|of an")
_LIST_END = re.compile(rf"(?:[.;:!?()\[\]\"]|(?<![\w-])(?:{_STOP})(?![\w-])| - )")
_SPLIT = re.compile(r"\s*(?:,|/|&|\+|\band/or\b|\band\b|\bor\b|\bvs\.?|\bversus\b|"
                    r"\bas well as\b|\bplus\b|\bnor\b)\s*")

_INTRO = [
    # "classify X into A, B and C", "sort parcels as damaged or intact"
    r"(?:classif\w*|categori[sz]\w*|sort\w*|separat\w*|grad\w*|label\w*|divid\w*|split\w*|"
    r"bucket\w*|group\w*|assign\w*|tag\w*)[^.;:]{0,60}?\b(?:into|as|between|among)\s+(?P<list>)",
    # "classes: A, B", "categories are A and B", "labels such as"
    r"(?:classes|categories|labels|class labels|classes are|categories are|outcomes|"
    r"grades|states|conditions)\s*(?:are|include|including|like|such as|would be|:|=|-)?"
    r"\s*(?:\(|either\s+)?(?P<list>)",
    r"(?:distinguish\w*|differentiat\w*|discriminat\w*|tell apart|tell the difference)"
    r"(?:\s+between)?\s+(?P<list>)",
    r"(?:whether|if)\s+(?:a|an|the|each|every)?\s*[\w\s-]{0,30}?\b(?:is|are|looks?|shows?)\s+"
    r"(?:a |an |the )?(?P<list>)",
    r"(?:detector|classifier|segmenter|model|network|system|tool)\s+(?:for|to find|that finds|"
    r"that detects|that spots|that recogni[sz]es|that classifies|that segments)\s+(?P<list>)",
    r"(?:detect\w*|locat\w*|locali[sz]\w*|find\w*|spot\w*|count\w*|track\w*|identify\w*|"
    r"identif\w*|recogni[sz]\w*|segment\w*|outlin\w*|delineat\w*|extract\w*|mask\w*|"
    r"monitor\w*|flag\w*|pick out|pick up|pinpoint\w*|highlight\w*|catch\w*|map\w*|"
    r"measur\w*|inspect\w*|box\w*|classify|find where|see where)\s+(?:the\s+)?(?:presence of\s+)?"
    r"(?:any\s+|all\s+)?(?P<list>)",
    r"(?:detection|segmentation|classification|recognition|localization|localisation|"
    r"counting|tracking|masks?|boxes|bounding boxes)\s+(?:of|for)\s+(?P<list>)",
]
_INTRO_RES = [re.compile(rx) for rx in _INTRO]
_KEYPOINT_CARRIER = [
    re.compile(r"(?:pose|poses|keypoints?|key points?|landmarks?|skeletons?|joints?|posture)\s+"
               r"(?:of|for|on)\s+(?:the\s+|a\s+|an\s+|each\s+|every\s+|our\s+|individual\s+)?"
               r"(?P<obj>[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)"),
    re.compile(r"(?P<obj>[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)\s+(?:pose|poses|keypoints?|"
               r"key points?|landmarks?|skeletons?|joints?|posture)\b"),
]
_KEYPOINT_ADJECTIVES = {"facial": "face", "human": "person", "body": "person",
                        "hand": "hand", "animal": "animal"}
_NOT_CARRIERS = _GENERIC | {
    "estimate", "estimating", "estimation", "detect", "detecting", "predict", "predicting",
    "track", "tracking", "locate", "the", "a", "an", "their", "its", "2d", "3d", "full",
    "whole", "upper", "lower", "key", "real-time", "accurate", "precise", "fine", "of",
    "need", "want", "head", "model", "for", "and", "with", "our", "my", "17", "each",
    "every", "keypoint", "detection", "estimator", "multi-person", "single", "top-down",
    "bottom-up", "do", "run", "on", "in", "at", "to",
}


def _clean_item(item: str) -> str | None:
    item = item.strip(" '\"-*`")
    item = _DETERMINERS.sub("", item + " ").strip()
    item = re.sub(r"^(?:is|are|be)\s+", "", item)
    if not item or item in _GENERIC or not re.search(r"[a-z]", item):
        return None
    words = item.split()
    if len(words) > 4 or any(w in ("i", "we", "you", "need", "want") for w in words):
        return None
    while words and words[-1] in _GENERIC and len(words) > 1:
        words.pop()  # "pallet objects" -> "pallet"
    words[-1] = singular(words[-1])
    out = " ".join(words)
    return None if out in _GENERIC else out


def split_list(segment: str) -> list[str]:
    end = _LIST_END.search(segment)
    if end:
        segment = segment[:end.start()]
    items = []
    for raw in _SPLIT.split(segment):
        cleaned = _clean_item(raw)
        if cleaned and cleaned not in items:
            items.append(cleaned)
    return items


def extract_objects(text: str, task: str) -> list[str]:
    if task == "keypoint":
        carriers = _keypoint_carriers(text)
        if carriers:
            return carriers
    candidates: list[tuple[int, list[str]]] = []
    for priority, rx in enumerate(_INTRO_RES):
        for m in rx.finditer(text):
            items = split_list(text[m.end("list"):m.end("list") + 160])
            if items:
                candidates.append((priority, items))
                break
    if not candidates:
        return []
    candidates.sort(key=lambda c: c[0])
    return candidates[0][1]


def _keypoint_carriers(text: str) -> list[str]:
    for rx in _KEYPOINT_CARRIER:
        for m in rx.finditer(text):
            words = [w for w in m.group("obj").split() if w not in _NOT_CARRIERS]
            if not words:
                continue
            if len(words) == 1 and words[0] in _KEYPOINT_ADJECTIVES:
                return [_KEYPOINT_ADJECTIVES[words[0]]]
            phrase = " ".join(words)
            words[-1] = singular(words[-1])
            if phrase in _GENERIC:
                continue
            return [" ".join(words)]
    return []
