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

from rvr_desktop.evidence.disclosure.finder import RestrictedValue, find_restricted

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
    """Each place a value appears in ``text``."""
    places = []
    for found in find_restricted(text, values):
        before = text[max(0, found.start - _CONTEXT_CHARS) : found.start]
        after = text[found.end : found.end + _CONTEXT_CHARS]
        masked = " ".join(f"{before}[{found.detail.name}]{after}".split())
        places.append(Place(file, where, found.detail.name, found.detail.kind.value, masked))
    return places


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
    """Each file name (its path under data/) holding a detail."""
    return [place for path in paths for place in scan_text(path, "file name", path, values)]


def build_check(places: Iterable[Place], values: Sequence[RestrictedValue]) -> DisclosureCheck:
    names: list[str] = []
    for value in values:
        if value.name not in names:
            names.append(value.name)
    unique = list(dict.fromkeys(places))
    return DisclosureCheck(tuple(unique), tuple(names))
