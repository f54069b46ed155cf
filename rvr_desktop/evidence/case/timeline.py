"""A case's timeline: contemporaneous notes, their amendments, and call events.

Kept the way a pocket notebook must be: no erasures, no blank spaces, no overwriting.
Entries are only ever appended (the database's triggers refuse UPDATE and DELETE). A
correction is an amendment that refers to the original and gives a reason; the original
stays, shown struck through but legible. Every entry records UTC time with milliseconds,
the monotonic clock, and the time elapsed since the call started; if the wall clock
jumps, an entry says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.case.cases import Case, load_case
from rvr_desktop.evidence.clock import format_elapsed
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed, NotFound
from rvr_desktop.evidence.records.timeline_entry import CallEvent, EntryKind, entry_content_bytes
from rvr_desktop.evidence.vault import Tx, Vault, audit

MAX_NOTE_CHARS = 100_000


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    case_id: int
    kind: EntryKind
    event: CallEvent | None
    recorded_utc_ms: int
    monotonic_ns: int
    clock_session: str
    """Which process's monotonic clock ``monotonic_ns`` comes from."""
    elapsed_ms: int | None
    """Time since the call started, when a call was running."""
    author: str
    text: str
    amends_id: int | None
    """For an amendment: the entry it corrects."""
    reason: str | None
    """For an amendment: why the correction was made."""
    payload: dict[str, Any]
    """Structured detail of an event (for example the safety gate's answers)."""

    @property
    def elapsed_label(self) -> str:
        return "" if self.elapsed_ms is None else format_elapsed(self.elapsed_ms)

    def content_bytes(self) -> bytes:
        """What the audit chain hashes for this entry (and what a verifier re-hashes):
        every field, so a changed time, author, reason or link is as visible as changed
        words."""
        return entry_content_bytes(self.to_json())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "event": None if self.event is None else self.event.value,
            "recorded_utc_ms": self.recorded_utc_ms,
            "monotonic_ns": self.monotonic_ns,
            "clock_session": self.clock_session,
            "elapsed_ms": self.elapsed_ms,
            "author": self.author,
            "text": self.text,
            "amends_id": self.amends_id,
            "reason": self.reason,
            "payload": self.payload,
        }


@dataclass(frozen=True)
class CallState:
    gate_passed: bool
    """A safety gate has been passed since the last call ended."""
    running: bool
    interrupted: bool
    started: TimelineEntry | None
    last_ended: TimelineEntry | None = None
    """The end of the case's last call (with how long it lasted), whenever it was."""

    def elapsed_ms(self, now_utc_ms: int) -> int | None:
        if not self.running or self.started is None:
            return None
        return now_utc_ms - self.started.recorded_utc_ms


def entry_from_row(row: Any) -> TimelineEntry:
    return TimelineEntry(
        id=int(row["id"]),
        case_id=int(row["case_id"]),
        kind=EntryKind(row["kind"]),
        event=None if row["event"] is None else CallEvent(row["event"]),
        recorded_utc_ms=int(row["recorded_utc_ms"]),
        monotonic_ns=int(row["monotonic_ns"]),
        clock_session=str(row["clock_session"]),
        elapsed_ms=None if row["elapsed_ms"] is None else int(row["elapsed_ms"]),
        author=str(row["author"]),
        text=str(row["text"]),
        amends_id=None if row["amends_id"] is None else int(row["amends_id"]),
        reason=None if row["reason"] is None else str(row["reason"]),
        payload=json.loads(row["payload_json"]),
    )


def _call_state(tx: Tx, case_id: int) -> CallState:
    rows = tx.all(
        "SELECT * FROM timeline WHERE case_id = ? AND kind = 'event' AND event IN "
        "('safety_gate_passed', 'safety_gate_failed', 'call_started', 'call_interrupted', "
        "'call_resumed', 'call_ended') ORDER BY id",
        (case_id,),
    )
    gate = running = interrupted = False
    started: TimelineEntry | None = None
    last_ended: TimelineEntry | None = None
    for row in rows:
        entry = entry_from_row(row)
        if entry.event is CallEvent.SAFETY_GATE_PASSED:
            gate = True
        elif entry.event is CallEvent.SAFETY_GATE_FAILED and not running:
            gate = False
        elif entry.event is CallEvent.CALL_STARTED:
            running, interrupted, started = True, False, entry
        elif entry.event is CallEvent.CALL_INTERRUPTED:
            interrupted = True
        elif entry.event is CallEvent.CALL_RESUMED:
            interrupted = False
        elif entry.event is CallEvent.CALL_ENDED:
            running = interrupted = gate = False
            started, last_ended = None, entry
    return CallState(gate, running, interrupted, started, last_ended)


def _insert(
    tx: Tx,
    vault: Vault,
    case: Case,
    *,
    kind: EntryKind,
    text: str,
    event: CallEvent | None = None,
    amends_id: int | None = None,
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
) -> TimelineEntry:
    reading, jump = vault.clock_watch.read()
    if jump is not None:
        jump_text = (
            f"The computer clock jumped by {jump.drift_ms / 1000:+.1f} seconds compared with "
            "elapsed time. Times after this entry follow the new clock setting."
        )
        jump_id = _write(
            tx,
            vault,
            case,
            EntryKind.EVENT,
            CallEvent.CLOCK_JUMP,
            reading.utc_ms,
            reading.monotonic_ns,
            jump_text,
            None,
            None,
            {"drift_ms": jump.drift_ms, "before_utc_ms": jump.before.utc_ms},
        )
        jump_entry = entry_from_row(tx.one("SELECT * FROM timeline WHERE id = ?", (jump_id,)))
        audit.append(
            tx,
            vault,
            "clock.jump",
            f"event:{jump_id}",
            case_ref=case.reference,
            content=jump_entry.content_bytes(),
        )
    entry_id = _write(
        tx,
        vault,
        case,
        kind,
        event,
        reading.utc_ms,
        reading.monotonic_ns,
        text,
        amends_id,
        reason,
        payload or {},
    )
    row = tx.one("SELECT * FROM timeline WHERE id = ?", (entry_id,))
    return entry_from_row(row)


def _write(
    tx: Tx,
    vault: Vault,
    case: Case,
    kind: EntryKind,
    event: CallEvent | None,
    utc_ms: int,
    monotonic_ns: int,
    text: str,
    amends_id: int | None,
    reason: str | None,
    payload: dict[str, Any],
) -> int:
    state = _call_state(tx, case.id)
    elapsed: int | None = None
    if state.running and state.started is not None:
        start = state.started
        if start.clock_session == vault.clock_session:
            elapsed = (monotonic_ns - start.monotonic_ns) // 1_000_000
        else:  # written by an earlier run of the app: only wall time compares
            elapsed = utc_ms - start.recorded_utc_ms
    if event is CallEvent.CALL_STARTED:
        elapsed = 0
    return tx.execute(
        "INSERT INTO timeline(case_id, kind, event, recorded_utc_ms, monotonic_ns, clock_session, "
        "elapsed_ms, author, text, amends_id, reason, payload_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case.id,
            kind.value,
            None if event is None else event.value,
            utc_ms,
            monotonic_ns,
            vault.clock_session,
            elapsed,
            vault.actor,
            text,
            amends_id,
            reason,
            json.dumps(payload, sort_keys=True),
        ),
    )


def _checked_text(text: str, what: str) -> str:
    if not text.strip():
        raise InvalidInput(f"The {what} is empty: type the {what} first, then press Enter.")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(
            f"The {what} is {len(text):,} characters long; the most one entry can hold is "
            f"{MAX_NOTE_CHARS:,}. Split it into several entries."
        )
    return text


def append_note(vault: Vault, case_id: int, text: str) -> TimelineEntry:
    """Add a contemporaneous note; durable when this returns."""
    text = _checked_text(text, "note")
    with vault.transaction() as tx:
        case = load_case(tx, case_id)
        entry = _insert(tx, vault, case, kind=EntryKind.NOTE, text=text)
        audit.append(
            tx,
            vault,
            "note.added",
            f"note:{entry.id}",
            case_ref=case.reference,
            content=entry.content_bytes(),
        )
    return entry


def amend_note(vault: Vault, entry_id: int, text: str, reason: str) -> TimelineEntry:
    """Correct a note: the original stays in the record, the amendment refers to it."""
    text = _checked_text(text, "amended note")
    if not reason.strip():
        raise InvalidInput("Give a reason for the amendment (for example 'misheard the time').")
    with vault.transaction() as tx:
        row = tx.one("SELECT * FROM timeline WHERE id = ?", (entry_id,))
        if row is None:
            raise NotFound(f"There is no note {entry_id} to amend.")
        original = entry_from_row(row)
        if original.kind is EntryKind.EVENT:
            raise NotAllowed(
                "Call events are recorded automatically and cannot be amended; add a note "
                "explaining what happened instead."
            )
        case = load_case(tx, original.case_id)
        entry = _insert(
            tx,
            vault,
            case,
            kind=EntryKind.AMENDMENT,
            text=text,
            amends_id=original.id,
            reason=reason.strip(),
        )
        audit.append(
            tx,
            vault,
            "note.amended",
            f"note:{entry.id}",
            case_ref=case.reference,
            content=entry.content_bytes(),
        )
    return entry


def record_event(
    vault: Vault,
    case_id: int,
    event: CallEvent,
    text: str,
    payload: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Stamp a call event in the timeline, enforcing the call's order of events."""
    with vault.transaction() as tx:
        case = load_case(tx, case_id)
        state = _call_state(tx, case_id)
        _check_transition(state, event)
        entry = _insert(
            tx, vault, case, kind=EntryKind.EVENT, event=event, text=text, payload=payload
        )
        audit.append(
            tx,
            vault,
            f"call.{event.value}",
            f"event:{entry.id}",
            case_ref=case.reference,
            content=entry.content_bytes(),
        )
    return entry


def _check_transition(state: CallState, event: CallEvent) -> None:
    if event is CallEvent.CALL_STARTED:
        if state.running:
            raise NotAllowed("The call is already running.")
        if not state.gate_passed:
            raise NotAllowed(
                "The safety gate has not been passed. Confirm the victim can talk safely and "
                "privately before starting the call."
            )
    elif event in (CallEvent.CALL_INTERRUPTED, CallEvent.CALL_ENDED, CallEvent.CALL_RESUMED):
        if not state.running:
            raise NotAllowed("No call is running. Start the call first.")
        if event is CallEvent.CALL_RESUMED and not state.interrupted:
            raise NotAllowed("The call was not interrupted, so it cannot be resumed.")
    elif event in (CallEvent.SAFETY_GATE_PASSED, CallEvent.SAFETY_GATE_FAILED):
        if state.running:
            raise NotAllowed("The call is running; the safety gate is answered before it starts.")
    elif event is CallEvent.CLOCK_JUMP:
        raise NotAllowed("Clock jumps are recorded automatically.")


def call_state(vault: Vault, case_id: int) -> CallState:
    with vault.reader() as tx:
        load_case(tx, case_id)
        return _call_state(tx, case_id)


def read_entries(tx: Tx, case_id: int) -> list[TimelineEntry]:
    """The whole timeline as ``tx`` sees it, oldest first."""
    load_case(tx, case_id)
    rows = tx.all("SELECT * FROM timeline WHERE case_id = ? ORDER BY id", (case_id,))
    return [entry_from_row(r) for r in rows]


def read_events(tx: Tx, case_id: int) -> list[TimelineEntry]:
    """The timeline's call events only (a safety gate's answers among them), oldest first:
    what a case's restricted details are read from, without its (perhaps many) notes."""
    load_case(tx, case_id)
    rows = tx.all(
        "SELECT * FROM timeline WHERE case_id = ? AND kind = 'event' ORDER BY id", (case_id,)
    )
    return [entry_from_row(r) for r in rows]


def entries(vault: Vault, case_id: int) -> list[TimelineEntry]:
    """The whole timeline, oldest first."""
    with vault.reader() as tx:
        return read_entries(tx, case_id)


def superseded_ids(timeline: list[TimelineEntry]) -> set[int]:
    """Entries that a later amendment corrects (shown struck through, still legible)."""
    return {e.amends_id for e in timeline if e.amends_id is not None}
