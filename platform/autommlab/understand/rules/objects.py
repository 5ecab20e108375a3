"""Target classes: the objects the user names, lower case, singular, qualifiers kept.

Strategy: find object lists after the verbs and nouns that introduce them ("detect",
"classify ... into", "classes:", "distinguish between", "whether ... is A or B",
"a detector for"), trying finders in a per-task order; each list is cleaned by `items`.
For keypoint requests the object is what carries the keypoints (`keypoints`).
"""

from __future__ import annotations

import re

from autommlab.understand.rules.items import clean_item, split_list
from autommlab.understand.rules.keypoints import keypoint_carriers
from autommlab.understand.rules.vocabulary import (
    BODY_PARTS,
    CATEGORY_WORDS,
    CONSTRAINT_WORDS,
    ING_VERB,
    LIST_END,
    STOP,
    VERBS,
    is_ing_verb,
)
from autommlab.wordnet import is_adjective_only, is_adverb

_CLASS_LIST = [
    # "classes: A, B", "categories are A and B", "labels such as"
    r"(?:classes|categories|labels|class labels|outcomes|grades|states|conditions)\s*"
    r"(?:are|include|including|like|such as|would be|should be|will be|:|=|-)\s*"
    r"(?:\(|either\s+)?(?P<list>)",
    r"with (?:the )?(?:classes|categories|labels)\s+(?P<list>)",
    r"(?:classes|categories)\s+(?P<list>)(?=[^.;:\n]{0,40}[,/])",  # "classes ripe / unripe"
    r"which (?:pixels|regions|areas|parts)(?: of [^.;]{0,40}?)? (?:belong to|are|show|contain)"
    r"\s+(?P<list>)",
    r"\barea (?:covered by|of)\s+(?P<list>)",
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
    r"\b(?:just |only )?between\s+(?:the\s+)?(?P<list>)(?=[^.;]*,)",
    r"(?:distinguish\w*|differentiat\w*|discriminat\w*|tells? apart|tell the difference|"
    r"decid\w* between|choos\w* between|pick\w* between)"
    r"(?:\s+between)?\s+(?P<list>)",
    r"\beither\s+(?P<list>)",
]
_INTRO_VERB = [
    r"(?:boxes|box|bounding boxes?|rectangles?)\s+(?:around|on|for|of|over)\s+"
    r"(?:each|every|all|the|any)?\s*(?P<list>)",
    r"(?:(?:^|[.!?:]\s*|\b(?:to|should|please|can|must|will|that|which)\s+)masks?"
    r"(?:\s+out)?|paints? over|\bcut(?:s|ting)? out)\s+(?:the\s+)?(?P<list>)",
    r"(?:masks?|outlines?|polygons?)\s+(?:around|of|over)\s+"
    r"(?:each|every|all|the|any)?\s*(?P<list>)",
    r"(?:that|which|to) box(?:es)?\s+(?:any|every|all|each|the)?\s*(?P<list>)",
    r"\bwhere\s+(?:each|every|all|the)\s+(?P<list>)",
    r"\b(?:know|care|worried|warned|alerted|told|informed) about\s+(?P<list>)",
    r"(?:positions?|locations?|coordinates) of\s+(?:each|every|all|the)?\s*(?P<list>)",
    r"(?:care|cares|caring) (?:\w+ )?about\s+(?P<list>)",
    r"(?:interested in|focus(?:ed)? on)\s+(?P<list>)",
    rf"\b(?:{VERBS})(?:\s+(?:and|&|/|or)\s+(?:{VERBS}|label|tag|mark|box|outline))*\s*:?\s+"
    r"(?:where\s+)?(?:of\s+|for\s+)?"
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
# "Ripe strawberries, unripe ones and flowers all need bounding boxes."
_SUBJECT_TASK = re.compile(
    r"\s+(?:all |each |both )?(?:need|needs|should|must|have to|has to|get|gets)\b[^.;]{0,30}?"
    r"(?:bounding boxes|boxes|masks?\b|segment\w*|detect\w*|mask\w*|box\w*|label\w*|"
    r"told apart|classif\w*|distinguish\w*|outline\w*)")
_INTRO_VERB_RES = [re.compile(rx) for rx in _INTRO_VERB]
_VERB_START = re.compile(rf"^(?:{VERBS}|and|or|&)\b")
_VERB_ANYWHERE = re.compile(rf"\b(?:{VERBS})\b")
_COLON = re.compile(r"(?:[:]|->|=>|\s-\s)\s*(?P<list>)")
_PARENS = re.compile(r"[({\[](?P<list>[^(){}\[\]]{3,120})[)}\]]")
_ALTERNATIVES = re.compile(
    r"(?P<list>(?:'[^']{1,30}'|\"[^\"]{1,30}\"|[a-z][\w-]*(?:\s[a-z][\w-]*){0,2})"
    r"(?:\s*,\s*(?:'[^']{1,30}'|"
    r"\"[^\"]{1,30}\"|[a-z][\w-]*(?:\s[a-z][\w-]*){0,2}))*,?\s+(?:or|vs\.?|versus)\s+"
    r"(?:'[^']{1,30}'|\"[^\"]{1,30}\"|[a-z][\w-]*(?:\s[a-z][\w-]*){0,2}))")
_HEAD_BREAK = re.compile(
    rf"(?<![\w-])(?:{STOP}|a|an|the|it|this|whether|if|either|say|says|tell|tells|shows?|"
    r"contains?|"
    rf"{ING_VERB})(?![\w-])\s*")
_QUOTED = re.compile(r"'([^']{1,30})'|\"([^\"]{1,30})\"")
_TASK_NOUN = re.compile(
    r"(?P<np>(?:[a-z][\w./-]*(?:\s+|\s*,\s*|\s*\+\s*))*?[a-z][\w/-]*)\s+(?:detection|segmentation|"
    r"locali[sz]ation|recognition|classification|counting|detector|segmenter|classifier|"
    r"masks?\b(?![\s-]?r[\s-]?cnn)|"
    r"boxes\b|bounding boxes|tracking|keypoints?|landmarks?|pose|delineation|"
    r"extraction|parsing|masking)")
_TASK_ADJECTIVES = {
    "semantic", "instance", "panoptic", "object", "image", "pixel-level", "pixel-wise",
    "binary", "real-time", "fast", "accurate", "automatic", "automated", "simple", "small",
    "tiny", "lightweight", "robust", "multi-class", "fine-grained", "a", "an", "the", "our",
    "for", "need", "want", "some", "do", "with", "boundary", "quick", "reliable", "good",
    "we", "i", "to", "of", "in", "on", "that", "and", "or", "mask", "box", "pixel", "per-pixel",
    "dense", "2d", "3d", "scene", "drone-based", "camera-based", "vision-based", "type",
    "level", "defect", "anomaly", "face-mask", "no",
    "not", "without", "any", "contour", "edge",
}
def extract_objects(text: str, task: str) -> list[str]:
    """Objects in priority order of the patterns that found them (see module doc)."""
    if task == "keypoint":
        listed = _from_class_lists(text) or _from_only(text)
        if all(i in BODY_PARTS or i in ("face", "hand") for i in listed):
            # "a whole-body model covering body, face, hands and feet": parts, not carriers
            listed = []
        carriers = listed or keypoint_carriers(text)
        if carriers:
            return carriers
    finders = [_from_quotes, _from_class_lists, _from_only, _from_colon, _from_bullets,
               _from_intro_lists, _from_parens, _from_alternatives, _from_tell, _from_passive,
               _from_intro_verbs, _from_task_noun, _from_purpose, _from_terse]
    if task != "classification":
        finders = [_from_class_lists, _from_quotes, _from_only, _from_colon, _from_bullets,
                   _from_parens, _from_passive, _from_tell, _from_intro_lists,
                   _from_intro_verbs, _from_task_noun, _from_purpose, _from_alternatives,
                   _from_terse]
    for finder in finders:
        items = finder(text)
        if items:
            return items
    return []


_MEMBERS_AFTER = re.compile(r"^[^.;:]{0,50}?(?:,|:|\binto\b|such as|like|including|e\.g\.,?|"
                            r"which (?:can|could|may|might|will) be|which are|that are|"
                            r"namely|specifically|especially|in particular|i\.e\.,?|\(|-)"
                            r"\s*(?P<list>)")


_EXAMPLES_AFTER = re.compile(r"^[^.;:]{0,50}?(?:such as|like|including|e\.g\.,?|namely|"
                             r"specifically|i\.e\.,?)\s*(?P<list>)")


def _first_list(text: str, patterns: list[re.Pattern[str]], min_items: int = 1) -> list[str]:
    """The earliest list any pattern introduces; a lone category word ("count vehicles")
    gives way to a later list of several classes ("where each car, truck and bus is")."""
    found = [(pos, items) for pos, items in (_list_at(text, rx) for rx in patterns)
             if len(items) >= min_items]
    if not found:
        return []
    found.sort(key=lambda f: f[0])
    first = found[0][1]
    if len(first) == 1 and first[0].split()[-1] in CATEGORY_WORDS:
        several = [items for _, items in found if len(items) >= 2]
        if several:
            return several[0]
    return first


def _list_at(text: str, rx: re.Pattern[str]) -> tuple[int, list[str]]:
    """(position, items) of the first match of `rx` that yields a list, else (-1, [])."""
    for m in rx.finditer(text):
        if _VERB_START.match(text[m.end("list"):]):
            continue
        items = split_list(text[m.end("list"):m.end("list") + 200])
        if len(items) == 1:
            # A category word may be followed by its members after any separator ("every
            # defect on steel sheets, scratches, inclusions and patches"); other words only
            # after an explicit marker ("rock types from photos, e.g. granite, basalt").
            rest = text[m.end("list"):m.end("list") + 250]
            category = (items[0].split()[-1] in CATEGORY_WORDS or is_adjective_only(items[0]))
            members = (_MEMBERS_AFTER if category else _EXAMPLES_AFTER).match(rest)
            listed = split_list(rest[members.end("list"):]) if members else []
            if len(listed) >= 2:
                items = listed
        if items:
            return m.start(), items
    return -1, []


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


def _from_terse(text: str) -> list[str]:
    """Spec-style requests ("yolox-s, people+cars, jetson nano, trt"): a fragment that is
    itself a short list of nouns names the classes."""
    fragments = re.split(r"\s*[,|;\n]\s*", text)
    if len(fragments) < 4:
        return []
    for fragment in fragments:
        if re.search(r"[+/&]|\band\b|\bvs\b", fragment) and len(fragment.split()) <= 6:
            items = split_list(fragment)
            if len(items) >= 2:
                return items
    return []


def _from_only(text: str) -> list[str]:
    """"cars and trucks only": a restriction names the classes."""
    for m in re.finditer(r"\s+only\b", text):
        before = text[max(0, m.start() - 80):m.start()]
        chunk = re.split(rf"[.;:!?(\n]|(?<![\w-])(?:{STOP}|need|want|i|we)(?![\w-])",
                         before)[-1]
        items = split_list(chunk)
        if len(items) >= 2:
            return items
    return []


def _from_purpose(text: str) -> list[str]:
    return _first_list(text, _PURPOSE_RES)


def _from_passive(text: str) -> list[str]:
    """"I need cups, spoons and keys detected", "the person has to be segmented"."""
    for m in _SUBJECT_TASK.finditer(text):
        sentence = re.split(r"[.;:!?\n]\s*", text[max(0, m.start() - 120):m.start()])[-1]
        items = split_list(sentence)
        if len(items) >= 2:
            return items
    for m in _PARTICIPLE.finditer(text):
        if re.search(r"motion (?:is |was )?$", text[max(0, m.start() - 15):m.start() + 1]):
            continue  # "a photo whenever motion is detected"
        before = text[max(0, m.start() - 80):m.start()]
        chunks = re.split(rf"[.;:!?\n]|(?<![\w-])(?:{STOP}|need|want|like|get|i|we|"
                          rf"{ING_VERB})(?![\w-])", before)
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
        if CONSTRAINT_WORDS.search(segment):
            segment = _cut_at_constraint(segment)
        items = split_list(segment)
        if len(items) >= 2 and all(len(i.split()) <= 4 and not _VERB_ANYWHERE.search(i)
                                   for i in items):
            return items
    return []


def _cut_at_constraint(segment: str) -> str:
    m = CONSTRAINT_WORDS.search(segment)
    cut = segment[:m.start()] if m else segment
    return cut[:cut.rfind(",")] if "," in cut and m else cut


def _from_parens(text: str) -> list[str]:
    for m in _PARENS.finditer(text):
        if CONSTRAINT_WORDS.search(m.group("list")) or re.search(
                r"\b(?:box(?:es)?|difficulty|subset|split|resolution|format|version)\b",
                m.group("list")):
            continue  # "(2D boxes, moderate difficulty)": annotation details, not classes
        items = split_list(m.group("list"))
        if len(items) >= 2:
            return items
    return []


def _from_quotes(text: str) -> list[str]:
    quoted = [a or b for a, b in _QUOTED.findall(text)]
    items = [c for q in quoted if (c := clean_item(q))]
    return items if len(items) >= 2 else []


def _from_alternatives(text: str) -> list[str]:
    for m in _ALTERNATIVES.finditer(text):
        parts = re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+(?:or|vs\.?|versus)\s+", m.group("list"))
        # Trailing words after the last item end the list; the first item starts after the
        # last function word or verb ("should say rust, ...", "is it a blue tit, ...");
        # without one, only its last word belongs to the list ("photo is sunny or rainy").
        parts[1:] = [re.split(r"\s+(?:and|but|so|then)(?:\s+|$)", LIST_END.split(re.sub(
            r"^(?:(?:is|are|be|a|an|the|it|its|has|have|shows?)\s+)+", "", p))[0])[0]
            for p in parts[1:]]
        first_part = parts[0]
        head = _HEAD_BREAK.split(first_part)
        parts[0] = head[-1] if len(head) > 1 else (first_part.split() or [""])[-1]
        if not parts[0].strip():  # "the cat is sleeping, eating or playing": the break word
            parts[0] = _HEAD_BREAK.findall(first_part)[-1].strip()  # is the first label
        first = parts[0].split()
        if len(first) > 3 or (len(first) > 1 and is_adjective_only(first[-1])
                              and not is_adverb(first[0])):
            parts[0] = first[-1]  # "is this mushroom edible or poisonous" -> edible
        items = [c for p in parts if (c := clean_item(p.strip("'\"")))]
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
            if re.fullmatch(rf"{STOP}", bare) and bare not in ("and", "or"):
                break
            kept.insert(0, word)
        while kept and kept[0].strip(",") in ("and", "or"):
            kept.pop(0)
        # "a detector for X", "an X-ray baggage screening detector for knives and guns": the
        # purpose finder reads X. "a pothole detector for city trucks" keeps "pothole".
        # "a flower classifier for roses, tulips and daisies": a list after "for" names the
        # classes; "a pothole detector for city trucks" keeps "pothole".
        after = re.match(r" (?:detector |classifier |segmenter |model )?for\s+", text[m.end():])
        if after and (not kept or len(split_list(text[m.end() + after.end():][:150])) >= 2
                      or any(is_ing_verb(w) for w in kept)):
            return []
        items = [i for i in split_list(" ".join(kept))
                 if " " in i or not is_adjective_only(i)]  # "the new segmentation model"
        if items:
            return items
    return []
