"""Cases from the call handler's referral, listed, searched, closed and destroyed."""

from __future__ import annotations

import pytest

from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed, NotFound
from rvr_desktop.evidence.vault import Vault, audit


def test_officer_creates_a_case_from_the_referral(vault: Vault) -> None:
    referral = cases.Referral(callback_number="07700 900123", handler_notes="Safe after 6pm")
    case = cases.create_case(
        vault, " inc-2026-0042 ", "Priya", call_platform_ref="RVR-991", referral=referral
    )
    assert case.reference == "INC-2026-0042"
    assert case.status == "open"
    assert cases.find_case(vault, "inc-2026-0042").referral == referral


def test_a_malformed_reference_is_refused_with_an_example_not_a_pattern(vault: Vault) -> None:
    with pytest.raises(InvalidInput, match="not a valid incident or crime number") as caught:
        cases.create_case(vault, "42", "Priya")
    assert "should look like INC-2026-0042" in str(caught.value)
    assert "[" not in str(caught.value) and "{" not in str(caught.value)
    with pytest.raises(InvalidInput) as empty:
        cases.create_case(vault, "", "Priya")
    assert str(empty.value).startswith("Enter the incident or crime number")
    assert "''" not in str(empty.value)


def test_the_force_can_configure_its_reference_pattern(vault: Vault) -> None:
    with vault.transaction() as tx:
        vault.put_setting(tx, cases.REFERENCE_PATTERN_SETTING, r"\d{2}/\d{6}/\d{2}")
    assert cases.create_case(vault, "42/123456/26", "Tom").reference == "42/123456/26"
    with pytest.raises(InvalidInput) as caught:
        cases.create_case(vault, "INC-2026-0042", "Tom")
    assert "\\d" not in str(caught.value) and "look like" not in str(caught.value)
    with vault.transaction() as tx:
        vault.put_setting(tx, cases.REFERENCE_EXAMPLE_SETTING, "42/123456/26")
    with pytest.raises(InvalidInput, match="look like 42/123456/26"):
        cases.create_case(vault, "INC-2026-0042", "Tom")


def test_the_same_reference_cannot_be_used_twice(vault: Vault) -> None:
    cases.create_case(vault, "INC-2026-0042", "Priya")
    with pytest.raises(InvalidInput, match="already exists"):
        cases.create_case(vault, "INC-2026-0042", "Someone else")


def test_cases_are_listed_newest_first_and_can_be_searched(vault: Vault) -> None:
    first = cases.create_case(vault, "INC-2026-0001", "Alice", call_platform_ref="CALL-A")
    second = cases.create_case(vault, "INC-2026-0002", "Bob")
    cases.set_status(vault, first.id, "closed")
    assert {c.reference for c in cases.list_cases(vault)} == {"INC-2026-0001", "INC-2026-0002"}
    assert [c.id for c in cases.list_cases(vault, search="ali")] == [first.id]
    assert [c.id for c in cases.list_cases(vault, search="call-a")] == [first.id]
    assert [c.id for c in cases.list_cases(vault, status="open")] == [second.id]
    assert cases.list_cases(vault, search="100%") == []


def test_viewing_a_case_is_recorded(vault: Vault) -> None:
    case = cases.create_case(vault, "INC-2026-0042", "Priya")
    cases.open_case(vault, case.id)
    with vault.reader() as tx:
        actions = [r.body.action for r in audit.records_for_case(tx, case.reference) if r.body]
    assert actions == ["case.created", "case.viewed"]


def test_an_open_case_cannot_be_destroyed(vault: Vault) -> None:
    case = cases.create_case(vault, "INC-2026-0042", "Priya")
    with pytest.raises(NotAllowed, match="Close it"):
        cases.destroy_case(vault, case.id, "Retention period of six years has passed")


def test_destroying_a_case_leaves_a_tombstone_and_an_intact_chain(vault: Vault) -> None:
    case = cases.create_case(vault, "INC-2026-0042", "Priya")
    note = timeline.append_note(vault, case.id, "Victim says the door was kicked in.")
    cases.set_status(vault, case.id, "closed")
    tomb = cases.destroy_case(vault, case.id, "Retention period of six years has passed")
    assert tomb.case_reference == "INC-2026-0042"
    assert len(tomb.manifest["timeline_sha256"]) == 1
    with pytest.raises(NotFound):
        cases.get_case(vault, case.id)
    with vault.reader() as tx:
        assert tx.scalar("SELECT count(*) FROM timeline WHERE id = ?", (note.id,)) == 0
        assert audit.verify_chain(tx) is None
        last = list(audit.iter_records(tx))[-1]
    assert last.body is not None and last.body.action == "case.destroyed"
    assert cases.list_tombstones(vault)[0].reason == "Retention period of six years has passed"
    assert vault.integrity_problems() == []
