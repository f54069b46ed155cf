"""Fixtures for the evidence store: a real S3 server, a bucket per test, a demo vault."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rvr_desktop.evidence.case import attachments
from rvr_desktop.evidence.demo import DemoVault, build_demo_vault
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
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


@pytest.fixture(autouse=True)
def _store_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """boto3's standard chain finds these test credentials, and no real profile."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def store(s3_server: S3Server) -> StoreSettings:
    return StoreSettings(
        bucket=s3_server.locked_bucket(),
        retention_days=30,
        endpoint_url=s3_server.endpoint,
        region=REGION,
        prefix="rvr/",
        part_size_mib=SMALL_PART // 2**20,
    )


@dataclass(frozen=True)
class CaseToSend:
    demo: DemoVault

    def unlock(self) -> Vault:
        return Vault.unlock(self.demo.root, self.demo.passphrase)


@pytest.fixture
def case_to_send(tmp_path: Path) -> CaseToSend:
    """The demo case with a 12 MiB video exhibit, so its bundle goes up in three parts."""
    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    video = tmp_path / "doorbell-video.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * (12 * 4096))
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        attachments.import_file(vault, demo.case_id, video, description="Doorbell video")
    return CaseToSend(demo)
