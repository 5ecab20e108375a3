"""The parsed-request contract (LAMP-compatible) as pydantic models.

Mirrors `request-config.schema.json` (shipped in `autommlab/data/`, a copy of the shared
spec; a test keeps the two identical). Field names are the schema's, including the key
"inference engine" with its space, so `model_dump(by_alias=True)` is exactly the JSON
other tools score.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import jsonschema
from pydantic import BaseModel, ConfigDict, Field

from autommlab.tasks import Task

SpeedUnit = Literal["ms", "s", "min", "h", "fps", "none"]
FlopsUnit = Literal["FLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs", "EFLOPs", "none"]
ParamsUnit = Literal["K", "M", "B", "none"]
GpuTarget = Literal["cpu", "gpu", "none"]
InferenceEngine = Literal["onnxruntime", "ncnn", "openvino", "tensorrt", "none"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Speed(_Strict):
    value: float = Field(default=0, ge=0)
    unit: SpeedUnit = "none"


class Flops(_Strict):
    value: float = Field(default=0, ge=0)
    unit: FlopsUnit = "none"


class Parameters(_Strict):
    value: float = Field(default=0, ge=0)
    unit: ParamsUnit = "none"


class Metric(_Strict):
    name: str
    value: float = Field(ge=0, le=1)


class DataSpec(_Strict):
    description: str = ""
    scenario: str = "none"
    object: list[str] = Field(default_factory=list)
    modality: str = "none"
    specific: list[str] = Field(default_factory=list)


class ModelSpec(_Strict):
    description: str = ""
    task: Task
    specific_model: str = "none"
    speed: Speed = Field(default_factory=Speed)
    flops: Flops = Field(default_factory=Flops)
    parameters: Parameters = Field(default_factory=Parameters)
    metrics: list[Metric] = Field(default_factory=list)


class DeploySpec(_Strict):
    description: str = ""
    gpu: GpuTarget = "none"
    inference_engine: InferenceEngine = Field(default="none", alias="inference engine")


class RequestConfig(_Strict):
    """What request understanding produces; the input of every later stage."""

    data: DataSpec
    model: ModelSpec
    deploy: DeploySpec

    def to_json_dict(self) -> dict[str, Any]:
        """The schema's JSON shape (alias keys, plain types)."""
        return self.model_dump(mode="json", by_alias=True)


@lru_cache(maxsize=1)
def request_schema() -> dict[str, Any]:
    text = resources.files("autommlab.data").joinpath("request-config.schema.json").read_text()
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = request_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def schema_errors(obj: Any) -> list[str]:
    """Every way `obj` violates the request-config JSON schema ([] when valid)."""
    errors = sorted(_validator().iter_errors(obj), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors]
