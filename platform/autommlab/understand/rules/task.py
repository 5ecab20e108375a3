"""Which of the four tasks a request needs.

Conventions: objects located and classified -> detection; pixel masks -> segmentation;
joints / landmarks / skeletons / pose -> keypoint. "detect whether ..." asks for an
image-level answer, so it is classification. Cues are weighted; a negated cue ("no need
for boxes") counts against its task.
"""

from __future__ import annotations

import re

from autommlab.tasks import Task

_CUES: dict[str, list[tuple[str, float]]] = {
    "keypoint": [
        (r"key[\s-]?points?", 8),
        (r"landmarks?", 5),
        (r"pose[\s-]?estimat\w*", 6),
        (r"pose[\s-]?track\w*", 6),
        (r"poses? (?:of|for)\b", 4),
        (r"corner points?|(?:four|4) corners", 5),
        (r"(?:nose|ears?|eyes|tail base|tails?|paws?|hooves|wings|legs|head|beaks?)\b", 1.5),
        (r"(?:human|body|hand|head|animal|pet|cat|dog|horse|\w+)\s+poses?\b", 4),
        (r"poses?\b(?!\s+(?:a|an|the|no|any|risks?|problems?|threats?|challenges?|hazards?|"
          r"questions?|dangers?))", 3),
        (r"skeletons?", 5),
        (r"skeletons? of", 4),
        (r"face alignment", 6),
        (r"posture (?:of|for)\b", 4),
        (r"\b(?:antennae|antennas)\b", 2),
        (r"\b(?:legs?|antennae|paws?|wings?|joints?|heads?|tails?)\b[^.;]{0,30}\bof (?:the |each |"
         r"every |a |an )?[a-z]+\b", 3),
        (r"joints?\b", 4),
        (r"(?:elbows?|knees?|wrists?|ankles?|shoulders?|hips?|fingertips?|knuckles?)", 2),
        (r"\bpck\b|\boks\b|pckh", 5),
        (r"posture", 2),
        (r"limbs?", 2),
        (r"body parts? (?:positions?|locations?|coordinates)", 4),
        (r"gait", 2),
    ],
    "segmentation": [
        (r"segment\w*", 6),
        (r"(?:pixel|pixels)[\s-]?(?:level|wise|accurate|precise|by[\s-]pixel)", 5),
        (r"per[\s-]?pixel", 5),
        (r"(?:pixel|segmentation|binary|instance|semantic|per-pixel|output|predicted|a|one|"
          r"the) masks?\b|masks? (?:of|for|around|over|per|covering)\b", 4),
        (r"\bmiou\b|mean iou|\bdice\b|jaccard|intersection over union|\biou\b", 4),
        (r"outlin\w*|delineat\w*|contours?|silhouettes?", 3),
        (r"masking\b", 4),
        (r"(?:^|[.!?:]\s*|\b(?:to|should|please|can|must|will)\s+)mask\b|paints? over", 5),
        (r"[a-z]+ pixels\b", 3),
        (r"cut-?outs?\b|\bcut(?:s|ting)? out\b", 5),
        (r"(?:exact|precise|pixel|binary) (?:masks?|outlines?)\b", 5),
        (r"(?:split|divided|partitioned) into [^.;]{0,60}\bregions\b", 6),
        (r"\bcut(?:ting|s)? (?:[a-z]+ ){1,3}out of", 4),
        (r"(?:footprint|road|building|boundary) extraction", 5),
        (r"which (?:regions|areas|parts) of", 5),
        (r"\bseg\b", 5),
        (r"(?:each|every) pixel", 6),
        (r"cut(?:ting)? out|background (?:removal|blur|replacement)|remove the background", 4),
        (r"(?:person|people|object|instance|foreground|background|alpha|"
          r"segmentation) masks?\b", 4),
        (r"which pixels", 5),
        (r"exact(?:ly)? (?:the )?(?:shape|extent|area|outline|boundar\w*)", 5),
        (r"boundar(?:y|ies)", 1),
        (r"area (?:covered|of)|coverage|how much of|extent of|fraction of the", 2),
        (r"matting|parsing|label (?:each|every) pixel", 3),
    ],
    "detection": [
        (r"(?<!motion is )(?<!motion )detect\w*", 3),
        (r"(?:locat|detect|find|spot|locali[sz])\w* and (?:classif|identif|recogni[sz]|"
          r"label)\w*", 8),
        (r"(?:classif|identif|recogni[sz]|label)\w* and (?:locat|locali[sz]|box)\w*", 8),
        (r"(?:detect|locat|find|spot)\w* [^.;]{0,40}?(?:,| and) (?:classif|label|identif)\w* "
         r"(?:them|each|it)", 8),
        (r"boxes\b", 2),
        (r"bounding[\s-]?box\w*|b-?boxes|bbox\w*|box(?:es)? (?:around|on|for)|box each", 6),
        (r"locat\w*|locali[sz]\w*|where\b|positions?\b", 3),
        (r"\bm?ap(?:50|75)?\b(?!-10k)|mean average precision|average precision", 3),
        (r"(?<!parameter )(?<!param )count(?:s|ing|ed)?\b|how many", 2),
        (r"(?<!skin )(?<!age )(?<!blind )spot\w*", 2),
        (r"find\w*", 1),
        (r"track\w*", 2),
        (r"draw\w* (?:a )?(?:box|rectangle)", 5),
        (r"\bboxed\b", 5),
        (r"(?:marked|drawn|highlighted|shown) with (?:a )?(?:bounding )?box", 6),
        (r"found and (?:marked|boxed|located)", 6),
        (r"rectangles?", 3),
        (r"flag\w* (?:each|every|any)", 1),
    ],
    "classification": [
        (r"\bis (?:it|this|the [a-z-]+|this [a-z-]+) [a-z-]+(?:, [a-z-]+)*,? or [a-z-]+\?", 5),
        (r"(?:flags?|marks?|labels?|tags?) (?:each|every|the) "
         r"(?:photo|image|picture|scan|frame) as", 6),
        (r"detect\w* (?:the )?(?:emotion|mood|expression|sentiment|age|gender|type|kind|"
         r"category|class|species|breed|quality|condition|state|status|grade|ripeness|severity|"
         r"stage)", 6),
        (r"one (?:label|bucket|class|category|answer|verdict|tag) per (?:photo|image|picture|"
         r"scan|frame|crop|item)|per-image (?:label|verdict)|image-level (?:label|answer)", 8),
        (r"classif\w*", 5),
        (r"categori[sz]\w*", 4),
        (r"recogni[sz]\w*", 2),
        (r"(?:tell|decide|determine|check|predict|say|know|judge)\w* (?:whether|if)", 5),
        (r"whether\b", 2),
        (r"sort\w* (?:\w+ )*?into|sort\w*", 2),
        (r"\bgrade\w*", 2),
        (r"identify (?:the )?(?:type|kind|species|breed|variety|class|category)", 4),
        (r"(?:which|what) (?:type|kind|species|breed|variety|class|category)", 4),
        (r"(?:type|kind|species|breed|class|category) of", 1),
        (r"top[\s-]?1|top[\s-]?5", 4),
        (r"\baccuracy\b", 1),
        (r"label (?:each|every|the) (?:image|photo|picture|frame)", 4),
        (r"image[\s-]?level", 4),
        (r"(?:classes|labels|categories)\s*:", 3),
        (r"tag\w*", 1),
        (r"\bvs\.?\b|versus", 2),
        (r"triage", 2),
        (r"pass(?:/| or )fail|ok(?:/| or )n(?:ot )?ok|good (?:or|vs\.?|/) bad", 4),
    ],
}
_COMPILED = {task: [(re.compile(rf"(?<![\w-]){rx}"), w) for rx, w in cues]
             for task, cues in _CUES.items()}
_NEGATION = re.compile(r"(?:(?:\bno\b|\bnot\b|n't|rather than|instead of|"
                       r"\bnever\b|no need (?:for|to)|don't need|doesn't need|\bnor\b|"
                       r"instead of drawing)[\w\s,'-]{0,25}|\bwithout\s+(?:any\s+|the\s+)?)$")
# Explicit task names decide on their own ("an object detector that ...").
# "our detector" is an existing system, not the model asked for.
_NOT_OURS = r"(?!our\b|my\b|their\b|your\b|existing\b|current\b)"
_EXPLICIT = [
    ("keypoint", re.compile(r"key[\s-]?point (?:detection|estimation|model|detector)|"
                            r"pose[\s-]?estimation|landmark (?:detection|localization|detector)")),
    ("segmentation", re.compile(r"(?:semantic|instance|panoptic|image|binary)[\s-]segmentation"
                                r"|segmentation (?:model|network|task)|segmenter")),
    ("detection", re.compile(rf"object[\s-]detect\w*|(?:a|an|the|{_NOT_OURS}[a-z]+) detector\b"
                             r"(?<!landmark detector)(?<!keypoint detector)|detection model")),
    ("classification", re.compile(rf"image[\s-]classif\w*|(?:a|an|the|{_NOT_OURS}[a-z-]+) "
                                  r"classifier\b|classification model")),
]
# Architectures say which task they solve ("FCOS please" -> detection).
_FAMILY_HINTS = [
    ("detection", re.compile(r"yolo|rtm-?det|fcos|retina-?net|faster r-?cnn|\bssd|detr|centernet|"
                             r"\batss\b|efficientdet|cascade r-?cnn|\btood\b")),
    ("segmentation", re.compile(r"u-?net|deeplab|psp-?net|segformer|bisenet|fast-?scnn|stdc|"
                                r"mask r-?cnn|solo(?:v2)?\b|segnext|mask2former|ocrnet|upernet")),
    ("keypoint", re.compile(r"rtm-?pose|rtmw|hrnet-w\d+|higherhrnet|simple-?baseline|openpose|"
                            r"vitpose|\bdekr\b|hourglass|rtmo")),
]
_WHETHER_DETECT = re.compile(r"detect\w* (?:whether|if|the presence|presence|any)")


EXPLICIT_MARGIN = 6


def infer_task(text: str) -> tuple[Task, bool]:
    """(task, confident). Not confident means no cue at all: classification is assumed."""
    scores = dict.fromkeys(_COMPILED, 0.0)
    for task, cues in _COMPILED.items():
        for rx, weight in cues:
            for m in rx.finditer(text):
                negated = _NEGATION.search(text[max(0, m.start() - 40):m.start()])
                scores[task] += -weight if negated else weight
    for task, rx in _FAMILY_HINTS:
        if rx.search(text):
            scores[task] += 3
    whether = len(_WHETHER_DETECT.findall(text))  # "detect whether": an image-level answer
    scores["detection"] -= 3 * whether
    scores["classification"] += 3 * whether
    explicit = [task for task, rx in _EXPLICIT
                if (hit := rx.search(text)) and not _NEGATION.search(text[:hit.start()][-40:])]
    best_task = max(scores, key=lambda t: scores[t])
    if explicit:
        # Several explicit names ("a detector ... a segmentation model"): the best score wins;
        # an explicit name loses only to much stronger evidence ("put a box around every bird,
        # then crop it for a second-stage classifier").
        best = max(explicit, key=lambda t: scores[t])
        if scores[best_task] - scores[best] >= EXPLICIT_MARGIN:
            return best_task, True  # type: ignore[return-value]
        return best, True  # type: ignore[return-value]
    if scores[best_task] <= 0:
        return "classification", False
    return best_task, True  # type: ignore[return-value]
