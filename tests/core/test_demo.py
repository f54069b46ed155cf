"""The demo case a trainee sees first: realistic in shape, invented in content."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import attachments, timeline
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.records.timeline_entry import CallEvent, EntryKind
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF


def test_trainee_opens_the_demo_vault_and_sees_a_whole_call(tmp_path: Path) -> None:
    demo = build_demo_vault(tmp_path, kdf=FAST_INSECURE_KDF)
    assert demo.passphrase_file.read_text().strip() == demo.passphrase
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        entries = timeline.entries(vault, demo.case_id)
        notes = [e for e in entries if e.kind is not EntryKind.EVENT]
        events = [e.event for e in entries if e.event]
        assert len(notes) >= 30
        assert any(e.kind is EntryKind.AMENDMENT for e in entries)
        assert events[:2] == [CallEvent.SAFETY_GATE_PASSED, CallEvent.CALL_STARTED]
        assert events[-1] is CallEvent.CALL_ENDED
        assert 95 * 60_000 <= entries[-1].elapsed_ms <= 110 * 60_000
        exhibits = attachments.list_attachments(vault, demo.case_id)
        assert [a.exhibit_ref for a in exhibits] == ["JS/1", "JS/2"]
        assert vault.integrity_problems() == []


# ---------------------------------------------------------------------------------------
# The demo read as a defence barrister reads a case: no document contradicts another.


@dataclass(frozen=True)
class DemoCase:
    call_start_ms: int
    call_end_ms: int
    notes: str
    """Every note (and amendment) of the call, in order."""
    statement: str
    forms: dict[str, forms.FormVersion]
    """The final version of each form, by template id."""
    first_saved_ms: dict[str, int]
    entries: list[timeline.TimelineEntry]
    messages: str
    """The text of the messages exhibit."""


@pytest.fixture(scope="module")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> DemoCase:
    demo = build_demo_vault(tmp_path_factory.mktemp("demo"), kdf=FAST_INSECURE_KDF)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        entries = timeline.entries(vault, demo.case_id)
        finals = {}
        first_saved = {}
        for latest in forms.forms_for_case(vault, demo.case_id):
            with vault.reader() as tx:
                final = forms.read_latest_final(tx, latest.form_id)
                history = forms.read_form_history(tx, latest.form_id)
            assert final is not None and final.version == latest.version
            finals[final.template.template_id] = final
            first_saved[final.template.template_id] = history[0].saved_utc_ms
        exhibits = attachments.list_attachments(vault, demo.case_id)
        copy = io.BytesIO()
        attachments.read_into(vault, exhibits[1].id, copy)
    started = next(e for e in entries if e.event is CallEvent.CALL_STARTED)
    ended = next(e for e in entries if e.event is CallEvent.CALL_ENDED)
    return DemoCase(
        call_start_ms=started.recorded_utc_ms,
        call_end_ms=ended.recorded_utc_ms,
        notes="\n".join(e.text for e in entries if e.kind is not EntryKind.EVENT),
        statement=str(finals["mg11"].answers["statement_text"]),
        forms=finals,
        first_saved_ms=first_saved,
        entries=entries,
        messages=copy.getvalue().decode("utf-8"),
    )


UK = ZoneInfo("Europe/London")


def _uk_day(utc_ms: int) -> date:
    return datetime.fromtimestamp(utc_ms / 1000, tz=UTC).astimezone(UK).date()


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def test_the_children_are_four_and_seven_on_the_day_of_the_call_as_everyone_says(
    demo_case: DemoCase,
) -> None:
    call_day = _uk_day(demo_case.call_start_ms)
    children = demo_case.forms["safeguarding"].answers["children"]
    ages = sorted(_age_on(date.fromisoformat(c["date_of_birth"]), call_day) for c in children)
    assert ages == [4, 7]
    assert "two children, who are four and seven years old" in demo_case.statement
    assert "(two, aged 4 and 7)" in demo_case.notes
    assert "Two children, aged 4 and 7." in str(demo_case.forms["dash-risk"].answers)


def test_the_safeguarding_dates_fall_on_or_after_the_call_not_before_it(
    demo_case: DemoCase,
) -> None:
    answers = demo_case.forms["safeguarding"].answers
    call_day = _uk_day(demo_case.call_start_ms)
    finalised = demo_case.forms["safeguarding"].saved_utc_ms
    assert date.fromisoformat(answers["dvds_application_date"]) == call_day
    for referral in answers["referrals"]:
        made = datetime.fromisoformat(referral["made_at"]).timestamp() * 1000
        assert demo_case.call_start_ms <= made <= finalised
        assert date.fromisoformat(referral["owed_by"]) > call_day
    for update in answers["updates_owed"]:
        assert date.fromisoformat(update["owed_by"]) > call_day
    services = {r["service"] for r in answers["referrals"]}
    assert services == {"idva", "childrens_services"}
    assert "referral to the IDVA service and to children's services" in demo_case.notes


# A risk answer of 'yes' to these must be borne out by the notes or the statement: a
# defence lawyer will ask where the strangulation recorded on the risk form came from.
RISK_FACTS = {
    "injured": ("bruis", "cut"),
    "weapon": ("mug", "knife"),
    "strangulation": ("strangl", "chok", "smother", "neck"),
    "threat_to_kill": ("kill",),
    "sexual_abuse": ("sexual",),
    "animals": ("pet ", "dog", "cat "),
    "pregnant_or_new_baby": ("pregnan", "baby"),
    "breached_orders": ("bail", "court order"),
    "police_history": ("criminal record", "convict", "arrested before"),
    "unwanted_contact": ("messages",),
    "separated": ("left the house", "sister's"),
    "drink_or_drugs": ("pub", "drink"),
    "controlling": ("controls our money", "checks my phone"),
    "children_in_household": ("children",),
}


def test_what_the_risk_form_records_is_in_the_notes_or_the_statement(
    demo_case: DemoCase,
) -> None:
    told = (demo_case.notes + "\n" + demo_case.statement).lower()
    answers = demo_case.forms["dash-risk"].answers
    for field, facts in RISK_FACTS.items():
        said = any(fact in told for fact in facts)
        answer = answers[field]["answer"]
        assert (answer == "yes") <= said, f"risk form says yes to '{field}'; nobody said so"
        if answer == "yes":
            assert answers[field]["note"].strip(), f"'{field}': a yes with nothing noted"
    for field, value in answers.items():
        if isinstance(value, dict) and value.get("answer") == "yes":
            assert value["note"].strip(), f"'{field}' is yes with no note of what was said"


def test_the_messages_exhibit_holds_the_23_messages_the_notes_and_statement_count(
    demo_case: DemoCase,
) -> None:
    sent = [line for line in demo_case.messages.splitlines() if line[:2].isdigit()]
    assert len(sent) == 23
    assert all(line[:5] >= "07:00" for line in sent)
    assert "23 messages since 07:00" in demo_case.notes
    assert "twenty-three text messages" in demo_case.statement
    assert any("find you wherever you go" in line for line in sent)
    assert "file of message screenshots" not in demo_case.notes  # it is a text file


def test_the_notes_never_go_back_in_time(demo_case: DemoCase) -> None:
    times = [e.recorded_utc_ms for e in demo_case.entries]
    assert times == sorted(times)


def test_what_the_statement_says_was_offered_was_offered_before_it_was_taken(
    demo_case: DemoCase,
) -> None:
    statement_started = demo_case.first_saved_ms["mg11"]
    for said_in_the_statement, noted in (
        ("I have been told about the Victims' Code", "Victims' Code leaflet"),
        ("offered the chance to make a victim personal statement", "Victim personal statement"),
        ("I have been told about special measures", "Special measures explained"),
        ("agreed to be referred to an independent domestic violence adviser", "IDVA service"),
    ):
        assert said_in_the_statement in demo_case.statement
        note = next(e for e in demo_case.entries if noted in e.text)
        assert note.recorded_utc_ms < statement_started, noted


def test_the_statement_took_as_long_as_taking_and_reading_it_back_would(
    demo_case: DemoCase,
) -> None:
    words = len(demo_case.statement.split())
    minutes = (demo_case.forms["mg11"].saved_utc_ms - demo_case.first_saved_ms["mg11"]) / 60_000
    assert words > 1_000
    # Taken down in the witness's words and then read back in full: well under 80 words a
    # minute overall, or a defence lawyer asks how.
    assert words / minutes < 60
    restricted = demo_case.forms["mg11"].answers
    assert set(restricted["special_measures"]) == {"screens", "live_link"}
    assert "video link" in demo_case.statement and "screen" in demo_case.statement
