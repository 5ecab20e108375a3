"""Bayesian search with Optuna's TPE sampler, driven through Optuna's ask/tell interface.

Why not Ray's `OptunaSearch`: LAMP's space is conditional (the lr range depends on the
optimizer), which Optuna expresses only define-by-run; and OptunaSearch saves its state by
pickling the study. Here the study is a cache: it is rebuilt from the searcher's JSON
records whenever it is missing (after `restore`, after unpickling), so the state stays
readable and independent of Optuna's pickle format.

Sampler settings: `multivariate=True, group=True` model the parameters jointly and per
conditional group (one lr parameter per optimizer, `SearchSpace.to_optuna`);
`constant_liar=True` keeps parallel trials from being proposed on top of each other;
`n_startup_trials` random trials come first (default 4: CPU budgets run 4-16 trials, and
Optuna's default of 10 would make a small search purely random).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import optuna
from optuna.trial import TrialState

from autommlab.hpo.searchers.base import RoundSearcher, TrialRecord, register_searcher
from autommlab.hpo.space import SearchSpace

DEFAULT_STARTUP_TRIALS = 4


@register_searcher("tpe")
class TPESearcher(RoundSearcher):
    barrier = False

    def __init__(self, space: SearchSpace, metric: str | None = None, mode: str = "max",
                 seed: int = 0, *, n_startup_trials: int = DEFAULT_STARTUP_TRIALS,
                 initial: Sequence[Mapping[str, Any]] = (),
                 round_size: int | None = 1, max_concurrent: int | None = None) -> None:
        super().__init__(space, metric, mode, seed, round_size=round_size,
                         max_concurrent=max_concurrent)
        self.n_startup_trials = n_startup_trials
        # Configs evaluated before TPE proposes anything (a known-good recipe, transferred
        # settings). They enter the study as completed trials, so TPE starts from them.
        self._initial = [dict(c) for c in initial]
        # How many times the study was (re)built: seeds each rebuild's sampler differently,
        # so random start-up draws after a restore do not repeat the first run's draws.
        self._builds = 0
        self._reset_study()

    def _reset_study(self) -> None:
        self._study: optuna.Study | None = None
        self._told = 0                      # records already in the study
        self._asked: list[int] = []         # study trial numbers, aligned with the queue
        self._numbers: dict[str, int] = {}  # Tune trial id -> study trial number

    # --- RoundSearcher --------------------------------------------------------------------
    def propose(self, history: list[TrialRecord], k: int) -> list[Mapping[str, Any]]:
        if self._initial:
            batch, self._initial = self._initial[:k], self._initial[k:]
            return batch
        study = self._synced_study(history)
        proposals = []
        for _ in range(k):
            trial = study.ask()
            proposals.append(self.space.to_optuna(trial))
            self._asked.append(trial.number)
        return proposals

    def on_assign(self, trial_id: str, config: dict[str, Any]) -> None:
        if self._asked:
            self._numbers[trial_id] = self._asked.pop(0)

    def extra_state(self) -> dict[str, Any]:
        return {"builds": self._builds, "n_startup_trials": self.n_startup_trials,
                "initial": self._initial}

    def set_extra_state(self, state: dict[str, Any]) -> None:
        self._builds = int(state.get("builds", self._builds))
        self.n_startup_trials = int(state.get("n_startup_trials", self.n_startup_trials))
        self._initial = list(state.get("initial", []))
        self._reset_study()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.update(_study=None, _told=0, _asked=[], _numbers={})
        return state

    # --- the study ------------------------------------------------------------------------
    def _synced_study(self, history: list[TrialRecord]) -> optuna.Study:
        """The study, (re)built if needed, told every completed trial it has not seen."""
        if self._study is None:
            self._study = self._new_study()
        study = self._study
        for record in history[self._told:]:
            number = self._numbers.pop(record.trial_id, None)
            failed = record.error or record.metric is None
            if number is not None:
                if failed:
                    study.tell(number, state=TrialState.FAIL)
                else:
                    study.tell(number, record.metric)
            elif not failed:  # ran outside this study (transferred, or before a restore)
                params, distributions = self.space.optuna_params(record.config)
                study.add_trial(optuna.trial.create_trial(
                    params=params, distributions=distributions, value=record.metric))
            self._told += 1
        return study

    def _new_study(self) -> optuna.Study:
        seed = int(np.random.SeedSequence([self.seed, self._builds]).generate_state(1)[0])
        self._builds += 1
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        with warnings.catch_warnings():
            # multivariate / group / constant_liar are flagged experimental; they are what
            # a conditional space searched in parallel needs.
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = optuna.samplers.TPESampler(
                seed=seed, n_startup_trials=self.n_startup_trials, multivariate=True,
                group=True, constant_liar=True)
        direction = "maximize" if self.mode == "max" else "minimize"
        return optuna.create_study(direction=direction, sampler=sampler)
