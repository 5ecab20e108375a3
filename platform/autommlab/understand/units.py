"""Unit normalisation: the step after parsing that makes constraints comparable.

Parsing keeps the user's units (LAMP convention); selection needs one unit per quantity:
parameters in millions, FLOPs in GFLOPs, speed as a maximum per-image latency in ms
(an fps floor of F is a latency ceiling of 1000/F ms).
"""

from __future__ import annotations

from dataclasses import dataclass

from autommlab.understand.schema import Flops, Parameters, RequestConfig, Speed

_PARAMS_TO_M = {"K": 1e-3, "M": 1.0, "B": 1e3}
_FLOPS_TO_G = {"FLOPs": 1e-9, "MFLOPs": 1e-3, "GFLOPs": 1.0, "TFLOPs": 1e3, "PFLOPs": 1e6,
               "EFLOPs": 1e9}
_TIME_TO_MS = {"ms": 1.0, "s": 1e3, "min": 60e3, "h": 3600e3}


@dataclass(frozen=True)
class Constraints:
    """Hard limits from a request, in canonical units; None = no limit."""

    max_params_m: float | None = None
    max_gflops: float | None = None
    max_latency_ms: float | None = None

    @property
    def min_fps(self) -> float | None:
        return 1000.0 / self.max_latency_ms if self.max_latency_ms else None

    def describe(self) -> list[str]:
        out = []
        if self.max_params_m is not None:
            out.append(f"params <= {self.max_params_m:g} M")
        if self.max_gflops is not None:
            out.append(f"FLOPs <= {self.max_gflops:g} G")
        if self.max_latency_ms is not None:
            out.append(f"latency <= {self.max_latency_ms:g} ms ({self.min_fps:g} fps)")
        return out


def params_in_m(p: Parameters) -> float | None:
    return p.value * _PARAMS_TO_M[p.unit] if p.unit != "none" and p.value > 0 else None


def flops_in_g(f: Flops) -> float | None:
    return f.value * _FLOPS_TO_G[f.unit] if f.unit != "none" and f.value > 0 else None


def latency_in_ms(s: Speed) -> float | None:
    if s.unit == "none" or s.value <= 0:
        return None
    if s.unit == "fps":
        return 1000.0 / s.value
    return s.value * _TIME_TO_MS[s.unit]


def normalise_constraints(config: RequestConfig) -> Constraints:
    return Constraints(
        max_params_m=params_in_m(config.model.parameters),
        max_gflops=flops_in_g(config.model.flops),
        max_latency_ms=latency_in_ms(config.model.speed),
    )
