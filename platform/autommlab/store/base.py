"""The storage interface shared by the local-directory and S3 implementations.

Layout (both implementations, see DESIGN.md):
    zoo/datasets/<name>/   zoo/models/<name>/   runs/<tenant>/<request-id>/
    exports/<tenant>/<request-id>/<backend>/

Keys are '/'-separated relative paths without a leading '/'.

Artifacts (a directory of files under one prefix) are published atomically: the files are
written under a temporary key first; the artifact becomes visible only when its
`MANIFEST.json` (file list with sizes and sha256 checksums) is written, last. Readers use
`read_manifest` / `fetch_artifact`, which verify the checksums, so a published artifact is
complete or absent.
"""

from __future__ import annotations

import abc
import hashlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from autommlab.errors import IntegrityError, StoreError

MANIFEST_NAME = "MANIFEST.json"

#: Name prefixes of the temporary entries that publishing and atomic writes create
#: (`.staging-<uuid>`, `.tmp-<uuid>-<name>`, `.old-<uuid>-<name>`). `list_keys` hides them and
#: user keys may not use them, so an in-flight write is never mistaken for data.
INTERNAL_PREFIXES = (".staging-", ".tmp-", ".old-")

_CHUNK = 1 << 20


class ManifestEntry(BaseModel):
    path: str  # relative to the artifact prefix
    size: int
    sha256: str


class Manifest(BaseModel):
    prefix: str
    created: str  # ISO-8601 UTC
    files: list[ManifestEntry]
    metadata: dict[str, str] = {}


class Store(abc.ABC):
    """Key/value object storage with atomic artifact publishing."""

    #: human-readable location, e.g. '/home/me/.autommlab' or 's3://bucket/prefix'
    url: str

    # --- objects -------------------------------------------------------------------------
    @abc.abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None: ...

    @abc.abstractmethod
    def get_bytes(self, key: str) -> bytes:
        """Raise NotFoundInStoreError when the key does not exist."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def list_keys(self, prefix: str) -> Iterator[str]:
        """Every key under `prefix` (recursive), sorted."""

    @abc.abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Delete every key under `prefix`; return how many were deleted."""

    @abc.abstractmethod
    def upload_file(self, key: str, path: Path) -> None: ...

    @abc.abstractmethod
    def download_file(self, key: str, path: Path) -> None: ...

    # --- artifacts -----------------------------------------------------------------------
    @abc.abstractmethod
    def publish_dir(self, prefix: str, source: Path, metadata: dict[str, str] | None = None
                    ) -> Manifest:
        """Publish every file under local dir `source` as the artifact at `prefix`, atomically.

        Replaces an artifact already at `prefix`. On any failure the previous state (absent,
        or the previous complete artifact) is what readers see.
        """

    @abc.abstractmethod
    def read_manifest(self, prefix: str) -> Manifest | None:
        """The artifact's manifest, or None when no complete artifact is at `prefix`."""

    @abc.abstractmethod
    def fetch_artifact(self, prefix: str, dest: Path) -> Manifest:
        """Download the artifact at `prefix` into `dest`, verifying every checksum.

        Raise NotFoundInStoreError when absent, IntegrityError on a checksum mismatch.
        """


# --- helpers shared by the implementations -------------------------------------------------
def check_key(key: str, *, what: str = "key") -> str:
    """Validate a '/'-separated relative key and return it.

    Both stores reject the same keys, so code that works against the local store works
    against S3 too; for the local store this is also what keeps a key inside the root.
    """
    if not isinstance(key, str) or not key:
        raise StoreError(f"invalid store {what} {key!r}: it must be a non-empty string")
    if key.startswith("/") or "\\" in key or "\x00" in key:
        raise StoreError(f"invalid store {what} {key!r}: use a relative '/'-separated path "
                         "(no leading '/', no backslash)")
    for part in key.split("/"):
        if part in ("", ".", ".."):
            raise StoreError(f"invalid store {what} {key!r}: empty, '.' and '..' path "
                             "segments are not allowed (a key must stay inside the store)")
        if part.startswith(INTERNAL_PREFIXES):
            raise StoreError(f"invalid store {what} {key!r}: segments starting with "
                             f"{', '.join(INTERNAL_PREFIXES)} are reserved for in-flight writes")
    return key


def check_prefix(prefix: str, *, allow_empty: bool = True) -> str:
    """Validate a prefix (a key naming a 'directory'); return it without a trailing '/'.

    A prefix always means a whole path segment: 'zoo/data' does not match 'zoo/datasets/x'.
    """
    stripped = prefix.rstrip("/") if isinstance(prefix, str) else prefix
    if stripped == "" and allow_empty:
        return ""
    return check_key(stripped, what="prefix")


def join_key(prefix: str, key: str) -> str:
    """`prefix/key`, or `key` when the prefix is empty."""
    return f"{prefix}/{key}" if prefix else key


def is_internal(relative_key: str) -> bool:
    """True when any segment of the key is a temporary entry of an in-flight write."""
    return any(part.startswith(INTERNAL_PREFIXES) for part in relative_key.split("/"))


def sha256_file(path: Path) -> tuple[int, str]:
    """(size, sha256 hex digest) of a local file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def source_files(source: Path) -> list[tuple[str, Path]]:
    """Every regular file under `source` as (relative '/'-key, path), sorted by key.

    Refuses a source that holds a `MANIFEST.json` at its top (the store writes that name) or
    names a store key cannot have, before anything is written.
    """
    if not source.is_dir():
        raise StoreError(f"cannot publish {source}: it is not a directory")
    files: list[tuple[str, Path]] = []
    for path in source.rglob("*"):
        if path.is_dir():
            continue
        if not path.is_file():
            raise StoreError(f"cannot publish {path}: not a regular file (socket, fifo or "
                             "dangling link)")
        rel = path.relative_to(source).as_posix()
        if rel == MANIFEST_NAME:
            raise StoreError(f"cannot publish {source}: it contains {MANIFEST_NAME}, a name "
                             "the store reserves for the artifact's manifest")
        files.append((check_key(rel, what="file name"), path))
    return sorted(files)


def new_manifest(prefix: str, files: list[ManifestEntry],
                 metadata: dict[str, str] | None) -> Manifest:
    """A manifest stamped with the current UTC time."""
    return Manifest(prefix=prefix, created=datetime.now(UTC).isoformat(),
                    files=sorted(files, key=lambda entry: entry.path),
                    metadata=dict(metadata or {}))


def parse_manifest(data: bytes, where: str) -> Manifest:
    """Parse a stored manifest; a corrupt one is an IntegrityError naming where it is."""
    try:
        manifest = Manifest.model_validate_json(data)
    except ValidationError as exc:
        raise IntegrityError(f"the manifest at {where} is corrupt: {exc.errors()[0]['msg']}; "
                             "publish the artifact again") from exc
    for entry in manifest.files:
        check_key(entry.path, what=f"file name in the manifest at {where}")
    return manifest


def integrity_error(where: str, entry: ManifestEntry, size: int, sha256: str
                    ) -> IntegrityError:
    """The error for a stored file that does not match its manifest entry."""
    return IntegrityError(
        f"{where} does not match its manifest: expected {entry.size} bytes with sha256 "
        f"{entry.sha256[:12]}..., found {size} bytes with sha256 {sha256[:12]}...; the stored "
        "copy is corrupt or was replaced while reading; fetch again or publish it again")


def iter_file(path: Path) -> Iterator[bytes]:
    """The content of a local file in 1 MiB chunks (streams; never loads a whole model)."""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def write_atomic(dest: Path, chunks: Iterable[bytes],
                 check: Callable[[int, str], None] | None = None) -> tuple[int, str]:
    """Write `chunks` to `dest` through a temporary file in the same directory.

    The temporary file is fsynced and `os.replace`d over `dest`, so `dest` holds the old or
    the new content, never a torn file. `check(size, sha256)` runs before the replace and
    may raise (a checksum mismatch then never reaches `dest`). Returns (size, sha256).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".tmp-{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("xb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if check is not None:
            check(size, digest.hexdigest())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def write_verified(dest: Path, chunks: Iterable[bytes], entry: ManifestEntry, where: str) -> None:
    """Write a fetched file atomically, raising IntegrityError if it differs from `entry`."""

    def check(size: int, sha256: str) -> None:
        if size != entry.size or sha256 != entry.sha256:
            raise integrity_error(where, entry, size, sha256)

    write_atomic(dest, chunks, check)
