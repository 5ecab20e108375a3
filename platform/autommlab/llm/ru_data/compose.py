"""Assembly: a `Slots` and its renderings into one request text (styles, frames,
preambles, asides) plus the parse built from the same slots."""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autommlab.llm.ru_data.intros import Intro, _intro
from autommlab.llm.ru_data.render import (
    _POINTS_OK,
    _TASK_METRICS,
    render_datasets,
    render_deploy,
    render_flops,
    render_metric,
    render_model,
    render_params,
    render_speed,
)
from autommlab.llm.ru_data.slots import Rendered, Slots
from autommlab.llm.ru_data.text import _cap, _fmt, _join, _pick, _uncap

# Modalities written into the text as they are recorded in the parse ("thermal images").
_MODALITIES = ("infrared", "thermal", "x-ray", "grayscale", "satellite", "aerial",
               "microscopy", "MRI", "CT", "multispectral", "SAR", "fundus", "dermoscopy",
               "endoscopy", "ultrasound", "depth", "underwater")


# --------------------------------------------------------------------------- assembly

@dataclass
class _Pieces:
    intro: Intro
    scenario: str | None
    model: Rendered | None
    datasets: Rendered | None
    constraints: list[tuple[str, Rendered]]  # (bullet label, rendered)
    deploy: Rendered | None
    preamble: str | None = None  # a sentence with no constraint in it (dataset size, ...)
    model_name: str = "none"
    dataset_names: tuple[str, ...] = ()


_OPENINGS = ("We need a model that can {v}.", "I'd like to train a model to {v}.",
             "Please build a model to {v}.", "Our team wants to {v}.",
             "Can you train something to {v}?", "Looking for a model to {v}.",
             "We are looking for a network that can {v}.")
_LABELS = {"speed": ("Speed", "Speed requirement", "Runtime"),
           "flops": ("Compute", "FLOPs", "Budget"),
           "params": ("Size", "Parameters", "Model size"), "metric": ("Metric", "Target")}


def _prose(p: _Pieces, rng: random.Random) -> str:
    intro = _pick(rng, _OPENINGS).format(v=p.intro.verb)
    if p.scenario:
        intro = intro[:-1] + f" for our {p.scenario} project" + intro[-1]
    if p.intro.late and p.intro.second:  # the classes in the second sentence
        intro += " " + p.intro.late
    middle = [r.clause for r in (p.model, p.datasets) if r]
    clauses = [r.clause for _, r in p.constraints]
    if len(p.constraints) >= 2 and rng.random() < 0.3:
        clauses = [f"Requirements: {_join([r.fragment for _, r in p.constraints])}."]
    tail = [p.deploy.clause] if p.deploy else []
    body = middle + clauses + tail if rng.random() < 0.7 else middle + tail + clauses
    return " ".join([*([p.preamble] if p.preamble else []), intro, *body])


def _casual(p: _Pieces, rng: random.Random) -> str:
    start = _pick(rng, ("hi, i need something to {v}", "hey! we want to {v}",
                        "need a model to {v}", "so basically we want to {v}"))
    text = start.format(v=p.intro.verb)
    if p.scenario:
        text += f" for our {p.scenario} thing"
    extras = [r.fragment for r in (p.model, p.datasets) if r]
    extras += [r.fragment for _, r in p.constraints]
    if p.deploy:
        extras.append(p.deploy.fragment)
    if extras:
        text += ". " + ", ".join(extras)
    return text + _pick(rng, (" pls", " thanks!", "", " :)"))


def _bullets(p: _Pieces, rng: random.Random) -> str:
    dash = _pick(rng, ("", "- ", "* "))
    lines = list(p.intro.lines)
    if p.scenario:
        lines.append(f"Use case: {p.scenario}")
    if p.model_name != "none":
        lines.append(_pick(rng, ("Model: {m}", "Model: something like {m}",
                                 "Architecture: {m}")).format(m=p.model_name))
    if p.dataset_names:
        lines.append(f"{_pick(rng, ('Data', 'Dataset'))}: {', '.join(p.dataset_names)}")
    metrics = [r.fragment for label, r in p.constraints if label == "metric"]
    for label, r in p.constraints:
        if label != "metric":
            lines.append(f"{_pick(rng, _LABELS[label])}: {r.fragment}")
    if metrics:
        lines.append(f"{_pick(rng, ('Metrics', 'Targets', 'Goal'))}: {', '.join(metrics)}")
    if p.deploy:
        lines.append(f"{_pick(rng, ('Deployment', 'Hardware', 'Deploy'))}: {p.deploy.fragment}")
    head = _pick(rng, ("", "Request\n", "Model request\n", "Requirement spec\n"))
    return head + "\n".join(dash + line for line in lines)


def _terse(p: _Pieces, rng: random.Random) -> str:
    parts = [p.intro.noun]
    parts += [r.fragment for r in (p.model, p.datasets) if r]
    parts += [r.fragment for _, r in p.constraints]
    if p.deploy:
        parts.append(p.deploy.fragment)
    sep = _pick(rng, (", ", "; "))
    return sep.join(parts) + "."


def _runon(p: _Pieces, rng: random.Random) -> str:
    text = _pick(rng, ("I need a model that can {v}", "we want a model to {v}",
                       "the idea is to {v}")).format(v=p.intro.verb)
    clauses = [r.clause for r in (p.model, p.datasets) if r]
    clauses += [r.clause for _, r in p.constraints]
    if p.deploy:
        clauses.append(p.deploy.clause)
    for clause in clauses:
        text += " and " + _uncap(clause.rstrip(".?"))
    return _cap(text) + "."


_STYLES: dict[str, tuple[Callable[[_Pieces, random.Random], str], float]] = {
    "prose": (_prose, 0.36), "casual": (_casual, 0.14), "bullets": (_bullets, 0.2),
    "terse": (_terse, 0.15), "runon": (_runon, 0.15),
}


@dataclass
class _Forms:
    """Trap forms a composition must use (None: the renderer picks)."""

    speed: str | None = None
    deploy: str | None = None
    intro: str | None = None
    metric: str | None = None
    preamble: str | None = None
    style: str | None = None
    #: Builds the intro instead of `_intro` (the 'classes' kind writes its own class
    #: phrasings): called with (imgs, img, rng).
    intro_fn: Callable[[str, str, random.Random], Intro] | None = None
    #: Add a sentence naming a metric with no target ("precision can be lower").
    aside: bool = False
    #: `render_model` form ('decor').
    model: str | None = None
    #: A sentence that states no parse value (a capture interval), placed before or after.
    extra: str | None = None
    #: The intro already names the model and datasets ("Train DETR on COCO, but only ...").
    names_said: bool = False
    #: Ready-made constraint text by slot ('speed', 'metric', or 'budget' for parameters and
    #: FLOPs in one phrase) used instead of the renderers; the 'focus' kind writes its own.
    rendered: dict[str, list[Rendered]] = field(default_factory=dict)


_PREAMBLES = ("We have about {n} labelled {imgs}.", "Our dataset has {n} annotated {imgs}.",
              "So far {n} {imgs} are labelled.")


def _compose(slots: Slots, rng: random.Random, forms: _Forms | None = None
             ) -> tuple[str, dict[str, Any]]:
    """Text and parse for `slots`; each piece of text states exactly one slot's value."""
    forms = forms or _Forms()
    slots = copy.deepcopy(slots)
    modality = slots.modality if slots.modality in _MODALITIES else None
    if modality and rng.random() < 0.6:
        img = f"{modality} image"
        imgs = f"{modality} images"
    else:
        modality = None
        img = _pick(rng, ("image", "photo", "frame", "picture"))
        imgs = f"{img}s"
    slots.modality = modality or "none"
    scenario = slots.scenario if slots.scenario != "none" and rng.random() < 0.5 else None
    if scenario and not re.fullmatch(r"[a-z][a-z -]{2,40}", scenario):
        scenario = None  # write only plain scenario names into running text
    slots.scenario = scenario or "none"
    constraints: list[tuple[str, Rendered]] = []
    speed = render_speed(slots.speed, rng, forms.speed, img)
    if "speed" in forms.rendered:
        constraints += [("speed", r) for r in forms.rendered["speed"]]
    elif speed:
        constraints.append(("speed", speed))
    if "budget" in forms.rendered:
        constraints += [("params", r) for r in forms.rendered["budget"]]
    else:
        for label, rendered in (("flops", render_flops(slots.flops, rng)),
                                ("params", render_params(slots.parameters, rng))):
            if rendered:
                constraints.append((label, rendered))
    constraints += [("metric", r) for r in forms.rendered.get("metric", [])]
    for metric in ([] if "metric" in forms.rendered else slots.metrics):
        form = (forms.metric if (forms.metric not in ("error", "error_prose")
                                 or metric["name"] == "accuracy") else None)
        if forms.metric == "points" and metric["name"] not in _POINTS_OK:
            form = None
        constraints.append(("metric", render_metric(metric, slots.task, rng, form)))
    if len(constraints) > 1 and rng.random() < 0.5:
        rng.shuffle(constraints)
    preamble = None
    if forms.preamble or rng.random() < 0.12:
        n = _fmt(rng.choice((800, 1200, 2500, 4000, 12000, 30000, 50000)), commas=True)
        preamble = _pick(rng, _PREAMBLES).format(n=n, imgs=imgs)
        if forms.preamble == "resolution" or rng.random() < 0.3:
            preamble += _pick(rng, (" The images are 1920x1080.", " Frames are 1280x720.",
                                    " We have 3 cameras on the site."))
    intro = (forms.intro_fn(imgs, img, rng) if forms.intro_fn
             else _intro(slots.task, slots.objects, imgs, img, rng, forms.intro))
    pieces = _Pieces(
        intro=intro,
        scenario=scenario,
        model=None if forms.names_said else render_model(slots.model, rng, forms.model),
        datasets=None if forms.names_said else render_datasets(slots.datasets, rng),
        constraints=constraints,
        deploy=render_deploy(slots.gpu, slots.engine, rng, forms.deploy), preamble=preamble,
        model_name=slots.model, dataset_names=tuple(slots.datasets))
    if forms.speed == "capture":
        pieces.constraints = [c for c in constraints if c[0] != "speed"]
    names = list(_STYLES)
    if forms.intro in ("generic", "distributive"):
        names = ["prose", "casual", "runon"]  # these phrasings live in the running text
    if intro.late:
        names = [n for n in names if n != "casual"]  # a late sentence after "thanks!" jars
    style = forms.style or rng.choices(names, weights=[_STYLES[s][1] for s in names])[0]
    text = _STYLES[style][0](pieces, rng)
    if intro.late and not (intro.second and style == "prose"):  # prose places a second one
        text += ("\n" if style == "bullets" else " ") + intro.late
    if preamble and style != "prose":  # prose places it itself
        text = preamble + ("\n" if style == "bullets" else " ") + text
    if forms.speed == "capture":
        text += " " + _capture_clause(slots, rng)
    if forms.aside:
        text += ("\n" if style == "bullets" else " ") + _aside_clause(slots, rng)
    if forms.extra:
        sep = "\n" if style == "bullets" else " "
        text = forms.extra + sep + text if rng.random() < 0.4 else text + sep + forms.extra
    return text, slots.to_parse()


_ASIDE_NAMES = {"accuracy": "accuracy", "precision": "precision", "recall": "recall",
                "f1-score": "F1", "AP": "mAP", "IoU": "mIoU", "dice": "Dice", "PCK": "PCK",
                "AR": "recall"}


def _aside_clause(slots: Slots, rng: random.Random) -> str:
    """A metric named with no target is no requirement: "Recall >= 0.9; precision can be
    lower" states recall only."""
    named = {m["name"] for m in slots.metrics}
    others = [_ASIDE_NAMES[n] for n in (*_TASK_METRICS[slots.task], "precision", "recall")
              if n not in named and _ASIDE_NAMES[n] not in {_ASIDE_NAMES[m] for m in named}]
    other = _pick(rng, [*dict.fromkeys(others), "specificity"])
    return _pick(rng, (f"{_cap(other)} can be lower.", f"{_cap(other)} matters less to us.",
                       f"{_cap(other)} is less important.",
                       f"We have no target for {other}."))


def _capture_clause(slots: Slots, rng: random.Random) -> str:
    """A camera's frame rate is the source's, not a target: only the model's figure counts."""
    rec = _pick(rng, ("30", "50", "60", "120", "240"))
    if slots.speed["unit"] == "fps":
        return (f"The cameras record at {rec} fps, but the model only needs to handle "
                f"{_fmt(slots.speed['value'])} FPS.")
    return _pick(rng, (f"The videos are recorded at {rec} fps, but the analysis runs "
                       "offline, so speed is not a requirement.",
                       f"Our cameras record at {rec} fps; that's just the camera, we analyse "
                       "everything offline."))
