"""The rule tables of a template that reach across its fields: [risk] (how a risk form's
answers give a level) and [gate] (the safety gate's failure note). Each is read strictly,
against the fields the template defines."""

from __future__ import annotations

import itertools

from rvr_desktop.evidence.forms.model import (
    YES_NO_UNKNOWN_ANSWERS,
    Field,
    FieldType,
    GateRules,
    RiskLevel,
    RiskRules,
    RiskSupplement,
    Section,
)
from rvr_desktop.evidence.forms.strict_table import StrictTable, name_of


def read_risk_rules(
    table: StrictTable | None, sections: tuple[Section, ...], seen: dict[str, Field]
) -> RiskRules | None:
    """The [risk] table: how a risk form's answers give a level (DASH), checked against
    the template's own sections and fields (``seen``, by id)."""
    if table is None:
        return None
    by_id = {s.id: s for s in sections}
    tool = table.label("tool")
    count_answer = table.text("count_answer", "yes")
    if count_answer not in YES_NO_UNKNOWN_ANSWERS:
        raise table.fail("'count_answer' must be yes, no or not_known")
    counted = table.strings("counted_sections")
    if not counted:
        raise table.fail("'counted_sections' must name at least one section")
    for section_id in counted:
        _check_question_section(table, by_id, section_id)
    levels = []
    for level_table in table.tables("levels", lambda i, item: name_of("risk level", item, i)):
        levels.append(
            RiskLevel(
                level_table.identifier("id"),
                level_table.label("label"),
                level_table.required_integer("min_count", minimum=0),
            )
        )
        level_table.finish()
    if not levels or levels[0].min_count != 0:
        raise table.fail("'levels' must start with a level whose min_count is 0")
    for lower, higher in itertools.pairwise(levels):
        if higher.min_count <= lower.min_count:
            raise table.fail("'levels' must be listed lowest first, each min_count higher")
    level_ids = [level.id for level in levels]
    if len(set(level_ids)) != len(level_ids):
        raise table.fail("two risk levels have the same id")
    judgement_id = table.text("judgement_field")
    judgement = seen.get(judgement_id)
    if judgement is None or judgement.type is not FieldType.CHOICE:
        raise table.fail(f"'judgement_field' must name a choice field, not '{judgement_id}'")
    stray = [c.value for c in judgement.choices if c.value not in level_ids]
    if stray:
        raise table.fail(f"the judgement choice '{stray[0]}' is not a risk level id")
    reason_id = table.text("reason_field")
    reason = seen.get(reason_id)
    if reason is None or reason.type not in (FieldType.TEXT, FieldType.MULTILINE):
        raise table.fail(f"'reason_field' must name a text field, not '{reason_id}'")
    referral_from = table.text("referral_from")
    if referral_from not in level_ids:
        raise table.fail(f"'referral_from' is '{referral_from}', which is not a level id")
    referral_prompt = table.label("referral_prompt")
    supplements = []
    for item in table.tables("supplements", lambda i, item: f"risk supplement {i + 1}"):
        section_id = item.text("section")
        _check_question_section(item, by_id, section_id)
        if section_id in counted:
            raise item.fail(f"the section '{section_id}' is already counted in the main score")
        supplements.append(
            RiskSupplement(
                section_id,
                item.label("label"),
                item.required_integer("prompt_from", minimum=1),
                item.label("prompt"),
            )
        )
        item.finish()
    table.finish()
    return RiskRules(
        tool,
        count_answer,
        counted,
        tuple(levels),
        judgement_id,
        reason_id,
        referral_from,
        referral_prompt,
        tuple(supplements),
    )


def _check_question_section(table: StrictTable, by_id: dict[str, Section], section_id: str) -> None:
    section = by_id.get(section_id)
    if section is None:
        raise table.fail(f"there is no section '{section_id}'")
    if not any(f.type is FieldType.YES_NO_UNKNOWN for f in section.fields):
        raise table.fail(f"the section '{section_id}' has no yes_no_unknown questions")


def read_gate_rules(table: StrictTable | None, seen: dict[str, Field]) -> GateRules | None:
    """The [gate] table of the pre-call safety gate's template: where the officer writes
    what was done instead when the gate fails."""
    if table is None:
        return None
    instead_id = table.text("instead_field")
    table.finish()
    order = list(seen)
    if instead_id not in seen:
        raise table.fail(f"'instead_field' names '{instead_id}', which is not a field")
    instead = seen[instead_id]
    if instead.required_answer or instead.type not in (FieldType.TEXT, FieldType.MULTILINE):
        raise table.fail("'instead_field' must be a text field that does not decide the gate")
    deciding = [i for i, f in enumerate(seen.values()) if f.required_answer]
    if not deciding:
        raise table.fail("no field has a 'required_answer', so the gate could never fail")
    if order.index(instead_id) < max(deciding):
        raise table.fail("'instead_field' must come after every field that decides the gate")
    if instead.visible_when is not None:
        raise table.fail("'instead_field' is shown when the gate fails; it takes no condition")
    return GateRules(instead_id)
