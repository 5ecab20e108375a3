"""Speed, FLOPs and parameter constraints, kept in the unit the user wrote.

Conventions (PARSE_CONVENTIONS.md): the value and unit as written, except rates per minute
(or hour) and times per batch, which become one image's figure. Numbers that are not
constraints (dataset sizes, resolutions, epochs, years, durations of videos or of
training) are ignored: a time counts as a speed only in an inference context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autommlab.understand.rules.text import NUM, SpanSet, clause_bounds, to_number
from autommlab.understand.schema import Flops, Parameters, Speed

_TIME_UNITS = {
    "ms": "ms", "msec": "ms", "msecs": "ms", "millisecond": "ms", "milliseconds": "ms",
    "milli-seconds": "ms", "millisec": "ms", "millisecs": "ms",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
}
_TIME_UNIT_RE = "|".join(sorted(map(re.escape, _TIME_UNITS), key=len, reverse=True))
_RATE_NOUN = (r"(?:images?|frames?|pictures?|photos?|imgs?|samples?|scans?|shots?|crops?|"
              r"patches?|inferences?|predictions?|requests?|parts?|items?|products?|"
              r"documents?|pages?|tiles?|slides?|bottles?|cans?|boxes|fruits?|plates?|"
              r"leaves|leaf|cells?|objects?|units?|packages?|parcels?|faces?|people|"
              r"x-rays?|radiographs?|receipts?|forms?|videos? frames?|[a-z-]+ images?)")
_PER = r"(?:per|a|an|/|each|every|in a|in one|in 1)"

_FPS_RE = re.compile(
    rf"(?P<num>{NUM})\s*(?:-\s*)?(?:fps|f\.p\.s\.?|frames?\s*/\s*s(?:ec)?\b|hz\b|"
    rf"{_RATE_NOUN}\s*{_PER}\s*(?:second|sec|s)\b|{_RATE_NOUN}/s\b|frames? a second|"
    rf"frames?\s+per\s+second)"
)
_FPS_AFTER_RE = re.compile(
    rf"\b(?:fps|frame[- ]?rate|frames per second|throughput)\b"
    rf"(?:\s*(?:of|at|to|is|should be|must be|needs to be|>=|>|=|:|at least|above|over|"
    rf"no less than|not less than|minimum|min\.?|around|about|roughly|~)\s*)*"
    rf"(?P<num>{NUM})(?!\s*(?:%|ms|s\b|sec|min|x\b|p\b|k\b))"
)
_PER_LONG_RE = re.compile(
    rf"(?P<num>{NUM})\s*(?:\+\s*)?"
    r"(?!(?:m|km|cm|mm|meters?|metres?|kilomet(?:er|re)s?|miles?|ft|feet|inch(?:es)?|mph|kph|"
    r"tons?|tonnes?|kg|kilograms?|lbs?|pounds?|liters?|litres?|gallons?)\b)"
    rf"(?:(?:{_RATE_NOUN}|[a-z-]+)\s*)?(?:past [a-z ]{{1,20}}? )?"
    rf"(?:{_PER})\s*(?P<unit>minute|min|hour|hr|h)\b"
)
_BATCH_RE = re.compile(
    rf"batch(?:es)?\s*(?:of|size(?:\s*of)?|with)?\s*(?P<n>{NUM})(?:\s*{_RATE_NOUN})?"
    rf"[^.;]{{0,60}}?(?P<t>{NUM})\s*(?P<unit>{_TIME_UNIT_RE})\b"
)
_BATCH_TIME_FIRST_RE = re.compile(
    rf"(?P<t>{NUM})\s*(?P<unit>{_TIME_UNIT_RE})\b\s*(?:per|for\s+(?:a|each|one)?|a|each)\s*"
    rf"batch(?:es)?\s*(?:of|size(?:\s*of)?)?\s*(?P<n>{NUM})"
)
# "64 patches per batch in 1.6 s"
_N_PER_BATCH_RE = re.compile(
    rf"(?P<n>{NUM})\s*(?:{_RATE_NOUN}\s*)?(?:per|a|each|in a|in one)\s*batch\w*\s*"
    rf"(?:in|within|under|takes?|taking)\s*(?:less than\s*)?(?P<t>{NUM})\s*"
    rf"(?P<unit>{_TIME_UNIT_RE})\b"
)
# "keep up with 1 loaf every 0.2 seconds": one item per interval is a per-item time.
_ONE_EVERY_RE = re.compile(
    rf"(?:keep up|process|handle|inspect|classify|analy[sz]e|cope)[^.;]{{0,40}}?"
    rf"(?:one|1|a|each)\s+[a-z-]+\s+every\s+(?P<t>{NUM})\s*(?P<unit>{_TIME_UNIT_RE})\b"
)
# "300 pictures in one minute": a rate, not a time per picture.
_N_IN_LONG_RE = re.compile(
    rf"(?P<num>{NUM})\s+(?:[a-z-]+\s+){{1,2}}?(?:in|per|within)\s+(?:one|1|a|an|each)\s+"
    r"(?P<unit>minute|min|hour|hr)\b"
)
_N_IN_TIME_RE = re.compile(
    rf"(?P<n>{NUM})\s*{_RATE_NOUN}\s*(?:in|within|under)\s*(?:less than\s*|under\s*)?"
    rf"(?P<t>{NUM})\s*(?P<unit>{_TIME_UNIT_RE})\b"
)
_TIME_RE = re.compile(rf"(?P<num>{NUM})\s*(?:-\s*)?(?P<unit>{_TIME_UNIT_RE})\b"
                      r"(?!\s*/\s*(?:s|sec|second)\b)")
_PRODUCT_BEFORE = re.compile(r"(?:rtx|gtx|quadro|tesla|titan|radeon|pi|jetson|iphone|galaxy|"
                             r"core i\d|ryzen \d|xeon|snapdragon|model)\s*$")

# A time is a latency only near one of these, and never near the exclusions.
_SPEED_CONTEXT = re.compile(
    r"latenc|inference|per (?:image|frame|picture|photo|sample|scan|crop|patch|shot|item|"
    r"request|prediction|page|document|slide|tile|x-ray|face|part|product|object|call|input)|"
    r"each (?:image|frame|picture|photo|sample|scan|prediction)|a (?:frame|image)|respon|"
    r"process|run|predict|speed|fast|quick|take|within|under|below|less than|at most|"
    r"no more than|max|budget|return|answer|real[- ]?time|turnaround|deadline|per call|"
    r"classif|detect|segment|estimat|infer|analy[sz]|output|forward pass|"
    r"< ?=?|not exceed|lower than|or less|or faster|tops|cap"
)
_NOT_SPEED = re.compile(
    r"train|epoch|fine-?tun|video(?:s)? (?:of|are|is|that|last)|clips?\b|recording|"
    r"long video|footage of|battery|uptime|every\b|interval|\bago\b|years?\b|days?\b|weeks?\b|"
    r"months?\b|shift|exposure|label(?:l)?ing|annotat|sampl(?:ed|ing) (?:at|every)|"
    r"time-?lapse|charg"
)

# "videos recorded at 30 fps", "cameras run at 60 fps": the source's frame rate, not a target.
_CAPTURE_RATE = re.compile(
    r"(?:record\w*|captur\w*|film\w*|shot|stream\w*|high-speed)[^.;,]{0,25}$|"
    r"high-speed (?:camera|video)[^.;]{0,60}$|"
    r"(?:cameras?|streams?|videos?|footage)(?: \w+)?,? (?:each|all|both)\s*"
    r"(?:at|running at|recording at|delivering|with|run at|runs at)?\s*$|"
    r"(?:cameras?|streams?|videos?|footage)(?: (?!must|should|needs?|has|have|to\b)[\w-]+){0,3} "
    r"(?:at|running at|recording at|run at|"
    r"runs at)\s*$")
_CAPTURE_AFTER = re.compile(r"^\s*(?:high-speed |hd |ip |industrial |security )?"
                            r"(?:cameras?|videos?|footage|recordings?|streams?|feeds?|sensors?)|"
                            r"^[^.;]{0,12}(?:that's|that is|which is) (?:just|only) the camera")

_PARAM_UNITS = {
    "k": "K", "thousand": "K", "m": "M", "mil": "M", "million": "M", "millions": "M",
    "mn": "M", "b": "B", "bn": "B", "billion": "B",
}
_PARAM_UNIT_RE = r"(?:k|thousand|m|mil|millions?|mn|b|bn|billion)"
_PARAM_WORD = r"(?:trainable\s+|learnable\s+|model\s+)?(?:param(?:eter)?s?|weights)\b"
_PARAMS_BEFORE_RE = re.compile(
    rf"(?P<num>{NUM})\s*(?P<unit>{_PARAM_UNIT_RE})?\s*(?:-\s*)?{_PARAM_WORD}"
)
_PARAMS_AFTER_RE = re.compile(
    rf"(?:param(?:eter)?s?|parameter count|number of parameters|model size|weights)\b"
    rf"[^.;\d]{{0,40}}?(?P<num>{NUM})\s*(?P<unit>{_PARAM_UNIT_RE})?\b(?!\s*(?:mb|gb|kb|%|fps|ms|"
    rf"flop|gflop|mflop|bytes?|images?|frames?))"
)

_FLOPS_PREFIX = {
    "": "FLOPs", "k": None, "m": "MFLOPs", "mega": "MFLOPs", "million": "MFLOPs",
    "g": "GFLOPs", "giga": "GFLOPs", "billion": "GFLOPs", "b": "GFLOPs", "bn": "GFLOPs",
    "t": "TFLOPs", "tera": "TFLOPs", "trillion": "TFLOPs",
    "p": "PFLOPs", "peta": "PFLOPs", "e": "EFLOPs", "exa": "EFLOPs",
}
_FLOPS_PREFIX_RE = r"(?:million|billion|trillion|mega|giga|tera|peta|exa|bn|m|g|t|p|e|b)"
_FLOPS_WORD = r"(?:flops?|flop/s|flop count|multiply[- ]adds?|macs?)\b"
_FLOPS_BEFORE_RE = re.compile(
    rf"(?P<num>{NUM})\s*(?P<prefix>{_FLOPS_PREFIX_RE})?\s*(?:-\s*)?{_FLOPS_WORD}"
)
_FLOPS_AFTER_RE = re.compile(
    rf"(?:flops|computational cost|compute budget|compute cost|computation|complexity)\b"
    rf"[^.;\d]{{0,40}}?(?P<num>{NUM})\s*(?P<prefix>{_FLOPS_PREFIX_RE})\b(?!\s*(?:param|weights))"
)


@dataclass
class Quantities:
    speed: Speed = field(default_factory=Speed)
    flops: Flops = field(default_factory=Flops)
    parameters: Parameters = field(default_factory=Parameters)
    warnings: list[str] = field(default_factory=list)


def _keep_first(kind: str, found: list[tuple[float, str, int]], warnings: list[str]
                ) -> tuple[float, str] | None:
    """The first-mentioned figure; a conflicting later one is reported, not merged."""
    if not found:
        return None
    found.sort(key=lambda f: f[2])
    value, unit, _ = found[0]
    others = {(v, u) for v, u, _ in found[1:]} - {(value, unit)}
    if others:
        listed = ", ".join(f"{v:g} {u}" for v, u in sorted(others))
        warnings.append(f"several {kind} figures ({value:g} {unit}; {listed}): kept the first")
    return value, unit


def extract_quantities(text: str, taken: SpanSet) -> Quantities:
    """Find speed / FLOPs / parameter constraints in normalised text."""
    q = Quantities()
    params = _find_params(text, taken)
    flops = _find_flops(text, taken)
    speeds = _find_speeds(text, taken)
    if (p := _keep_first("parameter", params, q.warnings)) is not None:
        q.parameters = Parameters(value=p[0], unit=p[1])  # type: ignore[arg-type]
    if (f := _keep_first("FLOPs", flops, q.warnings)) is not None:
        q.flops = Flops(value=f[0], unit=f[1])  # type: ignore[arg-type]
    if (s := _keep_first("speed", speeds, q.warnings)) is not None:
        q.speed = Speed(value=s[0], unit=s[1])  # type: ignore[arg-type]
    return q


def _round(value: float) -> float:
    # 360/60 must be exactly 6, 240/4 exactly 60; round away float noise only.
    return float(f"{value:.10g}")


def _bare_count(value: float) -> tuple[float, str]:
    """A raw count ("3,000,000 parameters") in the largest unit that keeps it >= 1."""
    for factor, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= factor:
            return _round(value / factor), unit
    return value, "none"


def _find_params(text: str, taken: SpanSet) -> list[tuple[float, str, int]]:
    found: list[tuple[float, str, int]] = []
    for rx in (_PARAMS_BEFORE_RE, _PARAMS_AFTER_RE):
        for m in rx.finditer(text):
            if taken.taken(m.start("num"), m.end("num")):
                continue
            value = to_number(m.group("num"))
            unit_word = m.group("unit")
            if unit_word:
                value, unit = value, _PARAM_UNITS[unit_word]
            elif value >= 1000:
                value, unit = _bare_count(value)
            else:
                continue  # "3 parameters" or "parameters ... 10" with no unit: not a budget
            found.append((value, unit, m.start("num")))
            taken.add(m.start("num"), m.end())
    return found


def _find_flops(text: str, taken: SpanSet) -> list[tuple[float, str, int]]:
    found: list[tuple[float, str, int]] = []
    for rx in (_FLOPS_BEFORE_RE, _FLOPS_AFTER_RE):
        for m in rx.finditer(text):
            if taken.taken(m.start("num"), m.end("num")):
                continue
            prefix = (m.group("prefix") or "").lower()
            unit = _FLOPS_PREFIX.get(prefix)
            if unit is None:
                continue
            found.append((to_number(m.group("num")), unit, m.start("num")))
            taken.add(m.start("num"), m.end())
    return found


def _find_speeds(text: str, taken: SpanSet) -> list[tuple[float, str, int]]:
    found: list[tuple[float, str, int]] = []

    def add(value: float, unit: str, m: re.Match[str], *groups: str) -> None:
        found.append((_round(value), unit, m.start()))
        taken.add(m.start(), m.end())

    def free(m: re.Match[str], *groups: str) -> bool:
        return not any(taken.taken(m.start(g), m.end(g)) for g in groups)

    for m in _N_IN_LONG_RE.finditer(text):
        if free(m, "num"):
            add(_rate_in_fps(m), "fps", m)
    for rx in (_BATCH_RE, _BATCH_TIME_FIRST_RE, _N_PER_BATCH_RE, _N_IN_TIME_RE):
        for m in rx.finditer(text):
            n = to_number(m.group("n"))
            if free(m, "n", "t") and n > 0:
                add(to_number(m.group("t")) / n, _TIME_UNITS[m.group("unit")], m)
    for m in _ONE_EVERY_RE.finditer(text):
        if free(m, "t"):
            add(to_number(m.group("t")), _TIME_UNITS[m.group("unit")], m)
    for m in _PER_LONG_RE.finditer(text):
        if free(m, "num") and not _TIME_RE.fullmatch(text[m.start():m.end()]):
            add(_rate_in_fps(m), "fps", m)
    for rx in (_FPS_RE, _FPS_AFTER_RE):
        for m in rx.finditer(text):
            if (free(m, "num") and not _CAPTURE_RATE.search(text[max(0, m.start() - 40):m.start()])
                    and not _CAPTURE_AFTER.match(text[m.end():])):
                add(to_number(m.group("num")), "fps", m)
    for m in _TIME_RE.finditer(text):
        if free(m, "num") and _is_latency(text, m):
            add(to_number(m.group("num")), _TIME_UNITS[m.group("unit")], m)
    return found


def _rate_in_fps(m: re.Match[str]) -> float:
    """A count per minute or per hour ("360 images a minute") as images per second."""
    return to_number(m.group("num")) / (60.0 if m.group("unit").startswith("m") else 3600.0)


def _is_latency(text: str, m: re.Match[str]) -> bool:
    """A time is a per-image latency only in an inference context (see module doc)."""
    unit = _TIME_UNITS[m.group("unit")]
    start, end = clause_bounds(text, m.start())
    if _PRODUCT_BEFORE.search(text[max(0, m.start() - 15):m.start()]):
        return False  # "two RTX 4090s" is hardware, not 4090 seconds
    before = text[max(start, m.start() - 60):m.start()]
    after = text[m.end():min(end, m.end() + 40)]
    if _NOT_SPEED.search(before[-35:]) or _NOT_SPEED.search(after[:25]):
        return False
    if re.match(r"\s*(?:of|long)\s+(?:video|footage|audio|recording)", after):
        return False
    if unit == "ms":
        return True  # milliseconds in a model request are a latency unless excluded above
    if re.match(r"\s*(?:per|/|a|for each|each)\s+(?!day|week|month|year|hour|minute)[a-z]", after):
        return True
    return bool(_SPEED_CONTEXT.search(before) or _SPEED_CONTEXT.search(after))
