"""Risk scoring driven by the template: count the answers, apply the thresholds, judgement.

The rules live in the template's ``[risk]`` table, so a force moving from DASH to another
tool (such as DARA) ships a template, not a release. Professional judgement may raise
the level the answers give, with a written reason; it can never lower it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms.answers import is_unanswered, yes_no_answer
from rvr_desktop.evidence.forms.model import FieldType, RiskLevel, RiskRules, Template
from rvr_desktop.evidence.forms.visibility import is_visible


@dataclass(frozen=True)
class SupplementResult:
    label: str
    count: int
    """How many of the supplement's questions have the counted answer."""
    prompt: str
    """The supplement's prompt when its count is reached, else empty."""


@dataclass(frozen=True)
class RiskResult:
    tool: str
    count: int
    """How many counted questions have the counted answer (normally 'yes')."""
    answered: int
    """How many counted questions have any answer."""
    questions: int
    """How many counted questions the form shows."""
    computed: RiskLevel
    """The level the answers give on their own."""
    judgement: RiskLevel | None
    """The level professional judgement chose, if any."""
    judgement_reason: str
    level: RiskLevel
    """The level that stands: the higher of the two, judgement counting only with a reason."""
    raised_by_judgement: bool
    lowering_refused: bool
    """Judgement asked for a lower level than the answers give; the answers' level stands."""
    referral_prompt: str
    """The prompt (e.g. 'Refer to MARAC') when the level calls for it, else empty."""
    supplements: tuple[SupplementResult, ...]


def risk_rules(template: Template) -> RiskRules:
    if template.risk is None:
        raise InvalidInput(
            f"The form '{template.title}' has no risk scoring rules; choose a risk "
            "assessment template."
        )
    return template.risk


def level_for_count(rules: RiskRules, count: int) -> RiskLevel:
    reached = rules.levels[0]
    for level in rules.levels:
        if count >= level.min_count:
            reached = level
    return reached


def _count(
    template: Template, section_id: str, answers: Mapping[str, Any], wanted: str
) -> tuple[int, int, int]:
    count = answered = questions = 0
    for field in template.section(section_id).fields:
        if field.type is not FieldType.YES_NO_UNKNOWN:
            continue
        if not is_visible(template, field, answers):
            continue
        questions += 1
        value = answers.get(field.id)
        if is_unanswered(field, value):
            continue
        answered += 1
        if yes_no_answer(value) == wanted:
            count += 1
    return count, answered, questions


def score_risk(template: Template, answers: Mapping[str, Any]) -> RiskResult:
    rules = risk_rules(template)
    count = answered = questions = 0
    for section_id in rules.counted_sections:
        c, a, q = _count(template, section_id, answers, rules.count_answer)
        count, answered, questions = count + c, answered + a, questions + q
    computed = level_for_count(rules, count)

    judgement: RiskLevel | None = None
    chosen = answers.get(rules.judgement_field)
    judgement_field = template.field(rules.judgement_field)
    if (
        isinstance(chosen, str)
        and chosen in {level.id for level in rules.levels}
        and is_visible(template, judgement_field, answers)
    ):
        judgement = rules.level(chosen)
    reason = answers.get(rules.reason_field)
    reason_text = reason.strip() if isinstance(reason, str) else ""

    level = computed
    raised = lowered = False
    if judgement is not None:
        if rules.rank(judgement.id) > rules.rank(computed.id) and reason_text:
            level, raised = judgement, True
        elif rules.rank(judgement.id) < rules.rank(computed.id):
            lowered = True

    prompt = (
        rules.referral_prompt if rules.rank(level.id) >= rules.rank(rules.referral_from) else ""
    )
    supplements = []
    for supplement in rules.supplements:
        c, _, _ = _count(template, supplement.section, answers, rules.count_answer)
        supplements.append(
            SupplementResult(
                supplement.label, c, supplement.prompt if c >= supplement.prompt_from else ""
            )
        )
    return RiskResult(
        tool=rules.tool,
        count=count,
        answered=answered,
        questions=questions,
        computed=computed,
        judgement=judgement,
        judgement_reason=reason_text,
        level=level,
        raised_by_judgement=raised,
        lowering_refused=lowered,
        referral_prompt=prompt,
        supplements=tuple(supplements),
    )
