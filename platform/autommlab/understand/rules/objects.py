"""Target classes: the objects the user names, lower case, singular, qualifiers kept.

Strategy: find object lists after the verbs and nouns that introduce them ("detect",
"classify ... into", "classes:", "distinguish between", "whether ... is A or B",
"a detector for"), cut each list at prepositions and clause ends, split on commas / and /
or / vs, strip determiners and generic words, singularise the head noun. For keypoint
requests the object is what carries the keypoints ("pose of the worker" -> worker).
"""

from __future__ import annotations

import re

from autommlab.understand.rules.names import find_datasets, find_model
from autommlab.wordnet import creature_lemmas, is_adjective_only, is_adverb, singular

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
    "sorts", "keypoint", "keypoints", "landmark", "landmarks", "pose",
    "poses", "masks", "bounding box", "bounding boxes", "outline",
    "outlines", "contour", "contours", "joint", "joints", "skeleton", "skeletons",
}
_TRAILING_GENERIC = {
    "object", "objects", "item", "items", "thing", "things", "images", "photos", "pictures",
    "frames", "region", "regions", "pixel", "pixels", "masks", "instance", "instances",
    "classifier", "detector", "segmenter", "model", "network", "app", "system",
    "class", "classes", "category", "categories", "type", "types",
}
# Words naming a category that a list of its members often follows:
# "every defect on steel sheets, scratches, inclusions and patches".
_CATEGORY_WORDS = {
    "defect", "disease", "damage", "animal", "vehicle", "product", "food", "species", "pest",
    "fruit", "vegetable", "tool", "tissue", "cell", "garment", "waste", "material", "sign",
    "plant", "bird", "fish", "insect", "condition", "anomaly", "fault", "part", "component",
    "organ", "structure", "class", "category", "label", "type", "kind", "object", "item",
}
# Nouns that end in -ing (a trailing -ing word is otherwise a verb that ends the object).
_ING_NOUNS = {
    "housing", "building", "ceiling", "painting", "clothing", "ring", "string", "wing", "king",
    "thing", "railing", "siding", "awning", "bedding", "lightning", "spring", "sibling",
    "seedling", "duckling", "pudding", "icing", "wiring", "tubing", "piping", "plating",
    "coating", "casing", "bearing", "fitting", "coupling", "marking", "opening", "crossing",
    "parking", "landing", "filling", "stuffing", "topping", "dressing", "lining", "swing",
    "sling", "earring", "herring", "sapling", "dumpling", "darling", "starling", "shading",
    "tiling", "flooring", "roofing", "scaffolding", "packing", "packaging",
}
_DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|all|any|each|every|various|different|multiple|several|individual|both|"
    r"our|my|their|its|his|her|some|specific|certain|possible|other|many|few|more|most|"
    r"such|these|those|this|that|which|what|whether|either|neither|potential|visible|"
    r"main|major|individual|separate|distinct|single|two|three|four|five|six|"
    r"seven|eight|nine|ten|\d+|types? of|kinds? of|sorts? of|classes of|categories of|of|"
    r"shows?|has|have|contains?|looks?|is|are|be|"
    r"instances of|pieces? of|examples? of|images? of|pictures? of|photos? of|frames? of|"
    r"locations? of|positions? of|presence of|number of|amount of|occurrences? of|"
    r"appearance of|regions? of|areas? of|pixels? of|masks? of|outlines? of|boundaries of|"
    r"contours? of|varieties of|varieties|species of|breeds? of|individual|also|just|only|"
    r"(?:pixel |pixel-level |semantic |instance |binary |segmentation )?masks? of|"
    r"(?:pixel-level |pixel-wise |semantic |instance )?segmentation of|detection of|"
    r"(?:bounding )?box(?:es)? (?:around|on|for)|up to \d+|up to|separating|namely|"
    r"doodles? of|drawings? of|sketches of|sketch of|scans? of|shots? of|"
    r"even|still|then|e\.?g\.?|i\.?e\.?|like|such as|including|namely|either)\s+)+"
)
# Words that end an object list (prepositions, verbs, clause connectors).
_STOP = (r"in|on|at|from|with|within|under|using|that|which|who|so|to|across|over|by|"
         r"when|while|during|per|for|via|inside|into|onto|through|where|as|if|whether|than|"
         r"is|are|was|were|be|being|been|has|have|had|could|should|must|will|would|"
         r"need|needs|running|run|runs|deployed|deploy|and then|then|but|because|since|"
         r"before|after|without|against|near|around|along|among|between|it|we|i|you|they|"
         r"our|my|please|ideally|preferably|also|under|below|above|less|more|at least|out|"
         r"itself|themselves|himself|herself|apart|draw|put|place|then|says?|tells?|"
         r"about|based|trained|captured|taken|seen|visible|appearing|present|shown|"
         r"mounted|installed|coming|moving|passing|lying|sitting|standing|walking|flying|"
         r"growing|floating|parked|driving|of the|of our|of each|of every|of a|of an")
_LIST_END = re.compile(rf"(?:(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)\.|[;:!?(){{}}\[\]\"\n]|->|"
                       rf"(?<![\w-])(?:{_STOP})(?![\w-])| - |"
                       r"\b(?:pixel-?wise|pixel by pixel|per pixel|per image|per frame|"
                       r"in real time|real-time|please|thanks?)\b|\b[a-z]+(?:ed|en|rn) by\b|"
                       r"\b[a-z]+ed\s+(?:on|in|at|from|into|onto|while|when|whenever|by|"
                       r"during|as|so|to|for)\b|\b(?:whenever|wherever|once|until|unless)\b|"
                       r"\b(?:only|too)\b|"
                       r"\b[a-z]+ing\s+(?:the|a|an|in|on|at|from|into|across|over|through|"
                       r"along|past|around|for|to|with)\b)")
# "and" / "or" inside a hyphenated name ("blue-and-yellow macaw") do not split.
_SPLIT = re.compile(r"\s*(?:,|/|&|\+|\band/or\b|(?<![\w-])and(?![\w-])|(?<![\w-])or(?![\w-])|"
                    r"\bvs\.?|\bversus\b|"
                    r"\bas well as\b|\bplus\b|\bnor\b)\s*")

_VERBS = (r"(?:detect|find|spot|count|track|segment|extract|monitor|flag|pick out|pinpoint|"
          r"highlight|catch|inspect|distinguish)(?:s|es|ed|ing)?|"
          r"(?:locat|locali[sz]|recogni[sz]|outlin|delineat|separat|categori[sz]|trac)"
          r"(?:e|es|ed|ing)|(?:identif|classif)(?:y|ies|ied|ying)")
# Explicit enumerations of the classes: "classes: A, B", "restricted to A and B",
# "tell A, B and C apart", "for A and B only", "the three classes, A, B and C".
_CLASS_LIST = [
    # "classes: A, B", "categories are A and B", "labels such as"
    r"(?:classes|categories|labels|class labels|outcomes|grades|states|conditions)\s*"
    r"(?:are|include|including|like|such as|would be|:|=|-)\s*(?:\(|either\s+)?(?P<list>)",
    r"with (?:the )?(?:classes|categories|labels)\s+(?P<list>)",
    r"(?:classes|categories|labels)\s+(?P<list>)",
    r"(?:restricted|limited|restrict it|limit it) to\s+(?:the\s+)?(?P<list>)",
    r"\btells?\s+(?P<list>)(?=[^.;]{3,80}?\bapart\b)",
    r"\b(?:called|named)\s+(?P<list>)",
    r"(?:^|\n)\s*(?:objects?|classes|targets?|labels)\s*:\s*(?P<list>)",
    r"(?:classes|categories|types|kinds|grades|labels)\b[^.;:]{0,60}?\b(?:which|that) "
    r"(?:are|include)\s*:?\s*(?P<list>)",
    r"\b(?:products|objects|defects|items|animals|species|materials|types|classes|categories)"
    r"\b[^.;:]{0,50}?\b(?:are|include|would be)\s*:?\s*(?P<list>)(?=[^.;]*,)",
    r"\b(?:covering|including)\s+(?P<list>)(?=[^.;:]*,)",
    r"\bfor (?P<list>)(?=[^.;:]{3,80}?(?<![\w-])only\b)",
    r"(?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:classes|"
    r"categories)\s*[,:-]\s*(?P<list>)",
]
_INTRO_LIST = [
    # "classify X into A, B and C", "sort parcels as damaged or intact"
    r"(?:classif\w*|categori[sz]\w*|sort\w*|separat\w*|grad\w*|label\w*|divid\w*|split\w*|"
    r"bucket\w*|group\w*|assign\w*|tag\w*|recogni[sz]\w*|identif\w*|mark\w*|flag\w*)"
    r"[^.;:]{0,60}?\b(?:into|as|between|among)\s+(?P<list>)",
    r"(?:classified|categori[sz]ed|graded|labell?ed|marked|tagged)\s+(?:as\s+)?(?P<list>)",
    r"segment\w*[^.;:]{0,60}?\binto\s+(?P<list>)",
    r"(?:distinguish\w*|differentiat\w*|discriminat\w*|tells? apart|tell the difference|"
    r"decid\w* between|choos\w* between|pick\w* between)"
    r"(?:\s+between)?\s+(?P<list>)",
    r"\beither\s+(?P<list>)",
]
_INTRO_VERB = [
    r"(?:boxes|box|bounding boxes?|rectangles?)\s+(?:around|on|for|of|over)\s+"
    r"(?:each|every|all|the|any)?\s*(?P<list>)",
    r"(?:(?:^|[.!?:]\s*|\b(?:to|should|please|can|must|will)\s+)mask|paints? over)\s+"
    r"(?:the\s+)?(?P<list>)",
    r"(?:masks?|outlines?|polygons?)\s+(?:around|of|over)\s+"
    r"(?:each|every|all|the|any)?\s*(?P<list>)",
    r"(?:that|which|to) box(?:es)?\s+(?:any|every|all|each|the)?\s*(?P<list>)",
    r"\bwhere\s+(?:each|every|all|the)\s+(?P<list>)",
    r"(?:positions?|locations?|coordinates) of\s+(?:each|every|all|the)?\s*(?P<list>)",
    r"(?:care|cares|caring) (?:\w+ )?about\s+(?P<list>)",
    r"(?:interested in|focus(?:ed)? on)\s+(?P<list>)",
    rf"(?:{_VERBS})(?:\s+(?:and|&|/|or)\s+(?:{_VERBS}|label|tag|mark|box|outline))*\s+(?:where\s+)?(?:of\s+|for\s+)?"
    r"(?:the\s+)?(?:presence of\s+)?(?:any\s+|all\s+)?(?P<list>)",
    r"(?:detection|segmentation|classification|recognition|localization|localisation|"
    r"counting|tracking|masks?|boxes|bounding boxes)\s+of\s+(?P<list>)",
]
_CLASS_LIST_RES = [re.compile(rx) for rx in _CLASS_LIST]
_INTRO_LIST_RES = [*_CLASS_LIST_RES, *(re.compile(rx) for rx in _INTRO_LIST)]
_PURPOSE_RES = [re.compile(
    r"(?:detector|segmenter|model|network|system|tool)\s+(?:for|to find|that finds|"
    r"that detects|that spots|that recogni[sz]es|that segments)\s+(?P<list>)"),
    re.compile(r"(?:trained|train|fine-tune[d]?) on [\w-]+ (?:for|to detect|"
    r"to segment)\s+(?P<list>)"),
    re.compile(r"(?:only|just|specifically|exclusively) (?:for|on)\s+(?P<list>)"),
    re.compile(r"(?:masks?|outlines?|polygons?)\s+for(?= (?!an? |our |my |your |their |this |that )"
               r"\w)\s+(?:each|every|all|the|any)?\s*(?P<list>)"),
    re.compile(r"(?:detector|model|network|classifier|segmenter)\s+(?:on|trained on)\s+[\w-]+\s+"
               r"(?:for|to detect|to find|to segment)\s+(?P<list>)")]
_PARTICIPLE = re.compile(
    r"\s+(?:(?:has|have|need|needs|must|should|to) (?:to )?be\s+)?(?:detected|segmented|found|"
    r"located|locali[sz]ed|boxed|outlined|masked|recogni[sz]ed|identified|delineated)\b")
_INTRO_VERB_RES = [re.compile(rx) for rx in _INTRO_VERB]
_VERB_START = re.compile(rf"^(?:{_VERBS}|and|or|&)\b")
_VERB_ANYWHERE = re.compile(rf"\b(?:{_VERBS})\b")
_COLON = re.compile(r"(?:[:]|->|=>|\s-\s)\s*(?P<list>)")
_PARENS = re.compile(r"[({\[](?P<list>[^(){}\[\]]{3,120})[)}\]]")
_CONSTRAINT_WORDS = re.compile(
    r"\d\s*(?:%|fps|ms\b|s\b|sec|m\b|k\b|b\b|g|param|flop)|\bfps\b|latenc|param|flops|"
    r"\bmap\b|accuracy|\bf1\b|\biou\b|miou|dice|recall|precision|\bgpu|\bcpu|jetson|"
    r"raspberry|onnx|tensorrt|openvino|ncnn|\bnvidia|\brtx|\blaptops?\b|\bphones?\b|"
    r"\bandroid|\bservers?\b|"
    r"dataset|\bcoco\b|model\b|budget|deadline|latency|hardware|deploy|\bpck|\boks\b|\bap\b")
_ALTERNATIVES = re.compile(
    r"(?P<list>(?:'[^']{1,30}'|\"[^\"]{1,30}\"|[a-z][\w-]*(?:\s[a-z][\w-]*){0,2})"
    r"(?:\s*,\s*(?:'[^']{1,30}'|"
    r"\"[^\"]{1,30}\"|[a-z][\w-]*(?:\s[a-z][\w-]*){0,2}))*,?\s+(?:or|vs\.?|versus)\s+"
    r"(?:'[^']{1,30}'|\"[^\"]{1,30}\"|[a-z][\w-]*(?:\s[a-z][\w-]*){0,2}))")
_HEAD_BREAK = re.compile(
    rf"(?<![\w-])(?:{_STOP}|a|an|the|it|this|whether|if|either|say|says|tell|tells|shows?|"
    r"contains?|"
    r"(?!(?:" + "|".join(sorted(_ING_NOUNS)) + r")\b)[a-z]+ing)(?![\w-])\s*")
_QUOTED = re.compile(r"'([^']{1,30})'|\"([^\"]{1,30})\"")
_TASK_NOUN = re.compile(
    r"(?P<np>(?:[a-z][\w.-]*(?:\s+|\s*,\s*|\s*\+\s*))*?[a-z][\w-]*)\s+(?:detection|segmentation|"
    r"locali[sz]ation|recognition|classification|counting|detector|segmenter|"
    r"masks?\b(?![\s-]?r[\s-]?cnn)|"
    r"boxes\b|bounding boxes|tracking|keypoints?|landmarks?|pose|delineation|"
    r"extraction|parsing|masking)")
_TASK_ADJECTIVES = {
    "semantic", "instance", "panoptic", "object", "image", "pixel-level", "pixel-wise",
    "binary", "real-time", "fast", "accurate", "automatic", "automated", "simple", "small",
    "tiny", "lightweight", "robust", "multi-class", "fine-grained", "a", "an", "the", "our",
    "for", "need", "want", "some", "do", "with", "boundary", "quick", "reliable", "good",
    "we", "i", "to", "of", "in", "on", "that", "and", "or", "mask", "box", "pixel", "per-pixel",
    "dense", "2d", "3d", "scene", "type", "level", "defect", "anomaly", "face-mask", "no",
    "not", "without", "any", "contour", "edge",
}
_ADJECTIVE_ONLY = {"everyday", "common", "various", "generic", "general", "arbitrary", "random",
                   "different", "all", "multiple", "many", "several", "any", "new", "small",
                   "large", "moving", "static", "relevant", "interesting", "important"}


_KP_WORDS = (r"(?:pose estimation|pose|poses|keypoints?|key points?|landmarks?|skeletons?|"
             r"joints?|posture|face alignment|corner points?)")
_KP_TAIL = (r"(?:\s+(?:detection|estimation|locali[sz]ation|model|tracking|analysis|estimator|"
            r"positions|locations|coordinates|angles))?")
_KP_OF = re.compile(rf"{_KP_WORDS}{_KP_TAIL}(?:\s*\([^)]*\))?\s+(?:of|on|per)\s+(?P<list>)")
_KP_FOR = re.compile(rf"{_KP_WORDS}{_KP_TAIL}(?:\s*\([^)]*\))?\s+for\s+(?P<list>)")
# "the fingertips and knuckles of a hand", "the knee and hip angles of the patient"
_PART_WORDS = ("fingertip", "knuckle", "joint", "angle", "point", "position", "corner", "eye",
               "ear", "paw", "hoof", "limb", "leg", "wing", "tip", "head", "tail", "beak",
               "snout", "nose", "toe", "heel", "side", "fin", "hand", "arm", "shoulder")
_PARTS_OF = re.compile(r"\b(?:" + "|".join(sorted(p + "s?" for p in _PART_WORDS)) +
                       r"|hooves|feet|teeth)\s+of\s+(?P<list>)")
_KP_BEFORE = re.compile(rf"(?<![\w-])(?P<np>(?:[a-z][a-z-]*\s+)?[a-z][a-z-]*)(?:'s)?\s+"
                        rf"(?:{_KP_WORDS}|alignment)(?![\w-])")
_KEYPOINT_ADJECTIVES = {"facial": "face", "face": "face"}
_BODY_PARTS = {
    "eye", "ear", "nose", "nostril", "mouth", "lip", "eyebrow", "jaw", "chin", "neck", "head",
    "tail", "foot", "paw", "hoof", "fetlock", "carpus", "wing", "leg", "arm", "knee", "elbow",
    "wrist", "ankle", "shoulder", "hip", "fingertip", "finger", "knuckle", "thumb", "toe",
    "thorax", "abdomen", "beak", "fin", "collar", "sleeve", "hem", "corner", "body", "torso",
    "tail base", "spine", "pelvis", "heel", "palm", "joint", "limb", "point", "bar path",
    "back", "hand joint", "angle", "position", "coordinate", "location",
}
_NOT_CARRIERS = _GENERIC | _BODY_PARTS | {
    "estimate", "estimating", "estimation", "detect", "predict", "track", "locate", "the",
    "a", "an", "their", "its", "2d", "3d", "full", "whole", "upper", "lower", "key",
    "real-time", "accurate", "precise", "fine", "need", "want", "model", "for", "and", "with",
    "our", "my", "keypoint", "detection", "single", "top-down", "bottom-up", "multi-person",
    "whole-body", "body", "unsafe", "fashion", "posture", "of", "on", "in", "at", "to",
    "animal", "alignment", "robot", "like", "get", "make", "build", "use", "do", "run",
    "estimator", "i", "we", "you", "me", "us", "from", "by", "per", "some", "any",
}


def _clean_item(item: str) -> str | None:
    item = item.strip(" '\"-*`")
    if not item or re.match(r"[\d,.]+(?:\s|$)", item):
        return None  # "300 matches", "4 cameras": counts, not classes ("3d mask" is fine)
    item = item.split(" the ")[-1]  # "steel plant the molten slag" -> "molten slag"
    item = _DETERMINERS.sub("", item + " ").strip()
    # "detect pedestrian" -> "pedestrian"
    item = re.sub(rf"^(?:is|are|be|mask|paint over|{_VERBS})\s+", "", item)
    if not item or item in _GENERIC or not re.search(r"[a-z]", item):
        return None
    if any(w in _GENERIC for w in item.split()) and all(
            w in _ADJECTIVE_ONLY or w in _GENERIC for w in item.split()):
        return None  # "everyday objects", "various items"
    words = item.split()
    if len(words) > 4 or words[0] in ("i", "we", "you") or any(
            w in ("need", "want") for w in words):
        return None
    for i, w in enumerate(words[1:], 1):
        if w.endswith("ing") and w not in _ING_NOUNS:
            words = words[:i]  # "workers lifting boxes" -> "workers"
            break
    while len(words) > 1 and words[-1] in _TRAILING_GENERIC:
        words.pop()  # "pallet objects" -> "pallet"
    if "of" in words[1:-1]:
        at = words.index("of")
        if singular(words[at - 1]) != words[at - 1]:
            words = words[:at]  # "leaves of arabidopsis" -> "leaves" (not "capture of dancers")
    if len(words) > 1 and words[-1].endswith("ing") and words[-1] not in _ING_NOUNS:
        words.pop()  # "person exercising" -> "person"
    if _CONSTRAINT_WORDS.search(item) or find_datasets(item) or find_model(item):
        return None
    words[-1] = singular(words[-1])
    out = " ".join(words)
    return None if out in _GENERIC else out


_ADVERBS = re.compile(r"\b(?:individually|separately|mostly|mainly|accurately|precisely|exactly|"
                      r"reliably|quickly|correctly|automatically|primarily|especially|"
                      r"particularly|simultaneously|respectively)\b")
# "pedestrians waiting at the crossing and the cyclists": the participle phrase is dropped,
# the list goes on.
_PARTICIPLE_PHRASE = re.compile(
    r"\b(?!(?:" + "|".join(sorted(_ING_NOUNS)) + r")\b)[a-z]+ing\s+(?:at|in|on|along|across|"
    r"near|inside|around|through|over|under|by)\s+[^,;.:]*?(?=\s+(?:and|or)\s|[,;.:]|$)")


def split_list(segment: str) -> list[str]:
    segment = _DETERMINERS.sub("", segment.lstrip())
    segment = _PARTICIPLE_PHRASE.sub("", _ADVERBS.sub("", segment))
    end = _LIST_END.search(segment)
    if end:
        segment = segment[:end.start()]
    items: list[str] = []
    for raw in _SPLIT.split(segment):
        cleaned = _clean_item(raw)
        if cleaned and cleaned not in items:
            items.append(cleaned)
    return _share_head_noun(items)


def _share_head_noun(items: list[str]) -> list[str]:
    """"damaged and undamaged buildings" -> damaged building, undamaged building."""
    if len(items) < 2 or len(items[-1].split()) < 2:
        return items
    head = items[-1].split()[-1]
    if all(len(i.split()) == 1 and is_adjective_only(i) for i in items[:-1]):
        return [f"{i} {head}" for i in items[:-1]] + [items[-1]]
    return items


def extract_objects(text: str, task: str) -> list[str]:
    """Objects in priority order of the patterns that found them (see module doc)."""
    if task == "keypoint":
        carriers = _from_class_lists(text) or _from_only(text) or _keypoint_carriers(text)
        if carriers:
            return carriers
    finders = [_from_quotes, _from_class_lists, _from_only, _from_colon, _from_bullets,
               _from_intro_lists, _from_parens, _from_alternatives, _from_tell, _from_passive,
               _from_intro_verbs, _from_task_noun, _from_purpose]
    if task != "classification":
        finders = [_from_class_lists, _from_quotes, _from_only, _from_colon, _from_bullets,
                   _from_parens, _from_passive, _from_tell, _from_intro_lists,
                   _from_intro_verbs, _from_task_noun, _from_purpose, _from_alternatives]
    for finder in finders:
        items = finder(text)
        if items:
            return items
    return []


_MEMBERS_AFTER = re.compile(r"^[^.;:]{0,50}?(?:,|:|\binto\b|such as|like|including|e\.g\.,?|"
                            r"namely|specifically|especially|in particular|i\.e\.,?|\(|-)"
                            r"\s*(?P<list>)")


def _first_list(text: str, patterns: list[re.Pattern[str]], min_items: int = 1) -> list[str]:
    best: tuple[int, list[str]] | None = None
    for rx in patterns:
        for m in rx.finditer(text):
            if _VERB_START.match(text[m.end("list"):]):
                continue
            items = split_list(text[m.end("list"):m.end("list") + 200])
            if len(items) == 1 and (items[0].split()[-1] in _CATEGORY_WORDS
                                    or is_adjective_only(items[0])):  # "foreign objects"
                # "every defect on steel sheets, scratches, inclusions and patches"
                rest = text[m.end("list"):m.end("list") + 250]
                members = _MEMBERS_AFTER.match(rest)
                listed = split_list(rest[members.end("list"):]) if members else []
                if len(listed) >= 2:
                    items = listed
            if len(items) >= min_items and (best is None or m.start() < best[0]):
                best = (m.start(), items)
                break
    return best[1] if best else []


def _from_class_lists(text: str) -> list[str]:
    return _first_list(text, _CLASS_LIST_RES, min_items=2)


_BULLETS = re.compile(r":[ \t]*\n(?P<items>(?:[ \t]*(?:[-*\u2022]|\d+[.)])[ \t]*[^\n]+(?:\n|$))+)")


def _from_bullets(text: str) -> list[str]:
    """A line ending in ':' followed by bullet lines, one class per bullet."""
    for m in _BULLETS.finditer(text):
        lines = [re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", ln)
                 for ln in m.group("items").splitlines() if ln.strip()]
        items = [i for ln in lines for i in split_list(ln)[:1]]
        if len(items) >= 2:
            return items
    return []


_TELL = re.compile(r"\b(?:tell(?:s|ing)?|separat(?:e|es|ing)|distinguish(?:es|ing)?|"
                   r"differentiat(?:e|es|ing))\s+"
                   r"(?:apart\s+)?(?P<a>[^.;]{2,60}?)\s+(?:from|apart from)\s+"
                   r"(?P<b>[^.;]{2,80})")


def _from_tell(text: str) -> list[str]:
    """"tell chanterelles from false chanterelles and ..."."""
    m = _TELL.search(text)
    if not m:
        return []
    items = split_list(m.group("a")) + split_list(m.group("b"))
    return items if len(items) >= 2 else []


def _from_only(text: str) -> list[str]:
    """"cars and trucks only": a restriction names the classes."""
    for m in re.finditer(r"\s+only\b", text):
        before = text[max(0, m.start() - 80):m.start()]
        chunk = re.split(rf"[.;:!?(\n]|(?<![\w-])(?:{_STOP}|need|want|i|we)(?![\w-])",
                         before)[-1]
        items = split_list(chunk)
        if len(items) >= 2:
            return items
    return []


def _from_purpose(text: str) -> list[str]:
    return _first_list(text, _PURPOSE_RES)


def _from_passive(text: str) -> list[str]:
    """"I need cups, spoons and keys detected", "the person has to be segmented"."""
    for m in _PARTICIPLE.finditer(text):
        before = text[max(0, m.start() - 80):m.start()]
        chunks = re.split(rf"[.;:!?\n]|(?<![\w-])(?:{_STOP}|need|want|like|get|i|we|"
                          r"[a-z]+ing)(?![\w-])", before)
        for chunk in reversed(chunks[-3:]):  # skip "in the aerial images" back to the list
            items = split_list(chunk)
            if items and not all(" " not in i and is_adjective_only(i) for i in items):
                return items
    return []


def _from_intro_lists(text: str) -> list[str]:
    return _first_list(text, _INTRO_LIST_RES)


def _from_intro_verbs(text: str) -> list[str]:
    return _first_list(text, _INTRO_VERB_RES)


def _from_colon(text: str) -> list[str]:
    for m in _COLON.finditer(text):
        rest = text[m.end():]
        if _VERB_START.match(rest):
            continue
        segment = re.split(r"[.;!?](?:\s|$)", rest, maxsplit=1)[0]
        if _CONSTRAINT_WORDS.search(segment):
            segment = _cut_at_constraint(segment)
        items = split_list(segment)
        if len(items) >= 2 and all(len(i.split()) <= 4 and not _VERB_ANYWHERE.search(i)
                                   for i in items):
            return items
    return []


def _cut_at_constraint(segment: str) -> str:
    m = _CONSTRAINT_WORDS.search(segment)
    cut = segment[:m.start()] if m else segment
    return cut[:cut.rfind(",")] if "," in cut and m else cut


def _from_parens(text: str) -> list[str]:
    for m in _PARENS.finditer(text):
        if _CONSTRAINT_WORDS.search(m.group("list")):
            continue
        items = split_list(m.group("list"))
        if len(items) >= 2:
            return items
    return []


def _from_quotes(text: str) -> list[str]:
    quoted = [a or b for a, b in _QUOTED.findall(text)]
    items = [c for q in quoted if (c := _clean_item(q))]
    return items if len(items) >= 2 else []


def _from_alternatives(text: str) -> list[str]:
    for m in _ALTERNATIVES.finditer(text):
        parts = re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+(?:or|vs\.?|versus)\s+", m.group("list"))
        # Trailing words after the last item end the list; the first item starts after the
        # last function word or verb ("should say rust, ...", "is it a blue tit, ...");
        # without one, only its last word belongs to the list ("photo is sunny or rainy").
        parts[1:] = [_LIST_END.split(re.sub(r"^(?:(?:is|are|be|a|an|the|it|its|has|have|shows?)"
                                            r"\s+)+", "", p))[0]
                     for p in parts[1:]]
        head = _HEAD_BREAK.split(parts[0])
        parts[0] = head[-1] if len(head) > 1 else (parts[0].split() or [""])[-1]
        first = parts[0].split()
        if len(first) > 3 or (len(first) > 1 and is_adjective_only(first[-1])
                              and not is_adverb(first[0])):
            parts[0] = first[-1]  # "is this mushroom edible or poisonous" -> edible
        items = [c for p in parts if (c := _clean_item(p.strip("'\"")))]
        if len(items) >= 2:
            return items
    return []


def _from_task_noun(text: str) -> list[str]:
    for m in _TASK_NOUN.finditer(text):
        words = re.split(r"\s+", m.group("np").strip())
        while len(words) > 1 and words[-1] in ("boundary", "contour", "edge", "outline"):
            words.pop()
        kept: list[str] = []
        for word in reversed(words):
            bare = word.strip(",")
            if bare in _TASK_ADJECTIVES and bare not in ("and", "or"):
                break
            if re.fullmatch(rf"{_STOP}", bare) and bare not in ("and", "or"):
                break
            kept.insert(0, word)
        while kept and kept[0].strip(",") in ("and", "or"):
            kept.pop(0)
        # "a detector for X", "an X-ray baggage screening detector for knives and guns": the
        # purpose finder reads X. "a pothole detector for city trucks" keeps "pothole".
        if text.startswith(" for ", m.end()) and (not kept or any(
                w.endswith("ing") and w not in _ING_NOUNS for w in kept)):
            return []
        items = [i for i in split_list(" ".join(kept))
                 if " " in i or not is_adjective_only(i)]  # "the new segmentation model"
        if items:
            return items
    return []


def _keypoint_carriers(text: str) -> list[str]:
    """What carries the keypoints: 'pose of X', then 'X keypoints', then 'pose for X', then
    the first animal or person named anywhere (body parts are never the carrier)."""
    for rx in (_KP_OF,):
        found = _carrier_lists(text, rx)
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
        if owner and all(i in _BODY_PARTS for i in split_list(segment[:owner.start()]
                                                              .replace(",", " and "))):
            segment = owner.group("rest")
        for item in split_list(segment.split(",")[0]):
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
