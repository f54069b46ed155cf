"""The interruption itself: stamp it first, then show what to do next (the danger dialog).

Shared by the case's call panel and the main window's call bar, so F12 does the same
thing wherever the officer is when it is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.case.safety_gate import last_safety_gate
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.danger_dialog import DangerChoice, DangerDialog
from rvr_desktop.ui.services import Services


@dataclass(frozen=True)
class Interruption:
    """What was stamped, and what the officer chose next."""

    stamped: TimelineEntry
    """The 'Call interrupted' event, with its time and call time."""
    note: TimelineEntry | None
    """What happened, as the officer typed it in the dialog, if anything."""
    choice: DangerChoice
    follow_up: TimelineEntry | None = None
    """The call resumed or ended, when the officer chose so in the dialog."""


_FOLLOW_UP = {
    DangerChoice.RESUME: (CallEvent.CALL_RESUMED, "Call resumed"),
    DangerChoice.END: (CallEvent.CALL_ENDED, "Call ended"),
}


def interrupt_call(
    services: Services, vault: Vault, case: Case, parent: QWidget | None
) -> Interruption | None:
    """Stamp the interruption, then ask what to do next and record what was chosen (the
    call resumed or ended); None if the interruption could not be stamped, or the vault
    locked while the officer was being asked."""
    try:
        stamped = timeline.record_event(
            vault, case.id, CallEvent.CALL_INTERRUPTED, "Call interrupted"
        )
    except RvrError as exc:
        services.errors.report(parent, exc, "recording the interruption")
        return None
    gate = last_safety_gate(vault, case.id)
    answers = None if gate is None else gate.payload.get("answers")
    dialog = DangerDialog(
        case,
        stamped.recorded_utc_ms,
        parent,
        gate_answers=answers if isinstance(answers, dict) else None,
        call_time=stamped.elapsed_label,
    )
    try:
        services.dialogs.run(dialog)
        text, choice = dialog.note, dialog.choice
    finally:
        dialog.deleteLater()
    if vault.is_locked:
        return None  # the lock closed the dialog and kept its words as the unsent note
    note = None
    if text:
        try:
            note = timeline.append_note(vault, case.id, text)
        except RvrError as exc:
            services.errors.report(parent, exc, "saving the note")
    follow_up = None
    if (event := _FOLLOW_UP.get(choice)) is not None:
        try:
            follow_up = timeline.record_event(vault, case.id, *event)
        except RvrError as exc:
            services.errors.report(parent, exc, "recording the call event")
    return Interruption(stamped, note, choice, follow_up)
