"""A damaged vault is always reported as damage: never a crash, never silently wrong data.

A fresh copy of one closed vault (a case with notes, an amendment, an exhibit and a
finalised form) has one byte flipped at a time, across every page of the database
(page 1 with its salt, page headers, the middle, the reserved IV and HMAC bytes at each
page's end, the last page) and across the header file beside it. Each copy must either
refuse to unlock with VaultDamaged, or open and have ``vault check`` report problems;
and every read that still answers must answer exactly what was written.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.case.consistency import vault_problems
from rvr_desktop.evidence.errors import VaultDamaged, VaultRolledBack
from rvr_desktop.evidence.vault import DATABASE_NAME, HEADER_NAME, Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.conftest import TEST_PASSPHRASE
from tests.figures import count_of, record_figure, soak

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py

PAGE_SIZE = 4096
"""SQLCipher 4's default page size, which the vault keeps."""
RESERVED = 80
"""Bytes SQLCipher keeps at the end of every page: a 16-byte IV, then a 64-byte HMAC-SHA512."""


@dataclass(frozen=True)
class Written:
    """The vault's content as the officer wrote it, to compare every later read with."""

    case_id: int
    form_ids: tuple[int, ...]
    reads: dict[str, Any]


def _build(root: Path) -> Written:
    vault = Vault.create(root, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF)
    try:
        case = cases.create_case(vault, "INC-2026-0909", "Robin Example")
        first = timeline.append_note(vault, case.id, "Victim on the call from a friend's flat.")
        for n in range(12):
            timeline.append_note(vault, case.id, f"Note {n}: detail of the account, " * 8)
        timeline.amend_note(vault, first.id, "Victim on the call from her friend's flat.", "typo")
        attachments.import_stream(
            vault,
            case.id,
            io.BytesIO(b"message screenshots " * 500),
            original_name="messages.txt",
            description="Messages the victim sent",
        )
        registry = forms.registry_for_vault(vault)
        template = registry.get("dash-risk")
        form = forms.create_form(vault, case.id, template, dict(template.example or {}))
        forms.finalise(vault, form.form_id)
        form_ids = (form.form_id,)
        reads = {name: read(vault) for name, read in _readers(case.id, form_ids).items()}
    finally:
        vault.lock()
    return Written(case.id, form_ids, reads)


def _readers(case_id: int, form_ids: tuple[int, ...]) -> dict[str, Callable[[Vault], Any]]:
    """Every read an officer's work depends on, each touching its own rows."""

    def exhibit_bytes(vault: Vault) -> list[bytes]:
        found = []
        for item in attachments.list_attachments(vault, case_id):
            sink = io.BytesIO()
            attachments.read_into(vault, item.id, sink)
            found.append(sink.getvalue())
        return found

    def form_versions(vault: Vault) -> list[Any]:
        with vault.reader() as tx:
            return [
                [(f.version, f.state, f.answers, f.answers_sha256, f.saved_utc_ms, f.saved_by)]
                for form_id in form_ids
                for f in forms.read_form_history(tx, form_id)
            ]

    return {
        "case": lambda v: cases.get_case(v, case_id),
        "notes": lambda v: [e.to_json() for e in timeline.entries(v, case_id)],
        "exhibit details": lambda v: [
            (a.to_json(), a.blob_name) for a in attachments.list_attachments(v, case_id)
        ],
        "exhibit bytes": exhibit_bytes,
        "forms": form_versions,
    }


@dataclass(frozen=True)
class Outcome:
    detected: bool
    """Unlock refused with VaultDamaged, or ``vault check`` reported problems."""
    wrong_reads: tuple[str, ...]
    """Reads that answered with something other than what was written."""
    crash: str | None
    """Any exception other than VaultDamaged (a traceback an officer would see)."""


def _reads_as_the_app(root: Path, written: Written) -> tuple[bool, list[str]]:
    """Unlock as the app does and read everything: (unlock refused, reads that were wrong).

    A read may refuse with VaultDamaged; it may never answer with other data."""
    try:
        vault = Vault.unlock(root, TEST_PASSPHRASE)
    except VaultDamaged:
        return True, []
    wrong = []
    try:
        for name, read in _readers(written.case_id, written.form_ids).items():
            try:
                found = read(vault)
            except VaultDamaged:
                continue
            if found != written.reads[name]:
                wrong.append(name)
    finally:
        vault.lock()
    return False, wrong


def _reported_by_vault_check(root: Path) -> bool:
    """What ``rvr-desktop vault check`` does: unlock to inspect, then every check."""
    try:
        vault = Vault.unlock(root, TEST_PASSPHRASE, inspect_only=True)
    except VaultDamaged:
        return True
    try:
        return bool(vault_problems(vault))
    except VaultDamaged:
        return True
    finally:
        vault.lock()


def _examine(root: Path, written: Written) -> Outcome:
    try:
        refused, wrong = _reads_as_the_app(root, written)
        reported = _reported_by_vault_check(root)
    except Exception as exc:  # anything but VaultDamaged is what is counted
        return Outcome(False, (), f"{type(exc).__name__}: {exc}")
    return Outcome(refused or reported, tuple(wrong), None)


def database_offsets(size: int) -> list[int]:
    """Offsets on every page: its first bytes (the salt on page 1), the page header, the
    middle, the IV and HMAC at its end; more on page 1, whose damage hides everything."""
    pages = size // PAGE_SIZE
    offsets = {0, 1, 7, 8, 15, 16, 17, 20, 24, 99, 100, 101, 104, 108}
    for page in range(pages):
        start = page * PAGE_SIZE
        inside = [0, 1, 3, 5, 7, 8, 11, 100, PAGE_SIZE // 2, PAGE_SIZE - RESERVED - 1]
        reserved = [PAGE_SIZE - RESERVED, PAGE_SIZE - RESERVED + 15, PAGE_SIZE - 64, PAGE_SIZE - 1]
        offsets.update(start + o for o in inside + reserved)
    if soak():
        offsets.update(range(0, size, 61))
    return sorted(o for o in offsets if o < size)


def header_offsets(size: int) -> list[int]:
    step = 1 if soak() else max(1, size // 48)
    return sorted({*range(0, size, step), size - 1})


MASKS = (0x01, 0x80, 0xFF, 0x10)
"""Which bits a flip changes, taken in turn: the lowest, the highest, all of them, one between."""


def _flip(path: Path, offset: int, mask: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([byte ^ mask]))


def test_a_byte_flipped_anywhere_in_the_vault_is_reported_as_damage(tmp_path: Path) -> None:
    pristine = tmp_path / "pristine"
    written = _build(pristine)
    database = (pristine / DATABASE_NAME).stat().st_size
    header = (pristine / HEADER_NAME).stat().st_size
    assert not Path(str(pristine / DATABASE_NAME) + "-wal").exists(), "the vault was not closed"
    assert database % PAGE_SIZE == 0 and database // PAGE_SIZE >= 10
    work = tmp_path / "work"
    shutil.copytree(pristine, work)
    assert _examine(work, written) == Outcome(False, (), None), "the untouched copy is unsound"

    targets = [(DATABASE_NAME, o) for o in database_offsets(database)]
    targets += [(HEADER_NAME, o) for o in header_offsets(header)]
    missed, wrong, crashes = [], [], []
    for number, (name, offset) in enumerate(targets):
        shutil.rmtree(work)
        shutil.copytree(pristine, work)
        _flip(work / name, offset, MASKS[number % len(MASKS)])
        outcome = _examine(work, written)
        if outcome.crash:
            crashes.append(f"{name}@{offset}: {outcome.crash}")
        elif not outcome.detected:
            missed.append(f"{name}@{offset}")
        if outcome.wrong_reads:
            wrong.append(f"{name}@{offset}: {outcome.wrong_reads}")

    tried = len(targets)
    record_figure(
        "Vault damage",
        f"single-byte flips at {tried:,} offsets of the vault "
        f"({database // PAGE_SIZE} pages) and its header",
        f"{count_of(tried - len(missed) - len(crashes), tried)} reported as damage; "
        f"{len(crashes)} crashes; {len(wrong)} wrong values read",
    )
    assert len(targets) >= 200
    assert crashes == [], crashes[:10]
    assert wrong == [], wrong[:10]
    assert missed == [], missed[:10]


def test_an_older_copy_of_the_vault_put_back_is_noticed_every_time(tmp_path: Path) -> None:
    """Each older state of the vault (database alone, or the whole folder) is refused."""
    root = tmp_path / "vault"
    vault = Vault.create(root, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF)
    case = cases.create_case(vault, "INC-2026-0910", "Kim Example")
    vault.lock()
    snapshots: list[Path] = []
    for n in range(5):
        snapshot = tmp_path / f"backup-{n}"
        shutil.copytree(root, snapshot)
        snapshots.append(snapshot)
        with Vault.unlock(root, TEST_PASSPHRASE) as again:
            timeline.append_note(again, case.id, f"Written after backup {n}.")
    current = tmp_path / "current"
    shutil.copytree(root, current)
    noticed = tried = 0
    for snapshot in snapshots:
        for whole_folder in (False, True):
            tried += 1
            shutil.rmtree(root)
            shutil.copytree(current, root)
            if whole_folder:
                shutil.rmtree(root)
                shutil.copytree(snapshot, root)
            else:
                shutil.copy2(snapshot / DATABASE_NAME, root / DATABASE_NAME)
            try:
                Vault.unlock(root, TEST_PASSPHRASE).lock()
            except VaultRolledBack:
                noticed += 1
    shutil.rmtree(root)
    shutil.copytree(current, root)
    Vault.unlock(root, TEST_PASSPHRASE).lock()  # the current copy still opens
    record_figure(
        "Vault damage",
        "an older copy put back (database alone or the whole folder)",
        f"{count_of(noticed, tried)} noticed",
    )
    assert noticed == tried
