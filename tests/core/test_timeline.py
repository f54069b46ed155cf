"""Contemporaneous notes, amendments and call events, kept like a pocket notebook."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed
from rvr_desktop.evidence.records.timeline_entry import CallEvent, EntryKind
from rvr_desktop.evidence.vault import Vault, audit
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.conftest import TEST_PASSPHRASE
from tests.core.clocks import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked_vault(vault_dir: Path, clock: FakeClock) -> Vault:
    v = Vault.create(vault_dir, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF, clock=clock)
    yield v
    v.lock()


def _start_call(vault: Vault, case_id: int) -> None:
    timeline.record_event(
        vault,
        case_id,
        CallEvent.SAFETY_GATE_PASSED,
        "Safety gate passed",
        {"can_talk_safely": "yes", "suspect_present": "no"},
    )
    timeline.record_event(vault, case_id, CallEvent.CALL_STARTED, "Call started")


def test_officer_types_a_note_and_it_is_stamped(clocked_vault: Vault, clock: FakeClock) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    note = timeline.append_note(clocked_vault, case.id, "Victim is in the bedroom, door locked.")
    assert note.recorded_utc_ms == clock.utc_ms
    assert note.monotonic_ns == clock.mono_ns
    assert note.elapsed_ms is None  # no call running yet
    assert note.author == clocked_vault.actor


def test_notes_during_a_call_carry_the_elapsed_call_time(
    clocked_vault: Vault, clock: FakeClock
) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    _start_call(clocked_vault, case.id)
    clock.advance(125.5)
    note = timeline.append_note(clocked_vault, case.id, "Suspect left at about 21:10.")
    assert note.elapsed_ms == 125_500
    assert note.elapsed_label == "0:02:05"


def test_the_call_cannot_start_before_the_safety_gate_is_passed(clocked_vault: Vault) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    with pytest.raises(NotAllowed, match="safety gate"):
        timeline.record_event(clocked_vault, case.id, CallEvent.CALL_STARTED, "Call started")
    timeline.record_event(
        clocked_vault,
        case.id,
        CallEvent.SAFETY_GATE_FAILED,
        "Suspect in the next room",
        {"reason": "suspect present", "action": "call-back arranged for 18:00"},
    )
    with pytest.raises(NotAllowed, match="safety gate"):
        timeline.record_event(clocked_vault, case.id, CallEvent.CALL_STARTED, "Call started")


def test_a_call_runs_is_interrupted_resumes_and_ends(clocked_vault: Vault) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    _start_call(clocked_vault, case.id)
    timeline.record_event(clocked_vault, case.id, CallEvent.CALL_INTERRUPTED, "Suspect walked in")
    assert timeline.call_state(clocked_vault, case.id).interrupted
    timeline.record_event(clocked_vault, case.id, CallEvent.CALL_RESUMED, "Victim safe again")
    timeline.record_event(clocked_vault, case.id, CallEvent.CALL_ENDED, "Call ended")
    state = timeline.call_state(clocked_vault, case.id)
    assert not state.running and not state.gate_passed
    events = [e.event for e in timeline.entries(clocked_vault, case.id) if e.event]
    assert events == [
        CallEvent.SAFETY_GATE_PASSED,
        CallEvent.CALL_STARTED,
        CallEvent.CALL_INTERRUPTED,
        CallEvent.CALL_RESUMED,
        CallEvent.CALL_ENDED,
    ]


def test_officer_amends_note_and_original_stays_visible(clocked_vault: Vault) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    original = timeline.append_note(clocked_vault, case.id, "Suspect left at 21:10.")
    amendment = timeline.amend_note(
        clocked_vault, original.id, "Suspect left at 21:40.", "Victim corrected the time"
    )
    entries = timeline.entries(clocked_vault, case.id)
    assert [e.text for e in entries] == ["Suspect left at 21:10.", "Suspect left at 21:40."]
    assert amendment.kind is EntryKind.AMENDMENT and amendment.amends_id == original.id
    assert timeline.superseded_ids(entries) == {original.id}


def test_an_amendment_needs_a_reason(clocked_vault: Vault) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    original = timeline.append_note(clocked_vault, case.id, "Text")
    with pytest.raises(InvalidInput, match="reason"):
        timeline.amend_note(clocked_vault, original.id, "New text", "  ")


def test_notes_can_never_be_erased_or_overwritten(clocked_vault: Vault) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    note = timeline.append_note(clocked_vault, case.id, "Original words")
    with pytest.raises(NotAllowed, match="append-only"), clocked_vault.transaction() as tx:
        tx.execute("UPDATE timeline SET text = 'rewritten' WHERE id = ?", (note.id,))
    with pytest.raises(NotAllowed, match="never be erased"), clocked_vault.transaction() as tx:
        tx.execute("DELETE FROM timeline WHERE id = ?", (note.id,))
    assert timeline.entries(clocked_vault, case.id)[0].text == "Original words"


def test_an_empty_note_is_refused(clocked_vault: Vault) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    with pytest.raises(InvalidInput, match="empty"):
        timeline.append_note(clocked_vault, case.id, "   \n")


def test_a_clock_jump_is_recorded_in_the_timeline_and_the_audit_chain(
    clocked_vault: Vault, clock: FakeClock
) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    timeline.append_note(clocked_vault, case.id, "Before the jump")
    clock.jump_wall_clock(-3600)
    timeline.append_note(clocked_vault, case.id, "After the jump")
    entries = timeline.entries(clocked_vault, case.id)
    assert [e.event for e in entries] == [None, CallEvent.CLOCK_JUMP, None]
    assert "jumped by -3600.0 seconds" in entries[1].text
    with clocked_vault.reader() as tx:
        actions = [r.body.action for r in audit.records_for_case(tx, case.reference) if r.body]
    assert "clock.jump" in actions


def test_audit_records_hash_every_field_of_a_note(clocked_vault: Vault) -> None:
    case = cases.create_case(clocked_vault, "INC-2026-0042", "Priya")
    note = timeline.append_note(clocked_vault, case.id, "Exact words, ünïcode too")
    with clocked_vault.reader() as tx:
        record = audit.records_for_case(tx, case.reference)[-1]
    assert record.body is not None
    assert record.body.content_sha256 == hashlib.sha256(note.content_bytes()).hexdigest()
    # A changed time (or author, or reason) changes the hash, just as changed words do.
    moved = dataclasses.replace(note, recorded_utc_ms=note.recorded_utc_ms - 60_000)
    assert hashlib.sha256(moved.content_bytes()).hexdigest() != record.body.content_sha256
