"""The pre-call safety gate decides whether the call may start, and records why not."""

from __future__ import annotations

from typing import Any

import pytest

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms import Template, evaluate_gate


def _answers(gate: Template, **changes: Any) -> dict[str, Any]:
    return {**(gate.example or {}), **changes}


def test_a_victim_who_can_talk_safely_passes_the_gate(gate: Template) -> None:
    result = evaluate_gate(gate, _answers(gate))
    assert result.passed and not result.failed and result.complete
    assert result.reasons == ()


def test_a_suspect_in_the_home_fails_the_gate_with_a_plain_reason(gate: Template) -> None:
    result = evaluate_gate(gate, _answers(gate, suspect_present="not_known"))
    assert not result.passed and result.failed
    assert result.reasons == ("The suspect is, or may be, present or expected during the call.",)


def test_a_failed_gate_asks_what_was_done_instead_and_records_it(gate: Template) -> None:
    failing = _answers(gate, can_talk_safely="no", consent_video="no")
    result = evaluate_gate(gate, failing)
    assert len(result.reasons) == 2
    assert result.missing == ("What was done instead: this must be answered.",)
    recorded = evaluate_gate(gate, {**failing, "action_instead": "Arranged a call at 10am."})
    assert recorded.failed and recorded.complete and not recorded.passed
    assert recorded.action_instead == "Arranged a call at 10am."


def test_what_was_done_instead_is_not_asked_when_the_gate_passes(gate: Template) -> None:
    result = evaluate_gate(gate, _answers(gate, action_instead="Should not be needed"))
    assert result.passed and result.action_instead == ""


def test_an_unfinished_gate_does_not_pass_but_has_not_failed(gate: Template) -> None:
    result = evaluate_gate(gate, _answers(gate, safe_word="", children_details=None))
    assert not result.passed and not result.failed
    assert result.missing == (
        "Where the children are and whether they are safe: this must be answered.",
        "Safe word or sign agreed with the victim: this must be answered.",
    )


def test_an_unanswered_deciding_question_keeps_the_gate_shut(gate: Template) -> None:
    answers = _answers(gate)
    del answers["consent_video"]
    result = evaluate_gate(gate, answers)
    assert not result.passed and not result.failed
    assert "The victim agrees to continue by video call: this must be answered." in result.missing


def test_only_a_gate_template_can_be_evaluated_as_a_gate(dash: Template) -> None:
    with pytest.raises(InvalidInput, match="not a safety gate"):
        evaluate_gate(dash, {})
