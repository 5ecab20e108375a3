"""Errors users see. Every error says what was wrong and what to do about it.

The CLI turns any `AutommlabError` into a one-paragraph message and a non-zero exit code,
never a traceback.
"""

from __future__ import annotations


class AutommlabError(Exception):
    """Base class of every error autommlab raises on purpose."""

    exit_code = 1


class RequestError(AutommlabError):
    """The request text cannot be understood (empty, not text, no task)."""

    exit_code = 2


class BackendUnavailableError(AutommlabError):
    """A parser / searcher / exporter backend is unknown or not installed."""

    exit_code = 2


class StoreError(AutommlabError):
    """The store (local directory or S3) failed: missing bucket, bad credentials, outage."""

    exit_code = 3


class NotFoundInStoreError(StoreError):
    """A key or artifact does not exist in the store."""


class IntegrityError(StoreError):
    """A stored file does not match its manifest checksum."""


class ZooError(AutommlabError):
    """A data or model card is invalid, or a zoo item is missing."""

    exit_code = 4


class SelectionError(AutommlabError):
    """No dataset or model satisfies the request; the message lists the closest options."""

    exit_code = 5


class TrainingError(AutommlabError):
    """A training run could not be configured or failed (bad config, crashed trainer)."""

    exit_code = 6


class HPOError(AutommlabError):
    """Hyperparameter search failed: every trial crashed, bad search space, no experiment
    to resume."""

    exit_code = 7


class DeployError(AutommlabError):
    """Export, verification or publishing of a model failed."""

    exit_code = 8


class LLMError(AutommlabError):
    """An LLM backend failed: model or adapter missing, endpoint unreachable, a reply that
    is not valid JSON for the schema, a fine-tuning run that cannot start or resume."""

    exit_code = 9
