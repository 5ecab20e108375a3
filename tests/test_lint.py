"""The codebase stays ruff-clean and keeps its layer contracts (import-linter)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("tool,args", [("ruff", ["check", "."]), ("lint-imports", [])])
def test_tool_passes(tool, args):
    exe = BIN / tool if (BIN / tool).exists() else shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} not installed (pip install 'autommlab[dev]')")
    done = subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
