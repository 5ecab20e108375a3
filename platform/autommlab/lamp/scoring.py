"""LAMP-style request-understanding scoring, exactly as PARSE_CONVENTIONS.md defines it.

Nine keys are scored per request: seven item keys and two list keys. A parse that is not
valid JSON or does not match the schema is wrong on all nine. Key-level accuracies are
per key (right keys / keys); request-level accuracy counts requests with all nine right.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from autommlab.understand.schema import schema_errors

ITEM_KEYS = ("model.task", "model.specific_model", "model.speed", "model.flops",
             "model.parameters", "deploy.gpu", "deploy.inference engine")
LIST_KEYS = ("data.object", "model.metrics")
ALL_KEYS = ITEM_KEYS + LIST_KEYS

_METRIC_SYNONYMS = {
    "accuracy": "accuracy", "top1accuracy": "accuracy", "top1": "accuracy", "acc": "accuracy",
    "precision": "precision", "recall": "recall", "sensitivity": "recall", "tpr": "recall",
    "f1score": "f1-score", "f1": "f1-score", "pixellevelf1": "f1-score",
    "ap": "AP", "map": "AP", "boxap": "AP", "bboxap": "AP", "maskap": "AP", "oksap": "AP",
    "wholebodyap": "AP", "ap50": "AP", "map50": "AP", "map@05": "AP", "ap@05": "AP",
    "averageprecision": "AP", "meanaverageprecision": "AP",
    "iou": "IoU", "miou": "IoU", "meaniou": "IoU", "intersectionoverunion": "IoU",
    "jaccard": "IoU", "dice": "dice", "dicecoefficient": "dice", "pck": "PCK", "ar": "AR",
}


def _norm_str(value: Any) -> str:
    text = str(value).lower()
    for ch in (" ", "-", "_", "."):
        text = text.replace(ch, "")
    return "none" if text in ("", "notspecified") else text


def canonical_metric(name: str) -> str:
    """Canonical metric name (PARSE_CONVENTIONS.md synonyms); PCK at any threshold is PCK."""
    key = _norm_str(name)
    if key.startswith("pck"):
        return "PCK"
    return _METRIC_SYNONYMS.get(key, key)


def _get(obj: dict[str, Any], dotted: str) -> Any:
    head, tail = dotted.split(".", 1)
    return obj[head][tail]


def _quantity_right(pred: dict[str, Any], truth: dict[str, Any]) -> bool:
    if _norm_str(pred["unit"]) != _norm_str(truth["unit"]):
        return False
    return math.isclose(float(pred["value"]), float(truth["value"]), rel_tol=1e-6,
                        abs_tol=0.0) or float(pred["value"]) == float(truth["value"])


def _objects_right(pred: list[str], truth: list[str]) -> bool:
    if len(pred) != len(truth):
        return False
    for p, t in zip(sorted(x.lower() for x in pred), sorted(x.lower() for x in truth),
                    strict=True):
        if fuzz.ratio(p, t) >= 90 or p.removesuffix("s") == t or t.removesuffix("s") == p:
            continue
        return False
    return True


def _metrics_right(pred: list[dict[str, Any]], truth: list[dict[str, Any]]) -> bool:
    if len(pred) != len(truth):
        return False
    by_name: dict[str, list[float]] = defaultdict(list)
    for m in truth:
        by_name[canonical_metric(m["name"])].append(float(m["value"]))
    for m in pred:
        values = by_name.get(canonical_metric(m["name"]))
        if not values:
            return False
        match = next((v for v in values if math.isclose(v, float(m["value"]), rel_tol=1e-6,
                                                        abs_tol=1e-9)), None)
        if match is None:
            return False
        values.remove(match)
    return True


def score_keys(pred: Any, truth: dict[str, Any]) -> dict[str, bool]:
    """Right/wrong for each of the nine keys of one parse against its ground truth."""
    if isinstance(pred, str):
        try:
            pred = json.loads(pred)
        except json.JSONDecodeError:
            return dict.fromkeys(ALL_KEYS, False)
    if not isinstance(pred, dict) or schema_errors(pred):
        return dict.fromkeys(ALL_KEYS, False)
    result: dict[str, bool] = {}
    for key in ITEM_KEYS:
        p, t = _get(pred, key), _get(truth, key)
        if key in ("model.speed", "model.flops", "model.parameters"):
            result[key] = _quantity_right(p, t)
        else:
            result[key] = _norm_str(p) == _norm_str(t)
    result["data.object"] = _objects_right(pred["data"]["object"], truth["data"]["object"])
    result["model.metrics"] = _metrics_right(pred["model"]["metrics"],
                                             truth["model"]["metrics"])
    return result


@dataclass
class RUScore:
    """Aggregate LAMP RU figures over a set of requests."""

    n: int = 0
    item_right: int = 0
    list_right: int = 0
    requests_right: int = 0
    per_key: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ALL_KEYS, 0))
    per_task: dict[str, list[int]] = field(default_factory=dict)  # task -> [right reqs, n]

    @property
    def item_accuracy(self) -> float:
        return self.item_right / (7 * self.n) if self.n else 0.0

    @property
    def list_accuracy(self) -> float:
        return self.list_right / (2 * self.n) if self.n else 0.0

    @property
    def total_accuracy(self) -> float:
        return (self.item_right + self.list_right) / (9 * self.n) if self.n else 0.0

    @property
    def request_accuracy(self) -> float:
        return self.requests_right / self.n if self.n else 0.0

    def add(self, keys: dict[str, bool], task: str) -> None:
        self.n += 1
        self.item_right += sum(keys[k] for k in ITEM_KEYS)
        self.list_right += sum(keys[k] for k in LIST_KEYS)
        all_right = all(keys.values())
        self.requests_right += all_right
        for k, ok in keys.items():
            self.per_key[k] += ok
        right, n = self.per_task.get(task, [0, 0])
        self.per_task[task] = [right + all_right, n + 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.n,
            "key_level": {"item": self.item_accuracy, "list": self.list_accuracy,
                          "total": self.total_accuracy},
            "request_level": self.request_accuracy,
            "per_key": {k: v / self.n if self.n else 0.0 for k, v in self.per_key.items()},
            "per_task": {t: {"requests": n, "request_level": r / n}
                         for t, (r, n) in sorted(self.per_task.items())},
        }
