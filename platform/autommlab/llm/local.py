"""The `local` backend: a transformers causal LM, optionally with a peft LoRA adapter.

Loaded once per process and reused (loading the 135M model takes ~1 s once cached; a 7B
model much longer). Runs on CPU by default with a configurable thread count (on a 2-core
machine that also trains, one thread was measured faster than two); `device="cuda"` or
`"auto"` puts it on a GPU. Greedy decoding, so a fixed model + adapter + prompt always
gives the same answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from autommlab.errors import LLMError
from autommlab.llm.base import ChatModel, Completion, Message
from autommlab.llm.config import LLMConfig
from autommlab.llm.decoding import answer_logprobs, constrained_greedy, prompt_ids
from autommlab.llm.prompt_cache import PromptCache
from autommlab.llm.source import load_base_model

log = logging.getLogger(__name__)

#: Adapters shipped inside the package (autommlab/llm/adapters/<name>/).
BUILTIN_ADAPTERS = ("ru", "hpo")


def resolve_adapter(adapter: str) -> Path | None:
    """`none` -> None; `builtin:<name>` -> the shipped adapter; else a directory."""
    if adapter == "none":
        return None
    if adapter.startswith("builtin:"):
        name = adapter.split(":", 1)[1]
        if name not in BUILTIN_ADAPTERS:
            raise LLMError(f"unknown built-in adapter {name!r}; built-in: "
                           f"{', '.join(BUILTIN_ADAPTERS)}")
        path = Path(__file__).parent / "adapters" / name
    else:
        path = Path(adapter).expanduser()
    if not (path / "adapter_config.json").is_file():
        raise LLMError(f"LoRA adapter {adapter} not found: {path} has no adapter_config.json")
    return path


class LocalChatModel(ChatModel):
    """A transformers model (+ LoRA adapter) answering with schema-constrained JSON."""

    def __init__(self, config: LLMConfig | None = None, *, model: Any = None,
                 tokenizer: Any = None) -> None:
        self.config = config or LLMConfig.from_env()
        self._lock = threading.Lock()  # one generation at a time per loaded model
        self._prompt_cache = PromptCache()  # used under the lock
        if model is not None and tokenizer is not None:
            self.model, self.tokenizer = model, tokenizer  # an in-memory model (tests, SFT eval)
        else:
            self.model, self.tokenizer = _load(self.config)
        self.description = f"local:{self.config.model}" + (
            f"+{self.config.adapter}" if self.config.adapter != "none" else "")

    def prompt_ids(self, messages: Sequence[Message]) -> list[int]:
        return prompt_ids(self.tokenizer, messages)

    def complete_json(self, messages: Sequence[Message], schema: Mapping[str, Any], *,
                      max_new_tokens: int | None = None) -> Completion:
        limit = max_new_tokens or self.config.max_new_tokens
        ids = self.prompt_ids(messages)
        started = time.perf_counter()
        with self._lock, _threads(self.config.threads):
            decoded = constrained_greedy(self.model, self.tokenizer, ids, schema, limit,
                                         draft=self.config.draft,
                                         prompt_cache=self._prompt_cache)
        if not decoded.complete:
            raise LLMError(f"the model's answer did not finish within {limit} tokens: "
                           f"{decoded.text[:200]!r}")
        return Completion(text=decoded.text, prompt_tokens=len(ids),
                          completion_tokens=len(decoded.tokens),
                          seconds=time.perf_counter() - started, model=self.description)

    def score_answers(self, messages: Sequence[Message], answers: Sequence[str]) -> list[float]:
        """The model's log-probability of each finished answer to `messages` (see
        `decoding.answer_logprobs`); the ensemble parser uses it to judge the rules' values."""
        ids = self.prompt_ids(messages)
        with self._lock, _threads(self.config.threads):
            return answer_logprobs(self.model, self.tokenizer, ids, answers,
                                   prompt_cache=self._prompt_cache)


_CACHE: dict[LLMConfig, tuple[Any, Any]] = {}
_CACHE_LOCK = threading.Lock()


def _load(config: LLMConfig) -> tuple[Any, Any]:
    with _CACHE_LOCK:
        if config not in _CACHE:
            _CACHE[config] = _load_uncached(config)
        return _CACHE[config]


def _load_uncached(config: LLMConfig) -> tuple[Any, Any]:
    started = time.perf_counter()
    adapter = resolve_adapter(config.adapter)  # a missing adapter fails before the model loads
    model, tokenizer = load_base_model(config)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter)
        model = model.merge_and_unload()  # one set of weights: faster decoding, same output
    model.eval()
    log.info("loaded LLM %s%s in %.1f s", config.model,
             f" + adapter {adapter}" if adapter else "", time.perf_counter() - started)
    return model, tokenizer


class _threads:
    """Set torch's intra-op thread count for one generation and put it back after."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.before = 0

    def __enter__(self) -> None:
        import torch

        self.before = torch.get_num_threads()
        if self.threads:
            torch.set_num_threads(self.threads)

    def __exit__(self, *exc: object) -> None:
        import torch

        torch.set_num_threads(self.before)
