"""Fixtures for the evidence store: a real S3 server, a bucket per test, a demo vault."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from rvr_desktop.evidence.case import attachments
from rvr_desktop.evidence.demo import DemoVault, build_demo_vault
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.s3_fixtures import SMALL_PART, s3_server, store, store_credentials

__all__ = ["SMALL_PART", "s3_server", "store", "store_credentials"]


@pytest.fixture(autouse=True)
def _store_credentials(store_credentials: None) -> None:
    """Every store test runs with the test credentials, never a real profile."""


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
