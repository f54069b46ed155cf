"""The vault as an officer meets it: create, unlock, wrong passphrase, damage, migration."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.errors import (
    UnlockThrottled,
    VaultAlreadyExists,
    VaultDamaged,
    VaultNotFound,
    VaultRolledBack,
    VaultTooNew,
    WrongPassphrase,
)
from rvr_desktop.evidence.vault import Vault, audit, schema
from rvr_desktop.evidence.vault.kdf import DEFAULT_KDF, FAST_INSECURE_KDF
from rvr_desktop.evidence.vault.passphrase_policy import PassphraseTooShort
from tests.conftest import TEST_PASSPHRASE
from tests.core.clocks import FakeClock


def test_officer_creates_a_vault_and_unlocks_it_again(vault_dir: Path) -> None:
    created = Vault.create(vault_dir, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF)
    case = cases.create_case(created, "INC-2026-0001", "Sam")
    created.lock()
    assert created.is_locked

    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as again:
        assert cases.get_case(again, case.id).victim_name == "Sam"
        assert again.integrity_problems() == []


def test_default_key_derivation_costs_at_least_256_mib() -> None:
    assert DEFAULT_KDF.memory_kib >= 256 * 1024


def test_vault_files_are_private(vault_dir: Path) -> None:
    # A permissive umask, so only the vault's own care makes its files private.
    previous = os.umask(0o022)
    try:
        vault = Vault.create(vault_dir, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF)
        vault.lock()
        vault = Vault.unlock(vault_dir, TEST_PASSPHRASE)
        cases.create_case(vault, "INC-2026-0001", "Private")
        for path in [vault.paths.root, *vault.paths.root.rglob("*")]:
            assert path.stat().st_mode & 0o077 == 0, path
        vault.lock()
    finally:
        os.umask(previous)


def test_wrong_passphrase_is_told_apart_from_damage(vault: Vault, vault_dir: Path) -> None:
    vault.lock()
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        Vault.unlock(vault_dir, "not the passphrase")
    # A damaged database (right passphrase) says so, not "wrong passphrase".
    db = vault_dir / "vault.db"
    data = bytearray(db.read_bytes())
    data[4096:8192] = os.urandom(4096)
    db.write_bytes(bytes(data))
    try:
        opened = Vault.unlock(vault_dir, TEST_PASSPHRASE)
    except VaultDamaged as exc:
        assert "damaged" in str(exc)
    else:
        problems = opened.integrity_problems()
        opened.lock()
        assert problems, "a vault with a page of random bytes must fail its integrity check"


def test_repeated_wrong_passphrases_slow_down_but_never_wipe(vault: Vault, vault_dir: Path) -> None:
    clock = FakeClock()
    vault.lock()
    delays = []
    for _ in range(5):
        with pytest.raises(WrongPassphrase) as caught:
            Vault.unlock(vault_dir, "wrong", clock=clock)
        delays.append(caught.value.retry_after_s)
        clock.advance(caught.value.retry_after_s)
    assert delays[:2] == [0.0, 0.0]
    assert delays[2] > 0 and delays[3] > delays[2] and delays[4] > delays[3]
    # Trying again too soon is refused without even checking the passphrase.
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_dir, "wrong", clock=clock)
    with pytest.raises(UnlockThrottled, match="Wait"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE, clock=clock)
    clock.advance(3600)
    with Vault.unlock(vault_dir, TEST_PASSPHRASE, clock=clock) as reopened:
        assert reopened.integrity_problems() == []


def test_creating_over_an_existing_vault_is_refused(vault: Vault, vault_dir: Path) -> None:
    with pytest.raises(VaultAlreadyExists):
        Vault.create(vault_dir, "another passphrase", kdf=FAST_INSECURE_KDF)


def test_unlocking_an_empty_folder_says_there_is_no_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound, match="no vault"):
        Vault.unlock(tmp_path / "nothing", TEST_PASSPHRASE)


@pytest.mark.parametrize("damage", ["missing", "empty", "truncated"])
def test_a_vault_whose_database_was_lost_is_never_recreated(
    vault: Vault, vault_dir: Path, damage: str
) -> None:
    cases.create_case(vault, "INC-2026-0002", "Alex")
    vault.lock()
    db = vault_dir / "vault.db"
    if damage == "missing":
        db.unlink()
    elif damage == "empty":
        db.write_bytes(b"")
    else:
        db.write_bytes(db.read_bytes()[:1500])
    with pytest.raises(VaultDamaged):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)
    with pytest.raises(VaultAlreadyExists):
        Vault.create(vault_dir, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF)


def test_a_damaged_header_is_reported_as_damage(vault: Vault, vault_dir: Path) -> None:
    vault.lock()
    header = vault_dir / "vault-header.json"
    raw = json.loads(header.read_text())
    raw["kdf"]["time_cost"] = 7
    header.write_text(json.dumps(raw))
    with pytest.raises(VaultDamaged, match="header"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)


def test_officer_changes_passphrase_and_only_the_new_one_opens(
    vault: Vault, vault_dir: Path
) -> None:
    case = cases.create_case(vault, "INC-2026-0003", "Jo")
    vault.change_passphrase(TEST_PASSPHRASE, "a brand new passphrase")
    vault.lock()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)
    with Vault.unlock(vault_dir, "a brand new passphrase") as again:
        assert cases.get_case(again, case.id).reference == "INC-2026-0003"


def test_no_way_in_makes_a_vault_with_a_short_passphrase(vault: Vault, tmp_path: Path) -> None:
    """The 12-character rule is the vault's own, not only the window's or the command's."""
    with pytest.raises(PassphraseTooShort, match="too short \\(11 characters\\)"):
        Vault.create(tmp_path / "short", "eleven char", kdf=FAST_INSECURE_KDF)
    assert not (tmp_path / "short").exists(), "nothing is created for a refused passphrase"
    with pytest.raises(PassphraseTooShort):
        vault.change_passphrase(TEST_PASSPHRASE, "too short")
    vault.lock()
    with Vault.unlock(vault.paths.root, TEST_PASSPHRASE):
        pass  # the old passphrase still opens it


def test_passphrase_change_needs_the_current_passphrase(vault: Vault) -> None:
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase("not it", "new passphrase")


def test_vault_from_a_newer_version_is_refused_untouched(vault: Vault, vault_dir: Path) -> None:
    with vault.transaction() as tx:
        tx.execute(f"PRAGMA user_version = {schema.CURRENT_VERSION + 1}")
    vault.lock()
    before = {p.name: p.read_bytes() for p in vault_dir.iterdir() if p.is_file()}
    with pytest.raises(VaultTooNew, match="newer version"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)
    after = {p.name: p.read_bytes() for p in vault_dir.iterdir() if p.is_file()}
    assert after.keys() == before.keys()
    assert after["vault.db"] == before["vault.db"]


def test_an_older_copy_of_the_vault_put_back_is_noticed(vault: Vault, vault_dir: Path) -> None:
    case = cases.create_case(vault, "INC-2026-0004", "Kim")
    vault.lock()
    old_copy = (vault_dir / "vault.db").read_bytes()
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as again:
        timeline.append_note(again, case.id, "Victim describes the kitchen.")
    (vault_dir / "vault.db").write_bytes(old_copy)
    for suffix in ("-wal", "-shm"):
        Path(str(vault_dir / "vault.db") + suffix).unlink(missing_ok=True)
    with pytest.raises(VaultRolledBack, match="older copy"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)


def test_every_action_extends_a_verifiable_audit_chain(vault: Vault) -> None:
    case = cases.create_case(vault, "INC-2026-0005", "Lee")
    cases.open_case(vault, case.id)
    timeline.append_note(vault, case.id, "First note.")
    with vault.reader() as tx:
        actions = [r.body.action for r in audit.iter_records(tx) if r.body]
        assert audit.verify_chain(tx) is None
    assert actions == ["vault.created", "case.created", "case.viewed", "note.added"]


def test_audit_records_cannot_be_changed_or_removed(vault: Vault) -> None:
    from rvr_desktop.evidence.errors import NotAllowed

    with pytest.raises(NotAllowed, match="append-only"), vault.transaction() as tx:
        tx.execute("UPDATE audit SET actor = 'someone else'")
    with pytest.raises(NotAllowed, match="append-only"), vault.transaction() as tx:
        tx.execute("DELETE FROM audit")


def test_every_refusal_a_trigger_raises_is_one_the_vault_reports_as_not_allowed() -> None:
    import re

    raised = {
        message
        for script in schema.MIGRATIONS
        for message in re.findall(r"RAISE\(ABORT, '([^']*)'\)", script)
    }
    assert raised == set(schema.REFUSALS)


def test_a_second_program_cannot_open_a_vault_that_is_open(vault: Vault, vault_dir: Path) -> None:
    from rvr_desktop.evidence.vault.process_lock import VaultInUse

    with pytest.raises(VaultInUse, match="open in another"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)
    vault.lock()
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()


def test_a_check_changes_nothing_and_reports_an_orphan_blob(vault: Vault, vault_dir: Path) -> None:
    import io

    orphan = vault.blobs.write(io.BytesIO(b"left by a crash"))
    vault.lock()
    header_before = (vault_dir / "vault-header.json").read_bytes()
    checked = Vault.unlock(vault_dir, TEST_PASSPHRASE, inspect_only=True)
    assert any(orphan.name in d for d in checked.integrity_problems())
    checked.lock()
    assert (vault_dir / "blobs" / orphan.name).exists()
    assert (vault_dir / "vault-header.json").read_bytes() == header_before


def test_a_worker_thread_gives_back_its_connection(vault: Vault) -> None:
    import threading

    def work() -> None:
        cases.list_cases(vault)
        vault.release_thread_connection()

    for _ in range(5):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert vault._pool.open_count == 1


def test_a_locked_vault_refuses_new_work_from_any_thread(vault: Vault) -> None:
    from rvr_desktop.evidence.errors import VaultLocked

    vault.lock()
    with pytest.raises(VaultLocked):
        cases.list_cases(vault)


def test_an_older_copy_of_the_whole_vault_folder_put_back_is_noticed(
    vault: Vault, vault_dir: Path, tmp_path: Path
) -> None:
    import shutil

    case = cases.create_case(vault, "INC-2026-0404", "Kim")
    vault.lock()
    backup = tmp_path / "backup"
    shutil.copytree(vault_dir, backup)
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as again:
        timeline.append_note(again, case.id, "Written after the backup was taken.")
    shutil.rmtree(vault_dir)
    shutil.copytree(backup, vault_dir)  # header, database and blobs, all as they were
    with pytest.raises(VaultRolledBack, match="older copy"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)


def test_a_forged_record_of_the_last_state_is_refused(vault: Vault, vault_dir: Path) -> None:
    from rvr_desktop.evidence.vault.anchor import default_anchor_dir

    vault.lock()
    (anchor,) = default_anchor_dir().glob(f"{vault.vault_id}.json")
    raw = json.loads(anchor.read_text())
    raw["hash"] = "0" * 64
    anchor.write_text(json.dumps(raw))
    with pytest.raises(VaultRolledBack, match="altered"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)


def test_connections_of_worker_threads_that_ended_are_closed(vault: Vault) -> None:
    import threading

    for _ in range(5):  # each task on a new thread that then ends, as a pool retires them
        thread = threading.Thread(target=lambda: cases.list_cases(vault))
        thread.start()
        thread.join()
    cases.list_cases(vault)
    threading.Thread(target=lambda: cases.list_cases(vault)).start()
    assert vault._pool.open_count <= 3


def test_an_evidence_manager_accepts_a_restored_backup_with_a_reason(
    vault: Vault, vault_dir: Path, tmp_path: Path
) -> None:
    import shutil

    vault.lock()
    backup = tmp_path / "backup"
    shutil.copytree(vault_dir, backup)
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as again:
        cases.create_case(again, "INC-2026-0505", "Lost when the disk failed")
    shutil.rmtree(vault_dir)
    shutil.copytree(backup, vault_dir)
    with pytest.raises(VaultRolledBack, match="accept-restore"):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)
    with Vault.unlock(
        vault_dir, TEST_PASSPHRASE, accept_restore_reason="Disk failure, IT ticket 4471"
    ) as restored:
        with restored.reader() as tx:
            last = list(audit.iter_records(tx))[-1]
        assert last.body is not None and last.body.action == "vault.restore_accepted"
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()  # accepted: opens normally from now on
