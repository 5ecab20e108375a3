"""Pipeline faults through the real CLI: a bad request fails in its stage with a clear
message and exit code; an interrupted run is finished by `autommlab runs resume` without
training its finished trials again.

The CLI runs in subprocesses (as users run it); each starts its own local Ray on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline_env import pipeline_env

CLI = [sys.executable, "-m", "autommlab.cli"]
REQUEST = "Classify sneakers, sandals and ankle boots for a shoe shop, ONNX."


@pytest.fixture(scope="module")
def env() -> Iterator[Path]:
    with pipeline_env("am-faults-") as root:
        yield root


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          check=False, env=os.environ | {"OMP_NUM_THREADS": "1"})


def test_impossible_constraint_fails_in_select_with_exit_code(env: Path) -> None:
    out = _cli("run", "Classify sneakers and sandals, under 1K parameters.", "--json",
               "--request-id", "r-impossible")
    assert out.returncode == 5, out.stderr
    assert "no classification model in the zoo meets params <= 0.001 M" in out.stderr
    shown = json.loads(_cli("runs", "show", "r-impossible", "--json").stdout)
    assert shown["status"] == "failed" and shown["error_stage"] == "select"
    assert shown["stages_done"] == ["understand"]


def test_unknown_searcher_fails_before_any_work(env: Path) -> None:
    out = _cli("run", REQUEST, "--searcher", "genetic", "--request-id", "r-searcher")
    assert out.returncode == 2 and "unknown searcher 'genetic'" in out.stderr
    assert "r-searcher" not in _cli("runs", "list", "--json").stdout


def test_interrupted_run_resumes_without_repeating_finished_trials(env: Path) -> None:
    run_id = "r-interrupted"
    runs = Path(os.environ["AUTOMMLAB_HOME"]) / "work" / "runs" / "default" / run_id
    proc = subprocess.Popen(
        [*CLI, "run", REQUEST, "--request-id", run_id, "--trials", "3", "--concurrent", "1",
         "--max-iters", "30", "--searcher", "random", "--data-scale", "0.1", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"OMP_NUM_THREADS": "1"})
    try:
        first = _wait_for(lambda: sorted(runs.glob("trials/*/result.json")), 600)
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl+C: only the process this test started
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0
    record = json.loads((runs / "run.json").read_text())
    assert record["status"] == "interrupted", stderr
    assert record["stages_done"] == ["understand", "select", "data"]
    finished = {p: p.stat().st_mtime_ns for p in first}

    out = _cli("runs", "resume", run_id, "--json", timeout=900)
    assert out.returncode == 0, out.stderr
    resumed = json.loads(out.stdout)
    assert resumed["status"] == "succeeded"
    assert len(resumed["trials"]) == 3
    assert len(list(runs.glob("trials/*/hparams.json"))) == 3  # no trial trained twice
    for path, mtime in finished.items():
        assert path.stat().st_mtime_ns == mtime, f"{path} was trained again"
    assert resumed["deploy"]["verification"]["passed"]


def _wait_for(check: Callable[[], list[Path]], timeout: float) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("timed out")
