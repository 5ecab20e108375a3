"""Text helpers shared by the rule extractors: normalisation, numbers, spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Written-out numbers users put in requests ("five million parameters", "thirty fps").
_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "twenty-five": 25, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "hundred": 100, "a hundred": 100, "one hundred": 100, "half a": 0.5, "half": 0.5,
}
WORD_NUMBER_RE = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))

#: A number as users write it: 1,000 / 1.5 / .5 / 1e6 / 1 000 000 is NOT supported (ambiguous).
# The trailing guard stops backtracking inside a number ("500K" is never read as "50").
NUM = (r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+"
       rf"|(?:{WORD_NUMBER_RE})(?![\w-]))(?![.,]?\d)")

_PUNCT_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": " - ",
    "\u2212": "-", "\u2264": "<=", "\u2265": ">=", "\u00d7": "x", "\u00b5": "u",
})


def normalise(text: str) -> str:
    """Lower case, ASCII punctuation, single spaces: the form every extractor matches on."""
    lines = text.translate(_PUNCT_MAP).lower().splitlines()
    return "\n".join(" ".join(line.split()) for line in lines)


def to_number(token: str) -> float:
    token = token.strip().lower()
    if token in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[token])
    return float(token.replace(",", ""))


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class SpanSet:
    """Character ranges already explained by one extractor, so later ones skip them
    (a '0.5' in 'mAP@0.5' is part of a metric name, not a value)."""

    def __init__(self) -> None:
        self._spans: list[Span] = []

    def add(self, start: int, end: int) -> None:
        self._spans.append(Span(start, end))

    def taken(self, start: int, end: int) -> bool:
        probe = Span(start, end)
        return any(s.overlaps(probe) for s in self._spans)


# Clause boundaries: a constraint and its number never cross these.
CLAUSE_BREAK = re.compile(r"[.;!?](?:\s|$)|\n")


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the sentence-like clause containing character `pos`."""
    start = 0
    for m in CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    m = CLAUSE_BREAK.search(text, pos)
    return start, (m.start() if m else len(text))
