"""The pre-call safety gate: may the call clock start?

The pass/fail rule is in the template (each deciding field's ``required_answer``), so a
force can change it without a release. A failed gate still records why it failed and
what was done instead (the template's ``[gate] instead_field``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms.display import display_value
from rvr_desktop.evidence.forms.model import Template
from rvr_desktop.evidence.forms.validate import validate_form
from rvr_desktop.evidence.forms.visibility import failing_gate_fields


@dataclass(frozen=True)
class GateResult:
    passed: bool
    """True only when every deciding answer is a required one and nothing is missing."""
    reasons: tuple[str, ...]
    """Why the gate failed, one plain-English sentence per failing answer."""
    missing: tuple[str, ...]
    """What still has to be answered or corrected, one sentence per problem."""
    action_instead: str
    """What the officer did instead of the call (recorded only when the gate failed)."""

    @property
    def failed(self) -> bool:
        """The answers rule the call out (as opposed to the gate being unfinished)."""
        return bool(self.reasons)

    @property
    def complete(self) -> bool:
        return not self.missing


def evaluate_gate(template: Template, answers: Mapping[str, Any]) -> GateResult:
    if template.gate is None:
        raise InvalidInput(
            f"The form '{template.title}' is not a safety gate; choose the pre-call safety "
            "gate template."
        )
    reasons = []
    for field in failing_gate_fields(template, answers):
        value = answers.get(field.id)
        reasons.append(
            field.fail_reason
            or f"'{field.label}' was answered '{display_value(field, value)}'; the call needs "
            + " or ".join(f"'{field.choice_label(a)}'" for a in field.required_answer)
            + "."
        )
    missing = tuple(p.message for p in validate_form(template, answers))
    instead = answers.get(template.gate.instead_field) if reasons else None
    return GateResult(
        passed=not reasons and not missing,
        reasons=tuple(reasons),
        missing=missing,
        action_instead=instead.strip() if isinstance(instead, str) else "",
    )
