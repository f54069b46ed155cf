"""The audit chain's records as they are written and carried in a bundle.

Each record holds its sequence number, UTC time, actor, action, subject, the case it
belongs to (if any), the SHA-256 of the content it concerns, the previous record's hash,
and its own hash. The record hash covers ``seq``, ``prev_hash`` and the SHA-256 of the
record's body (its canonical encoding), so a bundle can carry one case's records in full
and every other record *redacted* to those three values: the chain still verifies end
to end without disclosing other cases. Changing, removing or reordering any record breaks
the chain from that point, and :func:`verify_records` names the first broken record.
The head's hash, shown as a short code, is what an officer writes in the force's records
system as an outside anchor.

This module knows no storage: the vault appends records (``vault/audit.py``) and the
verifier re-computes them from a bundle with the same code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.records.canonical import canonical_json, sha256_hex

GENESIS_HASH = "0" * 64
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class ChainAnchor:
    """An audit chain position: record ``seq`` had hash ``record_hash``."""

    seq: int
    record_hash: str


@dataclass(frozen=True)
class AuditBody:
    utc_ms: int
    actor: str
    action: str
    """What happened, such as ``note.added`` or ``case.exported``."""
    subject: str
    """What it happened to, such as ``note:17`` or ``attachment:JS/1``."""
    case_ref: str | None
    """The case this record belongs to; None for vault-wide events."""
    content_sha256: str
    """SHA-256 of the content concerned (the note text, the attachment bytes, the form)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "utc_ms": self.utc_ms,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "case_ref": self.case_ref,
            "content_sha256": self.content_sha256,
        }

    def sha256(self) -> str:
        return sha256_hex(canonical_json(self.to_json()))


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    """1 for the first record, then one more for each."""
    prev_hash: str
    body_sha256: str
    record_hash: str
    body: AuditBody | None
    """None when the record is redacted (it belongs to another case)."""

    def to_json(self, *, redact: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "body_sha256": self.body_sha256,
            "record_hash": self.record_hash,
        }
        if self.body is not None and not redact:
            out["body"] = self.body.to_json()
        return out

    @classmethod
    def from_json(cls, raw: Any) -> AuditRecord:
        """Strictly parse one record as exported; raises ValueError naming what is wrong."""
        if not isinstance(raw, dict):
            raise ValueError("an audit record must be a JSON object")
        allowed = {"seq", "prev_hash", "body_sha256", "record_hash", "body"}
        if not {"seq", "prev_hash", "body_sha256", "record_hash"} <= set(raw) <= allowed:
            raise ValueError(f"an audit record has unexpected fields {sorted(set(raw))}")
        body = None
        if "body" in raw:
            b = raw["body"]
            keys = {"utc_ms", "actor", "action", "subject", "case_ref", "content_sha256"}
            if not isinstance(b, dict) or set(b) != keys:
                raise ValueError("an audit record's body must have exactly the standard fields")
            case_ref = b["case_ref"]
            body = AuditBody(
                utc_ms=_int(b["utc_ms"]),
                actor=_str(b["actor"]),
                action=_str(b["action"]),
                subject=_str(b["subject"]),
                case_ref=None if case_ref is None else _str(case_ref),
                content_sha256=_str(b["content_sha256"]),
            )
        return cls(
            seq=_int(raw["seq"]),
            prev_hash=_str(raw["prev_hash"]),
            body_sha256=_str(raw["body_sha256"]),
            record_hash=_str(raw["record_hash"]),
            body=body,
        )


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError(f"expected a whole number, found {value!r}")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {value!r}")
    return value


def link_hash(seq: int, prev_hash: str, body_sha256: str) -> str:
    return sha256_hex(
        canonical_json({"seq": seq, "prev_hash": prev_hash, "body_sha256": body_sha256})
    )


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    """The first record that does not fit the chain."""
    reason: str
    expected: str
    found: str

    def describe(self) -> str:
        return (
            f"record {self.seq} is broken: {self.reason} "
            f"(expected {self.expected}, found {self.found})"
        )


def short_code(record_hash: str) -> str:
    """The chain head as a code an officer can copy by hand: 12 hex digits in three groups."""
    head = record_hash[:12].upper()
    return f"{head[0:4]}-{head[4:8]}-{head[8:12]}"


def verify_records(records: Iterable[AuditRecord]) -> ChainBreak | None:
    """The first record that breaks the chain, or None when the whole chain holds.

    Redacted records (no body) are checked for their link only; full records also for
    their body hash.
    """
    expected_seq = 1
    prev = GENESIS_HASH
    for record in records:
        if record.seq != expected_seq:
            return ChainBreak(
                expected_seq,
                "a record is missing or out of order",
                f"record {expected_seq}",
                f"record {record.seq}",
            )
        if record.prev_hash != prev:
            return ChainBreak(
                record.seq, "it does not follow the record before it", prev, record.prev_hash
            )
        if record.body is not None and record.body.sha256() != record.body_sha256:
            return ChainBreak(
                record.seq,
                "its content was changed after it was written",
                record.body_sha256,
                record.body.sha256(),
            )
        actual = link_hash(record.seq, record.prev_hash, record.body_sha256)
        if actual != record.record_hash:
            return ChainBreak(
                record.seq, "its hash does not match its content", record.record_hash, actual
            )
        prev = record.record_hash
        expected_seq += 1
    return None
