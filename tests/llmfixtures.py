"""Shared LLM test fixtures: the real SmolLM2 tokenizer and a random tiny Llama.

`ScriptedChatModel` is a test double of a chat model (fixed replies, no model at all).

The tiny model has SmolLM2's vocabulary and chat template (so prompts, constrained
decoding and LoRA fine-tuning run exactly as with the real model) but 2 layers of width
64 and random weights: it builds in a fraction of a second. It is not SmolLM2 and tests
that use it never claim to measure parse quality.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

from autommlab.errors import LLMError
from autommlab.llm.base import ChatModel, Completion, Message


@pytest.fixture(scope="session")
def smol_tokenizer() -> Any:
    from transformers import AutoTokenizer

    from autommlab.llm.source import builtin_gguf, cache_dir

    cached = cache_dir()
    if (cached / "tokenizer.json").is_file():
        return AutoTokenizer.from_pretrained(cached)
    gguf = builtin_gguf()  # reads only the GGUF's tokenizer metadata (~5 s)
    return AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)


def tiny_llama(tokenizer: Any, seed: int = 0) -> Any:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=1024, tie_word_embeddings=True,
                         # wide enough embeddings that a few LoRA steps can make peaked
                         # logits (at the usual 0.02 the logits stay below ~1.5)
                         initializer_range=0.5,
                         eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    return LlamaForCausalLM(config).eval()


def ru_answers_of_random_models(tokenizer: Any, request: str, seeds: int) -> list[dict[str, Any]]:
    """The RU answers random tiny Llamas (seeds 0..seeds-1) decode for `request` under its
    `answer_schema`; each is checked to be complete and valid against that schema. What the
    grammar lets a model write, not what a trained model would."""
    import json

    import jsonschema

    from autommlab.llm.decoding import constrained_greedy, prompt_ids
    from autommlab.llm.ru_prompt import answer_schema, ru_messages

    schema = answer_schema(request)
    ids = prompt_ids(tokenizer, ru_messages(request))
    answers = []
    for seed in range(seeds):
        decoded = constrained_greedy(tiny_llama(tokenizer, seed=seed), tokenizer, ids, schema,
                                     200)
        assert decoded.complete, decoded.text
        answer = json.loads(decoded.text)
        jsonschema.validate(answer, schema)
        answers.append(answer)
    return answers


Reply = str | BaseException | Callable[[Sequence[Message]], str]


class ScriptedChatModel(ChatModel):
    """Test double of a ChatModel: replies with the scripted texts in order (an exception in
    the script is raised, a callable is called with the messages). With `gate`, each call
    first waits for the event (a slow model). Records every call and its thread."""

    description = "scripted"

    def __init__(self, replies: Sequence[Reply], gate: threading.Event | None = None) -> None:
        self.replies = list(replies)
        self.gate = gate
        self.calls: list[dict[str, Any]] = []
        self.threads: list[str] = []

    def complete_json(self, messages: Sequence[Message], schema: Mapping[str, Any], *,
                      max_new_tokens: int = 256) -> Completion:
        self.calls.append({"messages": [dict(m) for m in messages], "schema": dict(schema),
                           "max_new_tokens": max_new_tokens})
        self.threads.append(threading.current_thread().name)
        if self.gate is not None and not self.gate.wait(timeout=30):
            raise LLMError("scripted model: the gate was never opened")
        if not self.replies:
            raise LLMError("scripted model: no more replies")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        text = reply if isinstance(reply, str) else reply(messages)
        return Completion(text=text, model="scripted")
