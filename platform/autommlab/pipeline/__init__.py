"""The request -> model pipeline (`run_pipeline`), its records and progress events."""

from autommlab.pipeline.options import BUDGETS, RunOptions
from autommlab.pipeline.progress import ProgressEvent, ProgressSink
from autommlab.pipeline.records import RunRecord, RunTrial
from autommlab.pipeline.run import resume_pipeline, run_pipeline

__all__ = ["BUDGETS", "ProgressEvent", "ProgressSink", "RunOptions", "RunRecord",
           "RunTrial", "resume_pipeline", "run_pipeline"]
