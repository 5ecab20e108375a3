"""The `rules` backend: a deterministic parser (regex + rapidfuzz + WordNet).

It follows PARSE_CONVENTIONS.md and is the offline default. Each field has its own
extractor module; this module runs them in an order that lets earlier extractors claim
numbers (a '0.5' in 'mAP@0.5' is a metric name, a '5M' before 'parameters' is a budget)
so later ones do not read them again.
"""

from __future__ import annotations

import re

from autommlab.understand.base import Parser, ParseResult, register_parser
from autommlab.understand.rules.deploy import infer_engine, infer_gpu
from autommlab.understand.rules.metrics import extract_metrics
from autommlab.understand.rules.names import find_datasets, find_model
from autommlab.understand.rules.objects import extract_objects
from autommlab.understand.rules.quantities import extract_quantities
from autommlab.understand.rules.spelling import repair_typos
from autommlab.understand.rules.task import infer_task
from autommlab.understand.rules.text import SpanSet, normalise
from autommlab.understand.schema import DataSpec, DeploySpec, ModelSpec, RequestConfig

_MODALITIES = [
    ("infrared", r"infra-?red|thermal|\bir\b|lwir|nir"), ("depth", r"depth|rgb-?d|lidar"),
    ("x-ray", r"x-?rays?|radiograph"), ("ct", r"\bct\b|computed tomography"),
    ("mri", r"\bmri\b"), ("ultrasound", r"ultrasound|sonograph"),
    ("multispectral", r"multi-?spectral|hyperspectral|sentinel|satellite bands"),
    ("grayscale", r"gr[ae]y-?scale|monochrome|black and white|black-and-white"),
    ("microscopy", r"microscop|histolog|slides?\b"), ("rgb", r"\brgb\b|colou?r (?:images|photos)"),
]
_SCENARIO_HINT = re.compile(r"\b(?:for|in) (?:our |a |an |the )?([a-z][a-z -]{3,40}?)"
                            r"(?: (?:application|scenario|setting|use case|pipeline|line|system))")


def _modality(text: str) -> str:
    for name, rx in _MODALITIES:
        if re.search(rx, text):
            return name
    return "none"


@register_parser("rules")
class RulesParser(Parser):
    """Deterministic, offline, ~1 ms a request."""

    def _parse(self, text: str) -> ParseResult:
        low = repair_typos(normalise(text))
        taken = SpanSet()
        warnings: list[str] = []

        model_hit = find_model(text)
        datasets = find_datasets(text)
        metrics = extract_metrics(low, taken)
        quantities = extract_quantities(low, taken)
        warnings += quantities.warnings
        task, confident = infer_task(low)
        if not confident:
            warnings.append("no task cue found (classify / detect / segment / keypoints); "
                            "assumed classification")
        objects = extract_objects(low, task)
        engine = infer_engine(low)
        gpu = infer_gpu(low, engine)
        scenario = _SCENARIO_HINT.search(low)

        config = RequestConfig(
            data=DataSpec(
                description=(f"Images of {', '.join(objects)}." if objects else "none"),
                scenario=scenario.group(1) if scenario else "none",
                object=objects,
                modality=_modality(low),
                specific=datasets,
            ),
            model=ModelSpec(
                description=f"A {task} model.",
                task=task,
                specific_model=model_hit[0] if model_hit else "none",
                speed=quantities.speed,
                flops=quantities.flops,
                parameters=quantities.parameters,
                metrics=metrics,
            ),
            deploy=DeploySpec(
                description="none" if gpu == "none" and engine == "none"
                else f"Deploy on {gpu} with {engine}.",
                gpu=gpu,  # type: ignore[arg-type]
                inference_engine=engine,  # type: ignore[arg-type]
            ),
        )
        if not objects:
            warnings.append("no target objects found in the request")
        return ParseResult(config=config, warnings=warnings)
