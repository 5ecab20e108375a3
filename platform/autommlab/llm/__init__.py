"""LLM backends (local transformers + LoRA, OpenAI-compatible HTTP), fine-tuning and prompts
for RU-LLaMA (request understanding) and HPO-LLaMA (hyperparameter advice)."""

from autommlab.llm.base import ChatExample, ChatModel, Completion, Message

__all__ = ["ChatExample", "ChatModel", "Completion", "Message"]
