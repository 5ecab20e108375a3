"""The local-directory store, and `StoreContract`: the behaviour every store must have.

`StoreContract` holds the tests users rely on whatever the backend (round trips, listing,
errors, atomic publishing); `test_store_s3.py` runs the same class against a real S3
server, so the two implementations cannot drift apart.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autommlab.errors import IntegrityError, NotFoundInStoreError, StoreError
from autommlab.store import LocalStore, Store, open_store
from autommlab.store.base import MANIFEST_NAME, Manifest, ManifestEntry

ARTIFACT = "runs/tenant-a/req-1"


def make_tree(root: Path, files: dict[str, bytes]) -> Path:
    """Write `files` ({'/'-relative path: content}) under `root`; return `root`."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def fail_on_call(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, n: int,
                 before: Callable[[tuple[Any, ...]], None] | None = None) -> None:
    """Patch method `name` of object `target` (for this test only) so its n-th call fails.

    With `before`, the n-th call first runs `before(args)` (e.g. delete the source file,
    kill the server) and then the real method, so the failure is the real one; without
    it, the n-th call raises OSError as a broken disk or network would.
    """
    real = getattr(target, name)
    calls = {"count": 0}

    def patched(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == n:
            if before is None:
                raise OSError(f"injected failure in call {n} of {name}")
            before(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, patched)


V1 = {"model.onnx": b"\x00\x01onnx-v1" * 100, "config.py": b"lr = 0.1\n",
      "old_only/notes.txt": b"only in v1", "deep/a/b/c.bin": bytes(range(256))}
V2 = {"model.onnx": b"\x00\x02onnx-v2" * 50, "config.py": b"lr = 0.05\n",
      "new_only.json": b"{}", "deep/a/b/c.bin": bytes(reversed(range(256)))}


class StoreContract:
    """Tests every Store implementation must pass; subclasses provide a `store` fixture."""

    # --- objects -------------------------------------------------------------------------
    def test_bytes_round_trip_and_overwrite(self, store: Store) -> None:
        store.put_bytes("zoo/models/m/card.yaml", b"name: m\n")
        assert store.get_bytes("zoo/models/m/card.yaml") == b"name: m\n"
        store.put_bytes("zoo/models/m/card.yaml", b"name: m2\n")
        assert store.get_bytes("zoo/models/m/card.yaml") == b"name: m2\n"
        store.put_bytes("empty", b"")
        assert store.get_bytes("empty") == b""
        assert store.exists("empty") and store.exists("zoo/models/m/card.yaml")

    def test_file_round_trip(self, store: Store, tmp_path: Path) -> None:
        src = tmp_path / "weights.pth"
        src.write_bytes(bytes(range(256)) * 1000)
        store.upload_file("runs/t/r/weights.pth", src)
        dest = tmp_path / "out" / "nested" / "weights.pth"
        store.download_file("runs/t/r/weights.pth", dest)
        assert dest.read_bytes() == src.read_bytes()

    def test_missing_key_is_not_found(self, store: Store, tmp_path: Path) -> None:
        assert not store.exists("no/such/key")
        with pytest.raises(NotFoundInStoreError, match="no/such/key"):
            store.get_bytes("no/such/key")
        with pytest.raises(NotFoundInStoreError, match="no/such/key"):
            store.download_file("no/such/key", tmp_path / "x")
        assert not (tmp_path / "x").exists()

    def test_list_keys_sorted_recursive_whole_segments(self, store: Store) -> None:
        for key in ["a/b/c.txt", "a/a.txt", "a.txt", "ab/x", "a/b/a-z", "a/z/y/x"]:
            store.put_bytes(key, key.encode())
        assert list(store.list_keys("a")) == ["a/a.txt", "a/b/a-z", "a/b/c.txt", "a/z/y/x"]
        assert list(store.list_keys("a/")) == list(store.list_keys("a"))
        assert list(store.list_keys("")) == sorted(
            ["a/b/c.txt", "a/a.txt", "a.txt", "ab/x", "a/b/a-z", "a/z/y/x"])
        assert list(store.list_keys("nothing/here")) == []

    @pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a/../../escape", "a//b",
                                     "./a", "a/./b", "", "a\\b", ".staging-x/y"])
    def test_bad_keys_rejected(self, store: Store, key: str) -> None:
        with pytest.raises(StoreError, match="invalid store"):
            store.put_bytes(key, b"x")
        with pytest.raises(StoreError, match="invalid store"):
            store.get_bytes(key)

    def test_delete_prefix(self, store: Store) -> None:
        for key in ["d/1", "d/2/3", "d2/keep"]:
            store.put_bytes(key, b"x")
        assert store.delete_prefix("d") == 2
        assert list(store.list_keys("")) == ["d2/keep"]
        assert store.delete_prefix("d") == 0
        with pytest.raises(StoreError):
            store.delete_prefix("")

    # --- artifacts -----------------------------------------------------------------------
    def test_publish_fetch_round_trip(self, store: Store, tmp_path: Path) -> None:
        source = make_tree(tmp_path / "src", V1)
        manifest = store.publish_dir(ARTIFACT, source, {"backend": "onnx"})
        assert manifest.prefix == ARTIFACT and manifest.metadata == {"backend": "onnx"}
        assert [e.path for e in manifest.files] == sorted(V1)
        for entry in manifest.files:
            assert entry.size == len(V1[entry.path])
            assert entry.sha256 == hashlib.sha256(V1[entry.path]).hexdigest()
        assert store.read_manifest(ARTIFACT) == manifest
        fetched = store.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert fetched == manifest
        assert read_tree(tmp_path / "dest") == V1
        assert list(store.list_keys(ARTIFACT)) == sorted(
            [f"{ARTIFACT}/{rel}" for rel in V1] + [f"{ARTIFACT}/{MANIFEST_NAME}"])

    def test_absent_artifact(self, store: Store, tmp_path: Path) -> None:
        assert store.read_manifest(ARTIFACT) is None
        with pytest.raises(NotFoundInStoreError, match=ARTIFACT):
            store.fetch_artifact(ARTIFACT, tmp_path / "dest")

    def test_files_without_manifest_are_no_artifact(self, store: Store, tmp_path: Path) -> None:
        store.put_bytes(f"{ARTIFACT}/model.onnx", b"half written")
        assert store.read_manifest(ARTIFACT) is None
        with pytest.raises(NotFoundInStoreError):
            store.fetch_artifact(ARTIFACT, tmp_path / "dest")

    def test_corrupted_file_is_integrity_error(self, store: Store, tmp_path: Path) -> None:
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "src", V1))
        store.put_bytes(f"{ARTIFACT}/config.py", b"lr = 99\n")  # bit rot, a bad sync
        with pytest.raises(IntegrityError, match=r"config\.py"):
            store.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert not (tmp_path / "dest" / "config.py").exists()  # never under its real name

    def test_missing_listed_file_is_integrity_error(self, store: Store, tmp_path: Path) -> None:
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "src", V1))
        store.delete_prefix(f"{ARTIFACT}/old_only")
        with pytest.raises(IntegrityError, match=r"old_only/notes\.txt"):
            store.fetch_artifact(ARTIFACT, tmp_path / "dest")

    def test_republish_replaces_completely(self, store: Store, tmp_path: Path) -> None:
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "v1", V1))
        manifest = store.publish_dir(ARTIFACT, make_tree(tmp_path / "v2", V2), {"v": "2"})
        assert store.read_manifest(ARTIFACT) == manifest
        assert list(store.list_keys(ARTIFACT)) == sorted(
            [f"{ARTIFACT}/{rel}" for rel in V2] + [f"{ARTIFACT}/{MANIFEST_NAME}"])
        assert not store.exists(f"{ARTIFACT}/old_only/notes.txt")
        store.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert read_tree(tmp_path / "dest") == V2

    def test_publish_refuses_manifest_in_source(self, store: Store, tmp_path: Path) -> None:
        source = make_tree(tmp_path / "src", {MANIFEST_NAME: b"{}", "a": b"a"})
        with pytest.raises(StoreError, match=MANIFEST_NAME):
            store.publish_dir(ARTIFACT, source)
        assert list(store.list_keys("")) == []

    def test_failed_first_publish_leaves_nothing(self, store: Store, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        fail_on_call(monkeypatch, store, "_stage_file", 3)
        with pytest.raises(StoreError, match="injected failure"):
            store.publish_dir(ARTIFACT, make_tree(tmp_path / "src", V1))
        assert store.read_manifest(ARTIFACT) is None
        assert list(store.list_keys("")) == []

    def test_failed_republish_keeps_previous(self, store: Store, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
        old = store.publish_dir(ARTIFACT, make_tree(tmp_path / "v1", V1))
        source = make_tree(tmp_path / "v2", V2)
        victim = source / "model.onnx"
        fail_on_call(monkeypatch, store, "_stage_file", 3, before=lambda args: victim.unlink())
        with pytest.raises(StoreError):
            store.publish_dir(ARTIFACT, source)
        assert store.read_manifest(ARTIFACT) == old
        assert list(store.list_keys(ARTIFACT)) == sorted(
            [f"{ARTIFACT}/{rel}" for rel in V1] + [f"{ARTIFACT}/{MANIFEST_NAME}"])
        store.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert read_tree(tmp_path / "dest") == V1

    def test_manifest_model(self, store: Store, tmp_path: Path) -> None:
        manifest = store.publish_dir(ARTIFACT, make_tree(tmp_path / "src", {"x": b"1"}))
        assert isinstance(manifest, Manifest)
        assert manifest.files == [ManifestEntry(path="x", size=1,
                                                sha256=hashlib.sha256(b"1").hexdigest())]
        assert manifest.created.endswith("+00:00")


class TestLocalStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> LocalStore:
        return LocalStore(tmp_path / "root")

    def test_keys_map_to_files_under_root(self, store: LocalStore) -> None:
        store.put_bytes("zoo/datasets/d/card.yaml", b"x")
        assert (store.root / "zoo" / "datasets" / "d" / "card.yaml").read_bytes() == b"x"

    def test_escaping_key_writes_nothing_outside(self, store: LocalStore, tmp_path: Path
                                                 ) -> None:
        for key in ["../outside", f"/{tmp_path}/abs", "x/../../outside"]:
            with pytest.raises(StoreError):
                store.put_bytes(key, b"x")
        assert sorted(p.name for p in tmp_path.iterdir()) == []  # not even the root

    def test_no_temporary_files_remain(self, store: LocalStore, tmp_path: Path) -> None:
        store.put_bytes("a/b", b"1")
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "v1", V1))
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "v2", V2))
        names = [p.name for p in store.root.rglob("*")]
        assert not [n for n in names if n.startswith((".tmp-", ".staging-", ".old-"))]

    def test_crash_leftovers_hidden_then_removed(self, store: LocalStore, tmp_path: Path
                                                 ) -> None:
        parent = store.root / "runs" / "tenant-a"
        leftovers = [parent / f".staging-{'a' * 32}-req-1", parent / f".old-{'b' * 32}-req-1"]
        for leftover in leftovers:
            make_tree(leftover, {"model.onnx": b"partial"})
        (parent / ".tmp-0123").write_bytes(b"torn")
        assert list(store.list_keys("")) == []
        store.publish_dir(ARTIFACT, make_tree(tmp_path / "src", V1))
        assert not any(p.exists() for p in leftovers)

    def test_failed_swap_restores_previous(self, store: LocalStore, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
        """A failure between moving the old artifact aside and moving the new one in puts
        the old one back."""
        import autommlab.store.local as local

        old = store.publish_dir(ARTIFACT, make_tree(tmp_path / "v1", V1))
        real_rename = local.os.rename

        def rename(src: Any, dst: Any) -> None:
            if Path(src).name.startswith(".staging-"):
                raise OSError(28, "No space left on device", str(dst))
            real_rename(src, dst)

        monkeypatch.setattr(local.os, "rename", rename)
        with pytest.raises(StoreError, match="No space left"):
            store.publish_dir(ARTIFACT, make_tree(tmp_path / "v2", V2))
        monkeypatch.undo()
        assert store.read_manifest(ARTIFACT) == old
        store.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert read_tree(tmp_path / "dest") == V1

    def test_corrupt_manifest_is_integrity_error(self, store: LocalStore) -> None:
        store.put_bytes(f"{ARTIFACT}/{MANIFEST_NAME}", b"{not json")
        with pytest.raises(IntegrityError, match="corrupt"):
            store.read_manifest(ARTIFACT)

    def test_manifest_cannot_point_outside(self, store: LocalStore, tmp_path: Path) -> None:
        manifest = Manifest(prefix=ARTIFACT, created="2025-01-01T00:00:00+00:00",
                            files=[ManifestEntry(path="../../../../x", size=1, sha256="0")])
        store.put_bytes(f"{ARTIFACT}/{MANIFEST_NAME}", manifest.model_dump_json().encode())
        with pytest.raises(StoreError):
            store.fetch_artifact(ARTIFACT, tmp_path / "dest")
        assert not (tmp_path / "x").exists()


# --- open_store and the default root ----------------------------------------------------------
def test_default_root_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOMMLAB_STORE", raising=False)
    monkeypatch.setenv("AUTOMMLAB_HOME", str(tmp_path / "home"))
    store = open_store(None)
    assert isinstance(store, LocalStore) and store.root == tmp_path / "home"
    monkeypatch.delenv("AUTOMMLAB_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert LocalStore().root == tmp_path / "user" / ".autommlab"


def test_open_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOMMLAB_STORE", str(tmp_path / "from-env"))
    assert open_store(None).url == str(tmp_path / "from-env")
    assert open_store(str(tmp_path / "p")).url == str(tmp_path / "p")
    assert open_store(f"file://{tmp_path}/f").url == str(tmp_path / "f")
    for bad in ["gs://bucket", "file://host/x", "s3://"]:
        with pytest.raises(StoreError):
            open_store(bad)


def test_importing_store_does_not_import_boto3() -> None:
    code = ("import sys, autommlab.store as s; s.open_store('/tmp/x'); "
            "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
