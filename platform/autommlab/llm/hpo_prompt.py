"""HPO-LLaMA's dialogue: how a search is shown to the LLM, and how its answer is read back.

One search is one chat. Round 1's user turn states the problem: task and metric, the data
card, the model card, the best configs of similar datasets when the history has any (the
"prior", AutoML-GPT's hyperparameter transfer: `hpo.transfer.plan_transfer`), the search
space and k. The assistant answers with one JSON document,
`{"configs": [{optimizer, lr, weight_decay, batch_size, iters, lr_schedule}, ...]}`, with
exactly k items. Every later round adds two turns: the assistant's earlier answer (the
configs that were really evaluated, after clipping), then a user turn with their results
(the metric, or "crashed") and the request for k new configs. Fine-tuning data
(`hpo_data`) is built with the same functions, so training and inference see one format.

The prompts are kept compact because the default model is SmolLM2-135M on CPU with a short
context: numbers have 3 significant digits, the space is one line, the data card's
description is cut to its first sentence; round 1 is about 270 tokens with SmolLM2's chat
template, and each later round adds about 130 (k = 2).

Answers are read with `json.loads` only, never evaluated; values are clipped into the space
(`SearchSpace.clip`), so a proposal slightly out of range is corrected rather than lost, and
duplicates (of each other, or of configs already tried) are dropped.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from autommlab.errors import HPOError, LLMError
from autommlab.hpo.space import SEARCHED_KEYS, SearchSpace
from autommlab.llm.base import Message

if TYPE_CHECKING:
    from autommlab.llm.advisor import AdvisorContext, TrialOutcome
    from autommlab.zoo.cards import DataCard, ModelCard

log = logging.getLogger(__name__)

SYSTEM_PROMPT = ("You tune hyperparameters for training vision models. Answer with JSON "
                 '{"configs": [...]} only.')
#: The data card's description is cut to this many characters (at a word boundary).
DESCRIPTION_CHARS = 120


# --- numbers -------------------------------------------------------------------------------
def sig3(value: float) -> float:
    """`value` rounded to 3 significant digits (short prompts; finer lr steps do not matter)."""
    return float(f"{value:.3g}")


def fmt(value: float) -> str:
    """A number as the prompt writes it: 3 significant digits, no trailing zeros."""
    return f"{value:.3g}"


# --- the schema ----------------------------------------------------------------------------
def config_schema(space: SearchSpace) -> dict[str, Any]:
    """JSON schema of one config of `space`.

    lr's bound is the union of the optimizers' ranges: the per-optimizer range is a
    conditional constraint that schema-constrained decoders handle poorly, so it is applied
    afterwards by clipping.
    """
    lr_low = min(space.lr[o][0] for o in space.optimizers)
    lr_high = max(space.lr[o][1] for o in space.optimizers)
    return {
        "type": "object",
        "properties": {
            "optimizer": {"type": "string", "enum": list(space.optimizers)},
            "lr": {"type": "number", "minimum": lr_low, "maximum": lr_high},
            "weight_decay": {"type": "number", "minimum": space.weight_decay[0],
                             "maximum": space.weight_decay[1]},
            "batch_size": {"type": "integer", "enum": list(space.batch_sizes)},
            "iters": {"type": "integer", "minimum": space.iters[0],
                      "maximum": space.iters[1]},
            "lr_schedule": {"type": "string", "enum": list(space.lr_schedules)},
        },
        "required": list(SEARCHED_KEYS),
        "additionalProperties": False,
    }


def proposal_schema(space: SearchSpace, k: int) -> dict[str, Any]:
    """JSON schema (draft 2020-12) of an answer: `{"configs": [...]}` with exactly k items."""
    if k < 1:
        raise LLMError(f"k must be at least 1, got {k}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "configs": {"type": "array", "items": config_schema(space),
                        "minItems": k, "maxItems": k},
        },
        "required": ["configs"],
        "additionalProperties": False,
    }


# --- the prompt ----------------------------------------------------------------------------
def format_space(space: SearchSpace) -> str:
    lrs = ", ".join(f"{o} lr {fmt(space.lr[o][0])}-{fmt(space.lr[o][1])}"
                    for o in space.optimizers)
    low, high = space.iters
    return (f"Space: optimizer {lrs}; weight_decay {fmt(space.weight_decay[0])}-"
            f"{fmt(space.weight_decay[1])}; batch_size {'|'.join(map(str, space.batch_sizes))}"
            f"; iters {low}-{high} step {space.iters_step}; lr_schedule "
            f"{'|'.join(space.lr_schedules)}.")


def format_data(card: DataCard | None, name: str = "") -> str:
    if card is None:
        return f"Data: {name or 'unknown dataset'}."
    height, width = card.image_size
    return (f"Data: {card.name}, {len(card.classes)} classes, {card.sizes.train} train "
            f"images, {height}x{width} {card.modality}. {_short(card.description)}")


def format_model(card: ModelCard | None, name: str = "") -> str:
    if card is None:
        return f"Model: {name or 'unknown model'}."
    measured = card.measured
    return (f"Model: {card.name} ({card.architecture}, {card.toolbox}), "
            f"{fmt(measured.params_m)}M params, {fmt(measured.flops_g)} GFLOPs.")


def format_prior(prior: Iterable[Mapping[str, Any]]) -> str:
    """The prior's line: configs in the answer's own JSON form (so the model can copy one
    token for token), best first; no dataset names or metrics, because another dataset's
    metric is not on this one's scale and the model is trained on unnamed priors."""
    items = [json.dumps(_answer_item(config), separators=(",", ":")) for config in prior]
    return f"Good on similar data: {'; '.join(items)}." if items else ""


def first_round_message(context: AdvisorContext, k: int) -> str:
    goal = "Maximise" if context.mode == "max" else "Minimise"
    lines = [
        f"Task: {context.task}. {goal} {context.metric}.",
        format_data(context.data, context.dataset_name),
        format_model(context.model, context.model_name),
        format_prior(context.prior),
        format_space(context.space),
        f"Propose {_configs(k)}.",
    ]
    return "\n".join(line for line in lines if line)


def results_message(context: AdvisorContext, round_index: int, k: int) -> str:
    """The user turn after round `round_index` (0-based): its results, the best so far."""
    outcomes = context.rounds[round_index]
    parts = [f"{i}: {_result(o)}" for i, o in enumerate(outcomes, start=1)]
    seen = [o.metric for r in context.rounds[:round_index + 1] for o in r
            if o.metric is not None and not o.error]
    best = (max(seen) if context.mode == "max" else min(seen)) if seen else None
    best_text = f" Best so far: {fmt(best)}." if best is not None else ""
    return (f"Results ({context.metric}): {'; '.join(parts)}.{best_text} "
            f"Propose {_configs(k, 'new ')}.")


def build_messages(context: AdvisorContext, k: int) -> list[Message]:
    """The whole chat for the next round: system, round 1, then (answer, results) per round.

    Earlier rounds are written as the assistant's answers whatever proposed them (the LLM, or
    TPE after a failed call): the model should reason from what was evaluated.
    """
    messages: list[Message] = [{"role": "system", "content": SYSTEM_PROMPT}]
    first_k = len(context.rounds[0]) if context.rounds else k
    messages.append({"role": "user", "content": first_round_message(context, first_k)})
    for index, outcomes in enumerate(context.rounds):
        messages.append({"role": "assistant",
                         "content": format_answer([o.config for o in outcomes])})
        following = (len(context.rounds[index + 1]) if index + 1 < len(context.rounds)
                     else k)
        messages.append({"role": "user",
                         "content": results_message(context, index, following)})
    return messages


def format_answer(configs: Iterable[Mapping[str, Any]]) -> str:
    """Compact answer JSON: keys in the space's order, floats with 3 significant digits."""
    return json.dumps({"configs": [_answer_item(c) for c in configs]}, separators=(",", ":"))


def _answer_item(config: Mapping[str, Any]) -> dict[str, Any]:
    """One config as an answer writes it (also in the prior's line, to be copied as is)."""
    item: dict[str, Any] = {}
    for key in SEARCHED_KEYS:
        value = config.get(key)
        item[key] = sig3(value) if isinstance(value, float) else value
    return item


# --- reading the answer --------------------------------------------------------------------
def parse_proposals(text: str, space: SearchSpace, k: int,
                    tried: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """The configs of an answer, clipped into `space`, without duplicates; at most k.

    Accepts `{"configs": [...]}` (or a bare list of configs), also when the JSON is wrapped
    in other text (a server that ignored the schema). Items that are not objects, or have
    none of the searched keys, are skipped; missing keys take the space's defaults (clip).
    Raises LLMError when the text holds no JSON, or no new usable config.
    """
    data = _load_json(text)
    items = data.get("configs") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise LLMError(f"the LLM's answer has no 'configs' list: {text[:200]!r}")
    seen = {config_key(space.to_config(space.clip(c))) for c in tried}
    proposals: list[dict[str, Any]] = []
    skipped: list[str] = []
    for item in items:
        if not isinstance(item, Mapping) or not any(key in item for key in SEARCHED_KEYS):
            skipped.append(f"not a config: {item!r:.80}")
            continue
        try:
            hparams, notes = space.clip_with_notes(item)
        except (HPOError, ValueError) as exc:  # pydantic: a value clip could not repair
            skipped.append(f"unusable config {item!r:.80}: {exc}")
            continue
        if notes:
            log.info("LLM proposal clipped into the space: %s", "; ".join(notes))
        config = space.to_config(hparams)
        key = config_key(config)
        if key in seen:
            skipped.append(f"duplicate: {key}")
            continue
        seen.add(key)
        proposals.append(config)
        if len(proposals) == k:
            break
    if skipped:
        log.info("LLM proposals skipped: %s", "; ".join(skipped))
    if not proposals:
        raise LLMError(f"the LLM's answer has no new usable config ({len(items)} items; "
                       f"{'; '.join(skipped)[:300] or 'an empty list'})")
    return proposals


def config_key(config: Mapping[str, Any]) -> str:
    """Identity of a config for de-duplication: floats at 3 significant digits (an lr of
    1.001e-4 is not a new experiment after 1e-4)."""
    parts = []
    for key in SEARCHED_KEYS:
        value = config.get(key)
        if isinstance(value, float) and math.isfinite(value):
            value = sig3(value)
        parts.append(f"{key}={value}")
    return ",".join(parts)


def _load_json(text: str) -> Any:
    if not isinstance(text, str) or not text.strip():
        raise LLMError("the LLM's answer is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    # JSON inside other text: decode from the first brace / bracket that starts a document.
    decoder = json.JSONDecoder()
    for index, char in enumerate(text):
        if char in "{[":
            try:
                return decoder.raw_decode(text, index)[0]
            except json.JSONDecodeError:
                continue
    raise LLMError(f"the LLM's answer is not JSON: {text[:200]!r}")


def _short(description: str) -> str:
    """The first sentence of a description, at most DESCRIPTION_CHARS characters."""
    text = " ".join(description.split())
    end = text.find(". ")
    if end != -1:
        text = text[:end + 1]
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    return text


def _configs(k: int, adjective: str = "") -> str:
    return f"{k} {adjective}config{'' if k == 1 else 's'}"


def _result(outcome: TrialOutcome) -> str:
    if outcome.error or outcome.metric is None:
        return "crashed"
    return fmt(outcome.metric)


__all__ = ["SYSTEM_PROMPT", "build_messages", "config_key", "config_schema", "fmt",
           "format_answer", "format_data", "format_model", "format_prior", "format_space",
           "parse_proposals", "proposal_schema", "results_message", "sig3"]
