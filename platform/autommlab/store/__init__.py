"""Where zoos, runs and exports live: a local directory (default) or an S3 bucket.

    from autommlab.store import open_store
    store = open_store("s3://my-bucket/team-a")   # or None -> $AUTOMMLAB_STORE or ~/.autommlab

`S3Store` is imported lazily, so `import autommlab.store` works without boto3 (the `s3`
extra) and costs nothing when only the local store is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from autommlab.errors import StoreError
from autommlab.store.base import Manifest, ManifestEntry, Store
from autommlab.store.local import LocalStore

if TYPE_CHECKING:
    from autommlab.store.s3 import S3Store

__all__ = ["LocalStore", "Manifest", "ManifestEntry", "S3Store", "Store", "open_store"]

STORE_ENV = "AUTOMMLAB_STORE"


def __getattr__(name: str) -> Any:
    """Import `S3Store` (and with it boto3) on first use only."""
    if name == "S3Store":
        return _s3_store_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _s3_store_class() -> type[S3Store]:
    try:
        from autommlab.store.s3 import S3Store
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("boto3", "botocore", "s3transfer"):
            raise ImportError(f"the S3 store needs boto3, which is not installed ({exc}): "
                              "pip install 'autommlab[s3]'") from exc
        raise
    return S3Store


def open_store(url: str | None = None) -> Store:
    """The store at `url`: None or '' -> `$AUTOMMLAB_STORE`, else the local default root;
    a path or `file://` URL -> LocalStore; `s3://bucket[/prefix]` -> S3Store (endpoint and
    credentials from the environment)."""
    if url is None:
        url = os.environ.get(STORE_ENV, "")
    url = url.strip()
    if not url:
        return LocalStore()
    if url.startswith("s3://"):
        return _open_s3(url)
    if url.startswith("file://"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise StoreError(f"unsupported store URL {url!r}: a file:// URL must name a local "
                             "path, e.g. file:///data/autommlab")
        return LocalStore(Path(unquote(parts.path)))
    if "://" in url:
        raise StoreError(f"unsupported store URL {url!r}: use a local path, file:///path or "
                         "s3://bucket/prefix")
    return LocalStore(Path(url))


def _open_s3(url: str) -> Store:
    bucket, _, prefix = url[len("s3://"):].partition("/")
    if not bucket:
        raise StoreError(f"invalid store URL {url!r}: expected s3://bucket or "
                         "s3://bucket/prefix")
    try:
        cls = _s3_store_class()
    except ImportError as exc:
        raise StoreError(str(exc)) from exc
    return cls(bucket, prefix=prefix)
