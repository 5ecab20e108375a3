"""Shared LLM test fixtures: the real SmolLM2 tokenizer and a random tiny Llama.

The tiny model has SmolLM2's vocabulary and chat template (so prompts, constrained
decoding and LoRA fine-tuning run exactly as with the real model) but 2 layers of width
64 and random weights: it builds in a fraction of a second. It is not SmolLM2 and tests
that use it never claim to measure parse quality.
"""

from __future__ import annotations

from typing import Any

import pytest


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
