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
from collections.abc import Iterable, Mapping
from typing import Any

from rvr_desktop.evidence.disclosure.withheld_copy import WITHHELD, answered, public_copy
from rvr_desktop.evidence.forms.model import RESTRICTED_CLASS, FieldType, Template

__all__ = ["WITHHELD", "public_copy", "restricted_paths", "withhold_answers"]


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


def withhold_answers(
    answers: Mapping[str, Any], restricted: set[str]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The answers with every answered restricted field replaced, and where."""
    public = copy.deepcopy(dict(answers))
    places: list[str] = []
    for key, value in answers.items():
        if key in restricted:
            if answered(value):
                public[key] = WITHHELD
                places.append(key)
        elif isinstance(value, list):
            for index, row in enumerate(value):
                if not isinstance(row, dict):
                    continue
                for child, answer in row.items():
                    if f"{key}.{child}" in restricted and answered(answer):
                        public[key][index][child] = WITHHELD
                        places.append(f"{key}[{index}].{child}")
    return public, tuple(places)
