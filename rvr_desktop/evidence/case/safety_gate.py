"""Recording the pre-call safety gate in the case's timeline.

The gate's answers are judged by the template (:func:`forms.evaluate_gate`); this module
decides what may be recorded: a passed gate, or a failed one that says why and what was
done instead. The timeline event carries the template's identity and the answers, so the
gate reads the same years later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms import GateResult, Template, evaluate_gate
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.evidence.vault import Vault

SAFETY_GATE_TEMPLATE_ID = "safety-gate"


def record_safety_gate(
    vault: Vault, case_id: int, template: Template, answers: Mapping[str, Any]
) -> tuple[GateResult, TimelineEntry]:
    """Record the gate as passed or failed; refuse an unfinished one."""
    result = evaluate_gate(template, answers)
    if result.failed:
        if not result.action_instead:
            raise InvalidInput(
                "The gate has not passed. Record what was done instead (for example a safer "
                "time agreed, or officers sent) before saving the failed gate."
            )
        event = CallEvent.SAFETY_GATE_FAILED
        text = "Safety gate not passed: " + " ".join(result.reasons)
        text += f" Instead: {result.action_instead}"
    elif result.passed:
        event, text = CallEvent.SAFETY_GATE_PASSED, "Safety gate passed"
    else:
        raise InvalidInput(
            "The safety gate is not finished: "
            + " ".join(result.missing[:3])
            + (" ..." if len(result.missing) > 3 else "")
        )
    payload = {
        "template_id": template.id,
        "template_version": template.version,
        "template_sha256": template.sha256,
        "answers": dict(answers),
        "reasons": list(result.reasons),
        "action_instead": result.action_instead,
    }
    return result, timeline.record_event(vault, case_id, event, text, payload)


def last_safety_gate(vault: Vault, case_id: int) -> TimelineEntry | None:
    """The most recent gate recorded for the case (passed or not), for the call-back plan."""
    for entry in reversed(timeline.entries(vault, case_id)):
        if entry.event in (CallEvent.SAFETY_GATE_PASSED, CallEvent.SAFETY_GATE_FAILED):
            return entry
    return None
