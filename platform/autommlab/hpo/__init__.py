"""Hyperparameter search: LAMP's search space, searchers behind Ray Tune, transfer.

    from autommlab.hpo import run_hpo, search_space
    result = run_hpo(train_fn, search_space("classification", "small"), "transfer",
                     num_trials=4, max_concurrent=2, metric="accuracy",
                     storage_path=Path("/abs/hpo"), name="req-1",
                     searcher_options={"dataset": "fashion-footwear"})

Names are imported on first use (Ray Tune's pattern): `import autommlab.hpo` does not
import Ray, Optuna or sentence-transformers.
"""

from __future__ import annotations

from autommlab.lazy import lazy_exports

_EXPORTS = {
    "SearchSpace": "autommlab.hpo.space",
    "search_space": "autommlab.hpo.space",
    "BUDGETS": "autommlab.hpo.space",
    "get_searcher": "autommlab.hpo.searchers.base",
    "available_searchers": "autommlab.hpo.searchers.base",
    "register_searcher": "autommlab.hpo.searchers.base",
    "RoundSearcher": "autommlab.hpo.searchers.base",
    "TrialRecord": "autommlab.hpo.searchers.base",
    "HPOHistory": "autommlab.hpo.history",
    "HPORecord": "autommlab.hpo.history",
    "run_hpo": "autommlab.hpo.tune",
    "resume_hpo": "autommlab.hpo.tune",
    "load_result": "autommlab.hpo.experiment",
    "HPOResult": "autommlab.hpo.result",
    "TrialSummary": "autommlab.hpo.result",
    "ray_overhead": "autommlab.hpo.result",
    "HPOEvent": "autommlab.hpo.callbacks",
    "TrialContext": "autommlab.hpo.trainable",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
