"""The LLM searcher (HPO-LLaMA's multi-round dialogue) and the hybrid LLM + TPE searcher.

`llm`: every round, one advisor call (`autommlab.llm.advisor.HPOAdvisor`, by default the
local LLM) proposes the round's k configs, having seen every earlier round and its results.
Rounds are barriers (`RoundSearcher.barrier`): round n+1 is asked for once all of round n
completed.

Why a background thread: a local LLM takes seconds to a minute per answer, and Tune calls
`suggest` from its event loop, which must keep processing results, checkpoints and
stoppers meanwhile. So `suggest` submits the call to a one-worker executor and returns None
(Tune asks again later) until the answer is there; the answer is then clipped into the
space, de-duplicated against everything already tried, and handed out one trial at a time.
Only the advisor call runs in the worker; all searcher state is touched by Tune's thread.

Fallback to TPE, for that round only: when the call raises (LLMError for an unusable answer,
a missing backend, anything else), or has not answered after `timeout_s` seconds, the round
is proposed by TPE instead (an internal `TPESearcher` that is told every completed trial,
LLM-proposed ones included, so it searches from the same evidence). When the LLM proposes
fewer new configs than asked (duplicates, a short list), TPE fills the rest. Each fallback is
logged, kept in `fallbacks` (round and reason; `fallback_reason` is the latest) and saved in
the searcher state. A call that timed out cannot be interrupted; until it ends, rounds go to
TPE rather than queueing a second call behind it on the one worker.

`hybrid`: the LLM seeds TPE. Round 1 is all LLM proposals; TPE then continues with them as
completed trials. From round 2 on, the round's slots alternate between TPE and the LLM,
starting with TPE and continuing across rounds (k = 2: one TPE and one LLM config per round;
k = 1: TPE and LLM rounds alternate; k = 3: T L T, then L T L). The LLM's share is asked in
one call per round, like `llm`, with the same fallback.

The prior (AutoML-GPT's hyperparameter transfer, as the `transfer` searcher makes it): when
the dataset's card is known, the best configs of the `prior_top_k` most similar datasets of
the hyperparameter history (`hpo.transfer.plan_transfer`; the shipped and the user's history
unless `history` names one) are shown in the LLM's first-round prompt as "good on similar
data". The LLM decides what to do with them (the shipped adapter was trained with such
priors, `hpo_data`); they are not evaluated unless it proposes them. Planned once, in the
driver, when the searcher is built (embedding needs a model that trial processes should not
load); without a history, a card or the embedding model the search runs without a prior
and `prior_reason` says why.

State: plain JSON like every searcher's (the base state plus the fallbacks, which proposer
made each queued config, the hybrid's slot counter, the internal TPE's seed counter). The
advisor is never pickled or saved: after unpickling or `restore`, the advisor given as a
factory is called again, an advisor given as an instance is used again only by the same
object, and otherwise `default_advisor()` builds the local one. The TPE study is rebuilt
from the records, as in `tpe.py`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from autommlab.errors import HPOError
from autommlab.hpo.history import HPOHistory
from autommlab.hpo.searchers.base import RoundSearcher, TrialRecord, register_searcher
from autommlab.hpo.searchers.tpe import DEFAULT_STARTUP_TRIALS, TPESearcher
from autommlab.hpo.space import SearchSpace
from autommlab.llm import advisor as advisor_module
from autommlab.llm.advisor import AdvisorContext, HPOAdvisor, TrialOutcome
from autommlab.llm.hpo_prompt import config_key
from autommlab.zoo.cards import DataCard, ModelCard

if TYPE_CHECKING:
    from autommlab.zoo.catalog import ZooCatalog

log = logging.getLogger(__name__)

#: Similar datasets' best configs shown in the first round (the adapter was trained on 1-2).
DEFAULT_PRIOR_TOP_K = 2
#: Seconds an advisor call may take before its round goes to TPE. SmolLM2-135M on one CPU
#: core answers a round of 2 in well under a minute; a stuck call must not stall a search.
DEFAULT_TIMEOUT_S = 120.0

LLM, TPE = "llm", "tpe"
Proposal = tuple[dict[str, Any], str]  # (config, which proposer made it)


@register_searcher("llm")
class LLMSearcher(RoundSearcher):
    barrier = True
    #: mix TPE proposals into every round after the first (the `hybrid` searcher)
    hybrid: ClassVar[bool] = False

    def __init__(self, space: SearchSpace, metric: str | None = None, mode: str = "max",
                 seed: int = 0, *,
                 advisor: HPOAdvisor | Callable[[], HPOAdvisor] | None = None,
                 dataset: DataCard | str | None = None, model: ModelCard | str | None = None,
                 catalog: ZooCatalog | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                 history: HPOHistory | Path | str | None = None,
                 prior_top_k: int = DEFAULT_PRIOR_TOP_K,
                 n_startup_trials: int = DEFAULT_STARTUP_TRIALS,
                 round_size: int | None = None, max_concurrent: int | None = None) -> None:
        super().__init__(space, metric, mode, seed, round_size=round_size,
                         max_concurrent=max_concurrent)
        if timeout_s <= 0:
            raise HPOError(f"timeout_s must be positive, got {timeout_s}")
        if prior_top_k < 0:
            raise HPOError(f"prior_top_k must be 0 or more, got {prior_top_k}")
        self.timeout_s = float(timeout_s)
        self.n_startup_trials = n_startup_trials
        self.data_card, self.model_card = _cards(dataset, model, catalog)
        self.dataset = _name(dataset)
        self.model = _name(model)
        #: the prior's sources (dataset, similarity, config, ...) and why there is none
        self.prior: list[dict[str, Any]] = []
        self.prior_reason = ""
        self._plan_prior(history, catalog, prior_top_k, mode)
        # An instance, a zero-argument factory, or None for default_advisor(); built lazily,
        # in the worker thread (loading a local model takes seconds).
        self._advisor_source = advisor
        self._advisor: HPOAdvisor | None = advisor if isinstance(advisor, HPOAdvisor) else None
        self._advisor_error = ""  # why the advisor could not be built (not retried)
        if isinstance(advisor, HPOAdvisor):
            self.advisor_description = advisor.description or type(advisor).__name__
        else:  # known once built
            self.advisor_description = "default" if advisor is None else "factory"
        #: every round that TPE proposed (wholly or partly) instead of the LLM, and why
        self.fallbacks: list[dict[str, Any]] = []
        self.fallback_reason = ""
        #: per round: how many configs each proposer made, and the LLM call's seconds
        self.rounds_info: list[dict[str, Any]] = []
        self._origins: list[str] = []  # proposer of each config in the queue, aligned
        self._origin_of: dict[str, str] = {}  # trial id -> proposer
        self._slot = 0  # hybrid: TPE / LLM alternation position after round 1
        self._tpe: TPESearcher | None = None
        self._tpe_state: dict[str, Any] = {}
        self._reset_runtime()

    def _plan_prior(self, history: HPOHistory | Path | str | None,
                    catalog: ZooCatalog | None, top_k: int, mode: str) -> None:
        if top_k == 0:
            self.prior_reason = "prior_top_k is 0"
            return
        if self.data_card is None:
            self.prior_reason = "no data card to find similar datasets for"
            return
        from autommlab.hpo.transfer import plan_transfer

        try:
            plan = plan_transfer(self.data_card, self.space, HPOHistory.from_source(history),
                                 catalog, model=self.model or None, top_k=top_k, mode=mode)
        except Exception as exc:  # an optional hint: the search goes on without it
            self.prior_reason = f"{type(exc).__name__}: {exc}"
            log.warning("%s searcher: no prior for %s: %s", self.name, self.dataset,
                        self.prior_reason)
            return
        self.prior = [s.describe() for s in plan.sources]
        self.prior_reason = plan.reason
        log.info("%s searcher, prior for %s: %s", self.name, self.dataset, plan.reason)

    def _reset_runtime(self) -> None:
        """What lives only in this process: the worker, the call in flight, a built round."""
        self._executor: ThreadPoolExecutor | None = None
        self._future: Future[list[dict[str, Any]]] | None = None
        self._call_started = 0.0
        self._abandoned: Future[list[dict[str, Any]]] | None = None
        self._ready: list[Proposal] | None = None

    # --- Ray Tune's hooks -----------------------------------------------------------------
    def suggest(self, trial_id: str) -> dict[str, Any] | str | None:
        if self._finished:
            return super().suggest(trial_id)
        if self._max_concurrent and len(self._live) >= self._max_concurrent:
            return None
        if not self._queue and self._ready is None:
            if self._live:
                return None  # the round is still running
            self._ready = self._poll_round(self.round_size, block=False)
            if self._ready is None:
                return None  # the advisor is thinking; Tune asks again
        return super().suggest(trial_id)

    # --- RoundSearcher --------------------------------------------------------------------
    def propose(self, history: list[TrialRecord], k: int) -> list[Mapping[str, Any]]:
        """The next round. Through `suggest` it is the round the worker prepared; called
        directly, it waits for the advisor (up to `timeout_s`)."""
        batch, self._ready = self._ready, None
        while batch is None:  # a blocking poll waits until the answer or the timeout
            batch = self._poll_round(k, block=True)
        self._origins = [origin for _, origin in batch]
        return [config for config, _ in batch]

    def on_assign(self, trial_id: str, config: dict[str, Any]) -> None:
        origin = self._origins.pop(0) if self._origins else LLM
        self._origin_of[trial_id] = origin
        if origin == TPE and self._tpe is not None:
            self._tpe.on_assign(trial_id, config)  # TPE tells its study this trial's result

    def extra_state(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "model": self.model,
                "advisor": self.advisor_description, "timeout_s": self.timeout_s,
                "prior": self.prior, "prior_reason": self.prior_reason,
                "fallbacks": self.fallbacks, "fallback_reason": self.fallback_reason,
                "rounds_info": self.rounds_info, "origins": self._origins,
                "origin_of": self._origin_of, "slot": self._slot,
                "tpe": self._tpe.extra_state() if self._tpe is not None else self._tpe_state}

    def set_extra_state(self, state: dict[str, Any]) -> None:
        self._abandon()
        self._ready = None
        self.prior = list(state.get("prior", self.prior))
        self.prior_reason = state.get("prior_reason", self.prior_reason)
        self.fallbacks = list(state.get("fallbacks", []))
        self.fallback_reason = state.get("fallback_reason", "")
        self.rounds_info = list(state.get("rounds_info", []))
        self._origins = list(state.get("origins", []))
        self._origin_of = dict(state.get("origin_of", {}))
        self._slot = int(state.get("slot", 0))
        self._tpe_state = dict(state.get("tpe", {}))
        self._tpe = None  # rebuilt from the records when next needed

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.update(_executor=None, _future=None, _abandoned=None, _ready=None, _tpe=None,
                     _tpe_state=self._tpe.extra_state() if self._tpe else self._tpe_state)
        # The advisor (maybe a loaded model) is not pickled; a factory is, and is called again.
        state["_advisor"] = None
        if isinstance(self._advisor_source, HPOAdvisor):
            state["_advisor_source"] = None
        return state

    # --- rounds ---------------------------------------------------------------------------
    def _plan(self, k: int) -> tuple[int, int]:
        """(LLM configs, TPE configs) of the next round (see the module doc, `hybrid`)."""
        if not self.hybrid or self._round == 0:
            return k, 0
        tpe = sum(1 for slot in range(self._slot, self._slot + k) if slot % 2 == 0)
        return k - tpe, tpe

    def _poll_round(self, k: int, *, block: bool) -> list[Proposal] | None:
        """The next round's proposals, or None while the advisor call is still running."""
        n_llm, n_tpe = self._plan(k)
        llm_configs: list[dict[str, Any]] = []
        reason = ""
        seconds: float | None = None
        if n_llm:
            if self._future is None:
                reason = self._blocked()
                if not reason:
                    self._start_call(n_llm)
            if self._future is not None:
                if block:
                    remaining = self.timeout_s - (time.monotonic() - self._call_started)
                    wait([self._future], timeout=max(0.0, remaining))
                if not self._future.done():
                    if time.monotonic() - self._call_started < self.timeout_s:
                        return None
                    reason = f"the LLM did not answer within {self.timeout_s:g} s"
                    self._abandon()
                else:
                    future, self._future = self._future, None
                    seconds = round(time.monotonic() - self._call_started, 3)
                    try:
                        raw = future.result()
                    except Exception as exc:  # any failure of the advisor means: TPE proposes
                        reason = f"{type(exc).__name__}: {exc}"
                    else:
                        llm_configs = self._accept(raw, n_llm)
                        if len(llm_configs) < n_llm:
                            reason = (f"the LLM proposed {len(llm_configs)} new usable "
                                      f"configs of {n_llm}")
        fill = k - len(llm_configs)
        tpe_configs = self._tpe_propose(fill) if fill else []
        round_number = self._round + 1
        if reason:
            self.fallback_reason = reason
            self.fallbacks.append({"round": round_number, "reason": reason,
                                   "tpe_configs": fill - n_tpe})
            log.warning("%s searcher, round %d: TPE proposes %d of %d configs instead of the "
                        "LLM: %s", self.name, round_number, fill - n_tpe, n_llm, reason)
        self.rounds_info.append({"round": round_number, LLM: len(llm_configs),
                                 TPE: len(tpe_configs), "llm_seconds": seconds})
        if self._round > 0:  # the hybrid's alternation starts after round 1
            self._slot += k
        return [(c, LLM) for c in llm_configs] + [(c, TPE) for c in tpe_configs]

    def _blocked(self) -> str:
        """Why no advisor call can start now ('' if one can)."""
        if self._advisor_error:
            return self._advisor_error
        if self._abandoned is not None:
            if not self._abandoned.done():
                return "an earlier LLM call that timed out is still running"
            self._abandoned = None
        return ""

    def _start_call(self, k: int) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix="autommlab-hpo-llm")
        context = self._context()  # a snapshot: the worker never reads live state
        self._call_started = time.monotonic()
        self._future = self._executor.submit(self._ask, context, k)

    def _ask(self, context: AdvisorContext, k: int) -> list[dict[str, Any]]:
        """In the worker thread: build the advisor if needed, and ask it."""
        advisor = self._get_advisor()
        return advisor.propose(context, k)

    def _get_advisor(self) -> HPOAdvisor:
        if self._advisor is None:
            source = self._advisor_source
            try:
                if isinstance(source, HPOAdvisor):
                    built = source
                elif source is not None:
                    built = source()
                else:
                    # looked up at call time, so a test or an application can replace it
                    built = advisor_module.default_advisor()
            except Exception as exc:
                # A missing backend, model or adapter stays missing for this search: later
                # rounds go to TPE without paying for another attempt (loading takes seconds).
                self._advisor_error = f"no LLM advisor: {type(exc).__name__}: {exc}"
                raise
            self._advisor = built
            self.advisor_description = built.description or type(built).__name__
        return self._advisor

    def _abandon(self) -> None:
        """Give up on the call in flight (it cannot be interrupted; it ends on its own)."""
        if self._future is not None:
            if not self._future.cancel():
                self._abandoned = self._future
            self._future = None
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    def _accept(self, raw: Any, k: int) -> list[dict[str, Any]]:
        """The advisor's configs, clipped into the space, new ones only, at most k."""
        if not isinstance(raw, list):
            log.warning("%s searcher: the advisor returned %s, not a list of configs",
                        self.name, type(raw).__name__)
            return []
        seen = {config_key(c) for c in self._tried()}
        accepted: list[dict[str, Any]] = []
        for proposal in raw:
            if not isinstance(proposal, Mapping):
                continue
            config = self._clip(proposal)
            key = config_key(config)
            if key in seen:
                continue
            seen.add(key)
            accepted.append(config)
            if len(accepted) == k:
                break
        return accepted

    def _tried(self) -> list[dict[str, Any]]:
        return ([r.config for r in self._records] + list(self._live.values())
                + list(self._queue))

    def _tpe_propose(self, k: int) -> list[dict[str, Any]]:
        if self._tpe is None:
            self._tpe = TPESearcher(self.space, self._metric, self._mode, self.seed,
                                    n_startup_trials=self.n_startup_trials, round_size=1)
            if self._tpe_state:
                self._tpe.set_extra_state(self._tpe_state)
        return [self._clip(p) for p in self._tpe.propose(self.history, k)]

    def _context(self) -> AdvisorContext:
        rounds: dict[int, list[TrialOutcome]] = {}
        for record in self._records:
            rounds.setdefault(record.round, []).append(
                TrialOutcome(dict(record.config), record.metric, record.error))
        return AdvisorContext(
            space=self.space, task=self.space.task, metric=self._metric or "metric",
            mode=self._mode or "max", data=self.data_card, model=self.model_card,
            rounds=tuple(tuple(rounds[n]) for n in sorted(rounds)),
            dataset_name=self.dataset, model_name=self.model,
            prior=tuple(dict(source["config"]) for source in self.prior))


@register_searcher("hybrid")
class HybridSearcher(LLMSearcher):
    """The LLM's first round seeds TPE; later rounds mix TPE and LLM (module doc)."""

    hybrid = True


def _cards(dataset: DataCard | str | None, model: ModelCard | str | None,
           catalog: ZooCatalog | None) -> tuple[DataCard | None, ModelCard | None]:
    """Cards for the names (from `catalog`, default the zoo's), as transfer.py does."""
    if catalog is None and (isinstance(dataset, str) or isinstance(model, str)):
        from autommlab.zoo.catalog import load_cards

        catalog = load_cards()
    data = catalog.dataset(dataset) if isinstance(dataset, str) else dataset
    card = catalog.model(model) if isinstance(model, str) else model
    return data, card


def _name(card: DataCard | ModelCard | str | None) -> str:
    if card is None:
        return ""
    return card if isinstance(card, str) else card.name
