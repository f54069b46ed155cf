"""The audit chain in the vault: every change appends a hash-linked record in the same
transaction as the change itself (the record format is ``records/audit_chain.py``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from rvr_desktop.evidence.records.audit_chain import (
    GENESIS_HASH,
    AuditBody,
    AuditRecord,
    ChainAnchor,
    ChainBreak,
    link_hash,
    verify_records,
)

if TYPE_CHECKING:
    from rvr_desktop.evidence.clock import Clock
    from rvr_desktop.evidence.vault.connections import Tx


class AuditContext(Protocol):
    @property
    def actor(self) -> str: ...

    @property
    def clock(self) -> Clock: ...


def append(
    tx: Tx,
    context: AuditContext,
    action: str,
    subject: str,
    *,
    case_ref: str | None = None,
    content: bytes = b"",
    content_sha256: str | None = None,
) -> AuditRecord:
    """Append one record inside the caller's transaction (so it commits with the change)."""
    last = tx.one("SELECT seq, record_hash FROM audit ORDER BY seq DESC LIMIT 1")
    seq = 1 if last is None else int(last[0]) + 1
    prev = GENESIS_HASH if last is None else str(last[1])
    body = AuditBody(
        utc_ms=context.clock.utc_now_ms(),
        actor=context.actor,
        action=action,
        subject=subject,
        case_ref=case_ref,
        content_sha256=content_sha256 or hashlib.sha256(content).hexdigest(),
    )
    body_sha = body.sha256()
    record = AuditRecord(seq, prev, body_sha, link_hash(seq, prev, body_sha), body)
    tx.execute(
        "INSERT INTO audit(seq, utc_ms, actor, action, subject, case_ref, content_sha256, "
        "body_sha256, prev_hash, record_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq,
            body.utc_ms,
            body.actor,
            body.action,
            body.subject,
            body.case_ref,
            body.content_sha256,
            body_sha,
            prev,
            record.record_hash,
        ),
    )
    return record


def _from_row(row: Any) -> AuditRecord:
    body = AuditBody(
        utc_ms=int(row["utc_ms"]),
        actor=str(row["actor"]),
        action=str(row["action"]),
        subject=str(row["subject"]),
        case_ref=None if row["case_ref"] is None else str(row["case_ref"]),
        content_sha256=str(row["content_sha256"]),
    )
    return AuditRecord(
        seq=int(row["seq"]),
        prev_hash=str(row["prev_hash"]),
        body_sha256=str(row["body_sha256"]),
        record_hash=str(row["record_hash"]),
        body=body,
    )


def iter_records(tx: Tx, *, batch: int = 2000) -> Iterator[AuditRecord]:
    """Every record in order, read in batches so a long chain uses little memory."""
    after = 0
    while True:
        rows = tx.all("SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", (after, batch))
        if not rows:
            return
        for row in rows:
            record = _from_row(row)
            after = record.seq
            yield record


def records_for_case(tx: Tx, case_ref: str) -> list[AuditRecord]:
    rows = tx.all("SELECT * FROM audit WHERE case_ref = ? ORDER BY seq", (case_ref,))
    return [_from_row(r) for r in rows]


def chain_head(tx: Tx) -> ChainAnchor | None:
    row = tx.one("SELECT seq, record_hash FROM audit ORDER BY seq DESC LIMIT 1")
    return None if row is None else ChainAnchor(int(row[0]), str(row[1]))


def verify_chain(tx: Tx) -> ChainBreak | None:
    return verify_records(iter_records(tx))
