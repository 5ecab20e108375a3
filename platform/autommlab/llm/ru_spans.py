"""What an RU answer may copy from its request: the request's own word spans.

Objects, datasets and the model name are copied from the request (PARSE_CONVENTIONS.md:
classes "as the user names them", lower case, singular; datasets and models "as written").
A 135M model copies badly: with free strings the shipped adapter wrote "klop" for
"forklifts", "poly" for "polyp", "needle" for "dandelion", "sedgegrass" for "seagrass".
Decoding therefore restricts these strings to spans of the request (`answer_schema`):
the model still decides *which* spans, the grammar makes sure it copies them faithfully,
and once a span's first tokens single it out the rest is forced (fewer forward passes).

Coverage, measured with `python benchmarks/ru_spans.py` (the share of ground-truth values
that are candidates, so the most this can cost): objects 99.4-100% and models/datasets
98.8-100% on every LAMP-style set and 4,000 generated training pairs (docs/llm.md).
Coordinated qualifiers are distributed over their head ("ripe and unripe tomatoes" also
offers "ripe tomato"), since annotators label each qualified class. What stays out: other
classes the user never wrote as a span, and dataset names with punctuation inside
("Quick, Draw!").
"""

from __future__ import annotations

import re

from autommlab.wordnet import singular

#: Longest span offered, in words ("worker without high-vis vest" has four).
MAX_SPAN_WORDS = 5
#: Words that coordinate two qualifiers of one head ("damaged and undamaged buildings").
_COORDINATORS = {"and", "or", "vs", "versus", "nor"}

#: Always offered as objects: the carriers of keypoints that requests name only through
#: an adjective or a synonym ("facial landmarks" -> face, "human pose" -> person).
ALWAYS_OBJECTS = ("person", "face")

#: Where a list item or a sentence ends: spans stay inside these stretches.
_SEPARATOR = re.compile(r"[,;:()\[\]{}!?\"/\n]|\.(?=\s|$)")
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*[a-z0-9]|[a-z0-9]")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-.+/]*[A-Za-z0-9+]|[A-Za-z0-9]")
#: Metric and unit words: never part of a model or dataset name (none of the 236 names
#: of the dev sets and two generated builds has one as a word; "AP-10K" is one word).
#: A model that lost its place wrote "AP" for "Mask AP 0.5 minimum; Mask R-CNN is fine".
_METRIC_WORDS = frozenset({"ap", "map", "ar", "iou", "miou", "pck", "oks", "dice", "f1",
                           "f1-score", "accuracy", "precision", "recall", "fps", "flops",
                           "gflops", "mflops", "ms"})
#: Suffixes that make a model name an example ("a YOLOX-s-like detector" names YOLOX-s).
_LIKE = ("-like", "-style", "-based", "-ish")


def _singulars(word: str) -> set[str]:
    """The word and its singular candidates ("syringes" -> syringe; WordNet's own
    exception list says "syrinx", so plain suffix stripping is offered too; not for
    "-ss", "-is", "-us", which are singular: "keratosi" is no word, and a second spelling
    of a class the model has written let it write the class twice)."""
    forms = {word, singular(word)}
    if word.endswith("s") and len(word) > 2 and not word.endswith(("ss", "is", "us")):
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
    return forms


def _word_lists(text: str) -> list[list[str]]:
    """The lower-case words of each stretch of the request between list punctuation; and
    again without possessive endings when it has any ("golfer's swing" -> golfer;
    "driver's license" stays a class as written too). A span never crosses a comma,
    bracket or sentence end: "burger, pasta" offers "burger" and "pasta", not "burger
    pasta", which a small model took when it lost its place in a list."""
    lists: list[list[str]] = []
    for stretch in _SEPARATOR.split(text.lower()):
        words = _WORD.findall(stretch)
        plain = [w.removesuffix("'s").rstrip("'") or w for w in words]
        lists += [words, plain] if plain != words else [words]
    return lists


def object_candidates(request: str) -> list[str]:
    """Lower-case spans of up to `MAX_SPAN_WORDS` words (no coordinator inside: no class
    in the dev sets or 22,702 generated labels has one), with singular forms of the last
    word (or of every word: "faces with masks" -> "face with mask") and hyphens read as
    spaces ("cloud-shadow" -> "cloud shadow"), plus `ALWAYS_OBJECTS`. Sorted."""
    found: set[str] = set(ALWAYS_OBJECTS)
    for words in _word_lists(request):
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_SPAN_WORDS) + 1):
                span = words[start:end]
                if _COORDINATORS.intersection(span):
                    break  # "benign keratosis or nevus" is two classes, never one
                head = span[:-1]
                for last in _singulars(span[-1]):
                    found.add(" ".join([*head, last]))
                    found.add(" ".join([*(singular(w) for w in head), last]))
        found |= _distributed(words)
    found |= {c.replace("-", " ") for c in found if "-" in c}
    return sorted(found)


def _distributed(words: list[str]) -> set[str]:
    """"A and B H" also offers "A H" (H one or two words, last one singular too): "ripe
    and unripe tomatoes" -> "ripe tomato", "healthy or diseased tomato leaves" -> "healthy
    tomato leaf". "B H" is a plain span already."""
    found: set[str] = set()
    for index in range(1, len(words) - 2):
        if words[index] not in _COORDINATORS:
            continue
        qualifier = words[index - 1]
        for size in (1, 2):
            head = words[index + 2:index + 2 + size]
            if len(head) < size or head[-1] in _COORDINATORS:
                break
            for last in _singulars(head[-1]):
                found.add(" ".join([qualifier, *head[:-1], last]))
    return found


def name_candidates(request: str) -> list[str]:
    """Spans of up to four words as written (case kept), for model and dataset names,
    plus names with an "-like" suffix removed; no span holds a metric or unit word.
    Sorted."""
    words = _NAME.findall(request)
    found: set[str] = set()
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + 4) + 1):
            if words[end - 1].lower() in _METRIC_WORDS:
                break  # no longer span from `start` can avoid it either
            span = " ".join(words[start:end])  # _NAME never ends a word with "."
            found.add(span)
            for suffix in _LIKE:
                if span.lower().endswith(suffix) and len(span) > len(suffix):
                    found.add(span[: -len(suffix)])
    return sorted(found)
