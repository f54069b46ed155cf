"""How an answer reads on screen and on paper: one rule for the app and the PDFs."""

from __future__ import annotations

import math
from typing import Any

from rvr_desktop.evidence.clock import document_date, document_time
from rvr_desktop.evidence.forms.answers import (
    is_number,
    is_unanswered,
    parse_date,
    parse_datetime,
    parse_time,
    yes_no_answer,
)
from rvr_desktop.evidence.forms.model import Field, FieldType

NOT_ANSWERED = "Not answered"

_YES_NO_LABELS = {"yes": "Yes", "no": "No", "not_known": "Not known"}
_SIGNATURE_METHODS = {
    "typed_name": "typed their name",
    "drawn_signature": "drew their signature",
    "recorded_on_call": "confirmed aloud on the recorded call",
}


def display_datetime(value: Any) -> str:
    """A date and time answer in UK time, as documents print times: '16 October 2026, 15:20
    BST', whatever offset it was written with."""
    moment = parse_datetime(value)
    if moment is None:
        return str(value)
    return document_time(math.floor(moment.timestamp()) * 1000)


def display_value(field: Field, value: Any) -> str:
    """The answer as a person reads it (dates as '16 October 2026', choices by their labels).

    A value that does not fit its field is shown as it is rather than hidden.
    """
    if is_unanswered(field, value):
        return NOT_ANSWERED
    kind = field.type
    if kind is FieldType.YES_NO_UNKNOWN:
        shown = _YES_NO_LABELS.get(str(yes_no_answer(value)), str(yes_no_answer(value)))
        note = value.get("note", "") if isinstance(value, dict) else ""
        return f"{shown}. {note.strip()}" if isinstance(note, str) and note.strip() else shown
    if kind is FieldType.CHOICE:
        return field.choice_label(str(value))
    if kind is FieldType.MULTI_CHOICE and isinstance(value, list):
        return "; ".join(field.choice_label(str(v)) for v in value)
    if kind is FieldType.DATE:
        day = parse_date(value)
        return document_date(day) if day else str(value)
    if kind is FieldType.TIME:
        clock = parse_time(value)
        return f"{clock:%H:%M}" if clock else str(value)
    if kind is FieldType.DATETIME:
        return display_datetime(value)
    if kind is FieldType.NUMBER and is_number(value):
        return str(int(value)) if value == int(value) else str(value)
    if kind is FieldType.SIGNATURE and isinstance(value, dict):
        how = _SIGNATURE_METHODS.get(str(value.get("method")), str(value.get("method")))
        return f"{value.get('name', '')} {how}, {display_datetime(value.get('signed_at'))}"
    return str(value)
