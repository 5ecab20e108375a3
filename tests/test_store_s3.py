"""The S3 store against a real S3 server (SeaweedFS, which checks signatures).

Runs the whole `StoreContract` of test_store_local.py, then what only S3 has: bucket and
credential errors, outages, and a server killed in the middle of a publish.
"""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("boto3", reason="boto3 is not installed (pip install 'autommlab[s3]')")

from autommlab.errors import NotFoundInStoreError, StoreError
from autommlab.store import S3Store, open_store
from autommlab.store.base import MANIFEST_NAME
from s3server import SeaweedS3, use_s3_env
from test_store_local import ARTIFACT, V1, V2, StoreContract, fail_on_call, make_tree, read_tree

pytestmark = pytest.mark.s3


class TestS3Store(StoreContract):
    @pytest.fixture
    def store(self, s3_store: S3Store) -> S3Store:
        return s3_store

    def test_store_prefixes_are_isolated(self, s3_env: SeaweedS3, s3_bucket: str) -> None:
        tag = uuid.uuid4().hex[:8]
        one, two = S3Store(s3_bucket, f"{tag}/one"), S3Store(s3_bucket, f"{tag}/two/")
        one.put_bytes("k", b"1")
        two.put_bytes("k", b"2")
        assert (one.get_bytes("k"), two.get_bytes("k")) == (b"1", b"2")
        assert list(S3Store(s3_bucket, tag).list_keys("")) == ["one/k", "two/k"]
        assert one.url == f"s3://{s3_bucket}/{tag}/one"

    def test_open_store_s3_url(self, s3_env: SeaweedS3, s3_bucket: str) -> None:
        store = open_store(f"s3://{s3_bucket}/via-url-{uuid.uuid4().hex[:8]}")
        assert isinstance(store, S3Store) and store.endpoint_url == s3_env.endpoint
        store.put_bytes("x", b"y")
        assert store.get_bytes("x") == b"y"

    def test_large_file_multipart(self, store: S3Store, tmp_path: Path) -> None:
        """Above boto3's 8 MiB threshold uploads go multipart; the copy and the checksums
        must still hold."""
        big = {"weights.pth": bytes(range(256)) * (9 * 4096)}  # 9 MiB
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "src", big))
        store.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert read_tree(tmp_path / "dest") == big

    def test_staging_keys_are_deleted(self, store: S3Store, s3_env: SeaweedS3, s3_bucket: str,
                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Hidden is not enough: neither a publish nor a failed one leaves staging keys."""
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "v1", V1))
        fail_on_call(monkeypatch, store, "_copy_staged", 2)
        with pytest.raises(StoreError, match="injected"):
            store.publish_dir(ARTIFACT, make_tree(tmp_path / "v2", V2))
        assert store.read_manifest(ARTIFACT) is None  # failed after the old manifest went
        assert ".staging-" not in " ".join(raw_keys(s3_env, s3_bucket, store.prefix))


def raw_keys(server: SeaweedS3, bucket: str, prefix: str) -> list[str]:
    """Every key in the bucket under `prefix`, internal ones included."""
    pages = server.client().get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=f"{prefix}/")
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


# --- errors users must understand --------------------------------------------------------------
def test_missing_bucket_says_which_and_how_to_create(s3_env: SeaweedS3) -> None:
    store = S3Store("no-such-bucket-autommlab")
    for call in (lambda: store.put_bytes("k", b"x"), lambda: store.get_bytes("k"),
                 lambda: store.exists("k"), lambda: store.read_manifest("a"),
                 lambda: list(store.list_keys(""))):
        with pytest.raises(StoreError) as info:
            call()
        assert not isinstance(info.value, NotFoundInStoreError)
        message = str(info.value)
        assert "no-such-bucket-autommlab" in message and "does not exist" in message
        assert f"aws s3 mb s3://no-such-bucket-autommlab --endpoint-url {s3_env.endpoint}" in (
            message)


@pytest.mark.parametrize("wrong", ["secret", "access key"])
def test_wrong_credentials_rejected_without_leaking(
        wrong: str, seaweedfs: SeaweedS3, s3_bucket: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    bad_secret = "wrong-secret-do-not-print-4242"
    override = ({"AWS_SECRET_ACCESS_KEY": bad_secret} if wrong == "secret"
                else {"AWS_ACCESS_KEY_ID": "AKIAUNKNOWN0000", "AWS_SECRET_ACCESS_KEY": bad_secret})
    use_s3_env(monkeypatch, seaweedfs, tmp_path, **override)
    store = S3Store(s3_bucket, "creds")
    for call in (lambda: store.get_bytes("k"), lambda: store.put_bytes("k", b"x"),
                 lambda: store.exists("k")):  # exists: a HEAD, whose 403 has no error code
        with pytest.raises(StoreError, match="credentials were rejected") as info:
            call()
        assert not isinstance(info.value, NotFoundInStoreError)
        assert bad_secret not in str(info.value) and seaweedfs.secret_key not in str(info.value)


def test_unreachable_endpoint_fails_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    use_s3_env(monkeypatch, None, tmp_path, AUTOMMLAB_S3_ENDPOINT=dead)
    store = S3Store("any-bucket")
    for call in (lambda: store.get_bytes("k"), lambda: store.publish_dir(
            ARTIFACT, make_tree(tmp_path / "src", V1))):
        started = time.monotonic()
        with pytest.raises(StoreError, match="cannot reach the S3 endpoint") as info:
            call()
        assert time.monotonic() - started < 15
        assert dead in str(info.value)


def test_hung_endpoint_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that accepts connections but never answers fails within the read timeout
    times the attempts, not after minutes."""
    with socket.socket() as listener:  # the kernel completes handshakes; nobody reads
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
        use_s3_env(monkeypatch, None, tmp_path, AUTOMMLAB_S3_ENDPOINT=endpoint)
        store = S3Store("any-bucket", read_timeout=1, max_attempts=2)
        started = time.monotonic()
        with pytest.raises(StoreError, match="did not answer within 1 s"):
            store.get_bytes("k")
        assert time.monotonic() - started < 8


# --- a server that dies in the middle of a publish --------------------------------------------
@pytest.mark.parametrize(("step", "method"), [("upload to staging", "_stage_file"),
                                             ("copy to final keys", "_copy_staged")])
def test_server_killed_mid_publish_leaves_no_partial_artifact(
        step: str, method: str, seaweedfs_factory, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    server: SeaweedS3 = seaweedfs_factory()
    bucket = server.create_bucket("crash-test")
    use_s3_env(monkeypatch, server, tmp_path)
    store = S3Store(bucket, "tenant-a")
    old = store.publish_dir(ARTIFACT, make_tree(tmp_path / "v1", V1))

    killed: list[int | None] = []

    def kill_server(_args: tuple[object, ...]) -> None:
        killed.append(server.pid)
        server.kill()  # SIGKILL by PID: no clean shutdown

    fail_on_call(monkeypatch, store, method, 2, before=kill_server)
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot reach the S3 endpoint"):
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "v2", V2))
    assert killed and time.monotonic() - started < 20
    monkeypatch.undo()

    server.start()  # same data dir, same ports
    use_s3_env(monkeypatch, server, tmp_path)
    reader = S3Store(bucket, "tenant-a")
    manifest = reader.read_manifest(ARTIFACT)
    if step == "upload to staging":  # before the old manifest was deleted: old is intact
        assert manifest == old
        reader.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert read_tree(tmp_path / "dest") == V1
    else:  # after: the artifact is absent, never partial
        assert manifest is None
        with pytest.raises(NotFoundInStoreError):
            reader.fetch_artifact(ARTIFACT, tmp_path / "dest")
    assert all(".staging-" not in key for key in reader.list_keys(""))

    # the next publish succeeds and cleans up whatever the crash left
    new = reader.publish_dir(ARTIFACT, make_tree(tmp_path / "v2", V2))
    assert reader.read_manifest(ARTIFACT) == new
    assert raw_keys(server, bucket, f"tenant-a/{ARTIFACT}") == sorted(
        [f"tenant-a/{ARTIFACT}/{rel}" for rel in V2] + [f"tenant-a/{ARTIFACT}/{MANIFEST_NAME}"])
