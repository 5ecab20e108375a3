"""RU-LLaMA's prompt and answer format: request text -> compact JSON -> RequestConfig.

The model does not write the full request-config document. It writes a compact answer
with the fields that carry meaning (task, objects, constraints, target) under short keys;
the three free-text `description` fields are then written by code from those fields, the
same way the rules backend writes them. Why: every token the model writes costs a forward
pass on a CPU, descriptions are not scored and add nothing a later stage uses, and a
smaller target is learnt faster from the same data. The compact answer is constrained to
`ANSWER_SCHEMA` while decoding, and the assembled document is validated against the shared
request-config schema afterwards.

What is absent is written `null` (a model, a speed / FLOPs / parameter limit): one forward
pass, where `"none"` or `{"value":0,"unit":"none"}` took two or three. The free-text
`scenario` and `modality` are not in the answer (they are not scored, PARSE_CONVENTIONS.md,
and no later stage reads them): the document gets "none" for both. With the first format
(absent values spelled out, scenario and modality included) an answer took 37 passes on
12 lamp_select requests, 4.8 of them for scenario and modality and ~2 per absent value;
docs/llm.md has the latency before and after.

Rates, batch times and error rates are written as the user wrote them (`"/min"`, `"/h"`,
`"batch"`, the metric `"error"`) and converted by code (`ru_forms`): the model copies, code
does the arithmetic.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from autommlab.errors import LLMError
from autommlab.llm.base import ChatExample, Message
from autommlab.llm.ru_forms import (
    ERROR_METRIC,
    RATE_UNITS,
    tidy_number,
    to_parse_metric,
    to_parse_speed,
    written_metric,
    written_speed,
)
from autommlab.understand.schema import RequestConfig, schema_errors

SYSTEM_PROMPT = ("Extract the computer-vision model request as JSON: task, objects, "
                 "datasets, model, speed, flops, params, metrics, gpu, engine.")

METRIC_NAMES = ["accuracy", "precision", "recall", "f1-score", "AP", "IoU", "dice", "PCK",
                "AR"]


def _quantity(units: list[str], batch: bool = False) -> dict[str, Any]:
    """A limit (value + unit, and for a speed the optional batch size its time covers), or
    null when the request sets none."""
    properties: dict[str, Any] = {"value": {"type": "number", "minimum": 0},
                                  "unit": {"enum": units}}
    if batch:
        properties["batch"] = {"type": "integer", "minimum": 2}
    return {"anyOf": [{"type": "null"}, {
        "type": "object", "additionalProperties": False, "required": ["value", "unit"],
        "properties": properties}]}


_TEXT = {"type": "string", "minLength": 1, "maxLength": 60}

#: What the model writes. Key order is the decoding order: the task first, because it
#: conditions everything else.
ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["task", "objects", "datasets", "model", "speed", "flops", "params",
                 "metrics", "gpu", "engine"],
    "properties": {
        "task": {"enum": ["classification", "detection", "segmentation", "keypoint"]},
        # uniqueItems: a class or dataset is named once (enforced while decoding over the
        # request's spans, `autommlab.llm.enum_items`; a repeat is dropped when parsing)
        "objects": {"type": "array", "items": _TEXT, "maxItems": 24, "uniqueItems": True},
        "datasets": {"type": "array", "items": _TEXT, "maxItems": 8, "uniqueItems": True},
        "model": {"anyOf": [{"type": "null"}, _TEXT]},
        "speed": _quantity(["ms", "s", "min", "h", "fps", *RATE_UNITS], batch=True),
        "flops": _quantity(["FLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs", "EFLOPs"]),
        "params": _quantity(["K", "M", "B"]),
        "metrics": {"type": "array", "maxItems": 6, "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "value"],
            "properties": {"name": {"enum": [*METRIC_NAMES, ERROR_METRIC]},
                           "value": {"type": "number", "minimum": 0, "maximum": 1}}}},
        "gpu": {"enum": ["cpu", "gpu", "none"]},
        "engine": {"enum": ["onnxruntime", "ncnn", "openvino", "tensorrt", "none"]},
    },
}


def answer_schema(request: str) -> dict[str, Any]:
    """`ANSWER_SCHEMA` narrowed to this request: objects, datasets and the model name are
    spans of the request (`autommlab.llm.ru_spans`: a small model copies more faithfully
    under the grammar than free, and forced span endings save forward passes), and every
    number is one the request writes, or its fraction (`autommlab.llm.ru_numbers`)."""
    from autommlab.llm.ru_spans import name_candidates, object_candidates

    schema = copy.deepcopy(ANSWER_SCHEMA)  # the constant stays put
    props = schema["properties"]
    objects, names = object_candidates(request), name_candidates(request)
    props["objects"]["items"] = {"enum": objects}
    if names:
        props["datasets"]["items"] = {"enum": names}
        props["model"] = {"anyOf": [{"type": "null"}, {"enum": names}]}
    _narrow_numbers(props, request)
    return schema


def _narrow_numbers(props: dict[str, Any], request: str) -> None:
    """Each number of the answer restricted to the request's candidates (in place): a limit
    to the numbers written with one of its units, a batch size to whole numbers, a metric
    target to fractions; a field with no candidate can only be absent (null, no metric, no
    batch)."""
    from autommlab.llm.ru_numbers import batch_sizes, limits, metric_values

    sizes = batch_sizes(request)
    for key, values in limits(request).items():
        limit = props[key]["anyOf"][1]
        if not values:
            props[key] = {"type": "null"}
            continue
        limit["properties"]["value"] = {"enum": values}
        if "batch" in limit["properties"]:
            if sizes:
                limit["properties"]["batch"] = {"enum": sizes}
            else:
                del limit["properties"]["batch"]
    targets = metric_values(request)
    if targets:
        props["metrics"]["items"]["properties"]["value"] = {"enum": targets}
    else:
        props["metrics"] = {"type": "array", "maxItems": 0}


def ru_messages(request: str) -> list[Message]:
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": request}]


_NO_LIMIT: dict[str, Any] = {"value": 0, "unit": "none"}


def answer_from_parse(parse: dict[str, Any], request: str = "") -> str:
    """The compact answer the model should write for a ground-truth parse; with the
    `request`, rates, batch times and error rates as the request writes them (`ru_forms`)."""
    data, model, deploy = parse["data"], parse["model"], parse["deploy"]

    def qty(q: dict[str, Any]) -> dict[str, Any] | None:
        if q["unit"] == "none":
            return None
        return {"value": tidy_number(q["value"]), "unit": q["unit"]}

    speed = qty(model["speed"])
    if speed is not None and request:
        speed = written_speed(request, speed)
    metrics = [{"name": m["name"], "value": tidy_number(m["value"])} for m in model["metrics"]]
    if request:
        metrics = [written_metric(request, m) for m in metrics]

    answer = {
        "task": model["task"], "objects": list(data["object"]),
        "datasets": list(data["specific"]),
        "model": None if model["specific_model"] in ("", "none") else model["specific_model"],
        "speed": speed, "flops": qty(model["flops"]), "params": qty(model["parameters"]),
        "metrics": metrics,
        "gpu": deploy["gpu"], "engine": deploy["inference engine"],
    }
    return json.dumps(answer, separators=(",", ":"), ensure_ascii=False)


def parse_from_answer(text: str) -> RequestConfig:
    """The full request config from the model's compact answer (validated; never eval'd)."""
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LLMError(f"the LLM's answer is not JSON: {exc}: {text[:200]!r}") from exc
    if not isinstance(answer, dict):
        raise LLMError("the LLM's answer is not a JSON object")
    try:
        # a class named twice is one class (a small model under the span grammar
        # sometimes repeats a span where it wanted a word the request does not have)
        objects = list(dict.fromkeys(str(o).strip().lower() for o in answer["objects"]
                                     if str(o).strip()))
        task = answer["task"]
        gpu, engine = answer["gpu"], answer["engine"]
        document = {
            "data": {"description": f"Images of {', '.join(objects)}." if objects else "none",
                     "scenario": "none", "object": objects, "modality": "none",
                     "specific": [str(d) for d in answer["datasets"]]},
            "model": {"description": f"A {task} model.", "task": task,
                      "specific_model": str(answer["model"] or "none"),
                      "speed": to_parse_speed(answer["speed"]) if answer["speed"]
                      else _NO_LIMIT, "flops": answer["flops"] or _NO_LIMIT,
                      "parameters": answer["params"] or _NO_LIMIT,
                      "metrics": [to_parse_metric(m) for m in answer["metrics"]]},
            "deploy": {"description": "none" if gpu == "none" and engine == "none"
                       else f"{gpu} / {engine}", "gpu": gpu, "inference engine": engine},
        }
    except (KeyError, TypeError) as exc:
        raise LLMError(f"the LLM's answer misses a field: {exc}") from exc
    problems = schema_errors(document)
    if problems:
        raise LLMError("the LLM's answer does not fit the request schema: "
                       + "; ".join(problems[:3]))
    return RequestConfig.model_validate(document)


def ru_example(request: str, parse: dict[str, Any]) -> ChatExample:
    return ChatExample(messages=tuple(ru_messages(request)),
                       answer=answer_from_parse(parse, request))
