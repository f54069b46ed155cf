"""Evidence attachments: hashed on import, stored encrypted, read back byte-identical."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from rvr_desktop.evidence.case import attachments, cases
from rvr_desktop.evidence.case.attachments import AlreadyImported, AttachmentSource
from rvr_desktop.evidence.errors import VaultDamaged
from rvr_desktop.evidence.progress import Cancelled, CancelToken
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.blobstore import TooLarge
from tests.conftest import TEST_PASSPHRASE


@pytest.fixture
def case_id(vault: Vault) -> int:
    with vault.transaction() as tx:
        vault.put_officer_name(tx, "Jane Smith")
    return cases.create_case(vault, "INC-2026-0042", "Priya").id


def test_officer_imports_a_photo_and_gets_exhibit_js1(
    vault: Vault, case_id: int, tmp_path: Path
) -> None:
    photo = tmp_path / "bruise.jpg"
    photo.write_bytes(os.urandom(300_000))
    attachment = attachments.import_file(vault, case_id, photo)
    assert attachment.exhibit_ref == "JS/1"
    assert attachment.media_type == "image/jpeg"
    assert attachment.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert attachment.size_bytes == 300_000
    copy = io.BytesIO()
    attachments.read_into(vault, attachment.id, copy)
    assert copy.getvalue() == photo.read_bytes()


def test_exhibit_numbers_run_on(vault: Vault, case_id: int) -> None:
    refs = [
        attachments.import_stream(
            vault, case_id, io.BytesIO(os.urandom(10)), original_name=f"{n}"
        ).exhibit_ref
        for n in range(3)
    ]
    assert refs == ["JS/1", "JS/2", "JS/3"]


def test_the_same_bytes_imported_twice_are_recognised(vault: Vault, case_id: int) -> None:
    data = os.urandom(5000)
    attachments.import_stream(vault, case_id, io.BytesIO(data), original_name="a.png")
    with pytest.raises(AlreadyImported, match="JS/1"):
        attachments.import_stream(vault, case_id, io.BytesIO(data), original_name="copy.png")
    assert len(attachments.list_attachments(vault, case_id)) == 1
    assert len(list(vault.paths.blobs.iterdir())) == 1


def test_a_file_over_the_limit_is_refused_clearly(vault: Vault, case_id: int) -> None:
    with vault.transaction() as tx:
        vault.put_setting(tx, attachments.MAX_BYTES_SETTING, str(1024))
    with pytest.raises(TooLarge, match="larger than the limit"):
        attachments.import_stream(vault, case_id, io.BytesIO(os.urandom(4096)), original_name="x")
    assert attachments.list_attachments(vault, case_id) == []
    assert list(vault.paths.blobs.iterdir()) == []


def test_a_cancelled_import_leaves_nothing_behind(vault: Vault, case_id: int) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        attachments.import_stream(
            vault, case_id, io.BytesIO(os.urandom(4096)), original_name="x", cancel=token
        )
    assert list(vault.paths.blobs.iterdir()) == []


def test_screen_captures_are_recorded_as_such(vault: Vault, case_id: int) -> None:
    capture = attachments.import_stream(
        vault,
        case_id,
        io.BytesIO(b"\x89PNG fake"),
        original_name="capture.png",
        source_kind=AttachmentSource.SCREEN_CAPTURE,
        description="Call screen showing injury",
    )
    assert capture.source is AttachmentSource.SCREEN_CAPTURE
    assert capture.media_type == "image/png"


def test_blob_bytes_on_disk_are_not_the_original(vault: Vault, case_id: int) -> None:
    marker = b"UNIQUE-MARKER-" + os.urandom(8).hex().encode()
    attachments.import_stream(vault, case_id, io.BytesIO(marker * 100), original_name="m.txt")
    (blob,) = vault.paths.blobs.iterdir()
    assert marker not in blob.read_bytes()
    assert blob.read_bytes().startswith(b"age-encryption.org/v1")


def test_an_orphan_blob_from_a_crash_is_removed_at_unlock(
    vault: Vault, vault_dir: Path, case_id: int
) -> None:
    stored = vault.blobs.write(io.BytesIO(b"never committed"))
    vault.lock()
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as again:
        assert not (again.paths.blobs / stored.name).exists()
        assert again.damage == []


def test_a_missing_blob_is_reported_as_damage(vault: Vault, vault_dir: Path, case_id: int) -> None:
    item = attachments.import_stream(vault, case_id, io.BytesIO(b"evidence"), original_name="e")
    vault.lock()
    (vault_dir / "blobs" / item.blob_name).unlink()
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as again:
        assert any("missing" in d for d in again.integrity_problems())
        with pytest.raises(VaultDamaged, match="missing"):
            attachments.read_into(again, item.id, io.BytesIO())


def test_a_tampered_blob_fails_its_integrity_check(vault: Vault, case_id: int) -> None:
    item = attachments.import_stream(
        vault, case_id, io.BytesIO(os.urandom(70_000)), original_name="e"
    )
    path = vault.paths.blobs / item.blob_name
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(VaultDamaged, match="integrity"):
        attachments.read_into(vault, item.id, io.BytesIO())


def test_a_mistyped_size_limit_is_explained(vault: Vault, case_id: int) -> None:
    from rvr_desktop.evidence.errors import InvalidInput

    with vault.transaction() as tx:
        vault.put_setting(tx, attachments.MAX_BYTES_SETTING, "2 GB")
    with pytest.raises(InvalidInput, match="not a number of bytes"):
        attachments.import_stream(vault, case_id, io.BytesIO(b"x"), original_name="x")
