"""The safety gate before the call, and the statement's path from read-back to signing."""

from __future__ import annotations

import pytest

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.case.mg11 import (
    StatementNotReady,
    build_statement,
    read_statement_inputs,
    record_read_back,
    statement_readiness,
)
from rvr_desktop.evidence.case.safety_gate import last_safety_gate, record_safety_gate
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.vault import Vault


@pytest.fixture
def case_id(vault: Vault) -> int:
    return cases.create_case(vault, "INC-2026-0300", "Priya").id


@pytest.fixture
def registry(vault: Vault) -> forms.TemplateRegistry:
    return forms.registry_for_vault(vault)


def test_a_passed_gate_lets_the_call_start(
    vault: Vault, case_id: int, registry: forms.TemplateRegistry
) -> None:
    gate = registry.get("safety-gate")
    result, entry = record_safety_gate(vault, case_id, gate, dict(gate.example or {}))
    assert result.passed and entry.event is CallEvent.SAFETY_GATE_PASSED
    assert entry.payload["template_sha256"] == gate.sha256
    timeline.record_event(vault, case_id, CallEvent.CALL_STARTED, "Call started")
    assert timeline.call_state(vault, case_id).running
    assert last_safety_gate(vault, case_id) == entry


def test_a_failed_gate_records_why_and_what_was_done_instead(
    vault: Vault, case_id: int, registry: forms.TemplateRegistry
) -> None:
    gate = registry.get("safety-gate")
    answers = {**dict(gate.example or {}), "suspect_present": "yes"}
    with pytest.raises(InvalidInput, match="what was done instead"):
        record_safety_gate(vault, case_id, gate, answers)
    answers["action_instead"] = "Agreed to call back at 18:00 when he is at work."
    result, entry = record_safety_gate(vault, case_id, gate, answers)
    assert result.failed and entry.event is CallEvent.SAFETY_GATE_FAILED
    assert "call back at 18:00" in entry.text and entry.payload["reasons"]
    with pytest.raises(NotAllowed, match="safety gate"):
        timeline.record_event(vault, case_id, CallEvent.CALL_STARTED, "Call started")


def test_an_unfinished_gate_is_not_recorded(
    vault: Vault, case_id: int, registry: forms.TemplateRegistry
) -> None:
    with pytest.raises(InvalidInput, match="not finished"):
        record_safety_gate(vault, case_id, registry.get("safety-gate"), {})
    assert timeline.entries(vault, case_id) == []


def _mg11(vault: Vault, case_id: int, registry: forms.TemplateRegistry) -> forms.FormVersion:
    mg11 = registry.get("mg11")
    answers = {k: v for k, v in dict(mg11.example or {}).items() if k != "witness_signature"}
    return forms.create_form(vault, case_id, mg11, answers)


def test_the_statement_is_ready_only_after_read_back_confirmation_and_finalising(
    vault: Vault, case_id: int, registry: forms.TemplateRegistry
) -> None:
    assert "Start the MG11" in " ".join(statement_readiness(vault, case_id).problems)
    form = _mg11(vault, case_id, registry)
    assert "Finalise the MG11" in " ".join(statement_readiness(vault, case_id).problems)
    record_read_back(vault, case_id)
    answers = dict(form.answers)
    answers["witness_signature"] = {
        "method": "typed_name",
        "name": "Alex Example",
        "signed_at": "2026-11-27T19:40:00+00:00",
    }
    forms.save_draft(vault, form.form_id, answers)
    forms.finalise(vault, form.form_id)
    readiness = statement_readiness(vault, case_id)
    assert readiness.ready, readiness.problems
    with vault.reader() as tx:
        inputs = read_statement_inputs(tx, case_id)
    statement = build_statement(
        cases.get_case(vault, case_id), OfficerProfile("Jane Smith", "PC 1234"), inputs
    )
    assert (
        statement.confirmation is not None and statement.confirmation.typed_name == "Alex Example"
    )
    assert statement.witness.age_if_under_18 is None


def test_changing_the_statement_after_read_back_needs_a_new_read_back(
    vault: Vault, case_id: int, registry: forms.TemplateRegistry
) -> None:
    form = _mg11(vault, case_id, registry)
    record_read_back(vault, case_id)
    answers = dict(form.answers)
    answers["statement_text"] += "\n\nOne more thing I remembered."
    answers["witness_signature"] = {
        "method": "recorded_on_call",
        "name": "Alex Example",
        "signed_at": "2026-11-27T19:40:00+00:00",
    }
    forms.save_draft(vault, form.form_id, answers)
    forms.finalise(vault, form.form_id)
    problems = statement_readiness(vault, case_id).problems
    assert any("Read the final statement back" in p for p in problems)
    with vault.reader() as tx:
        inputs = read_statement_inputs(tx, case_id)
    with pytest.raises(StatementNotReady, match="Read the final statement back"):
        build_statement(cases.get_case(vault, case_id), OfficerProfile("J S", "PC 1"), inputs)


def test_there_is_nothing_to_read_back_without_a_statement(vault: Vault, case_id: int) -> None:
    with pytest.raises(InvalidInput, match="no statement text"):
        record_read_back(vault, case_id)
