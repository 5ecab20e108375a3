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
from autommlab.llm.enum_items import DistinctEnumItems
from autommlab.llm.prompt_cache import PromptCache


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


def answer_ids(tokenizer: Any, answer: str) -> list[int]:
    """An answer's tokens as the model learns and is scored on them: the text, then the
    end-of-turn token (`sft.encode_example`, `answer_logprobs`)."""
    return [*tokenizer(answer, add_special_tokens=False)["input_ids"], tokenizer.eos_token_id]


def json_grammar(schema: Mapping[str, Any]) -> str:
    """The llguidance grammar for `schema`, compact JSON (no free whitespace).

    `uniqueItems` is left out of the grammar (llguidance refuses it); `constrained_greedy`
    enforces it on top-level arrays of enum strings (`enum_items`)."""
    from llguidance import LLMatcher

    return LLMatcher.grammar_from_json_schema(
        json.dumps(_without_unique_items(schema)), defaults={"whitespace_flexible": False})


def _without_unique_items(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: _without_unique_items(v) for k, v in node.items() if k != "uniqueItems"}
    if isinstance(node, list):
        return [_without_unique_items(v) for v in node]
    return node


@lru_cache(maxsize=4)
def _ll_tokenizer(tokenizer: Any) -> Any:
    from llguidance.hf import from_tokenizer

    return from_tokenizer(tokenizer)


#: Longest draft copied from the prompt per forward pass (prompt-lookup decoding).
MAX_DRAFT = 6

#: Causal LMs whose logits are exactly `lm_head(last_hidden_state)` (no soft-capping, no
#: logit scale): for them only the rows of the output matrix the grammar allows are computed.
PLAIN_HEAD_MODELS = ("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM")
#: Compute only the allowed rows when at most this share of the vocabulary is allowed
#: (gathering many rows costs more than the full product).
SPARSE_HEAD_SHARE = 0.25


def _plain_head(model: Any) -> tuple[Any, Any] | None:
    """(decoder body, output matrix) when logits are a plain product with the last hidden
    state, else None (then the model's own logits are used)."""
    if type(model).__name__ not in PLAIN_HEAD_MODELS:
        return None
    body, head = getattr(model, "model", None), getattr(model, "lm_head", None)
    if body is None or head is None or getattr(head, "bias", None) is not None:
        return None
    return body, head.weight


def constrained_greedy(model: Any, tokenizer: Any, prompt_ids: list[int],
                       schema: Mapping[str, Any], max_new_tokens: int, *,
                       draft: bool = False, prompt_cache: PromptCache | None = None
                       ) -> Decoded:
    """Decode greedily from `prompt_ids` under `schema`; stops at the end of the document.

    Two things cut the number of forward passes (the cost of a CPU parse):

    * forced tokens: what the grammar allows only one way (keys, braces, the rest of an
      enum value) is appended without asking the model, and run in the same pass as the
      token before it;
    * prompt-lookup drafts (`draft=True`): much of an answer is copied from the request
      (object names, numbers). After each token the model chose, the tokens that followed
      the same token in the prompt are appended as a draft (as many as the grammar
      accepts, at most `MAX_DRAFT`) and checked in the same pass: a draft token is kept
      only where it is the model's own greedy choice, so the answer is the one plain
      greedy decoding gives, in fewer passes. Rejected draft tokens are cut from the KV
      cache.

    With a `prompt_cache` the prompt's prefix shared with the previous prompt is not
    computed again, and this prompt's keys and values are kept for the next one.
    """
    import torch
    from llguidance import LLMatcher

    started = time.perf_counter()
    matcher = LLMatcher(_ll_tokenizer(tokenizer), json_grammar(schema), log_level=0)
    if matcher.is_error():
        raise LLMError(f"the JSON schema cannot be compiled to a grammar: {matcher.get_error()}")
    vocab = model.config.vocab_size
    eos = tokenizer.eos_token_id
    generated: list[int] = []
    reused, past = prompt_cache.take(prompt_ids) if prompt_cache is not None else (0, None)
    pending = list(prompt_ids[reused:])
    forced = matcher.compute_ff_tokens()
    if forced:
        matcher.consume_tokens(forced)
        generated += forced
        pending += forced
    passes = 0
    chose_last = False  # the last token was the model's choice (drafts follow those only)
    device = next(model.parameters()).device
    prompt_text = tokenizer.decode(prompt_ids).lower() if draft else ""
    # The output matrix is 21% of SmolLM2's weights and every pass reads all of it for one
    # row of logits; under a JSON grammar usually a few hundred tokens are allowed (digits,
    # units, the first tokens of the request's spans), so only those rows are multiplied.
    # The same argmax as the full product (a test checks the same answers).
    plain = _plain_head(model)
    distinct = DistinctEnumItems(tokenizer, schema)  # uniqueItems, canonical spellings

    def choose(hidden: Any) -> int | None:
        """The allowed token with the highest logit; `hidden` is a last hidden state
        (plain head) or a row of the model's logits."""
        allowed = _mask(matcher.compute_bitmask(), vocab)
        ids = np.flatnonzero(allowed)
        if ids.size == 0:
            return None
        if distinct:
            ids = distinct.restrict(ids, generated)
        if plain is None:
            row = hidden.float().cpu().numpy()[:vocab]
            return int(ids[np.argmax(row[ids])])
        weight = plain[1]
        if ids.size <= SPARSE_HEAD_SHARE * vocab:
            index = torch.from_numpy(ids).to(weight.device)
            scores = weight.index_select(0, index) @ hidden
            return int(ids[int(torch.argmax(scores))])
        row = (weight[:vocab] @ hidden).float().cpu().numpy()
        return int(ids[np.argmax(row[ids])])

    with torch.inference_mode():
        while len(generated) < max_new_tokens and not matcher.is_stopped():
            guess: list[int] = []
            if draft and chose_last:
                guess = _lookup(tokenizer, prompt_text, generated)
                guess = guess[:matcher.validate_tokens(guess)] if guess else []
            feed = pending + guess
            inputs = torch.tensor([feed], device=device)
            if plain is None:
                out = model(input_ids=inputs, past_key_values=past, use_cache=True,
                            logits_to_keep=len(guess) + 1)
                rows = out.logits[0]
            else:
                out = plain[0](input_ids=inputs, past_key_values=past, use_cache=True)
                rows = out.last_hidden_state[0, -(len(guess) + 1):]
            passes += 1
            past = out.past_key_values
            if passes == 1 and prompt_cache is not None:
                prompt_cache.keep(prompt_ids, past)
            kept = len(pending)  # tokens of `feed` whose KV stays in the cache
            pending = []
            stop = False
            for i in range(len(guess) + 1):
                token = choose(rows[i])
                if token is None or (token == eos and matcher.is_accepting()):
                    stop = True
                    break
                if not matcher.consume_token(token):
                    raise LLMError(f"constrained decoding failed: {matcher.get_error()}")
                generated.append(token)
                chose_last = True
                if matcher.is_stopped() or len(generated) >= max_new_tokens:
                    stop = True
                    break
                forced = matcher.compute_ff_tokens()
                accepted = i < len(guess) and token == guess[i]
                if accepted:
                    kept += 1  # the draft token is the model's own choice: its KV is right
                    if not forced:
                        continue  # check the next draft token against the next row
                # an accepted token is in the cache already; a differing choice is not
                pending = [] if accepted else [token]
                if forced:
                    matcher.consume_tokens(forced)
                    generated += forced
                    pending += forced
                    chose_last = False
                break
            if kept < len(feed):  # drop the KV of the rejected draft tokens
                past.crop(-(len(feed) - kept))
            if stop:
                break
    complete = matcher.is_accepting()
    text = tokenizer.decode([t for t in generated if t != eos], skip_special_tokens=True)
    return Decoded(tokens=generated, text=text, forward_passes=passes,
                   seconds=time.perf_counter() - started, complete=complete)


def answer_logprobs(model: Any, tokenizer: Any, prompt_ids: list[int],
                    answers: Sequence[str], *, prompt_cache: PromptCache | None = None
                    ) -> list[float]:
    """Log-probability of each answer text (then the end-of-turn token) after the prompt.

    Teacher-forced and unconstrained: the model's own judgement of finished answers, as the
    answers are tokenized for training (`answer_ids`). One batched forward pass over
    the prompt's cached keys and values; the answers are right-padded, so positions match.
    A `prompt_cache` holding this prompt (the one just decoded) saves computing it again.
    """
    import torch

    if not answers:
        return []
    device = next(model.parameters()).device
    encoded = [answer_ids(tokenizer, a) for a in answers]
    width = max(len(e) for e in encoded)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    ids = torch.tensor([e + [pad] * (width - len(e)) for e in encoded], device=device)
    mask = torch.tensor([[1] * len(e) + [0] * (width - len(e)) for e in encoded],
                        device=device)
    reused, past = prompt_cache.take(prompt_ids) if prompt_cache is not None else (0, None)
    prompt = torch.tensor([prompt_ids[reused:]], device=device)
    with torch.inference_mode():
        head = model(input_ids=prompt, past_key_values=past, use_cache=True,
                     logits_to_keep=1)
        cache = head.past_key_values
        cache.batch_repeat_interleave(len(answers))
        full_mask = torch.cat([torch.ones(len(answers), len(prompt_ids), dtype=mask.dtype,
                                          device=device), mask], dim=1)
        out = model(input_ids=ids, attention_mask=full_mask, past_key_values=cache,
                    use_cache=True)
        # the first answer token is predicted by the prompt's last position
        first = torch.log_softmax(head.logits[0, -1].float(), dim=-1)[ids[:, 0]]
        rest = torch.log_softmax(out.logits[:, :-1].float(), dim=-1)
        picked = rest.gather(2, ids[:, 1:].unsqueeze(-1)).squeeze(-1) * mask[:, 1:]
        totals = first + picked.sum(dim=1)
    return [float(t) for t in totals]


def _lookup(tokenizer: Any, prompt_text: str, generated: Sequence[int]) -> list[int]:
    """Prompt-lookup draft: the text that follows the end of the answer so far in the
    prompt, tokenised (at most `MAX_DRAFT` tokens).

    Text, not token ids, is matched (case-insensitively; `prompt_text` is lower-cased):
    a word inside a JSON string is tokenised without the leading space it has in the
    request, so the same word is usually different tokens in the two places. The last two
    tokens' text is looked up first (more specific), then the last token's.
    """
    for n in (2, 1):
        tail = tokenizer.decode(list(generated[-n:])).lower()
        if not tail.strip():
            continue
        at = prompt_text.rfind(tail)
        if at >= 0:
            follow = prompt_text[at + len(tail):at + len(tail) + 8 * MAX_DRAFT]
            return list(tokenizer.encode(follow, add_special_tokens=False))[:MAX_DRAFT] \
                if follow else []
    return []


def _mask(bitmask: bytes, vocab: int) -> np.ndarray:
    """llguidance's packed bitmask (bit i of 32-bit word j = token 32j+i) as a bool vector."""
    bits = np.unpackbits(np.frombuffer(bitmask, dtype=np.uint8), bitorder="little")
    if bits.size < vocab:
        bits = np.concatenate([bits, np.zeros(vocab - bits.size, dtype=np.uint8)])
    return bits[:vocab].astype(bool)
