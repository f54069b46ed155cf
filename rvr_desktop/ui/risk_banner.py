"""The risk level, live: what the answers give, and what professional judgement made of it.

The scoring is the core's (:func:`evidence.forms.risk.score_risk`), the same that goes into
the risk document; this banner only says it in words as the officer answers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from rvr_desktop.evidence.forms.model import RiskRules, Template
from rvr_desktop.evidence.forms.risk import RiskResult, score_risk


def _rule(rules: RiskRules, result: RiskResult) -> str:
    """Why the answers give this level: the threshold reached (and the next one, if any)."""
    computed = result.computed
    higher = [level for level in rules.levels if level.min_count > computed.min_count]
    answer = rules.count_answer.replace("_", " ")
    if computed.min_count == 0:
        reached = f"fewer than {higher[0].min_count} '{answer}' answers" if higher else ""
    else:
        reached = f"{computed.min_count} or more '{answer}' answers"
    return reached


def risk_text(rules: RiskRules, result: RiskResult) -> str:
    """The banner's words, e.g. 'Risk level: MEDIUM. 11 yes answers (of 20 answered, 27
    questions): 10 or more yes answers gives Medium.'"""
    answer = rules.count_answer.replace("_", " ")
    lines = [
        f"Risk level: {result.level.label.upper()}.",
        f"{result.count} '{answer}' answer{'s' if result.count != 1 else ''} "
        f"({result.answered} of {result.questions} questions answered): "
        f"{_rule(rules, result)} gives {result.computed.label}.",
    ]
    if result.raised_by_judgement:
        lines.append(
            f"Raised to {result.level.label} by professional judgement: {result.judgement_reason}"
        )
    elif result.judgement is not None and result.lowering_refused:
        lines.append(
            f"Professional judgement cannot lower the level: {result.computed.label} stands."
        )
    elif result.judgement is not None and result.judgement.id != result.computed.id:
        lines.append(
            f"Professional judgement says {result.judgement.label}: write the reason to raise it."
        )
    if result.referral_prompt:
        lines.append(result.referral_prompt)
    lines += [s.prompt for s in result.supplements if s.prompt]
    return "\n".join(lines)


class RiskBanner(QLabel):
    """Shown above a risk assessment form while it is on screen; hidden for other forms."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskBanner")
        self.setAccessibleName("Risk level")
        self.setWordWrap(True)
        self.result: RiskResult | None = None
        self.hide()

    def show_for(self, template: Template | None, answers: dict[str, Any]) -> None:
        """Score ``answers`` against ``template`` if it has risk rules; hide otherwise."""
        if template is None or template.risk is None:
            self.result = None
            self.hide()
            return
        self.result = score_risk(template, answers)
        self.setText(risk_text(template.risk, self.result))
        self.setProperty("level", self.result.level.id)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
