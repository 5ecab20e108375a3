"""Greedy decoding constrained to a JSON schema, with llguidance.

Why a small loop of our own instead of `model.generate` with a logits processor: the schema
forces most of a JSON answer (keys, quotes, braces, enum prefixes). llguidance tells us
those forced tokens (`compute_ff_tokens`); we append them all and run them through the
model in one forward pass, instead of one pass per token. For a compact answer about two
thirds of the tokens are forced, which is most of the speed-up that makes a CPU parse fit
in a few seconds. Every sampled token is chosen under the grammar's mask, so the text is
always a prefix of a schema-valid document; it is still validated by the caller.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from autommlab.errors import LLMError
from autommlab.llm.base import Message


@dataclass(frozen=True)
class Decoded:
    tokens: list[int]
    text: str
    forward_passes: int
    seconds: float
    complete: bool  # the grammar reached an accepting state (a whole document)


def prompt_ids(tokenizer: Any, messages: Sequence[Message]) -> list[int]:
    """The chat prompt's token ids, ready for the assistant's turn. Fine-tuning (`sft`) and
    inference (`local`) both use this, so the model is trained on exactly the prompt it
    is later asked with."""
    enc = tokenizer.apply_chat_template([dict(m) for m in messages], add_generation_prompt=True,
                                        return_dict=True)
    return list(enc["input_ids"])


def json_grammar(schema: Mapping[str, Any]) -> str:
    """The llguidance grammar for `schema`, compact JSON (no free whitespace)."""
    from llguidance import LLMatcher

    return LLMatcher.grammar_from_json_schema(
        json.dumps(schema), defaults={"whitespace_flexible": False})


@lru_cache(maxsize=4)
def _ll_tokenizer(tokenizer: Any) -> Any:
    from llguidance.hf import from_tokenizer

    return from_tokenizer(tokenizer)


def constrained_greedy(model: Any, tokenizer: Any, prompt_ids: list[int],
                       schema: Mapping[str, Any], max_new_tokens: int) -> Decoded:
    """Decode greedily from `prompt_ids` under `schema`; stops at the end of the document."""
    import torch
    from llguidance import LLMatcher

    started = time.perf_counter()
    matcher = LLMatcher(_ll_tokenizer(tokenizer), json_grammar(schema), log_level=0)
    if matcher.is_error():
        raise LLMError(f"the JSON schema cannot be compiled to a grammar: {matcher.get_error()}")
    vocab = model.config.vocab_size
    eos = tokenizer.eos_token_id
    generated: list[int] = []
    pending = list(prompt_ids)
    forced = matcher.compute_ff_tokens()
    if forced:
        matcher.consume_tokens(forced)
        generated += forced
        pending += forced
    past = None
    passes = 0
    device = next(model.parameters()).device
    with torch.inference_mode():
        while len(generated) < max_new_tokens and not matcher.is_stopped():
            out = model(input_ids=torch.tensor([pending], device=device),
                        past_key_values=past, use_cache=True)
            passes += 1
            past = out.past_key_values
            logits = out.logits[0, -1].float().cpu().numpy()
            allowed = _mask(matcher.compute_bitmask(), vocab)
            if not allowed.any():
                break
            token = int(np.argmax(np.where(allowed, logits[:vocab], -np.inf)))
            if token == eos and matcher.is_accepting():
                break
            if not matcher.consume_token(token):
                raise LLMError(f"constrained decoding failed: {matcher.get_error()}")
            generated.append(token)
            pending = [token]
            if matcher.is_stopped():
                break
            forced = matcher.compute_ff_tokens()
            if forced:
                matcher.consume_tokens(forced)
                generated += forced
                pending += forced
    complete = matcher.is_accepting()
    text = tokenizer.decode([t for t in generated if t != eos], skip_special_tokens=True)
    return Decoded(tokens=generated, text=text, forward_passes=passes,
                   seconds=time.perf_counter() - started, complete=complete)


def _mask(bitmask: bytes, vocab: int) -> np.ndarray:
    """llguidance's packed bitmask (bit i of 32-bit word j = token 32j+i) as a bool vector."""
    bits = np.unpackbits(np.frombuffer(bitmask, dtype=np.uint8), bitorder="little")
    if bits.size < vocab:
        bits = np.concatenate([bits, np.zeros(vocab - bits.size, dtype=np.uint8)])
    return bits[:vocab].astype(bool)
