"""What a pipeline run is asked to do: `RunOptions`, and the budgets behind `--budget`.

One `budget` knob sizes a run for the machine it runs on. The HPO search space scales its
iteration ranges, trial count and concurrency with it (`autommlab.hpo.space.BUDGETS`);
here it sets how much of the built-in dataset is built (scale 1.0 = the card's sizes).
Small is for a laptop demo (minutes), medium for a real model on 2 CPU cores (under 20
minutes), large for a workstation or a GPU.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from autommlab.errors import AutommlabError

Budget = Literal["small", "medium", "large"]
TENANT_ENV = "AUTOMMLAB_TENANT"
DEFAULT_TENANT = "default"
# Tenant and request ids become store keys and directory names: keep them boring.
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,62}$")


class BudgetPlan(BaseModel):
    """The pipeline's part of a budget; trial counts, concurrency and iteration ranges per
    task are in `autommlab.hpo.space.BUDGETS`."""

    model_config = ConfigDict(frozen=True)

    data_scale: float = Field(description="built-in dataset build scale")
    val_interval_fraction: float = Field(
        default=0.25, description="validate every this fraction of a trial's iterations")


BUDGETS: dict[str, BudgetPlan] = {
    "small": BudgetPlan(data_scale=0.25),
    "medium": BudgetPlan(data_scale=1.0),
    "large": BudgetPlan(data_scale=1.0),
}


class RunOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budget: Budget = "small"
    searcher: str = "tpe"
    trials: int | None = Field(default=None, ge=1, le=1000,
                               description="HPO trials (default: the budget's)")
    max_concurrent: int | None = Field(default=None, ge=1, le=64)
    asha: bool = False
    parser_backend: str = "rules"
    tenant: str = Field(default_factory=lambda: os.environ.get(TENANT_ENV, DEFAULT_TENANT))
    store_url: str | None = None
    seed: int = 0
    threads_per_trial: int = Field(default=1, ge=1)
    ray_address: str | None = Field(default=None, description="Ray cluster; None = local Ray "
                                    "on 127.0.0.1")
    data_scale: float | None = Field(default=None, gt=0, le=1.0)
    max_iters: int | None = Field(default=None, ge=10, description="cap on each trial's "
                                  "training iterations (a quick smoke run of the pipeline)")

    @property
    def plan(self) -> BudgetPlan:
        return BUDGETS[self.budget]

    @property
    def scale(self) -> float:
        return self.data_scale or self.plan.data_scale


def check_id(value: str, what: str) -> str:
    """Validate a tenant or request id (lower-case letters, digits, '-', '_'; 1-63 chars)."""
    if not _ID.match(value or ""):
        raise AutommlabError(f"invalid {what} {value!r}: use 1-63 lower-case letters, digits, "
                             "'-' or '_', starting with a letter or digit")
    return value


def new_request_id(now: datetime | None = None) -> str:
    """Sortable, unique: r-20261121-074512-1a2b3c."""
    now = now or datetime.now(UTC)
    return f"r-{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
