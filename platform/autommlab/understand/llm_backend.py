"""The `llm` and `http` parser backends (RU-LLaMA), and `ensemble` (LLM + rules).

`llm`: a local transformers model with the RU LoRA adapter (by default SmolLM2-135M with
the adapter shipped in `autommlab/llm/adapters/ru`), decoding constrained to the compact
answer schema (`autommlab.llm.ru_prompt`). `http`: the same prompt sent to an
OpenAI-compatible server: our own Ray Serve endpoint (`autommlab llm serve`, served name
`autommlab-ru`; `autommlab_serve.llm_app`), vLLM, llama.cpp's server. Either way the answer
is validated; a reply that still fails (or a server that cannot be reached) falls back to
the rules parser, and the result says so in `fallback_reason` and its warnings.

`ensemble`: both parsers, combined key by key. For each scored key the backend that was
more often right on a selection set neither backend saw (`KEY_PREFERENCE`, measured with
`benchmarks/ru_llm.py`, see docs/llm.md) is taken, except that with a local model the LLM
judges the rules' value of the task and the objects where the two disagree
(`RESCORE_THRESHOLDS`, `autommlab.llm.ru_rescore`); the rules parse is used whole when the
LLM's answer is unusable.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from autommlab.errors import LLMError
from autommlab.understand.base import Parser, ParseResult, get_parser, register_parser
from autommlab.understand.schema import RequestConfig

log = logging.getLogger(__name__)

DEFAULT_ADAPTER = "builtin:ru"
ADAPTER_ENV = "AUTOMMLAB_LLM_RU_ADAPTER"  # the HPO advisor has its own
#: Longest compact answer: 24 objects and 6 metrics fit; typical answers are 60-90 tokens.
MAX_ANSWER_TOKENS = 320


class _ChatParser(Parser):
    """Shared flow: chat model -> compact answer -> RequestConfig, rules as the fallback."""

    def __init__(self, chat: Any, fallback: str | None = "rules") -> None:
        self.chat = chat
        self.fallback = get_parser(fallback) if fallback else None

    def answer(self, text: str) -> str:
        """The model's compact answer (`autommlab.llm.ru_prompt`) to the request `text`."""
        from autommlab.llm.ru_prompt import answer_schema, ru_messages

        return self.chat.complete_json(ru_messages(text), answer_schema(text),
                                       max_new_tokens=MAX_ANSWER_TOKENS).text

    def _parse(self, text: str) -> ParseResult:
        from autommlab.llm.ru_prompt import parse_from_answer

        try:
            return ParseResult(config=parse_from_answer(self.answer(text)))
        except LLMError as exc:
            if self.fallback is None:
                raise
            log.warning("%s backend: %s; parsing with the %s backend instead", self.name, exc,
                        self.fallback.name)
            result = self.fallback.parse(text)
            result.fallback_reason = str(exc)
            result.warnings.append(f"the {self.name} backend's answer was unusable ({exc}); "
                                   f"this parse comes from the {self.fallback.name} backend")
            return result


@register_parser("llm")
class LLMParser(_ChatParser):
    """Local transformers model + LoRA adapter. Options are `LLMConfig` fields."""

    def __init__(self, chat: Any = None, fallback: str | None = "rules",
                 **llm_options: Any) -> None:
        if chat is None:
            from autommlab.llm.config import LLMConfig
            from autommlab.llm.local import LocalChatModel

            if llm_options.get("adapter") is None:
                llm_options["adapter"] = os.environ.get(ADAPTER_ENV) or DEFAULT_ADAPTER
            chat = LocalChatModel(LLMConfig.from_env(**llm_options))
        super().__init__(chat, fallback)


@register_parser("http")
class HTTPParser(_ChatParser):
    """An OpenAI-compatible server (`AUTOMMLAB_LLM_URL`), e.g. `autommlab llm serve`."""

    def __init__(self, chat: Any = None, fallback: str | None = "rules",
                 base_url: str | None = None, timeout_s: float = 60.0) -> None:
        if chat is None:
            from autommlab.llm.http import HTTPChatModel

            chat = HTTPChatModel(base_url, timeout_s=timeout_s)
        super().__init__(chat, fallback)


#: Scored key -> the backend trusted for it in the ensemble, chosen per key on
#: tests/data/lamp_select.jsonl (written after both backends, seen by neither) with
#: `benchmarks/ru_llm.py`: with the shipped adapter (v6; the same choice with v3 and v5)
#: the LLM is right more often on objects and on the task (rules win or tie every other
#: key). Applied unchanged to lamp_test: see docs/llm.md.
#: Re-run the benchmark after training a new adapter; it prints the table to paste here.
KEY_PREFERENCE: dict[str, str] = {
    "model.task": "llm", "model.specific_model": "rules", "model.speed": "rules",
    "model.flops": "rules", "model.parameters": "rules", "deploy.gpu": "rules",
    "deploy.inference engine": "rules", "data.object": "llm", "model.metrics": "rules",
}


#: Scored key -> threshold for the LLM-judged ensemble (`autommlab.llm.ru_rescore`): where
#: the parses disagree on the key, the rules' value is taken when the LLM's log-probability
#: of its answer with the rules' value is more than `threshold` relative to its own answer
#: (0: only when the LLM itself finds the rules' value likelier; -3: unless it finds its
#: own e^3 times likelier). Keys not listed follow `KEY_PREFERENCE`. Chosen per key on
#: lamp_select by `benchmarks/ru_llm.py` for the shipped adapter (v6; it prints the table
#: to paste here), then applied unchanged: the rules' classes only where the LLM finds them
#: likelier than its own, the rules' task unless the LLM finds its own e^6.5 times likelier.
RESCORE_THRESHOLDS: dict[str, float] = {"model.task": -6.5, "data.object": 0.0}


@register_parser("ensemble")
class EnsembleParser(Parser):
    """LLM and rules parses combined key by key: where they disagree on a key listed in
    `RESCORE_THRESHOLDS` the LLM judges the rules' value (a local model only; an http
    model cannot score text), else the backend `KEY_PREFERENCE` names is taken."""

    def __init__(self, llm: Parser | None = None, rules: Parser | None = None,
                 preference: dict[str, str] | None = None,
                 thresholds: dict[str, float] | None = None, **llm_options: Any) -> None:
        self.rules = rules or get_parser("rules")
        self.llm = llm or LLMParser(fallback=None, **llm_options)
        self.preference = dict(KEY_PREFERENCE if preference is None else preference)
        self.thresholds = dict(RESCORE_THRESHOLDS if thresholds is None else thresholds)

    def _parse(self, text: str) -> ParseResult:
        from autommlab.llm.ru_prompt import parse_from_answer
        from autommlab.llm.ru_rescore import judged_backends, rules_value_margins

        ruled = self.rules.parse(text)
        judge = self.llm if isinstance(self.llm, _ChatParser) else None
        if not self.thresholds or not hasattr(getattr(judge, "chat", None), "score_answers"):
            judge = None
        preference = dict(self.preference)
        notes: list[str] = []  # the judge's decisions: what this parse was unsure about
        try:
            if judge is not None:
                answer = judge.answer(text)
                learned = ParseResult(config=parse_from_answer(answer))
                margins = rules_value_margins(judge.chat, text, answer, ruled.to_json_dict(),
                                              self.thresholds)
                preference.update(judged_backends(margins, self.thresholds))
                for key, margin in margins.items():
                    notes.append(f"the LLM and rules parses disagree on {key}; the LLM "
                                 f"scores the rules' value {margin:+.1f} nats against its "
                                 f"own (threshold {self.thresholds[key]:+.1f}): took the "
                                 f"{preference[key]} value")
            else:
                learned = self.llm.parse(text)
        except LLMError as exc:
            ruled.fallback_reason = str(exc)
            ruled.warnings.append(f"the LLM answer was unusable ({exc}); rules parse only")
            return ruled
        merged = combine(learned.config, ruled.config, preference)
        return ParseResult(config=merged, warnings=ruled.warnings + learned.warnings + notes)


def combine(llm: RequestConfig, rules: RequestConfig,
            preference: dict[str, str]) -> RequestConfig:
    """Take each scored key from the backend `preference` names; the rest from the LLM.

    Keys are LAMP's dotted "section.field" names ("model.task", "deploy.inference engine").
    """
    a, b = llm.to_json_dict(), rules.to_json_dict()
    for key, backend in preference.items():
        if backend == "rules":
            section, field = key.split(".", 1)
            a[section][field] = b[section][field]
    if preference.get("data.object") == "rules":
        a["data"]["description"] = b["data"]["description"]
    return RequestConfig.model_validate(a)
