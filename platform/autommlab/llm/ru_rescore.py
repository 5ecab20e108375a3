"""The RU model as a judge: how much less likely it finds the rules' value for a key.

The rules parser and the LLM make different mistakes. Where their parses of one request
disagree on a scored key, the LLM can score the rules' value *in context*: its own answer
with that key's value replaced by the rules' value, against its own answer, both
teacher-forced (`ChatModel.score_answers`). The difference in log-probability (<= 0 when
the LLM's greedy answer is also its likeliest; > 0 happens, since greedy decoding under a
grammar is not a search) says how sure it is that its own value is the better one. The
ensemble parser takes the rules' value when the difference is above a per-key threshold
chosen on a selection set (`autommlab.understand.llm_backend.RESCORE_THRESHOLDS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from autommlab.llm.ru_prompt import answer_from_parse, ru_messages

#: LAMP's scored keys -> the key of the compact answer that holds them.
ANSWER_KEYS: dict[str, str] = {
    "model.task": "task", "data.object": "objects", "model.specific_model": "model",
    "model.speed": "speed", "model.flops": "flops", "model.parameters": "params",
    "model.metrics": "metrics", "deploy.gpu": "gpu", "deploy.inference engine": "engine",
}


def _dump(answer: Mapping[str, Any]) -> str:
    # the layout the adapter was trained on (`ru_prompt.answer_from_parse`)
    return json.dumps(answer, separators=(",", ":"), ensure_ascii=False)


def disagreements(llm_answer: Mapping[str, Any], rules_answer: Mapping[str, Any],
                  keys: Iterable[str] = ANSWER_KEYS) -> list[str]:
    """The scored keys whose compact values differ between the two answers."""
    return [k for k in keys if llm_answer[ANSWER_KEYS[k]] != rules_answer[ANSWER_KEYS[k]]]


def rules_value_margins(chat: Any, request: str, llm_answer_text: str,
                        rules_parse: Mapping[str, Any],
                        keys: Iterable[str] = ANSWER_KEYS) -> dict[str, float]:
    """For each of `keys` where the rules disagree with the LLM: log P(the LLM's answer with
    the rules' value for the key) - log P(the LLM's answer). No model call when they agree.

    `rules_parse` is the rules backend's parse as a JSON dict; it is written in the
    compact form the adapter learned (as-written rates, batches, error rates).
    """
    mine = json.loads(llm_answer_text)
    theirs = json.loads(answer_from_parse(dict(rules_parse), request))
    differ = disagreements(mine, theirs, keys)
    if not differ:
        return {}
    hybrids = [_dump({**mine, ANSWER_KEYS[k]: theirs[ANSWER_KEYS[k]]}) for k in differ]
    scores = chat.score_answers(ru_messages(request), [_dump(mine), *hybrids])
    return {k: scores[i + 1] - scores[0] for i, k in enumerate(differ)}


def judged_backends(margins: Mapping[str, float],
                    thresholds: Mapping[str, float]) -> dict[str, str]:
    """The backend ("rules" or "llm") the judge picks for each disagreeing key that has a
    threshold: the rules' value when its margin is above the threshold."""
    return {k: "rules" if m > thresholds[k] else "llm" for k, m in margins.items()
            if k in thresholds}
