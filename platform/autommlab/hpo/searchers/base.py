"""`RoundSearcher`: the one base class of autommlab's searchers, and their registry.

AutoMMLab's LLM searcher (HPO-LLaMA) works in rounds: it proposes k configurations, all k
are trained (in parallel), then it sees every result and proposes the next k. Random
search and TPE are the same shape with k = 1 and no waiting. So one class holds what they
share, behind Ray Tune's `Searcher` hooks:

* `propose(history, k)` is the only method a searcher must write: it gets every completed
  trial so far (`TrialRecord`s, in completion order) and returns k configs; the base clips
  each into the space, so a proposer cannot hand Tune an invalid point.
* `suggest(trial_id)` hands out the current round's proposals one trial at a time. When the
  round is used up it starts the next one. With `barrier = True` (the default: rounds of a
  dialogue) the next round waits until every trial handed out so far has completed, so
  round n+1 sees all of round n; `suggest` returns None meanwhile and Tune asks again
  later. With `barrier = False` (random, TPE) a new proposal is made whenever a slot frees.
* max_concurrent: the searcher limits concurrency itself (`set_max_concurrency` returns
  True, so Tune's ConcurrencyLimiter passes calls through): at most `max_concurrent` trials
  are live at once. The round size defaults to `max_concurrent`, one trial per slot. A
  round larger than max_concurrent is handed out in waves as slots free up (the round still
  ends only when all its trials completed); a smaller round leaves slots idle.
* A trial's result is the best value of `metric` it reported (the checkpoint that is kept
  is the best one, not the last), or None when it reported nothing; crashed trials are
  recorded with `error=True`.
* State (`get_state` / `save` / `restore`) is plain JSON: the completed records, the
  unassigned proposals of the current round, the live trials. Tune saves it with every
  experiment checkpoint and `Tuner.restore` loads it, so a resumed search continues its
  round where it stopped; searchers rebuild any model (e.g. Optuna's study) from the
  records, as Katib's suggestion services do, instead of pickling library objects.

Searchers register themselves by name (`@register_searcher("tpe")`); `get_searcher`
imports a searcher's module on first use, so a missing optional backend (optuna,
sentence-transformers) never breaks `import autommlab.hpo`.
"""

from __future__ import annotations

import abc
import inspect
import json
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from importlib import import_module
from typing import Any, ClassVar

from ray.tune.search import Searcher

from autommlab.errors import BackendUnavailableError, HPOError
from autommlab.hpo.space import SearchSpace

log = logging.getLogger(__name__)

STATE_VERSION = 1


@dataclass
class TrialRecord:
    """One completed trial as a searcher sees it."""

    trial_id: str
    round: int
    config: dict[str, Any]
    metric: float | None  # best reported value; None if the trial reported nothing
    error: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrialRecord:
        return cls(**dict(data))


class RoundSearcher(Searcher, abc.ABC):
    """Base of autommlab's searchers: rounds of k proposals over a `SearchSpace`."""

    #: registry name, set by `register_searcher`
    name: ClassVar[str] = ""
    #: wait for a round's trials to complete before proposing the next round
    barrier: ClassVar[bool] = True

    def __init__(self, space: SearchSpace, metric: str | None = None, mode: str = "max",
                 seed: int = 0, *, round_size: int | None = None,
                 max_concurrent: int | None = None) -> None:
        if mode not in ("max", "min"):
            raise HPOError(f"mode must be 'max' or 'min', got {mode!r}")
        if round_size is not None and round_size < 1:
            raise HPOError(f"round_size must be at least 1, got {round_size}")
        super().__init__(metric=metric, mode=mode)
        self.space = space
        self.seed = seed
        self._round_size = round_size
        self._max_concurrent = max_concurrent
        self._round = 0
        self._queue: list[dict[str, Any]] = []
        self._live: dict[str, dict[str, Any]] = {}
        self._round_of: dict[str, int] = {}
        self._best: dict[str, float] = {}
        self._records: list[TrialRecord] = []
        self._finished = False

    # --- what subclasses implement --------------------------------------------------------
    @abc.abstractmethod
    def propose(self, history: list[TrialRecord], k: int) -> list[Mapping[str, Any]]:
        """The next round: k configs (fewer is fine; none ends the search)."""

    def on_assign(self, trial_id: str, config: dict[str, Any]) -> None:
        """Called when a proposal becomes a trial (e.g. to map it to a library's trial)."""

    def extra_state(self) -> dict[str, Any]:
        """Subclass state to save with the base state (JSON-serialisable)."""
        return {}

    def set_extra_state(self, state: dict[str, Any]) -> None:
        """Restore what `extra_state` returned."""

    # --- properties -----------------------------------------------------------------------
    @property
    def round_size(self) -> int:
        return self._round_size or self._max_concurrent or 1

    @property
    def round(self) -> int:
        """Number of rounds proposed so far."""
        return self._round

    @property
    def history(self) -> list[TrialRecord]:
        """Completed trials, in completion order (a copy)."""
        return list(self._records)

    def better(self, a: float, b: float) -> bool:
        return a > b if self.mode == "max" else a < b

    # --- Ray Tune's Searcher hooks --------------------------------------------------------
    def set_search_properties(self, metric: str | None, mode: str | None,
                              config: dict[str, Any], **spec: Any) -> bool:
        if metric and self._metric and metric != self._metric:
            return False
        self._metric = metric or self._metric
        self._mode = mode or self._mode
        return True

    def set_max_concurrency(self, max_concurrent: int) -> bool:
        self._max_concurrent = max_concurrent
        return True

    def suggest(self, trial_id: str) -> dict[str, Any] | str | None:
        if self._finished:
            return Searcher.FINISHED
        if self._max_concurrent and len(self._live) >= self._max_concurrent:
            return None
        if not self._queue:
            if self.barrier and self._live:
                return None  # the round is still running
            proposals = self.propose(self.history, self.round_size)
            if not proposals:
                log.info("%s searcher: no more proposals after round %d", self.name,
                         self._round)
                self._finished = True
                return Searcher.FINISHED
            self._round += 1
            self._queue = [self._clip(p) for p in proposals]
        config = self._queue.pop(0)
        self._live[trial_id] = config
        self._round_of[trial_id] = self._round
        self.on_assign(trial_id, config)
        return dict(config)

    def on_trial_result(self, trial_id: str, result: dict[str, Any]) -> None:
        value = _finite(result.get(self.metric)) if self.metric else None
        if value is None or trial_id not in self._live:
            return
        best = self._best.get(trial_id)
        if best is None or self.better(value, best):
            self._best[trial_id] = value

    def on_trial_complete(self, trial_id: str, result: dict[str, Any] | None = None,
                          error: bool = False) -> None:
        if trial_id not in self._live:
            return  # not ours (or completed twice)
        if result:
            self.on_trial_result(trial_id, result)
        config = self._live.pop(trial_id)
        record = TrialRecord(trial_id=trial_id, round=self._round_of.pop(trial_id, self._round),
                             config=config, metric=self._best.pop(trial_id, None), error=error)
        self._records.append(record)

    # --- state ----------------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        # A JSON round trip: a snapshot, not views of the live queue and trial maps (which
        # later suggest() calls mutate).
        return json.loads(json.dumps({
            "version": STATE_VERSION, "searcher": self.name, "seed": self.seed,
            "metric": self._metric, "mode": self._mode, "round": self._round,
            "queue": self._queue, "live": self._live, "round_of": self._round_of,
            "best": self._best, "records": [asdict(r) for r in self._records],
            "finished": self._finished, "extra": self.extra_state(),
        }))

    def set_state(self, state: dict[str, Any]) -> None:
        if state.get("version") != STATE_VERSION or state.get("searcher") != self.name:
            raise HPOError(f"cannot restore the {self.name!r} searcher from a state of "
                           f"searcher {state.get('searcher')!r} version {state.get('version')}")
        self.seed = state["seed"]
        self._metric, self._mode = state["metric"], state["mode"]
        self._round = state["round"]
        self._queue = list(state["queue"])
        self._live = dict(state["live"])
        self._round_of = dict(state["round_of"])
        self._best = dict(state["best"])
        self._records = [TrialRecord.from_dict(r) for r in state["records"]]
        self._finished = state["finished"]
        self.set_extra_state(state.get("extra") or {})

    def save(self, checkpoint_path: str) -> None:
        with open(checkpoint_path, "w", encoding="utf-8") as handle:
            json.dump(self.get_state(), handle)

    def restore(self, checkpoint_path: str) -> None:
        with open(checkpoint_path, encoding="utf-8") as handle:
            self.set_state(json.load(handle))

    # --- helpers --------------------------------------------------------------------------
    def _clip(self, proposal: Mapping[str, Any]) -> dict[str, Any]:
        hparams, notes = self.space.clip_with_notes(proposal)
        if notes:
            log.info("%s searcher: proposal clipped into the space: %s", self.name,
                     "; ".join(notes))
        return self.space.to_config(hparams)


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


# --- registry ------------------------------------------------------------------------------
_REGISTRY: dict[str, type[RoundSearcher]] = {}
#: searcher name -> module that registers it when imported (lazy: optional dependencies)
_MODULES: dict[str, str] = {
    "random": "autommlab.hpo.searchers.random_search",
    "tpe": "autommlab.hpo.searchers.tpe",
    "transfer": "autommlab.hpo.searchers.transfer",
    "llm": "autommlab.hpo.searchers.llm",
    "hybrid": "autommlab.hpo.searchers.llm",
}
#: searchers of the design that this version does not have yet (name -> why)
PLANNED_SEARCHERS: dict[str, str] = {}


def register_searcher(name: str) -> Callable[[type[RoundSearcher]], type[RoundSearcher]]:
    def decorate(cls: type[RoundSearcher]) -> type[RoundSearcher]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def available_searchers() -> list[str]:
    """Names `get_searcher` accepts (a searcher whose dependencies are missing included:
    asking for it gives the install hint)."""
    return sorted({*_REGISTRY, *_MODULES})


def get_searcher(name: str, space: SearchSpace, *, metric: str, mode: str = "max",
                 seed: int = 0, **options: Any) -> RoundSearcher:
    """Build the searcher called `name` over `space` (options go to its constructor)."""
    if name not in _REGISTRY and name in _MODULES:
        try:
            import_module(_MODULES[name])
        except ImportError as exc:
            raise BackendUnavailableError(
                f"searcher {name!r} needs {exc.name or 'a missing package'}, which is not "
                "installed: pip install 'autommlab[hpo]'") from exc
    if name in _REGISTRY:
        cls = _REGISTRY[name]
        try:
            inspect.signature(cls).bind(space, metric=metric, mode=mode, seed=seed, **options)
        except TypeError as exc:
            raise HPOError(f"bad options for searcher {name!r}: {exc}") from exc
        return cls(space, metric=metric, mode=mode, seed=seed, **options)
    known = ", ".join(available_searchers())
    if name in PLANNED_SEARCHERS:
        raise BackendUnavailableError(f"searcher {name!r}: {PLANNED_SEARCHERS[name]}. "
                                      f"Available: {known}.")
    raise BackendUnavailableError(f"unknown searcher {name!r}. Available: {known}.")
