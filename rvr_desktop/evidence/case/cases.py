"""Cases: one per RVR call-out, identified by the force's incident or crime number."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from rvr_desktop.evidence.errors import InvalidInput, NotAllowed, NotFound
from rvr_desktop.evidence.fsutil import translate_os_errors
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.records.canonical import canonical_json, sha256_hex
from rvr_desktop.evidence.vault import Tx, Vault, audit

# A force incident or crime number: letters, digits, '/', '-'; 4 to 40 characters.
DEFAULT_REFERENCE_PATTERN = r"[A-Z0-9][A-Z0-9/-]{3,39}"
REFERENCE_PATTERN_SETTING = "case.reference_pattern"
DEFAULT_REFERENCE_EXAMPLE = "INC-2026-0042"
REFERENCE_EXAMPLE_SETTING = "case.reference_example"
"""An example of the force's own reference numbers, shown when one is mistyped (the pattern
itself is never shown: an officer cannot act on a regular expression)."""


class ReferenceNotValid(InvalidInput):
    """The incident or crime number is missing or not in the force's form."""


class VictimNameMissing(InvalidInput):
    """The case needs the victim's name."""


STATUSES = ("open", "exported", "closed")


@dataclass(frozen=True)
class Referral:
    """What the call handler passed on when they referred the victim for a video call."""

    callback_number: str = ""
    handler_notes: str = ""

    def to_json(self) -> dict[str, str]:
        return {"callback_number": self.callback_number, "handler_notes": self.handler_notes}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Referral:
        return cls(str(raw.get("callback_number", "")), str(raw.get("handler_notes", "")))


@dataclass(frozen=True)
class Case:
    id: int
    reference: str
    """The force incident or crime number."""
    victim_name: str
    """How the victim is shown on screen (may be a first name only)."""
    officer: str
    call_platform_ref: str
    """The video-call platform's ID for the call."""
    created_utc_ms: int
    status: str
    """open, exported or closed."""
    referral: Referral = field(default_factory=Referral)

    @property
    def subject(self) -> str:
        return f"case:{self.reference}"


@dataclass(frozen=True)
class ExportRecord:
    """One export of a case, as the vault remembers it once the bundle is in place."""

    bundle: str
    """The bundle's file or folder name."""
    recipient: str
    """Who the bundle is for."""
    justification: str
    """Why it was exported."""
    exported_utc_ms: int
    """The export time written in the bundle."""
    tag_manifest_sha256: str
    """SHA-256 of the bundle's signed tag manifest: what seals everything in it."""
    chain_head: ChainAnchor
    """The audit chain head the bundle holds."""

    def to_json(self) -> dict[str, Any]:
        """What the ``case.exported`` audit record's content holds."""
        return {
            "bundle": self.bundle,
            "recipient": self.recipient,
            "justification": self.justification,
            "tag_manifest_sha256": self.tag_manifest_sha256,
            "chain_head": {"seq": self.chain_head.seq, "record_hash": self.chain_head.record_hash},
        }


@dataclass(frozen=True)
class Tombstone:
    """What remains of a destroyed case: enough to prove what was destroyed, when and why."""

    case_reference: str
    destroyed_utc_ms: int
    actor: str
    reason: str
    manifest: dict[str, Any]
    """SHA-256 of every note, form and attachment that was destroyed."""
    audit_seq: int


def reference_pattern(vault: Vault) -> str:
    return vault.get_setting(REFERENCE_PATTERN_SETTING) or DEFAULT_REFERENCE_PATTERN


def reference_example(vault: Vault) -> str:
    """An example reference to show the officer: the force's own, or ours for our pattern."""
    example = vault.get_setting(REFERENCE_EXAMPLE_SETTING)
    if example:
        return example
    return (
        DEFAULT_REFERENCE_EXAMPLE if reference_pattern(vault) == DEFAULT_REFERENCE_PATTERN else ""
    )


def normalise_reference(vault: Vault, reference: str) -> str:
    cleaned = reference.strip().upper()
    pattern = reference_pattern(vault)
    if not re.fullmatch(pattern, cleaned):
        example = reference_example(vault)
        if not cleaned:
            like = f"; it looks like {example}" if example else ""
            raise ReferenceNotValid(
                f"Enter the incident or crime number from the call handler's referral{like}."
            )
        like = f": it should look like {example}" if example else ""
        raise ReferenceNotValid(
            f"'{reference.strip()}' is not a valid incident or crime number for this force"
            f"{like}. Check the number from the call handler's referral."
        )
    return cleaned


def _from_row(row: Any) -> Case:
    return Case(
        id=int(row["id"]),
        reference=str(row["reference"]),
        victim_name=str(row["victim_name"]),
        officer=str(row["officer"]),
        call_platform_ref=str(row["call_platform_ref"]),
        created_utc_ms=int(row["created_utc_ms"]),
        status=str(row["status"]),
        referral=Referral.from_json(json.loads(row["referral_json"])),
    )


def load_case(tx: Tx, case_id: int) -> Case:
    row = tx.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if row is None:
        raise NotFound(f"There is no case number {case_id} in this vault.")
    case = _from_row(row)
    if case.status == "destroying":
        raise NotFound(f"Case {case.reference} has been destroyed.")
    return case


def create_case(
    vault: Vault,
    reference: str,
    victim_name: str,
    *,
    call_platform_ref: str = "",
    referral: Referral | None = None,
) -> Case:
    reference = normalise_reference(vault, reference)
    victim_name = victim_name.strip()
    if not victim_name:
        raise VictimNameMissing(
            "Enter the victim's name (a first name is enough) to create the case."
        )
    referral = referral or Referral()
    now = vault.clock.utc_now_ms()
    with vault.transaction() as tx:
        if tx.scalar("SELECT 1 FROM cases WHERE reference = ?", (reference,)):
            raise InvalidInput(
                f"A case with the reference {reference} already exists. Open it from the case list."
            )
        case_id = tx.execute(
            "INSERT INTO cases(reference, victim_name, officer, call_platform_ref, created_utc_ms, "
            "status, referral_json) VALUES (?, ?, ?, ?, ?, 'open', ?)",
            (
                reference,
                victim_name,
                vault.actor,
                call_platform_ref.strip(),
                now,
                json.dumps(referral.to_json()),
            ),
        )
        case = load_case(tx, case_id)
        audit.append(
            tx,
            vault,
            "case.created",
            case.subject,
            case_ref=reference,
            content=canonical_json(
                {
                    "reference": reference,
                    "victim_name": victim_name,
                    "call_platform_ref": case.call_platform_ref,
                    "referral": referral.to_json(),
                }
            ),
        )
    return case


def get_case(vault: Vault, case_id: int) -> Case:
    with vault.reader() as tx:
        return load_case(tx, case_id)


def find_case(vault: Vault, reference: str) -> Case:
    cleaned = reference.strip().upper()
    with vault.reader() as tx:
        row = tx.one(
            "SELECT * FROM cases WHERE reference = ? AND status != 'destroying'", (cleaned,)
        )
    if row is None:
        raise NotFound(
            f"There is no case {cleaned} in this vault. Check the reference, or list the cases "
            "with 'rvr-desktop case list'."
        )
    return _from_row(row)


def open_case(vault: Vault, case_id: int) -> Case:
    """Open a case for viewing; every viewing is recorded in the audit chain."""
    with vault.transaction() as tx:
        case = load_case(tx, case_id)
        audit.append(tx, vault, "case.viewed", case.subject, case_ref=case.reference)
    return case


def list_cases(
    vault: Vault,
    *,
    search: str = "",
    status: str | None = None,
    created_from_ms: int | None = None,
    created_to_ms: int | None = None,
) -> list[Case]:
    """Cases, newest first, filtered by text (reference, victim or call ID), status and date."""
    clauses = ["status != 'destroying'"]
    params: list[Any] = []
    if search.strip():
        like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like += "%"
        clauses.append(
            "(reference LIKE ? ESCAPE '\\' OR victim_name LIKE ? ESCAPE '\\' "
            "OR call_platform_ref LIKE ? ESCAPE '\\')"
        )
        params += [like, like, like]
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"Unknown case status '{status}'; use one of {', '.join(STATUSES)}.")
        clauses.append("status = ?")
        params.append(status)
    if created_from_ms is not None:
        clauses.append("created_utc_ms >= ?")
        params.append(created_from_ms)
    if created_to_ms is not None:
        clauses.append("created_utc_ms < ?")
        params.append(created_to_ms)
    # Only fixed clause texts are joined; every value goes in as a parameter.
    where = " AND ".join(clauses)
    sql = f"SELECT * FROM cases WHERE {where} ORDER BY created_utc_ms DESC"  # noqa: S608
    with vault.reader() as tx:
        return [_from_row(r) for r in tx.all(sql, params)]


def set_status(vault: Vault, case_id: int, status: str) -> Case:
    if status not in STATUSES:
        raise InvalidInput(f"Unknown case status '{status}'; use one of {', '.join(STATUSES)}.")
    with vault.transaction() as tx:
        case = load_case(tx, case_id)
        tx.execute("UPDATE cases SET status = ? WHERE id = ?", (status, case_id))
        audit.append(
            tx,
            vault,
            "case.status_changed",
            case.subject,
            case_ref=case.reference,
            content=status.encode(),
        )
        return load_case(tx, case_id)


def record_export(tx: Tx, vault: Vault, case: Case, export: ExportRecord) -> None:
    """Remember an export inside ``tx``: its row, an open case marked exported, an audit record."""
    tx.execute(
        "INSERT INTO exports(case_id, bundle_name, recipient, justification, "
        "exported_utc_ms, exported_by, tag_manifest_sha256, chain_head_seq, "
        "chain_head_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case.id,
            export.bundle,
            export.recipient,
            export.justification,
            export.exported_utc_ms,
            vault.actor,
            export.tag_manifest_sha256,
            export.chain_head.seq,
            export.chain_head.record_hash,
        ),
    )
    tx.execute("UPDATE cases SET status = 'exported' WHERE id = ? AND status = 'open'", (case.id,))
    audit.append(
        tx,
        vault,
        "case.exported",
        f"bundle:{export.bundle}",
        case_ref=case.reference,
        content=canonical_json(export.to_json()),
    )


# Tables whose rows belong to a case, removed (in this order) when it is destroyed.
CASE_OWNED_TABLES = ("timeline", "attachments")


def destroy_case(vault: Vault, case_id: int, reason: str) -> Tombstone:
    """The retention step: remove a case for good, leaving a tombstone in the audit chain.

    The rows go, and with the attachment rows go the only keys to their encrypted blobs,
    so the blobs are unreadable even in old backups; the blob files are removed after the
    commit. So are the copies of the database taken before schema migrations: they still
    hold the case, and restoring one would bring a destroyed case back.
    """
    reason = reason.strip()
    if len(reason) < 10:
        raise InvalidInput(
            "Give the reason for destroying this case (for example the retention rule that "
            "applies); at least 10 characters."
        )
    with vault.transaction() as tx:
        case = load_case(tx, case_id)
        if case.status != "closed":
            raise NotAllowed(
                f"Case {case.reference} is still {case.status}. "
                "Close it before it can be destroyed."
            )
        notes = [
            sha256_hex(str(r["text"]).encode("utf-8"))
            for r in tx.all("SELECT text FROM timeline WHERE case_id = ? ORDER BY id", (case_id,))
        ]
        blobs = tx.all(
            "SELECT blob_name, exhibit_ref, sha256 FROM attachments WHERE case_id = ?", (case_id,)
        )
        manifest: dict[str, Any] = {
            "reference": case.reference,
            "timeline_sha256": notes,
            "attachments": {str(r["exhibit_ref"]): str(r["sha256"]) for r in blobs},
        }
        manifest.update(_extra_owned_rows(tx, case_id))
        tx.execute("UPDATE cases SET status = 'destroying' WHERE id = ?", (case_id,))
        for table in (*_extra_owned_tables(tx), *CASE_OWNED_TABLES):
            tx.execute(f"DELETE FROM {table} WHERE case_id = ?", (case_id,))  # noqa: S608 - fixed names
        record = audit.append(
            tx,
            vault,
            "case.destroyed",
            case.subject,
            case_ref=case.reference,
            content=canonical_json({"manifest": manifest, "reason": reason}),
        )
        now = vault.clock.utc_now_ms()
        tx.execute(
            "INSERT INTO tombstones(case_reference, destroyed_utc_ms, actor, reason, "
            "manifest_json, audit_seq) VALUES (?, ?, ?, ?, ?, ?)",
            (case.reference, now, vault.actor, reason, json.dumps(manifest), record.seq),
        )
        tx.execute("DELETE FROM cases WHERE id = ?", (case_id,))
    for row in blobs:
        vault.blobs.remove(str(row["blob_name"]))
    vault.checkpoint()  # the destroyed rows leave the write-ahead log too
    _remove_migration_backups(vault)
    return Tombstone(case.reference, now, vault.actor, reason, manifest, record.seq)


def _remove_migration_backups(vault: Vault) -> None:
    if not vault.paths.backups.is_dir():
        return
    for backup in vault.paths.backups.iterdir():
        if backup.is_file():
            with translate_os_errors(backup):
                backup.unlink()


def _extra_owned_tables(tx: Tx) -> list[str]:
    """Tables added by later schema versions that hold a ``case_id`` (forms, for example)."""
    names = [
        str(r[0])
        for r in tx.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    owned = []
    for name in names:
        if name in CASE_OWNED_TABLES or name == "cases":
            continue
        columns = {str(c[1]) for c in tx.all(f"PRAGMA table_info({name})")}
        if "case_id" in columns:
            owned.append(name)
    return owned


def _extra_owned_rows(tx: Tx, case_id: int) -> dict[str, Any]:
    """For each later table: the SHA-256 values it holds (what was destroyed), else a count."""
    found: dict[str, Any] = {}
    for name in _extra_owned_tables(tx):
        columns = [str(c[1]) for c in tx.all(f"PRAGMA table_info({name})")]
        hashes = [c for c in columns if c.endswith("sha256")]
        if hashes:
            rows = tx.all(
                f"SELECT {', '.join(hashes)} FROM {name} WHERE case_id = ? ORDER BY id",  # noqa: S608
                (case_id,),
            )
            found[f"{name}_sha256"] = [[r[i] for i in range(len(hashes))] for r in rows]
        else:
            found[f"{name}_rows"] = int(
                tx.scalar(f"SELECT count(*) FROM {name} WHERE case_id = ?", (case_id,))  # noqa: S608
            )
    return found


def list_tombstones(vault: Vault) -> list[Tombstone]:
    with vault.reader() as tx:
        rows = tx.all("SELECT * FROM tombstones ORDER BY id")
    return [
        Tombstone(
            str(r["case_reference"]),
            int(r["destroyed_utc_ms"]),
            str(r["actor"]),
            str(r["reason"]),
            json.loads(r["manifest_json"]),
            int(r["audit_seq"]),
        )
        for r in rows
    ]
