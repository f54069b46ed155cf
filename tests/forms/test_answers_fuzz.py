"""Whatever answers arrive (a broken draft, a hand-edited file), checking them never crashes."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rvr_desktop.evidence.forms import (
    due_dates,
    evaluate_gate,
    load_registry,
    printable_form,
    score_risk,
    validate_form,
)

REGISTRY = load_registry()
TEMPLATES = REGISTRY.all()
FIELD_IDS = sorted({f.id for t in TEMPLATES for f in t.fields()})

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["yes", "no", "not_known", "over_18", "made", "2026-10-16", ""])
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from([*FIELD_IDS, "answer", "note", "method"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)


@st.composite
def filled(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    index = draw(st.integers(min_value=0, max_value=len(TEMPLATES) - 1))
    answers = copy.deepcopy(TEMPLATES[index].example or {})
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        key = draw(st.sampled_from(FIELD_IDS))
        answers[key] = draw(json_values)
    return index, answers


@settings(max_examples=300, deadline=None)
@given(case=filled())
def test_any_json_answers_give_problems_not_crashes(case: tuple[int, dict[str, Any]]) -> None:
    template = TEMPLATES[case[0]]
    answers = case[1]
    problems = validate_form(template, answers)
    assert all(p.message.endswith(".") for p in problems)
    printable_form(template, answers)
    due_dates(template, answers)
    if template.risk is not None:
        score_risk(template, answers)
    if template.gate is not None:
        result = evaluate_gate(template, answers)
        assert result.passed == (not result.reasons and not result.missing)
