"""What every LLM backend offers the rest of autommlab: chat in, schema-valid JSON text out.

Request understanding (RU-LLaMA) and hyperparameter advice (HPO-LLaMA) both send a short
chat and need one JSON document back. `ChatModel.complete_json` is that one operation; the
`local` backend (transformers + optional LoRA adapter) constrains decoding to the schema,
the `http` backend asks an OpenAI-compatible server for `response_format: json_schema`.
Callers still validate the text they get (a remote server may ignore the schema) and never
evaluate it as code: it is only ever passed to `json.loads`.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: One chat message: {"role": "system"|"user"|"assistant", "content": "..."}.
Message = Mapping[str, str]


@dataclass(frozen=True)
class Completion:
    """The text a model produced, and how it was produced (for reports and benchmarks)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    model: str = ""


class ChatModel(abc.ABC):
    """A chat model that answers with one JSON document matching a JSON schema."""

    #: short name for logs and reports ("local:smollm2-135m+ru", "http:...")
    description: str = ""

    @abc.abstractmethod
    def complete_json(self, messages: Sequence[Message], schema: Mapping[str, Any], *,
                      max_new_tokens: int = 256) -> Completion:
        """Answer the chat with a JSON document for `schema` (greedy, deterministic).

        Raises `LLMError` when the model cannot be reached or produces nothing usable.
        """


@dataclass(frozen=True)
class ChatExample:
    """One supervised fine-tuning example: the chat so far and the answer to learn.

    The loss is on `answer` alone (the prompt teaches nothing the model must produce).
    """

    messages: tuple[Message, ...]
    answer: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"messages": [dict(m) for m in self.messages], "answer": self.answer}

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> ChatExample:
        return cls(messages=tuple(dict(m) for m in data["messages"]), answer=str(data["answer"]))
