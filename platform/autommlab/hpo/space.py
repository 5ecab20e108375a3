"""LAMP's hyperparameter search space, as typed per-task ranges scaled by one `budget` knob.

A trial's configuration is a flat dict with the searched keys of `SEARCHED_KEYS`
(`optimizer`, `lr`, `weight_decay`, `batch_size`, `iters`, `lr_schedule`). `warmup_iters` is
not searched: it follows from the task and `iters` (`warmup_rule`), and `momentum` keeps
the `Hyperparameters` default, as in AutoMMLab's space.

Why these ranges:

* lr is log-uniform with a range per optimizer: SGD and RMSprop take larger steps than the
  adaptive Adam family (OpenMMLab's configs: SGD 0.01-0.1, AdamW 1e-4-1e-3, scaled down
  for the small batches a CPU run uses). The range depends on the optimizer, so the space
  is conditional; `to_optuna` names the lr parameter per optimizer (`lr_SGD`, ...) so that
  TPE models each range on its own.
* weight decay is log-uniform from 1e-6 (practically none) to 0.1 (AdamW-style decay).
* Warm-up: detectors and pose estimators are unstable in their first steps with freshly
  initialised heads (mmdet and mmpose configs warm up linearly for 500-1000 iterations),
  so they get a linear warm-up of a fixed fraction of `iters`; classification and
  segmentation (mmpretrain ResNets, mmseg PolyLR schedules) usually run without one.

Everything tunable lives in the constant tables below (`BUDGETS`, `LR_RANGES`, ...), so the
budgets can be retuned from measured seconds per iteration without touching the logic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, get_args

from autommlab.errors import HPOError
from autommlab.tasks import TASKS
from autommlab.train.hparams import LR_SCHEDULES, OPTIMIZERS, Hyperparameters

if TYPE_CHECKING:
    import numpy as np
    import optuna

Budget = Literal["small", "medium", "large"]
BUDGET_NAMES: tuple[str, ...] = get_args(Budget)

#: The keys a searcher proposes; everything else in Hyperparameters is derived or fixed.
SEARCHED_KEYS: tuple[str, ...] = (
    "optimizer", "lr", "weight_decay", "batch_size", "iters", "lr_schedule")


@dataclass(frozen=True)
class BudgetSpec:
    """How much search one budget buys for one task on CPU.

    `iters` bounds the training length of one trial; `num_trials` and `max_concurrent` are the
    defaults `autommlab.hpo.run_hpo` callers use (2 concurrent trials = the 2 cores of a
    laptop; a cluster passes its own concurrency).
    """

    iters: tuple[int, int]
    batch_sizes: tuple[int, ...]
    num_trials: int
    max_concurrent: int = 2


#: (task, budget) -> BudgetSpec, sized from seconds/iteration measured on one core of this
#: 2-core machine with the cpu-default models (ShuffleNet-v2 at 32 px ~0.15 s at batch 16,
#: RTMDet-tiny at 128 px ~0.6-0.9 s, BiSeNetV2 at 128 px ~0.5 s at batch 4,
#: RTMPose-t at 96 px ~0.3 s at batch 16): "small" is a few minutes in all on 2 cores,
#: "medium" stays under 20 minutes per request (2 trials at a time), "large" is for a
#: workstation or a GPU. Trial seconds ~ iters * s_per_iter(batch size).
BUDGETS: dict[str, dict[str, BudgetSpec]] = {
    "classification": {
        "small": BudgetSpec(iters=(100, 300), batch_sizes=(16, 32), num_trials=4),
        "medium": BudgetSpec(iters=(300, 900), batch_sizes=(16, 32, 64), num_trials=6),
        "large": BudgetSpec(iters=(1000, 4000), batch_sizes=(32, 64, 128, 256), num_trials=16),
    },
    "detection": {
        "small": BudgetSpec(iters=(150, 400), batch_sizes=(4, 8), num_trials=2),
        # 2 long trials (one round on 2 cores): at ~0.47 s/iteration (batch 8, two trials
        # at once) 4 trials of 600-1000 iterations reached mAP 0.466 in 15 min, still rising.
        "medium": BudgetSpec(iters=(1200, 2000), batch_sizes=(4, 8), num_trials=2),
        "large": BudgetSpec(iters=(2000, 8000), batch_sizes=(4, 8, 16, 32), num_trials=16),
    },
    "segmentation": {
        "small": BudgetSpec(iters=(150, 400), batch_sizes=(4, 8), num_trials=2),
        # BiSeNetV2 at 128 px: ~1.2 s/iteration at batch 8 with two trials at once.
        "medium": BudgetSpec(iters=(400, 800), batch_sizes=(4, 8), num_trials=2),
        "large": BudgetSpec(iters=(2000, 8000), batch_sizes=(8, 16, 32), num_trials=16),
    },
    "keypoint": {
        "small": BudgetSpec(iters=(150, 400), batch_sizes=(8, 16), num_trials=2),
        # RTMPose-t at 96 px, ~0.3 s/iteration at batch 16: one AdamW 2e-3 cosine run reached
        # OKS AP 0.39 / 0.57 / 0.60 after 1200 / 2000 / 2400 iterations (pose ShuffleNet-v2,
        # the earlier default, 0.36 after 1160 iterations at ~0.7 s/iteration).
        "medium": BudgetSpec(iters=(1600, 2600), batch_sizes=(8, 16), num_trials=2),
        "large": BudgetSpec(iters=(2000, 8000), batch_sizes=(32, 64, 128), num_trials=16),
    },
}

#: Peak learning-rate range per optimizer (log-uniform), shared by every task.
LR_RANGES: dict[str, tuple[float, float]] = {
    "SGD": (1e-3, 1e-1),
    "RMSprop": (1e-4, 1e-2),
    "Adam": (1e-5, 3e-3),
    "AdamW": (1e-5, 3e-3),
}
#: Per-task narrowing where the shared range is known to diverge (detector / pose heads with
#: SGD above ~0.05 blow up at the small batch sizes a CPU run uses).
LR_RANGE_OVERRIDES: dict[str, dict[str, tuple[float, float]]] = {
    "detection": {"SGD": (1e-3, 5e-2)},
    "keypoint": {"SGD": (1e-3, 5e-2)},
}
WEIGHT_DECAY_RANGE: tuple[float, float] = (1e-6, 1e-1)

#: Linear warm-up length as a fraction of `iters`, and its cap in iterations (see module doc).
WARMUP_FRACTION: dict[str, float] = {
    "classification": 0.0, "segmentation": 0.0, "detection": 0.1, "keypoint": 0.05}
WARMUP_CAP = 1000

#: The first trial of a pipeline's TPE search ("defaults first", as AutoGluon starts from its
#: default configuration): per task, a recipe measured on this machine with the task's
#: CPU-default model (classification, detection, segmentation: the best trials of the medium
#: quality runs, benchmarks/results/quality-medium.json; keypoint: the RTMPose-t run quoted
#: in BUDGETS). Batch size and iterations come from the budget (its largest values), so the
#: recipe fits any space. TPE explores from the second trial on.
RECIPES: dict[str, dict[str, Any]] = {
    "classification": {"optimizer": "RMSprop", "lr": 1e-3, "weight_decay": 1e-5,
                       "lr_schedule": "PolyLR"},
    "detection": {"optimizer": "Adam", "lr": 6e-4, "weight_decay": 8e-4,
                  "lr_schedule": "MultiStepLR"},
    "segmentation": {"optimizer": "SGD", "lr": 0.066, "weight_decay": 3e-4,
                     "lr_schedule": "CosineAnnealingLR"},
    "keypoint": {"optimizer": "AdamW", "lr": 2e-3, "weight_decay": 0.05,
                 "lr_schedule": "CosineAnnealingLR"},
}

#: `iters` proposals are rounded to a multiple of this (a readable, cache-friendly grid).
ITERS_STEP = 10


@dataclass(frozen=True)
class SearchSpace:
    """One task's search space at one budget. Frozen and picklable: it travels to Ray."""

    task: str
    budget: str
    optimizers: tuple[str, ...]
    lr: Mapping[str, tuple[float, float]]
    weight_decay: tuple[float, float]
    batch_sizes: tuple[int, ...]
    iters: tuple[int, int]
    lr_schedules: tuple[str, ...]
    warmup_fraction: float
    iters_step: int = ITERS_STEP
    num_trials: int = 4
    max_concurrent: int = 2
    defaults: Hyperparameters = field(default_factory=Hyperparameters)

    def __post_init__(self) -> None:
        problems = []
        if not self.optimizers or not set(self.optimizers) <= set(OPTIMIZERS):
            problems.append(f"optimizers {self.optimizers} must be a non-empty subset of "
                            f"{OPTIMIZERS}")
        for opt in self.optimizers:
            low, high = self.lr.get(opt, (0.0, 0.0))
            if not 0 < low <= high <= 1:
                problems.append(f"lr range of {opt} must satisfy 0 < low <= high <= 1")
        if not 0 < self.weight_decay[0] <= self.weight_decay[1] <= 0.5:
            problems.append("weight_decay range must satisfy 0 < low <= high <= 0.5")
        if not self.batch_sizes or min(self.batch_sizes) < 1 or max(self.batch_sizes) > 512:
            problems.append("batch_sizes must be non-empty, each in 1..512")
        if not 1 <= self.iters[0] <= self.iters[1] or self.iters_step < 1:
            problems.append("iters must satisfy 1 <= low <= high, iters_step >= 1")
        if not self.lr_schedules or not set(self.lr_schedules) <= set(LR_SCHEDULES):
            problems.append(f"lr_schedules must be a non-empty subset of {LR_SCHEDULES}")
        if not 0 <= self.warmup_fraction < 1:
            problems.append("warmup_fraction must be in [0, 1)")
        if problems:
            raise HPOError("invalid search space: " + "; ".join(problems))

    # --- conversions -------------------------------------------------------------------
    def to_hparams(self, config: Mapping[str, Any]) -> Hyperparameters:
        """A searcher's config dict as Hyperparameters (values are clipped into the space)."""
        return self.clip(config)

    def to_config(self, hparams: Hyperparameters) -> dict[str, Any]:
        """The searched keys of `hparams`, as the flat dict searchers and Tune pass around."""
        return {key: getattr(hparams, key) for key in SEARCHED_KEYS}

    def warmup_iters(self, iters: int) -> int:
        """The task's warm-up rule: `warmup_fraction * iters`, capped, 0 for none."""
        return min(WARMUP_CAP, round(self.warmup_fraction * iters))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (experiment metadata for resume, reports, LLM prompts)."""
        return {"task": self.task, "budget": self.budget, "optimizers": list(self.optimizers),
                "lr": {k: list(v) for k, v in self.lr.items()},
                "weight_decay": list(self.weight_decay), "batch_sizes": list(self.batch_sizes),
                "iters": list(self.iters), "lr_schedules": list(self.lr_schedules),
                "warmup_fraction": self.warmup_fraction, "iters_step": self.iters_step,
                "num_trials": self.num_trials, "max_concurrent": self.max_concurrent,
                "defaults": self.defaults.model_dump()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchSpace:
        """Inverse of `to_dict`."""
        try:
            return cls(
                task=data["task"], budget=data["budget"], optimizers=tuple(data["optimizers"]),
                lr={k: (float(v[0]), float(v[1])) for k, v in data["lr"].items()},
                weight_decay=(float(data["weight_decay"][0]), float(data["weight_decay"][1])),
                batch_sizes=tuple(int(b) for b in data["batch_sizes"]),
                iters=(int(data["iters"][0]), int(data["iters"][1])),
                lr_schedules=tuple(data["lr_schedules"]),
                warmup_fraction=float(data["warmup_fraction"]),
                iters_step=int(data["iters_step"]), num_trials=int(data["num_trials"]),
                max_concurrent=int(data["max_concurrent"]),
                defaults=Hyperparameters.model_validate(data["defaults"]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise HPOError(f"invalid search space description: {exc!r}") from exc

    # --- clipping ----------------------------------------------------------------------
    def clip(self, proposal: Mapping[str, Any]) -> Hyperparameters:
        """Clamp / round an arbitrary proposal into the space (see `clip_with_notes`)."""
        return self.clip_with_notes(proposal)[0]

    def clip_with_notes(self, proposal: Mapping[str, Any]) -> tuple[Hyperparameters, list[str]]:
        """Turn any proposal (an LLM's JSON, a record from another task) into a valid point.

        Numbers are clamped to their range (lr to its optimizer's range, in log space),
        `batch_size` goes to the nearest allowed size (log2 distance), `iters` is rounded to
        the grid, names are matched case-insensitively; a missing or unusable value takes the
        space's default. Returns the point and one note per change, so a caller can tell the
        proposer what was corrected. Only a proposal that is not a mapping is an error.
        """
        if not isinstance(proposal, Mapping):
            raise HPOError(f"a hyperparameter proposal must be a mapping of name -> value, "
                           f"got {type(proposal).__name__}: {proposal!r:.200}")
        notes: list[str] = []
        optimizer = _choose(proposal.get("optimizer"), self.optimizers,
                            self._default_choice(self.defaults.optimizer, self.optimizers),
                            "optimizer", notes)
        lr = _clamp_log(proposal.get("lr"), self.lr[optimizer], "lr", notes)
        weight_decay = _clamp_log(proposal.get("weight_decay"), self.weight_decay,
                                  "weight_decay", notes)
        batch_size = _nearest_size(proposal.get("batch_size"), self.batch_sizes, notes)
        iters = self._clip_iters(proposal.get("iters"), notes)
        schedule = _choose(proposal.get("lr_schedule"), self.lr_schedules,
                           self._default_choice(self.defaults.lr_schedule, self.lr_schedules),
                           "lr_schedule", notes)
        hparams = Hyperparameters(
            optimizer=optimizer, lr=lr, weight_decay=weight_decay, batch_size=batch_size,
            iters=iters, lr_schedule=schedule, warmup_iters=self.warmup_iters(iters),
            momentum=self.defaults.momentum)
        return hparams, notes

    def _clip_iters(self, value: Any, notes: list[str]) -> int:
        low, high = self.iters
        number = _as_number(value)
        if number is None:
            notes.append(_unusable("iters", value, high))
            return high
        step = self.iters_step
        snapped = min(max(number, low), high)
        snapped = int(min(max(round(snapped / step) * step, low), high))
        if snapped != number:
            notes.append(f"iters: {value!r} -> {snapped} (range {low}-{high}, step {step})")
        return snapped

    @staticmethod
    def _default_choice(default: str, choices: tuple[str, ...]) -> str:
        return default if default in choices else choices[0]

    # --- sampling ----------------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        """One uniformly random config (log-uniform for lr and weight decay)."""
        optimizer = str(rng.choice(list(self.optimizers)))
        lr_low, lr_high = self.lr[optimizer]
        low, high = self.iters
        steps = (high - low) // self.iters_step
        return {
            "optimizer": optimizer,
            "lr": _log_uniform(rng, lr_low, lr_high),
            "weight_decay": _log_uniform(rng, *self.weight_decay),
            "batch_size": int(rng.choice(list(self.batch_sizes))),
            "iters": int(low + self.iters_step * int(rng.integers(0, steps + 1))),
            "lr_schedule": str(rng.choice(list(self.lr_schedules))),
        }

    def to_tune(self) -> dict[str, Any]:
        """The space as a Ray Tune `param_space`, for Tune's own searchers.

        lr is conditional on the optimizer, which Tune's domains cannot express except with
        `sample_from`; that works with Tune's BasicVariantGenerator (random / grid search)
        only. autommlab's own searchers use `sample` / `to_optuna` instead.
        """
        from ray import tune

        low, high = self.iters
        return {
            "optimizer": tune.choice(list(self.optimizers)),
            "lr": tune.sample_from(_LrFromOptimizer(dict(self.lr))),
            "weight_decay": tune.loguniform(*self.weight_decay),
            "batch_size": tune.choice(list(self.batch_sizes)),
            "iters": tune.qrandint(low, high, self.iters_step),
            "lr_schedule": tune.choice(list(self.lr_schedules)),
        }

    def to_optuna(self, trial: optuna.trial.BaseTrial) -> dict[str, Any]:
        """Define-by-run: ask an Optuna trial for one config (lr named per optimizer)."""
        optimizer = trial.suggest_categorical("optimizer", list(self.optimizers))
        low, high = self.iters
        return {
            "optimizer": optimizer,
            "lr": trial.suggest_float(f"lr_{optimizer}", *self.lr[optimizer], log=True),
            "weight_decay": trial.suggest_float("weight_decay", *self.weight_decay, log=True),
            "batch_size": trial.suggest_categorical("batch_size", list(self.batch_sizes)),
            "iters": trial.suggest_int("iters", low, high, step=self.iters_step),
            "lr_schedule": trial.suggest_categorical("lr_schedule", list(self.lr_schedules)),
        }

    def optuna_params(self, config: Mapping[str, Any]
                      ) -> tuple[dict[str, Any], dict[str, optuna.distributions.BaseDistribution]]:
        """(params, distributions) of a config in `to_optuna`'s naming, to add a trial that
        was not asked from the study (transferred points, trials after a restore)."""
        import optuna

        hp = self.clip(config)
        low, high = self.iters
        dist = optuna.distributions
        distributions: dict[str, optuna.distributions.BaseDistribution] = {
            "optimizer": dist.CategoricalDistribution(list(self.optimizers)),
            f"lr_{hp.optimizer}": dist.FloatDistribution(*self.lr[hp.optimizer], log=True),
            "weight_decay": dist.FloatDistribution(*self.weight_decay, log=True),
            "batch_size": dist.CategoricalDistribution(list(self.batch_sizes)),
            "iters": dist.IntDistribution(low, high, step=self.iters_step),
            "lr_schedule": dist.CategoricalDistribution(list(self.lr_schedules)),
        }
        params = {"optimizer": hp.optimizer, f"lr_{hp.optimizer}": hp.lr,
                  "weight_decay": hp.weight_decay, "batch_size": hp.batch_size,
                  "iters": hp.iters, "lr_schedule": hp.lr_schedule}
        return params, distributions

    def with_iters(self, low: int, high: int, step: int | None = None) -> SearchSpace:
        """The same space with another iteration range (benchmarks, tests)."""
        return replace(self, iters=(low, high), iters_step=step or self.iters_step)


def recipe_config(space: SearchSpace) -> dict[str, Any]:
    """The task's measured recipe (`RECIPES`) as a point of `space`."""
    recipe = dict(RECIPES[space.task], batch_size=max(space.batch_sizes),
                  iters=space.iters[1])
    return space.to_config(space.clip(recipe))


def search_space(task: str, budget: str = "small") -> SearchSpace:
    """LAMP's search space for `task` at `budget` (small | medium | large)."""
    if task not in TASKS:
        raise HPOError(f"no search space for task {task!r}; tasks: {', '.join(TASKS)}")
    if budget not in BUDGET_NAMES:
        raise HPOError(f"unknown budget {budget!r}; choose one of {', '.join(BUDGET_NAMES)}")
    spec = BUDGETS[task][budget]
    lr = {opt: LR_RANGE_OVERRIDES.get(task, {}).get(opt, LR_RANGES[opt]) for opt in OPTIMIZERS}
    return SearchSpace(
        task=task, budget=budget, optimizers=OPTIMIZERS, lr=lr,
        weight_decay=WEIGHT_DECAY_RANGE, batch_sizes=spec.batch_sizes, iters=spec.iters,
        lr_schedules=LR_SCHEDULES, warmup_fraction=WARMUP_FRACTION[task],
        num_trials=spec.num_trials, max_concurrent=spec.max_concurrent)


# --- helpers ---------------------------------------------------------------------------------
class _LrFromOptimizer:
    """`tune.sample_from` callable: a log-uniform lr in the sampled optimizer's range.

    A class rather than a lambda so the space stays picklable by the standard pickle too.
    """

    def __init__(self, ranges: dict[str, tuple[float, float]]) -> None:
        self.ranges = ranges

    def __call__(self, spec: Any) -> float:
        import numpy as np

        low, high = self.ranges[spec.config.optimizer]
        return float(math.exp(np.random.uniform(math.log(low), math.log(high))))


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def _as_number(value: Any) -> float | None:
    """A finite float from a number or numeric string; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _clamp_log(value: Any, bounds: tuple[float, float], name: str, notes: list[str]) -> float:
    low, high = bounds
    number = _as_number(value)
    if number is None:
        middle = math.sqrt(low * high)
        notes.append(_unusable(name, value, f"{middle:.3g}"))
        return middle
    clamped = min(max(number, low), high)
    if clamped != number:
        notes.append(f"{name}: {value!r} -> {clamped:.3g} (range {low:g}-{high:g})")
    return clamped


def _nearest_size(value: Any, sizes: tuple[int, ...], notes: list[str]) -> int:
    number = _as_number(value)
    if number is None or number <= 0:
        fallback = sizes[len(sizes) // 2]
        notes.append(_unusable("batch_size", value, fallback))
        return fallback
    best = min(sizes, key=lambda size: (abs(math.log2(size) - math.log2(number)), size))
    if best != number:
        notes.append(f"batch_size: {value!r} -> {best} (choices {list(sizes)})")
    return best


def _choose(value: Any, choices: tuple[str, ...], default: str, name: str,
            notes: list[str]) -> str:
    if isinstance(value, str):
        wanted = value.strip().lower().replace("_", "").replace("-", "")
        for choice in choices:
            if choice.lower() == wanted:
                return choice
        # 'cosine' -> CosineAnnealingLR, 'poly' -> PolyLR: a unique prefix is enough
        prefixed = [c for c in choices if c.lower().startswith(wanted)] if wanted else []
        if len(prefixed) == 1:
            notes.append(f"{name}: {value!r} -> {prefixed[0]}")
            return prefixed[0]
    notes.append(f"{name}: missing; using {default}" if value is None else
                 f"{name}: {value!r} is not one of {list(choices)}; using {default}")
    return default


def _unusable(name: str, value: Any, used: Any) -> str:
    if value is None:
        return f"{name}: missing; using {used}"
    return f"{name}: {value!r} is not a usable value; using {used}"
