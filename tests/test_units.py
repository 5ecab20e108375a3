"""Unit normalisation after parsing: params -> M, FLOPs -> GFLOPs, speed -> latency ms."""

import pytest

from autommlab.understand.schema import Flops, Parameters, Speed
from autommlab.understand.units import flops_in_g, latency_in_ms, params_in_m


@pytest.mark.parametrize("p,m", [(Parameters(value=500, unit="K"), 0.5),
                                 (Parameters(value=5, unit="M"), 5.0),
                                 (Parameters(value=0.5, unit="B"), 500.0),
                                 (Parameters(), None)])
def test_params_in_millions(p, m):
    assert params_in_m(p) == pytest.approx(m) if m else params_in_m(p) is None


@pytest.mark.parametrize("f,g", [(Flops(value=600, unit="MFLOPs"), 0.6),
                                 (Flops(value=2e9, unit="FLOPs"), 2.0),
                                 (Flops(value=1.2, unit="TFLOPs"), 1200.0)])
def test_flops_in_gflops(f, g):
    assert flops_in_g(f) == pytest.approx(g)


@pytest.mark.parametrize("s,ms", [(Speed(value=30, unit="fps"), 1000 / 30),
                                  (Speed(value=0.05, unit="s"), 50.0),
                                  (Speed(value=20, unit="ms"), 20.0),
                                  (Speed(value=1, unit="min"), 60_000.0),
                                  (Speed(), None)])
def test_speed_as_latency_ceiling(s, ms):
    assert latency_in_ms(s) == pytest.approx(ms) if ms else latency_in_ms(s) is None
