"""A real S3 server for the tests, on 127.0.0.1: moto's server mode, started and stopped
by the tests themselves. It runs in the test process (ThreadedMotoServer), so its buckets
survive stopping and starting it again on the same port, as a real store's do; the one
test that needs it to check credentials runs another in its own process.

Know its limits (../shared/FACTS.md): it accepts a wrong part checksum, ignores the lock
given to a multipart upload, and accepts any credentials unless told otherwise, so the
tests prove our own checks catch those mistakes, never the server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

REGION = "eu-west-2"


@dataclass
class S3Server:
    host: str
    port: int
    process: subprocess.Popen[bytes] | None = None
    thread: Any = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def client(self, key_id: str = "testing", key_secret: str = "testing") -> Any:  # noqa: S107
        session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=key_secret)
        return session.client("s3", endpoint_url=self.endpoint, region_name=REGION)

    def locked_bucket(self, *, lock: bool = True) -> str:
        """A new bucket of its own for one test, with Object Lock (or deliberately without)."""
        name = f"rvr-evidence-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name,
            ObjectLockEnabledForBucket=lock,
            CreateBucketConfiguration={"LocationConstraint": REGION},
        )
        return name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto(port: int | None = None) -> S3Server:
    """moto's server in this process, on a free (or the given) port of 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    port = port or free_port()
    thread = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    thread.start()
    return S3Server("127.0.0.1", port, thread=thread)


def start_moto_process(extra_env: dict[str, str]) -> S3Server:
    """moto's server in its own process, with settings that would change this process's
    moto for every other test (such as checking credentials)."""
    port = free_port()
    env = {**os.environ, **extra_env}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = S3Server("127.0.0.1", port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("moto's server did not start") from None
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("moto's server did not start within a minute")


def stop(server: S3Server) -> None:
    if server.thread is not None:
        server.thread.stop()
    if server.process is not None and server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextmanager
def running_moto(**kwargs: Any) -> Iterator[S3Server]:
    server = start_moto(**kwargs)
    try:
        yield server
    finally:
        stop(server)
