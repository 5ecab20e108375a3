"""The S3 store: any S3-compatible endpoint (AWS, SeaweedFS, MinIO, Ceph) through boto3.

Keys map to `<store prefix>/<key>` in one bucket. Credentials come only from the standard
boto3 chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`,
`AWS_PROFILE`, instance roles); they are never taken as arguments and never printed. The
endpoint is the `endpoint_url` argument, else `$AUTOMMLAB_S3_ENDPOINT`, else
`$AWS_ENDPOINT_URL`, else AWS itself. Timeouts are short and retries few (3 s to connect,
10 s to read, 3 attempts; keyword arguments of `S3Store` change them), so an outage is
reported in seconds, not minutes.

Publishing an artifact at `P` (`publish_dir`) runs these steps, in this order:

1. upload every file under `P/.staging-<uuid>/` (hashing it for the manifest);
2. delete `P/MANIFEST.json`: from here on the artifact is absent;
3. server-side copy every staged file to its final key `P/<path>`;
4. delete every other key under `P` that is not in the new artifact (files only the old
   artifact had, leftovers of crashed publishes, their `.staging-*` prefixes);
5. write `P/MANIFEST.json` (a single PUT, atomic in S3): the new artifact is visible;
6. delete `P/.staging-<uuid>/` (best effort; a leftover is hidden and cleaned next time).

Guarantee, for a failure or crash at any point (client killed, server killed, network
down): if it happens before step 2 completes, `read_manifest(P)` returns the previous
complete artifact unchanged (or None if there was none); from step 2 until step 5
completes, `read_manifest(P)` returns None. Readers consider only files listed in a
manifest (`read_manifest` / `fetch_artifact`), so partially copied files at final keys are
never read as an artifact, and `list_keys` hides `.staging-*` keys. After step 5 the new
artifact is complete. `fetch_artifact` verifies every file's size and sha256, so a reader
racing a re-publish of the same prefix gets an IntegrityError (retry), never a silent
mix of old and new files. One writer per prefix at a time; an artifact owns its whole
prefix (publishing removes everything else under it).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from autommlab.errors import IntegrityError, NotFoundInStoreError, StoreError
from autommlab.store.base import (
    MANIFEST_NAME,
    Manifest,
    ManifestEntry,
    Store,
    check_key,
    check_prefix,
    is_internal,
    join_key,
    new_manifest,
    parse_manifest,
    sha256_file,
    source_files,
    write_atomic,
    write_verified,
)

log = logging.getLogger(__name__)

ENDPOINT_ENV = "AUTOMMLAB_S3_ENDPOINT"
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 3  # the first try included
MAX_COPY_OBJECT = 5 * 1024**3  # CopyObject's limit; larger objects use a multipart copy
_CHUNK = 1 << 20

#: Error codes that mean "the server does not accept these credentials".
CREDENTIAL_CODES = frozenset({
    "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
    "TokenRefreshRequired", "InvalidClientTokenId", "AuthorizationHeaderMalformed",
    "InvalidSecurity",
})
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
_FORBIDDEN_CODES = frozenset({"AccessDenied", "Forbidden", "403"})


def resolve_endpoint(endpoint_url: str | None) -> str | None:
    """The argument, else `$AUTOMMLAB_S3_ENDPOINT`, else `$AWS_ENDPOINT_URL`, else None (AWS)."""
    return (endpoint_url or os.environ.get(ENDPOINT_ENV) or os.environ.get("AWS_ENDPOINT_URL")
            or None)


def _client_config(custom_endpoint: bool, connect_timeout: float, read_timeout: float,
                   max_attempts: int) -> Config:
    """Short timeouts and few retries; path-style addressing and checksums only when required
    for non-AWS endpoints (many S3-compatible servers reject the newer default checksums;
    integrity is still checked end to end by the manifest's sha256)."""
    options: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
        "retries": {"mode": "standard", "total_max_attempts": max_attempts},
    }
    if custom_endpoint:
        options["s3"] = {"addressing_style": "path"}
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    try:
        return Config(**options)
    except TypeError:  # botocore older than 1.36 has no checksum options: it needs none
        options.pop("request_checksum_calculation", None)
        options.pop("response_checksum_validation", None)
        return Config(**options)


def _is_connectivity_error(exc: BaseException) -> bool:
    return isinstance(exc, BotoConnectionError | HTTPClientError)


class S3Store(Store):
    """A `Store` in an S3 bucket, under an optional key prefix."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, *, connect_timeout: float = CONNECT_TIMEOUT_S,
                 read_timeout: float = READ_TIMEOUT_S, max_attempts: int = MAX_ATTEMPTS
                 ) -> None:
        if not bucket or "/" in bucket:
            raise StoreError(f"invalid S3 bucket name {bucket!r}")
        self.bucket = bucket
        self.prefix = check_prefix(prefix)
        self.endpoint_url = resolve_endpoint(endpoint_url)
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._read_timeout = read_timeout
        self._max_attempts = max_attempts
        session = boto3.session.Session()
        region = region or session.region_name or ("us-east-1" if self.endpoint_url else None)
        config = _client_config(bool(self.endpoint_url), connect_timeout, read_timeout,
                                max_attempts)
        self._client = session.client("s3", endpoint_url=self.endpoint_url,
                                      region_name=region, config=config)
        self._transfer = TransferConfig(max_concurrency=4)

    def __repr__(self) -> str:
        return f"S3Store({self.url!r}, endpoint={self._endpoint_text()!r})"

    # --- keys ----------------------------------------------------------------------------
    def _full(self, key: str) -> str:
        """The bucket key of a validated store key."""
        return join_key(self.prefix, check_key(key))

    def _full_prefix(self, prefix: str) -> str:
        """The bucket key prefix (ending in '/', or '' for the whole store) to list."""
        relative = check_prefix(prefix)
        full = join_key(self.prefix, relative) if relative else self.prefix
        return f"{full}/" if full else ""

    def _relative(self, full_key: str) -> str:
        return full_key[len(self.prefix) + 1:] if self.prefix else full_key

    def _endpoint_text(self) -> str:
        return self.endpoint_url or "AWS S3"

    # --- error translation ---------------------------------------------------------------
    @contextmanager
    def _errors(self, action: str, key: str | None = None) -> Iterator[None]:
        """Turn boto3 / botocore exceptions into StoreErrors that say what to do."""
        try:
            yield
        except StoreError:
            raise
        except S3UploadFailedError as exc:
            cause = exc.__context__
            if isinstance(cause, ClientError):
                raise self._client_error(cause, action, key) from exc
            raise StoreError(f"{action} failed: {exc}") from exc
        except ClientError as exc:
            raise self._client_error(exc, action, key) from exc
        except (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError) as exc:
            raise StoreError(
                f"{action} failed: no usable S3 credentials were found ({type(exc).__name__}). "
                "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the "
                "environment") from exc
        except ReadTimeoutError as exc:
            raise StoreError(
                f"{action} failed: the S3 endpoint {self._endpoint_text()} accepted the "
                f"connection but did not answer within {self._read_timeout:g} s "
                f"({self._max_attempts} attempts): it is overloaded or hung") from exc
        except (BotoConnectionError, HTTPClientError) as exc:
            raise StoreError(
                f"{action} failed: cannot reach the S3 endpoint {self._endpoint_text()} "
                f"({type(exc).__name__}). Check that the server is running and that the URL "
                f"is right ({ENDPOINT_ENV} or AWS_ENDPOINT_URL)") from exc
        except BotoCoreError as exc:
            raise StoreError(f"{action} failed: {exc}") from exc
        except OSError as exc:  # the local side: a source file vanished, a disk is full
            raise StoreError(f"{action} failed: {exc.strerror or exc} "
                             f"({exc.filename or 'no file name'})") from exc

    def _client_error(self, exc: ClientError, action: str, key: str | None) -> StoreError:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        if code in ("404", "403", "Forbidden"):  # a HEAD response has no body: ask again
            probed = self._probe_bucket()
            if probed == "404":  # not even a listing has an S3 error code
                return self._missing_bucket_error(action, maybe_not_s3=True)
            code = probed or ("NoSuchKey" if code == "404" else "AccessDenied")
        if code == "NoSuchBucket":
            return self._missing_bucket_error(action)
        if code in _NOT_FOUND_CODES:
            where = f"s3://{self.bucket}/{self._full(key)}" if key else self.url
            return NotFoundInStoreError(f"no object '{key}' in the store at {self.url} ({where})")
        if code in CREDENTIAL_CODES:
            return StoreError(
                f"{action} failed: the S3 credentials were rejected by {self._endpoint_text()} "
                f"({code}). Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
                "AWS_SESSION_TOKEN / AWS_PROFILE) in the environment")
        if code in _FORBIDDEN_CODES:
            return StoreError(
                f"{action} failed: access denied to {self.url} at {self._endpoint_text()}. The "
                "credentials were accepted but lack permission for this bucket or prefix")
        message = error.get("Message", "")
        return StoreError(f"{action} failed: S3 error {code or 'unknown'} from "
                          f"{self._endpoint_text()}: {message}")

    def _missing_bucket_error(self, action: str, maybe_not_s3: bool = False) -> StoreError:
        endpoint = f" --endpoint-url {self.endpoint_url}" if self.endpoint_url else ""
        doubt = " (or that URL is not an S3 endpoint: it answers without S3 error codes)"
        return StoreError(
            f"{action} failed: the S3 bucket '{self.bucket}' does not exist at "
            f"{self._endpoint_text()}{doubt if maybe_not_s3 else ''}. Create it first, e.g. "
            f"`aws s3 mb s3://{self.bucket}{endpoint}`, or point the store at an existing "
            "bucket")

    def _probe_bucket(self) -> str | None:
        """The error code of a 1-key listing of the bucket (None when it succeeds): HEAD
        answers carry no error code, so this tells a missing bucket or rejected credentials
        from a missing key."""
        try:
            self._client.list_objects_v2(Bucket=self.bucket, MaxKeys=1)
        except ClientError as exc:
            return str(exc.response.get("Error", {}).get("Code", "")) or None
        except BotoCoreError:
            return None
        return None

    # --- low-level operations on bucket keys (no validation, no translation) -------------
    def _list_full(self, full_prefix: str) -> list[str]:
        keys: list[str] = []
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full_prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(keys)

    def _delete_full(self, full_keys: list[str]) -> int:
        for start in range(0, len(full_keys), 1000):
            batch = full_keys[start:start + 1000]
            reply = self._client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
            if reply.get("Errors"):
                first = reply["Errors"][0]
                raise StoreError(f"deleting {len(reply['Errors'])} keys under {self.url} failed, "
                                 f"e.g. {first.get('Key')}: {first.get('Code')} "
                                 f"{first.get('Message', '')}")
        return len(full_keys)

    def _iter_object(self, full_key: str) -> Iterator[bytes]:
        body = self._client.get_object(Bucket=self.bucket, Key=full_key)["Body"]
        try:
            yield from body.iter_chunks(_CHUNK)
        finally:
            body.close()

    # --- objects -------------------------------------------------------------------------
    def put_bytes(self, key: str, data: bytes) -> None:
        full = self._full(key)
        with self._errors(f"writing '{key}' to {self.url}", key):
            self._client.put_object(Bucket=self.bucket, Key=full, Body=bytes(data))

    def get_bytes(self, key: str) -> bytes:
        full = self._full(key)
        with self._errors(f"reading '{key}' from {self.url}", key):
            reply = self._client.get_object(Bucket=self.bucket, Key=full)
            with reply["Body"] as body:
                return body.read()

    def exists(self, key: str) -> bool:
        full = self._full(key)
        try:
            with self._errors(f"checking '{key}' in {self.url}", key):
                self._client.head_object(Bucket=self.bucket, Key=full)
        except NotFoundInStoreError:
            return False
        return True

    def list_keys(self, prefix: str) -> Iterator[str]:
        full_prefix = self._full_prefix(prefix)
        with self._errors(f"listing '{prefix}' in {self.url}"):
            keys = [self._relative(k) for k in self._list_full(full_prefix)]
        return iter([k for k in keys if not is_internal(k)])

    def delete_prefix(self, prefix: str) -> int:
        full_prefix = self._full_prefix(check_prefix(prefix, allow_empty=False))
        with self._errors(f"deleting '{prefix}' in {self.url}"):
            return self._delete_full(self._list_full(full_prefix))

    def upload_file(self, key: str, path: Path) -> None:
        full = self._full(key)
        if not Path(path).is_file():
            raise StoreError(f"cannot store '{key}': local file {path} does not exist")
        with self._errors(f"uploading {path} to '{key}' in {self.url}", key):
            self._client.upload_file(str(path), self.bucket, full, Config=self._transfer)

    def download_file(self, key: str, path: Path) -> None:
        full = self._full(key)
        with self._errors(f"downloading '{key}' from {self.url} to {path}", key):
            write_atomic(Path(path), self._iter_object(full))

    # --- artifacts -----------------------------------------------------------------------
    def publish_dir(self, prefix: str, source: Path, metadata: dict[str, str] | None = None
                    ) -> Manifest:
        prefix = check_prefix(prefix, allow_empty=False)
        files = source_files(Path(source))
        base = self._full(prefix)
        staging = f"{base}/.staging-{uuid.uuid4().hex}"
        action = f"publishing {source} to {self.url}/{prefix}"
        with self._errors(action):
            try:
                entries = [self._stage_file(rel, path, staging) for rel, path in files]
                manifest = new_manifest(prefix, entries, metadata)
                self._replace_artifact(base, staging, manifest)
            except BaseException as exc:
                if not _is_connectivity_error(exc):
                    self._forget_staging(staging)
                raise
        self._forget_staging(staging)
        return manifest

    def _stage_file(self, rel: str, src: Path, staging: str) -> ManifestEntry:
        """Step 1 for one file: hash it, upload it under the staging prefix.

        Hash and upload read the file twice; if it changes in between, `fetch_artifact`
        reports the mismatch. (Tests patch this to inject failures.)
        """
        size, sha256 = sha256_file(src)
        self._client.upload_file(str(src), self.bucket, f"{staging}/{rel}", Config=self._transfer)
        return ManifestEntry(path=rel, size=size, sha256=sha256)

    def _replace_artifact(self, base: str, staging: str, manifest: Manifest) -> None:
        """Steps 2 to 5: hide the old artifact, copy the new one in, drop the rest, show it."""
        manifest_key = f"{base}/{MANIFEST_NAME}"
        self._client.delete_object(Bucket=self.bucket, Key=manifest_key)  # absent from here
        for entry in manifest.files:
            self._copy_staged(f"{staging}/{entry.path}", f"{base}/{entry.path}", entry.size)
        keep = {f"{base}/{entry.path}" for entry in manifest.files}
        stale = [k for k in self._list_full(f"{base}/")
                 if k not in keep and not k.startswith(f"{staging}/")]
        self._delete_full(stale)
        self._client.put_object(Bucket=self.bucket, Key=manifest_key,
                                Body=manifest.model_dump_json(indent=2).encode(),
                                ContentType="application/json")

    def _copy_staged(self, src: str, dest: str, size: int) -> None:
        """Step 3 for one file: a server-side copy (the bytes do not travel again)."""
        source = {"Bucket": self.bucket, "Key": src}
        if size < MAX_COPY_OBJECT:
            self._client.copy_object(Bucket=self.bucket, Key=dest, CopySource=source)
        else:
            self._client.copy(source, self.bucket, dest, Config=self._transfer)

    def _forget_staging(self, staging: str) -> None:
        """Step 6, best effort: a leftover staging prefix is hidden and removed next time."""
        try:
            self._delete_full(self._list_full(f"{staging}/"))
        except (BotoCoreError, ClientError, StoreError) as exc:
            log.warning("could not delete the staging prefix %s in %s: %s (harmless; the "
                        "next publish there removes it)", staging, self.url, exc)

    def read_manifest(self, prefix: str) -> Manifest | None:
        prefix = check_prefix(prefix, allow_empty=False)
        key = join_key(prefix, MANIFEST_NAME)
        try:
            data = self.get_bytes(key)
        except NotFoundInStoreError:
            return None
        return parse_manifest(data, f"{self.url}/{prefix}")

    def fetch_artifact(self, prefix: str, dest: Path) -> Manifest:
        prefix = check_prefix(prefix, allow_empty=False)
        manifest = self.read_manifest(prefix)
        if manifest is None:
            raise NotFoundInStoreError(
                f"no published artifact at '{prefix}' in {self.url} (no {MANIFEST_NAME}: "
                "never published, or a publish did not finish)")
        for entry in manifest.files:
            self._fetch_file(prefix, entry, Path(dest))
        return manifest

    def _fetch_file(self, prefix: str, entry: ManifestEntry, dest: Path) -> None:
        key = join_key(prefix, entry.path)
        where = f"{self.url}/{key}"
        try:
            with self._errors(f"fetching '{key}' from {self.url}", key):
                write_verified(dest.joinpath(*entry.path.split("/")),
                               self._iter_object(self._full(key)), entry, where)
        except NotFoundInStoreError as exc:
            raise IntegrityError(f"{where} is listed in the manifest but missing; publish the "
                                 "artifact again") from exc
