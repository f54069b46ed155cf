"""A timeline entry (a note, an amendment or a call event) as the audit chain hashes it.

The vault hashes an entry's canonical bytes into its audit record when the entry is
written; a verifier re-hashes the entry from the bundle's ``timeline.json`` with the same
function, so the two can never drift apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from rvr_desktop.evidence.records.canonical import canonical_json


class EntryKind(StrEnum):
    NOTE = "note"
    AMENDMENT = "amendment"
    EVENT = "event"


class CallEvent(StrEnum):
    """The call's events as the timeline records them (and the notes log prints them)."""

    SAFETY_GATE_PASSED = "safety_gate_passed"
    SAFETY_GATE_FAILED = "safety_gate_failed"
    CALL_STARTED = "call_started"
    CALL_INTERRUPTED = "call_interrupted"
    CALL_RESUMED = "call_resumed"
    CALL_ENDED = "call_ended"
    CLOCK_JUMP = "clock_jump"
    STATEMENT_READ_BACK = "statement_read_back"


ENTRY_FIELDS = (
    "id",
    "kind",
    "event",
    "recorded_utc_ms",
    "monotonic_ns",
    "clock_session",
    "elapsed_ms",
    "author",
    "text",
    "amends_id",
    "reason",
    "payload",
)
"""Every field of an entry: a changed time, author, reason or link is as visible as
changed words."""


def entry_content_bytes(entry: dict[str, Any]) -> bytes:
    """The canonical bytes of a timeline entry as exported (``TimelineEntry.to_json``)."""
    return canonical_json({name: entry.get(name) for name in ENTRY_FIELDS})
