"""Required metrics with their target values, as fractions under canonical names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from autommlab.understand.rules.text import NUM, SpanSet, clause_bounds, to_number
from autommlab.understand.schema import Metric

# Synonym -> canonical name (PARSE_CONVENTIONS.md). Longer synonyms are tried first so
# "top-1 error" wins over "error" and "mean average precision" over "precision".
# An IoU / PCK threshold is part of the metric's name: "mAP@0.5", "AP at IoU 0.75".
_THRESH = (r"(?:\s*(?:@|at)\s*(?:iou\s*(?:=|of)?\s*)?"
           r"(?:\[?\.?\d+(?:\.\d+)?(?:\s*:\s*\.?\d+(?:\.\d+)?)*\]?))")
_SYNONYMS: list[tuple[str, str]] = [
    (r"mean average precision", "AP"), (r"average precision", "AP"),
    (r"mean average recall", "AR"), (r"average recall", "AR"),
    (r"(?:box|bbox|mask|keypoint|oks|whole[- ]?body|segm)\s*m?ap(?:50|75)?", "AP"),
    (r"m?ap\s*(?:50|75)(?:[:\-]95)?", "AP"), (r"m?ap", "AP"), (r"ar(?:50|75)?", "AR"),
    (r"mean intersection[- ]over[- ]union", "IoU"), (r"intersection[- ]over[- ]union", "IoU"),
    (r"mean iou", "IoU"), (r"miou", "IoU"), (r"m-iou", "IoU"), (r"iou", "IoU"),
    (r"jaccard(?: index| score| similarity)?", "IoU"),
    (r"dice(?: coefficient| score| similarity(?: coefficient)?)?", "dice"),
    (r"pck(?:h)?", "PCK"), (r"percentage of correct keypoints", "PCK"),
    (r"(?:pixel[- ]level |macro |micro |weighted )?f1(?:[- ]score| measure)?", "f1-score"),
    (r"f-?score", "f1-score"), (r"f-measure", "f1-score"),
    (r"(?:top[- ]?1 |classification |overall |image[- ]level |mean |balanced |pixel[- ]level |"
     r"pixel |pixel-wise )?accuracy",
     "accuracy"),
    (r"acc", "accuracy"), (r"top[- ]?1", "accuracy"),
    (r"(?<=%\s)accurate|(?<=percent\s)accurate", "accuracy"),  # only "93% accurate"
    (r"precision", "precision"),
    (r"recall", "recall"), (r"sensitivity", "recall"), (r"true positive rate", "recall"),
    (r"tpr", "recall"), (r"hit rate", "recall"), (r"detection rate", "recall"),
    (r"specificity", "specificity"),
]
_ERROR_WORDS = (r"(?:top[- ]?1 |classification |misclassification |overall )?"
                r"(?:error(?: rate)?|misclassification(?: rate)?|mistake rate)")
_NAME_RE = re.compile(
    r"(?<![\w-])(?:(?P<err>" + _ERROR_WORDS + r")|(?P<name>"
    + "|".join(f"(?:{s})" for s, _ in _SYNONYMS) + r"))" + _THRESH + r"?(?![\w])"
)
_CANON = [(re.compile(rf"(?:{s}){_THRESH}?$"), c) for s, c in _SYNONYMS]
# A value never carries a unit: "AR, 8 ms" is a latency, not an AR of 0.08.
_VALUE_RE = re.compile(
    rf"(?P<num>{NUM})\s*(?P<pct>%|percent|per cent|pct|pp)?"
    r"(?!\s*(?:ms\b|s\b|sec|seconds?\b|fps|frames|m\b|k\b|b\b|g\b|[mgt]?flops|params|"
    r"parameters|million|billion|x\s?\d|px|pixels|mb\b|gb\b|classes|images|cameras|epochs|"
    r"mm\b|cm\b|km\b|degrees?))")
# Between a metric name and its value, only comparison words may stand.
_GAP_AFTER = re.compile(
    r"^(?:\s|\(|\)|:|=|>|<|~|,|of|is|at|least|most|above|over|greater|higher|better|than|"
    r"more|no|not|less|lower|below|under|exceed(?:s|ing)?|must|should|needs?|to|be|reach(?:es|"
    r"ing)?|"
    r"achieve|achieving|get|hit|around|about|roughly|approximately|minimum|min|max|maximum|"
    r"target|required|requirement|score|value|rate|a|an|the|that|we|i|need|want|both|all|each|"
    r"and|or|with|keep|stay|remain|of at least|beyond|upwards|ideally|it|something|like|equal|"
    r"really|very|high|good|well|close|near|solid|decent|has|have|what|matters|key|worse|"
    r"north|south|upward|more|anything|everything|-|(?:on|for) [a-z-]+|"
    r"important|critical|crucial|essential|priority|radius|threshold|distance|"
    r"\d+(?:\.\d+)?\s*(?:mm|cm|px|pixels?)|"
    r"or above|and above|\+)*$"
)
_GAP_BEFORE = re.compile(r"^(?:\s|%|percent|or better|or higher|or more|\+|top-?1|mean|"
                         r"overall|minimum|min|at least|classification|validation|test)*$")


@dataclass
class _Mention:
    canonical: str
    is_error: bool
    start: int
    end: int


def _canonical(name: str) -> str:
    for rx, canon in _CANON:
        if rx.match(name):
            return canon
    return name


def _as_fraction(m: re.Match[str]) -> float | None:
    value = to_number(m.group("num"))
    if m.group("pct") or value > 1:
        value /= 100.0
    return value if 0 <= value <= 1 else None


def extract_metrics(text: str, taken: SpanSet) -> list[Metric]:
    """Metrics whose target value is stated; a metric named without a number is not a
    requirement (it stays out of the list)."""
    mentions: list[_Mention] = []
    for m in _NAME_RE.finditer(text):
        if taken.taken(m.start(), m.end()):
            continue
        if m.group("err"):
            mentions.append(_Mention("accuracy", True, m.start(), m.end()))
        else:
            name = m.group("name")
            if name in ("acc", "ar", "map", "ap") and not _looks_like_metric(text, m):
                continue
            mentions.append(_Mention(_canonical(m.group(0)), False, m.start(), m.end()))
        taken.add(m.start(), m.end())

    results: list[Metric] = []
    pending: list[_Mention] = []  # names waiting for a shared value ("precision and recall")
    for i, mention in enumerate(mentions):
        limit = mentions[i + 1].start if i + 1 < len(mentions) else clause_bounds(
            text, mention.start)[1]
        value = _value_after(text, mention.end, limit, taken)
        if value is None and not pending:
            value = _value_before(text, mention.start, mentions[i - 1].end if i else 0, taken)
        if value is None:
            between_next = text[mention.end:limit]
            if i + 1 < len(mentions) and re.fullmatch(r"\s*(?:,|and|&|/|or|as well as)\s*",
                                                      between_next):
                pending.append(mention)
            else:
                pending.clear()
            continue
        for item in [*pending, mention]:
            v = round(1.0 - value, 10) if item.is_error else value
            results.append(Metric(name=item.canonical, value=v))
        pending.clear()
    return _dedupe(results)


def _looks_like_metric(text: str, m: re.Match[str]) -> bool:
    # Short names ('ap', 'ar', 'acc') count only when a value or comparison follows at once
    # ("AR 0.7"), not in "for AR, 8 ms" (augmented reality).
    nxt = _VALUE_RE.search(text, m.end(), m.end() + 40)
    if nxt and _GAP_AFTER.match(text[m.end():nxt.start()]):
        return True
    # "0.65 AP at least", "hit 0.9 mAP": the value may come first.
    return bool(re.search(r"(?:\d|%)\s*$", text[max(0, m.start() - 12):m.start()]))


def _value_after(text: str, pos: int, limit: int, taken: SpanSet) -> float | None:
    for m in _VALUE_RE.finditer(text, pos, limit):
        if not _GAP_AFTER.match(text[pos:m.start()]):
            return None
        if taken.taken(m.start(), m.end()):
            continue
        value = _as_fraction(m)
        if value is not None:
            taken.add(m.start(), m.end())
            return value
    return None


def _value_before(text: str, pos: int, limit: int, taken: SpanSet) -> float | None:
    window_start = max(limit, pos - 30)
    best = None
    for m in _VALUE_RE.finditer(text, window_start, pos):
        if _GAP_BEFORE.match(text[m.end():pos]) and not taken.taken(m.start(), m.end()):
            best = m
    # "92% accuracy", "0.9 mAP", "45 mAP" (right before the name) yes; "3 cameras, accuracy" no.
    if best is None:
        return None
    value = to_number(best.group("num"))
    adjacent = not text[best.end():pos].strip()
    if not best.group("pct") and value > 1 and not (adjacent and value <= 100):
        return None
    value = _as_fraction(best)
    if value is not None:
        taken.add(best.start(), best.end())
    return value


def _dedupe(metrics: list[Metric]) -> list[Metric]:
    seen: set[str] = set()
    out = []
    for metric in metrics:
        if metric.name not in seen:
            seen.add(metric.name)
            out.append(metric)
    return out
