"""Vaults made by every earlier version of the schema open, migrated, with a backup first."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.vault import Vault, audit, migrations, schema
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.conftest import TEST_PASSPHRASE


def _create_at_version(root: Path, version: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """A vault as the release with schema ``version`` made it, holding one case and a note."""
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", schema.MIGRATIONS[:version])
        patch.setattr(migrations, "CURRENT_VERSION", version)
        with Vault.create(root, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF) as old:
            case = cases.create_case(old, "INC-2026-0500", "Migrated")
            timeline.append_note(old, case.id, "Written before the upgrade.")
            return case.id


@pytest.mark.parametrize("old_version", range(1, schema.CURRENT_VERSION))
def test_a_vault_from_an_earlier_version_is_migrated_after_a_backup(
    vault_dir: Path, old_version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _create_at_version(vault_dir, old_version, monkeypatch)
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as upgraded:
        with upgraded.reader() as tx:
            assert tx.scalar("PRAGMA user_version") == schema.CURRENT_VERSION
            assert audit.verify_chain(tx) is None
        assert [e.text for e in timeline.entries(upgraded, case_id)] == [
            "Written before the upgrade."
        ]
        assert upgraded.integrity_problems() == []
    backups = list((vault_dir / "backups").glob(f"vault-schema{old_version}-*.db"))
    assert len(backups) == 1


def test_a_current_vault_is_opened_without_a_migration_backup(
    vault: Vault, vault_dir: Path
) -> None:
    vault.lock()
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()
    assert not (vault_dir / "backups").exists()
