"""Risk scoring follows the template's rules: thresholds, judgement, MARAC, stalking."""

from __future__ import annotations

from typing import Any

import pytest

from rvr_desktop.evidence.forms import Template, printable_form, score_risk, validate_form


def _answers(dash: Template, yes: int, *, not_known: int = 0, **extra: Any) -> dict[str, Any]:
    """``yes`` questions answered yes, the next ``not_known`` not known, the rest no."""
    answers: dict[str, Any] = {"stalking_supplement_used": "no"}
    for index, field in enumerate(dash.section("questions").fields):
        answer = "yes" if index < yes else "not_known" if index < yes + not_known else "no"
        answers[field.id] = {"answer": answer, "note": ""}
    answers.update(extra)
    return answers


@pytest.mark.parametrize(
    ("yes", "judgement", "reason", "level", "raised", "refused", "marac"),
    [
        (0, None, "", "standard", False, False, False),
        (9, None, "", "standard", False, False, False),
        (10, None, "", "medium", False, False, False),
        (13, None, "", "medium", False, False, False),
        (14, None, "", "high", False, False, True),
        (27, None, "", "high", False, False, True),
        (3, "high", "Threats to kill with a knife last night.", "high", True, False, True),
        (3, "medium", "Recent separation and escalating calls.", "medium", True, False, False),
        (3, "high", "", "standard", False, False, False),
        (12, "standard", "Victim says it was a one-off.", "medium", False, True, False),
        (15, "medium", "Victim says things are calmer.", "high", False, True, True),
        (11, "medium", "", "medium", False, False, False),
    ],
)
def test_the_risk_level_follows_the_answers_and_judgement(
    dash: Template,
    yes: int,
    judgement: str | None,
    reason: str,
    level: str,
    raised: bool,
    refused: bool,
    marac: bool,
) -> None:
    extra: dict[str, Any] = {}
    if judgement is not None:
        extra = {"judgement_level": judgement, "judgement_reason": reason}
    result = score_risk(dash, _answers(dash, yes, **extra))
    assert result.count == yes
    assert result.level.id == level
    assert result.raised_by_judgement is raised
    assert result.lowering_refused is refused
    assert bool(result.referral_prompt) is marac
    if marac:
        assert "MARAC" in result.referral_prompt


def test_not_known_answers_are_not_counted(dash: Template) -> None:
    result = score_risk(dash, _answers(dash, 13, not_known=14))
    assert (result.count, result.answered, result.level.id) == (13, 27, "medium")


def test_judgement_that_would_lower_the_level_is_a_problem_to_fix(dash: Template) -> None:
    answers = _answers(dash, 14, judgement_level="medium", judgement_reason="Feels calmer")
    problems = validate_form(dash, answers)
    assert [p.field_id for p in problems] == ["judgement_level"]
    assert "can raise the level but never lower it" in problems[0].message
    assert "the answers give High" in problems[0].message


def test_judgement_that_raises_the_level_needs_a_written_reason(dash: Template) -> None:
    problems = validate_form(dash, _answers(dash, 2, judgement_level="high"))
    assert [p.field_id for p in problems] == ["judgement_reason"]
    assert "explain why" in problems[0].message


def test_the_stalking_supplement_is_counted_on_its_own(dash: Template) -> None:
    stalking = dash.section("stalking").fields
    answers = _answers(dash, 2, stalking_supplement_used="yes")
    for index, field in enumerate(stalking):
        answers[field.id] = {"answer": "yes" if index < 5 else "no", "note": ""}
    result = score_risk(dash, answers)
    assert result.count == 2
    (supplement,) = result.supplements
    assert supplement.count == 5 and "stalking" in supplement.prompt
    assert validate_form(dash, answers) == []


def test_stalking_questions_are_not_required_unless_the_supplement_is_used(
    dash: Template,
) -> None:
    answers = _answers(dash, 2)
    assert validate_form(dash, answers) == []
    answers["stalking_supplement_used"] = "yes"
    assert len(validate_form(dash, answers)) == len(dash.section("stalking").fields)


def test_the_printed_risk_box_shows_level_thresholds_and_reason(dash: Template) -> None:
    answers = _answers(dash, 4, judgement_level="high", judgement_reason="Strangulation.")
    risk = printable_form(dash, answers, document="dash").risk
    assert risk is not None
    assert (risk.level, risk.computed_level, risk.count) == ("High", "Standard", 4)
    assert risk.thresholds == (("Standard", 0), ("Medium", 10), ("High", 14))
    assert risk.judgement_reason == "Strangulation."
    assert "MARAC" in risk.referral_prompt
