"""How each field type's answer is written, and whether one answer fits its field.

Answers are plain JSON values so they hash canonically and survive any release:

- text, multiline: a string;
- date: ``"YYYY-MM-DD"``; time: ``"HH:MM"`` (24-hour);
- datetime: ISO 8601 with a UTC offset, e.g. ``"2026-10-16T14:32:00+01:00"`` or ``...Z``;
- yes_no_unknown: ``"yes"``, ``"no"`` or ``"not_known"``; with a note:
  ``{"answer": "yes", "note": "..."}``;
- choice: one choice value; multi_choice: a list of distinct choice values;
- number: a JSON number (a whole number where the field says so);
- signature: ``{"method": ..., "name": ..., "image_png_base64": ..., "signed_at": ...}``;
- group: a list of objects, one per row, each mapping the group's field ids to answers.

A missing key, ``null``, blank text and an empty list all mean "not answered".
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms.model import YES_NO_UNKNOWN_ANSWERS, Field, FieldType, Template
from rvr_desktop.evidence.forms.uk_input import DATE_EXAMPLES, DATETIME_EXAMPLES, TIME_EXAMPLES

SIGNATURE_METHODS = ("typed_name", "drawn_signature", "recorded_on_call")
_SIGNATURE_KEYS = frozenset({"method", "name", "image_png_base64", "signed_at"})
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")

MAX_DEPTH = 8
"""How deeply answers may nest (a group row holding a signature is depth 4)."""


def is_unanswered(field: Field, value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    if field.with_note and isinstance(value, dict) and set(value) <= {"answer", "note"}:
        # A note alone is not an answer to the question.
        return value.get("answer") is None
    return False


def yes_no_answer(value: Any) -> Any:
    """The yes / no / not known part of an answer, with or without a note."""
    if isinstance(value, dict):
        return value.get("answer")
    return value


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: Any) -> time | None:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_value(field: Field, value: Any) -> str | None:
    """What is wrong with an answered value, as the end of a sentence; None if it fits.

    Repeating groups are checked row by row by the validator, not here.
    """
    kind = field.type
    if kind in (FieldType.TEXT, FieldType.MULTILINE):
        return _check_text(field, value)
    if kind is FieldType.DATE:
        return None if parse_date(value) else f"enter a date such as {DATE_EXAMPLES}"
    if kind is FieldType.TIME:
        return None if parse_time(value) else f"enter a time such as {TIME_EXAMPLES}"
    if kind is FieldType.DATETIME:
        return (
            None
            if parse_datetime(value)
            else f"enter a date and time in UK time, such as {DATETIME_EXAMPLES}"
        )
    if kind is FieldType.YES_NO_UNKNOWN:
        return _check_yes_no(field, value)
    if kind is FieldType.CHOICE:
        if isinstance(value, str) and any(c.value == value for c in field.choices):
            return None
        return "choose one of: " + ", ".join(c.label for c in field.choices)
    if kind is FieldType.MULTI_CHOICE:
        return _check_multi(field, value)
    if kind is FieldType.NUMBER:
        return _check_number(field, value)
    if kind is FieldType.SIGNATURE:
        return _check_signature(value)
    return None


def _check_length(field: Field, count: int, unit: str) -> str | None:
    rule = field.validation
    if rule.min_length is not None and count < rule.min_length:
        return f"give at least {rule.min_length} {unit} (there are {count})"
    if rule.max_length is not None and count > rule.max_length:
        return f"give at most {rule.max_length} {unit} (there are {count})"
    return None


def _check_text(field: Field, value: Any) -> str | None:
    if not isinstance(value, str):
        return "enter text"
    value = field.normalise.apply(value)
    if field.type is FieldType.TEXT and ("\n" in value or "\r" in value):
        return "keep this to one line"
    too = _check_length(field, len(value), "characters")
    if too:
        return too
    pattern = field.validation.pattern
    if pattern is not None and not re.fullmatch(pattern, value):
        return field.validation.pattern_message or "the answer is not in the expected form"
    return None


def _check_yes_no(field: Field, value: Any) -> str | None:
    expected = "answer yes, no or not known"
    if field.with_note and isinstance(value, dict):
        if not set(value) <= {"answer", "note"}:
            return "the answer may hold only 'answer' and 'note'"
        if not isinstance(value.get("note", ""), str):
            return "the note must be text"
        value = value.get("answer")
    return None if value in YES_NO_UNKNOWN_ANSWERS else expected


def _check_multi(field: Field, value: Any) -> str | None:
    allowed = {c.value for c in field.choices}
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "choose from the list"
    unknown = [v for v in value if v not in allowed]
    if unknown:
        return f"'{unknown[0]}' is not one of the choices"
    if len(set(value)) != len(value):
        return "each choice may be picked only once"
    return _check_length(field, len(value), "choices")


def _check_number(field: Field, value: Any) -> str | None:
    if not is_number(value):
        return "enter a number"
    if field.integer and value != int(value):
        return "enter a whole number"
    rule = field.validation
    if rule.minimum is not None and value < rule.minimum:
        return f"enter a number no smaller than {_plain(rule.minimum)}"
    if rule.maximum is not None and value > rule.maximum:
        return f"enter a number no larger than {_plain(rule.maximum)}"
    return None


def _plain(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _check_signature(value: Any) -> str | None:
    if not isinstance(value, dict) or not set(value) <= _SIGNATURE_KEYS:
        return "a signature records its method, name, image and time only"
    method = value.get("method")
    if method not in SIGNATURE_METHODS:
        return "say how it was signed: " + ", ".join(SIGNATURE_METHODS)
    name = value.get("name", "")
    if not isinstance(name, str) or not name.strip():
        return "record the name of the person signing"
    if parse_datetime(value.get("signed_at")) is None:
        return "record when it was signed, as a date and time with its UTC offset"
    image = value.get("image_png_base64")
    if method == "drawn_signature" or image is not None:
        if not isinstance(image, str):
            return "a drawn signature needs its image"
        try:
            raw = base64.b64decode(image, validate=True)
        except (binascii.Error, ValueError):
            return "the signature image is not valid base64"
        if not raw.startswith(_PNG_MAGIC):
            return "the signature image must be a PNG"
    return None


def normalise_answers(template: Template, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with every text answer tidied as its field's ``normalise`` rule says.

    Group rows are tidied too; anything that is not text is left exactly as it is.
    """
    tidied = dict(answers)
    for field in template.fields():
        value = tidied.get(field.id)
        if field.type is FieldType.GROUP and isinstance(value, list):
            rules = [child for child in field.fields if child.normalise.changes_anything]
            if rules:
                tidied[field.id] = [_normalise_row(rules, row) for row in value]
        elif field.normalise.changes_anything and isinstance(value, str):
            tidied[field.id] = field.normalise.apply(value)
    return tidied


def _normalise_row(rules: list[Field], row: Any) -> Any:
    if not isinstance(row, Mapping):
        return row
    tidied = dict(row)
    for child in rules:
        if isinstance(tidied.get(child.id), str):
            tidied[child.id] = child.normalise.apply(tidied[child.id])
    return tidied


def ensure_json_answers(answers: Any) -> dict[str, Any]:
    """Refuse answers that are not plain JSON (an object of field ids), before they are saved."""
    if not isinstance(answers, Mapping):
        raise InvalidInput(
            "A form's answers must be a set of field answers (a JSON object); nothing was saved."
        )
    _check_json(answers, "the answers", 0)
    return {str(k): v for k, v in answers.items()}


def _check_json(value: Any, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidInput(f"{where} nest too deeply to be a form's answers; nothing was saved.")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"{where} hold a number that is not finite; nothing was saved.")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]", depth + 1)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"{where} use a key that is not text; nothing was saved.")
            _check_json(item, f"{where}.{key}", depth + 1)
        return
    raise InvalidInput(
        f"{where} hold a {type(value).__name__}, which a form cannot store; nothing was saved."
    )
