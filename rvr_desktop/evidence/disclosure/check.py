"""The export's disclosure check: every place a restricted detail still appears outside
``data/restricted/`` (a note, an amendment's reason, the statement's words, an exhibit's
name ...), for the disclosure officer to redact before anything is disclosed.

The app itself withholds every restricted answer (:mod:`.withhold`); what is left is text
an officer typed, which an evidential record cannot change. The check names the file, the
place in it and which detail, and shows the words around it with the detail itself masked:
``data/disclosure-check.json`` never holds a restricted value.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.disclosure.finder import Found, RestrictedValue, find_restricted

CHECK_FORMAT = "rvr-disclosure-check"
CHECK_VERSION = 1
_CONTEXT_CHARS = 30


@dataclass(frozen=True)
class Place:
    """One place a restricted detail appears outside data/restricted/."""

    file: str
    """The file, from the bag's root ('data/notes/notes-log.pdf'); for a file's own name,
    the file."""
    where: str
    """Where in it, for people: 'note 4', 'statement text', 'file name'."""
    detail: str
    """Which detail: 'call-back number', 'safe word'."""
    kind: str
    """The detail's kind: phone, address, email, date_of_birth, safe_word or other."""
    context: str
    """The words around it, the detail itself shown as [its name]."""

    @property
    def described(self) -> str:
        return f"{self.file}, {self.where}: the victim's {self.detail}"

    def to_json(self) -> dict[str, str]:
        return {
            "file": self.file,
            "where": self.where,
            "detail": self.detail,
            "kind": self.kind,
            "context": self.context,
        }


@dataclass(frozen=True)
class DisclosureCheck:
    places: tuple[Place, ...]
    """Every place found, in the bundle's file order."""
    looked_for: tuple[str, ...]
    """The names of the details looked for (never their values)."""

    def to_json_bytes(self) -> bytes:
        body = {
            "format": CHECK_FORMAT,
            "version": CHECK_VERSION,
            "looked_for": list(self.looked_for),
            "count": len(self.places),
            "places": [p.to_json() for p in self.places],
        }
        return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"


NO_PLACES = DisclosureCheck((), ())
"""A check that found nothing and looked for nothing."""


def scan_text(file: str, where: str, text: str, values: Sequence[RestrictedValue]) -> list[Place]:
    """Each place a value appears in ``text``; the words around it are shown with every
    detail found in them masked, not only this one (a number typed twice in a line)."""
    return _places(file, where, text, find_restricted(text, values))


def _places(file: str, where: str, text: str, found: Sequence[Found]) -> list[Place]:
    masked, spans = _masked(text, found)
    places = []
    for item, (start, end) in zip(found, spans, strict=True):
        around = masked[max(0, start - _CONTEXT_CHARS) : end + _CONTEXT_CHARS]
        context = " ".join(around.split())
        places.append(Place(file, where, item.detail.name, item.detail.kind.value, context))
    return places


def _masked(text: str, found: Sequence[Found]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each detail found shown as [its name], and where each one's name
    stands in it (details that overlap share the first one's)."""
    spans: list[tuple[int, int]] = [(0, 0)] * len(found)
    parts: list[str] = []
    length = position = 0
    current = (0, 0)
    for index in sorted(range(len(found)), key=lambda i: (found[i].start, -found[i].end)):
        item = found[index]
        if item.start < position:
            spans[index] = current
            position = max(position, item.end)
            continue
        parts.append(text[position : item.start])
        length += item.start - position
        shown = f"[{item.detail.name}]"
        current = (length, length + len(shown))
        spans[index] = current
        parts.append(shown)
        length += len(shown)
        position = item.end
    parts.append(text[position:])
    return "".join(parts), spans


def scan_value(file: str, where: str, value: Any, values: Sequence[RestrictedValue]) -> list[Place]:
    """Each place a value appears in any text inside ``value`` (JSON data or a document's
    input dataclasses); ``where`` grows with the path ('sections[2].items[0].value')."""
    if not values:
        return []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            place
            for f in dataclasses.fields(value)
            for place in scan_value(file, _join(where, f.name), getattr(value, f.name), values)
        ]
    if isinstance(value, str):
        return scan_text(file, where or "text", value, values)
    if isinstance(value, dict):
        return [
            place
            for key, item in value.items()
            for place in scan_value(file, _join(where, str(key)), item, values)
        ]
    if isinstance(value, list | tuple):
        return [
            place
            for index, item in enumerate(value)
            for place in scan_value(file, f"{where}[{index}]", item, values)
        ]
    return []


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def scan_names(paths: Iterable[str], values: Sequence[RestrictedValue]) -> list[Place]:
    """Each file name (its path under data/) holding a detail; the file is named with the
    detail masked too."""
    places = []
    for path in paths:
        found = find_restricted(path, values)
        if found:
            named = _masked(path, found)[0]
            places += _places(named, "file name", path, found)
    return places


def build_check(places: Iterable[Place], values: Sequence[RestrictedValue]) -> DisclosureCheck:
    names: list[str] = []
    for value in values:
        if value.name not in names:
            names.append(value.name)
    unique = list(dict.fromkeys(places))
    return DisclosureCheck(tuple(unique), tuple(names))
