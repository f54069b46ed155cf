"""A public copy and its full copy: the proof a verifier makes (bundle format 2).

A public copy is its full copy with each listed place replaced by :data:`WITHHELD` and the
``withheld`` list added (:func:`public_copy`). Plain Python with no other import from the
app, so the verifier loads nothing of the vault or the forms engine.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from rvr_desktop.evidence.errors import InvalidInput

WITHHELD = "withheld: see the restricted part of the bundle"
"""What a restricted answer reads outside data/restricted/."""

WITHHELD_KEY = "withheld"
"""The key of the list of withheld places in a public copy."""

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\])?")


class WithheldMismatch(InvalidInput):
    """A public copy is not its full copy with the listed places withheld."""


def answered(value: Any) -> bool:
    return value not in (None, "", [], {})


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
                if not answered(target[key]):
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
