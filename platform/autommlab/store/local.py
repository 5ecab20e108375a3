"""The local-directory store: the embedded default (`~/.autommlab`, or `$AUTOMMLAB_HOME`).

Every key is a file under the root (`zoo/models/x/card.yaml` -> `<root>/zoo/models/x/card.yaml`),
so the store can be inspected, backed up and synced to S3 with ordinary tools.

What users can rely on:

* A key never escapes the root: absolute keys and '..' segments are rejected (StoreError).
  The check is lexical; a symlink the user placed inside the root is followed on purpose.
* A single object (`put_bytes`, `upload_file`, `download_file`) is written to a temporary
  file in the target directory, fsynced, then `os.replace`d: readers see the old or the new
  content, never a torn file.
* `publish_dir(prefix, ...)` copies the files into `.staging-<uuid>-<name>` next to the
  target directory, hashing them on the way, writes `MANIFEST.json` there, and renames the
  directory into place. An existing artifact is renamed aside to `.old-<uuid>-<name>` first
  and deleted after the new one is in. Readers therefore see the previous complete artifact
  or the new complete one; the only other state, during the microseconds between the two
  renames or after a crash exactly there, is "absent" (`read_manifest` returns None). A
  failure before the renames leaves the previous artifact untouched.
* An artifact owns its whole prefix: publishing replaces everything under it.
* Leftover `.staging-*` / `.old-*` / `.tmp-*` entries of a crashed writer are hidden from
  `list_keys` and removed by the next publish to the same prefix. One writer per prefix
  at a time (each run writes its own `runs/<tenant>/<request-id>/`).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from autommlab.errors import IntegrityError, NotFoundInStoreError, StoreError
from autommlab.store.base import (
    MANIFEST_NAME,
    Manifest,
    ManifestEntry,
    Store,
    check_key,
    check_prefix,
    is_internal,
    iter_file,
    join_key,
    new_manifest,
    parse_manifest,
    source_files,
    write_atomic,
    write_verified,
)

HOME_ENV = "AUTOMMLAB_HOME"


def default_root() -> Path:
    """`$AUTOMMLAB_HOME` when set, else `~/.autommlab`."""
    return Path(os.environ.get(HOME_ENV) or "~/.autommlab").expanduser()


@contextmanager
def _os_errors(action: str) -> Iterator[None]:
    """Turn an unexpected OSError (permissions, disk full, a file where a directory should
    be) into a StoreError that says what was being done, so the CLI can show it."""
    try:
        yield
    except StoreError:
        raise
    except OSError as exc:
        raise StoreError(f"{action} failed: {exc.strerror or exc} "
                         f"({exc.filename or 'no file name'})") from exc


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX needs the directory itself fsynced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    """Delete a file or a directory tree; a path already gone is fine."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def swap_in(staging: Path, target: Path, old: Path) -> None:
    """Rename a complete `staging` file or directory to `target`, moving an existing target
    aside to `old` first and deleting it after; a failed rename puts the previous one back.
    Readers see the old or the new version, never a mix."""
    if not (target.exists() or target.is_symlink()):
        os.rename(staging, target)
        _fsync_dir(target.parent)
        return
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)  # put the previous artifact back before reporting
        raise
    _fsync_dir(target.parent)
    _remove(old)


class LocalStore(Store):
    """A `Store` in a local directory."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root).expanduser().absolute() if root else default_root().absolute()
        self.url = str(self.root)

    def __repr__(self) -> str:
        return f"LocalStore({self.url!r})"

    # --- keys ----------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        """The file of a validated key (validation keeps it inside the root)."""
        return self.root.joinpath(*check_key(key).split("/"))

    def _prefix_path(self, prefix: str) -> Path:
        prefix = check_prefix(prefix)
        return self.root.joinpath(*prefix.split("/")) if prefix else self.root

    def _missing(self, key: str) -> NotFoundInStoreError:
        return NotFoundInStoreError(f"no object '{key}' in the store at {self.url}")

    # --- objects -------------------------------------------------------------------------
    def put_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        with _os_errors(f"writing '{key}' to {self.url}"):
            write_atomic(path, [bytes(data)])

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        with _os_errors(f"reading '{key}' from {self.url}"):
            try:
                return path.read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                raise self._missing(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list_keys(self, prefix: str) -> Iterator[str]:
        base = self._prefix_path(prefix)
        if not base.is_dir():
            return iter(())
        keys: list[str] = []
        with _os_errors(f"listing '{prefix}' in {self.url}"):
            for dirpath, dirnames, filenames in os.walk(base):
                rel_dir = Path(dirpath).relative_to(self.root).as_posix()
                dirnames[:] = [d for d in dirnames if not is_internal(d)]
                for name in filenames:
                    key = name if rel_dir == "." else f"{rel_dir}/{name}"
                    if not is_internal(name) and (Path(dirpath) / name).is_file():
                        keys.append(key)
        return iter(sorted(keys))

    def delete_prefix(self, prefix: str) -> int:
        base = self._prefix_path(check_prefix(prefix, allow_empty=False))
        if not base.is_dir() or base.is_symlink():
            return 0
        with _os_errors(f"deleting '{prefix}' in {self.url}"):
            count = sum(len(files) for _, _, files in os.walk(base))
            shutil.rmtree(base)
        return count

    def upload_file(self, key: str, path: Path) -> None:
        dest = self._path(key)
        if not Path(path).is_file():
            raise StoreError(f"cannot store '{key}': local file {path} does not exist")
        with _os_errors(f"copying {path} to '{key}' in {self.url}"):
            write_atomic(dest, iter_file(Path(path)))

    def download_file(self, key: str, path: Path) -> None:
        src = self._path(key)
        if not src.is_file():
            raise self._missing(key)
        with _os_errors(f"copying '{key}' from {self.url} to {path}"):
            write_atomic(Path(path), iter_file(src))

    # --- artifacts -----------------------------------------------------------------------
    def publish_dir(self, prefix: str, source: Path, metadata: dict[str, str] | None = None
                    ) -> Manifest:
        prefix = check_prefix(prefix, allow_empty=False)
        files = source_files(Path(source))
        target = self._path(prefix)
        token = uuid.uuid4().hex
        staging = target.parent / f".staging-{token}-{target.name}"
        with _os_errors(f"publishing {source} to '{prefix}' in {self.url}"):
            target.parent.mkdir(parents=True, exist_ok=True)
            self._remove_leftovers(target)
            try:
                staging.mkdir()
                entries = [self._stage_file(rel, path, staging) for rel, path in files]
                manifest = new_manifest(prefix, entries, metadata)
                write_atomic(staging / MANIFEST_NAME,
                             [manifest.model_dump_json(indent=2).encode()])
                self._swap_in(staging, target, token)
            except BaseException:
                _remove(staging)
                raise
        return manifest

    def _stage_file(self, rel: str, src: Path, staging: Path) -> ManifestEntry:
        """Copy one source file into the staging directory, hashing it in the same pass.

        The hash is of the bytes actually written, so the manifest describes the stored copy
        even if the source changes meanwhile. (Tests patch this to inject failures.)
        """
        size, sha256 = write_atomic(staging.joinpath(*rel.split("/")), iter_file(src))
        return ManifestEntry(path=rel, size=size, sha256=sha256)

    def _swap_in(self, staging: Path, target: Path, token: str) -> None:
        swap_in(staging, target, target.parent / f".old-{token}-{target.name}")

    def _remove_leftovers(self, target: Path) -> None:
        """Delete `.staging-*` / `.old-*` siblings that crashed publishes of `target` left."""
        pattern = re.compile(r"\.(staging|old)-[0-9a-f]{32}-" + re.escape(target.name))
        for entry in target.parent.iterdir():
            if pattern.fullmatch(entry.name):
                _remove(entry)

    def read_manifest(self, prefix: str) -> Manifest | None:
        prefix = check_prefix(prefix, allow_empty=False)
        path = self._path(join_key(prefix, MANIFEST_NAME))
        with _os_errors(f"reading the manifest of '{prefix}' in {self.url}"):
            try:
                data = path.read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                return None
        return parse_manifest(data, f"{self.url}/{prefix}")

    def fetch_artifact(self, prefix: str, dest: Path) -> Manifest:
        prefix = check_prefix(prefix, allow_empty=False)
        manifest = self.read_manifest(prefix)
        if manifest is None:
            raise NotFoundInStoreError(
                f"no published artifact at '{prefix}' in the store at {self.url} "
                f"(no {MANIFEST_NAME}: never published, or a publish did not finish)")
        dest = Path(dest)
        with _os_errors(f"fetching '{prefix}' from {self.url} into {dest}"):
            for entry in manifest.files:
                key = join_key(prefix, entry.path)
                src = self._path(key)
                where = f"{self.url}/{key}"
                if not src.is_file():
                    raise IntegrityError(f"{where} is listed in the manifest but missing; "
                                         "publish the artifact again")
                write_verified(dest.joinpath(*entry.path.split("/")), iter_file(src), entry,
                               where)
        return manifest
