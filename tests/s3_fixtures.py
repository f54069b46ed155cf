"""The evidence store's fixtures, shared by the store's tests and the app's: a real S3
server on 127.0.0.1 (moto's server mode), test credentials for boto3's standard chain, and
a bucket of its own, locked, for each test. Each conftest that needs them imports them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rvr_desktop.evidence.store.settings import StoreSettings
from tests.store.s3 import REGION, S3Server, start_moto, stop

SMALL_PART = 5 * 1024 * 1024
"""S3's smallest part: tests use it so a bundle of a few MiB has several parts."""


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = start_moto()
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture
def store_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """boto3's standard chain finds these test credentials, and no real profile."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def store(s3_server: S3Server, store_credentials: None) -> StoreSettings:
    """The force's store for one test: its own bucket, created with Object Lock."""
    return StoreSettings(
        bucket=s3_server.locked_bucket(),
        retention_days=30,
        endpoint_url=s3_server.endpoint,
        region=REGION,
        prefix="rvr/",
        part_size_mib=SMALL_PART // 2**20,
    )
