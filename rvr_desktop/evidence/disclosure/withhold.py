"""Withholding restricted answers from what may be disclosed, and proving the public copy.

A form's answers or a safety gate's recorded answers are copied outside
``data/restricted/`` with each restricted answer replaced by :data:`WITHHELD`, and a
``withheld`` list of the places replaced (``safe_word``, ``children[1].date_of_birth``,
``payload.answers.callback_number``). The full copy, whose SHA-256 the audit chain
recorded, lives under ``data/restricted/``. A verifier proves the pair with
:func:`public_copy`: the public copy must be exactly the full copy with those places
replaced, so neither can say anything the other does not.

Which answers are restricted comes from the templates (``class = "restricted"``, or a
``detail``): the one the answers were filled against and, for answers saved before a
template marked a field, the current template of the same id.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms.model import RESTRICTED_CLASS, FieldType, Template

WITHHELD = "withheld: see the restricted part of the bundle"
"""What a restricted answer reads outside data/restricted/."""

WITHHELD_KEY = "withheld"
"""The key of the list of withheld places in a public copy."""

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\])?")


class WithheldMismatch(InvalidInput):
    """A public copy is not its full copy with the listed places withheld."""


def restricted_paths(templates: Iterable[Template]) -> set[str]:
    """Each restricted field as ``id`` or ``group.child``, in any of ``templates``."""
    paths: set[str] = set()
    for template in templates:
        for field in template.fields():
            if field.data_class == RESTRICTED_CLASS:
                paths.add(field.id)
            if field.type is FieldType.GROUP:
                for child in field.fields:
                    if child.data_class == RESTRICTED_CLASS:
                        paths.add(f"{field.id}.{child.id}")
    return paths


def _answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def withhold_answers(
    answers: Mapping[str, Any], restricted: set[str]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The answers with every answered restricted field replaced, and where."""
    public = copy.deepcopy(dict(answers))
    places: list[str] = []
    for key, value in answers.items():
        if key in restricted:
            if _answered(value):
                public[key] = WITHHELD
                places.append(key)
        elif isinstance(value, list):
            for index, row in enumerate(value):
                if not isinstance(row, dict):
                    continue
                for child, answer in row.items():
                    if f"{key}.{child}" in restricted and _answered(answer):
                        public[key][index][child] = WITHHELD
                        places.append(f"{key}[{index}].{child}")
    return public, tuple(places)


def public_copy(full: Mapping[str, Any], places: Sequence[str]) -> dict[str, Any]:
    """``full`` with each place withheld and the ``withheld`` list added: what the public
    copy of ``full`` must be, byte for byte once serialised the same way."""
    result = copy.deepcopy(dict(full))
    for place in places:
        _replace(result, place)
    result[WITHHELD_KEY] = list(places)
    return result


def _replace(document: dict[str, Any], place: str) -> None:
    steps = place.split(".")
    target: Any = document
    for number, step in enumerate(steps):
        match = _STEP.fullmatch(step)
        if match is None:
            raise WithheldMismatch(f"the withheld place {place!r} is not a field path")
        key, index = match.group(1), match.group(2)
        last = number == len(steps) - 1
        if not isinstance(target, dict) or key not in target:
            raise WithheldMismatch(f"the withheld place {place!r} is not in the full copy")
        if index is None:
            if last:
                if not _answered(target[key]):
                    raise WithheldMismatch(f"the withheld place {place!r} holds no answer")
                target[key] = WITHHELD
                return
            target = target[key]
            continue
        rows = target[key]
        if not isinstance(rows, list) or int(index) >= len(rows):
            raise WithheldMismatch(f"the withheld place {place!r} is not in the full copy")
        if last:
            raise WithheldMismatch(f"the withheld place {place!r} names a row, not a field")
        target = rows[int(index)]


def withheld_places(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``withheld`` list of a public copy (empty when nothing is withheld)."""
    value = document.get(WITHHELD_KEY, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WithheldMismatch("'withheld' must be a list of field paths")
    return tuple(value)
