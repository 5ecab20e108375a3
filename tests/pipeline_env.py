"""Environment for tests that run the whole pipeline (real Ray, real training).

Each test module gets its own AUTOMMLAB_HOME (store, runs, hyperparameter history) in a
fresh temp root. HOME and RAY_TMPDIR (Ray's session files and auth token) are set once per
test session by conftest.py: a process that started Ray once keeps using the token it
made, so they must not change between two Ray starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

KEYS = ("AUTOMMLAB_HOME", "AUTOMMLAB_STORE", "AUTOMMLAB_TENANT")


@contextmanager
def pipeline_env(prefix: str) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    saved = {key: os.environ.get(key) for key in KEYS}
    (root / "am").mkdir()
    os.environ["AUTOMMLAB_HOME"] = str(root / "am")
    os.environ.pop("AUTOMMLAB_STORE", None)
    os.environ.pop("AUTOMMLAB_TENANT", None)
    try:
        yield root
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)  # runs, stores and checkpoints of the module
