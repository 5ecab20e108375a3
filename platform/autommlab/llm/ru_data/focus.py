"""The ``focus`` kind: one focus phenomenon per item, drawn by task from `_FOCUS_FORMS`."""

from __future__ import annotations

import copy
import random
from typing import Any

from autommlab.llm.ru_data.compose import _compose, _Forms
from autommlab.llm.ru_data.focus_render import (
    _CAPTURE_CLAUSES,
    _CAPTURE_DEVICES,
    _annotation_intro,
    _batch_rendered,
    _budget_rendered,
    _carrier_intro,
    _count_rendered,
    _draw_batch,
    _error_rendered,
    _head_intro,
    _relaxed_rendered,
    _shared_rendered,
    _style_intro,
)
from autommlab.llm.ru_data.registry import register
from autommlab.llm.ru_data.render import draw_deploy, render_metric
from autommlab.llm.ru_data.slots import Slots, _Pools
from autommlab.llm.ru_data.text import _article, _pick, _qty
from autommlab.llm.ru_forms import ERROR_METRIC, written_metric, written_speed

#: How often the 'focus' kind writes each phenomenon, per task.
_FOCUS_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "classification": (("batch_time", 0.15), ("count_speed", 0.1), ("error_wording", 0.16),
                       ("shared_metric", 0.11), ("relaxed_metric", 0.07),
                       ("style_classes", 0.18), ("budget_pair", 0.08),
                       ("capture_device", 0.07), ("shared_head", 0.08)),
    "detection": (("batch_time", 0.15), ("count_speed", 0.14), ("shared_metric", 0.12),
                  ("relaxed_metric", 0.08), ("annotation_noun", 0.2), ("budget_pair", 0.1),
                  ("capture_device", 0.09), ("shared_head", 0.12)),
    "segmentation": (("batch_time", 0.15), ("count_speed", 0.1), ("shared_metric", 0.12),
                     ("relaxed_metric", 0.08), ("annotation_noun", 0.22), ("budget_pair", 0.1),
                     ("capture_device", 0.1), ("shared_head", 0.13)),
    "keypoint": (("batch_time", 0.15), ("count_speed", 0.16), ("shared_metric", 0.12),
                 ("relaxed_metric", 0.08), ("carrier_points", 0.3), ("budget_pair", 0.1),
                 ("capture_device", 0.09)),
}


@register("focus")
def _focus(slots: Slots, pool: _Pools, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The seed's slots with one of the focus phenomena above. A batch time or an error
    rate is drawn again (a few times) until `ru_forms` writes it in the batch / error form,
    so the answer never asks the model for the division or the subtraction."""
    names, weights = zip(*_FOCUS_FORMS[slots.task], strict=True)
    form = rng.choices(names, weights=weights)[0]
    for _ in range(10):
        text, parse = _focus_form(slots, pool, form, rng)
        if _focus_form_ok(form, text, parse):
            break
    return text, parse


def _focus_form_ok(form: str, text: str, parse: dict[str, Any]) -> bool:
    model = parse["model"]
    if form == "batch_time":
        return "batch" in written_speed(text, model["speed"])
    if form == "error_wording":
        return any(written_metric(text, m)["name"] == ERROR_METRIC for m in model["metrics"])
    return True


def _focus_form(slots: Slots, pool: _Pools, form: str, rng: random.Random
                ) -> tuple[str, dict[str, Any]]:
    s = copy.deepcopy(slots)
    forms = _Forms()
    new: list[str] | None = None
    if form == "batch_time":
        n, total, unit = _draw_batch(rng)
        s.speed = _qty(total / n, unit)
        forms.rendered["speed"] = [_batch_rendered(n, total, unit, rng)]
    elif form == "count_speed":
        forms.rendered["speed"] = [_count_rendered(s, rng)]
    elif form == "error_wording":
        rendered = _error_rendered(s, rng)
        forms.rendered["metric"] = [rendered] + [render_metric(m, s.task, rng)
                                                 for m in s.metrics[1:]]
    elif form == "shared_metric":
        forms.rendered["metric"] = [_shared_rendered(s, rng)]
    elif form == "relaxed_metric":
        forms.rendered["metric"] = [_relaxed_rendered(s, rng)]
    elif form == "budget_pair":
        forms.rendered["budget"] = [_budget_rendered(s, rng)]
    elif form == "capture_device":
        device = _pick(rng, _CAPTURE_DEVICES)
        forms.extra = _pick(rng, _CAPTURE_CLAUSES).format(d=device).replace(
            f"a {device}", f"{_article(device)} {device}")
        if rng.random() < 0.5:  # no deployment sentence: the hardware is unstated
            s.gpu, s.engine = "none", "none"
        else:
            s.gpu, s.engine = draw_deploy(rng)
    elif form == "style_classes":
        new, forms.intro_fn = _style_intro(rng)
    elif form == "carrier_points":
        new, forms.intro_fn = _carrier_intro(rng)
    elif form == "annotation_noun":
        new, forms.intro_fn = _annotation_intro(s, pool, rng)
    else:  # shared_head
        new, forms.intro_fn = _head_intro(s.task, rng)
    if new is not None:  # other classes: the seed's datasets and story no longer fit
        s.objects, s.datasets, s.scenario, s.modality = new, [], "none", "none"
    return _compose(s, rng, forms)
