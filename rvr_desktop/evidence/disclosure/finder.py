"""Where a restricted value appears in a text: phone numbers in any spacing, addresses,
e-mail, dates of birth and safe words, whatever the letter case.

Pure text matching, no vault and no Qt: the note box calls it on each keystroke, the export
on every text that leaves ``data/restricted/``.

- A **phone number** matches however it is spaced or punctuated (spaces, hyphens, dots,
  brackets, slashes) and in its national (``07700 900123``) or international
  (``+44 7700 900123``, ``+44 (0)7700 900123``, ``0044 ...``) form.
- An **e-mail address** matches with any letter case.
- A **date of birth** matches as ISO (``1989-03-14``), day/month/year with ``/``, ``-`` or
  ``.`` and a two- or four-digit year, and in words (``14 March 1989``, ``14th Mar 1989``,
  ``March 14, 1989``).
- An **address** matches as a whole, line by line (each line or comma-separated part that
  holds a digit: the house number and street, the postcode), and its postcode without its
  space. A part without a digit (a town) is too common to flag alone.
- A **safe word** (and any other restricted text) matches as its words in order, whatever
  the case, spacing and punctuation between them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DetailKind(StrEnum):
    """What kind of restricted detail a value is: it decides how the value is matched."""

    PHONE = "phone"
    ADDRESS = "address"
    EMAIL = "email"
    DATE_OF_BIRTH = "date_of_birth"
    SAFE_WORD = "safe_word"
    OTHER = "other"


DEFAULT_NAMES = {
    DetailKind.PHONE: "telephone number",
    DetailKind.ADDRESS: "address",
    DetailKind.EMAIL: "e-mail address",
    DetailKind.DATE_OF_BIRTH: "date of birth",
    DetailKind.SAFE_WORD: "safe word",
    DetailKind.OTHER: "restricted detail",
}
"""How a kind is named to the officer when the template gives no name of its own."""


@dataclass(frozen=True)
class RestrictedValue:
    """One restricted detail of a case, as typed into a form, the gate or the referral."""

    kind: DetailKind
    name: str
    """What it is, for people: 'call-back number', 'safe word', 'home address'."""
    value: str
    """The value itself: never written outside ``data/restricted/``."""

    @property
    def described(self) -> str:
        """'the victim's call-back number'."""
        return f"the victim's {self.name}"


@dataclass(frozen=True)
class Found:
    """One place a restricted value appears in a text."""

    detail: RestrictedValue
    start: int
    """Offset of the first character in the text."""
    end: int
    """Offset just past the last character."""


_MIN_PHONE_DIGITS = 6
_MIN_TEXT_CHARS = 3
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# A run of digits with the separators people type inside a phone number.
_PHONE_RUN = re.compile(r"\+?[0-9](?:[0-9 \t\u00a0\-.()/]*[0-9])?")
_POSTCODE = re.compile(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}$")


def find_restricted(text: str, details: Iterable[RestrictedValue]) -> list[Found]:
    """Every place any of ``details`` appears in ``text``, in the order they appear."""
    found: list[Found] = []
    for detail in details:
        found.extend(_find_one(text, detail))
    found.sort(key=lambda f: (f.start, f.end, f.detail.name))
    return found


def names_found(found: Sequence[Found]) -> tuple[str, ...]:
    """The distinct details found, named once each, in the order first met."""
    names: list[str] = []
    for item in found:
        if item.detail.name not in names:
            names.append(item.detail.name)
    return tuple(names)


def _find_one(text: str, detail: RestrictedValue) -> list[Found]:
    value = detail.value.strip()
    if not value:
        return []
    if detail.kind is DetailKind.PHONE:
        spans = _phone_spans(text, value)
    else:
        spans = [
            (match.start(), match.end())
            for pattern in _compiled(detail.kind, value)
            for match in pattern.finditer(text)
        ]
    return [Found(detail, start, end) for start, end in _merged(spans)]


@functools.lru_cache(maxsize=64)
def _compiled(kind: DetailKind, value: str) -> tuple[re.Pattern[str], ...]:
    """A value's patterns, compiled once: the export scans hundreds of texts for the same
    few details, the note box each keystroke (re's own cache holds them as well)."""
    if kind is DetailKind.DATE_OF_BIRTH:
        patterns = _date_patterns(value)
    elif kind is DetailKind.ADDRESS:
        patterns = _address_patterns(value)
    elif kind is DetailKind.EMAIL:
        patterns = [re.escape(value)]
    else:
        patterns = [_words_pattern(value)]
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns if p)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans of one value (an address and its postcode) counted once."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _words_pattern(value: str) -> str:
    """The value's words in order, any case, any spacing or punctuation between them."""
    words = re.findall(r"[^\W_]+", value)
    if not words or sum(len(w) for w in words) < _MIN_TEXT_CHARS:
        return ""
    inner = r"[\W_]*".join(re.escape(w) for w in words)
    return rf"(?<![^\W_]){inner}(?![^\W_])"


def _national_digits(value: str) -> str:
    """The number without its country code or trunk prefix: '+44 (0)7700 900123' and
    '07700 900123' both give '7700900123'."""
    digits = re.sub(r"[^0-9]", "", value)
    if value.lstrip().startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        digits = digits.removeprefix("44")
    return digits.removeprefix("0")


def _phone_spans(text: str, value: str) -> list[tuple[int, int]]:
    national = _national_digits(value)
    if len(national) < _MIN_PHONE_DIGITS:
        return []
    spans = []
    for run in _PHONE_RUN.finditer(text):
        positions = [run.start() + i for i, ch in enumerate(run.group()) if ch.isdigit()]
        digits = "".join(text[p] for p in positions)
        at = digits.find(national)
        while at >= 0:
            last = at + len(national) - 1
            first = _number_start(digits, positions, at)
            after_ok = last == len(digits) - 1 or positions[last + 1] - positions[last] > 1
            if first is not None and after_ok:
                begins = positions[first]
                if first == 0 and run.group().startswith("+"):
                    begins = run.start()
                spans.append((begins, positions[last] + 1))
            at = digits.find(national, at + 1)
    return spans


_PREFIXES = ("00440", "0044", "440", "44", "0", "")
"""What may be typed before the national digits, longest first: 0044 or +44, perhaps
with the (0) trunk prefix, or the trunk 0 alone."""


def _number_start(digits: str, positions: list[int], at: int) -> int | None:
    """Where the number whose national digits start at ``at`` begins: the longest prefix
    it was typed with that stands apart from any digit before it. Another number just
    before it in the same run ('1900 - 07700 900123', '960044 / 07700 900123') must not
    lend it a prefix and so hide it."""
    for prefix in _PREFIXES:
        if not digits[:at].endswith(prefix):
            continue
        first = at - len(prefix)
        if first == 0 or positions[first] - positions[first - 1] > 1:
            return first
    return None


def _date_patterns(value: str) -> list[str]:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return [_words_pattern(value)]
    d, m, y = day.day, day.month, day.year
    dd = rf"0?{d}"
    mm = rf"0?{m}"
    year = rf"(?:{y}|{y % 100:02d})"
    month_name = _MONTHS[m - 1]
    month_words = rf"(?:{month_name}|{month_name[:3]}\.?)"
    ordinal = r"(?:st|nd|rd|th)?"
    edge_start, edge_end = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
    return [
        rf"{edge_start}{y}\s*[/.\-]\s*{mm}\s*[/.\-]\s*{dd}{edge_end}",  # 1989-03-14, 1989/3/14
        rf"{edge_start}{dd}\s*[/.\-]\s*{mm}\s*[/.\-]\s*{year}{edge_end}",
        rf"{edge_start}{dd}{ordinal}[\s\-]+(?:of\s+)?{month_words}\s*[,\-]?\s*{year}{edge_end}",
        rf"{edge_start}{month_words}\s+{dd}{ordinal}\s*,?\s*{year}{edge_end}",
    ]


def _address_patterns(value: str) -> list[str]:
    patterns = [_words_pattern(value)]
    for part in re.split(r"[,\n;]+", value):
        part = part.strip()
        if not part or not re.search(r"[0-9]", part):
            continue
        if _POSTCODE.match(part):
            outward, inward = part[:-3].strip(), part[-3:]
            patterns.append(
                rf"(?<![0-9A-Za-z]){re.escape(outward)}\s*{re.escape(inward)}(?![0-9A-Za-z])"
            )
        else:
            patterns.append(_words_pattern(part))
    return patterns


def note_remark(text: str, details: Iterable[RestrictedValue]) -> str:
    """The quiet remark shown under the note box while a note holds a restricted detail
    ('This note holds the victim's call-back number and safe word.'); empty when none."""
    names = names_found(find_restricted(text, details))
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"This note holds the victim's {listed}. Notes cannot be changed: it will be listed "
        "for the disclosure officer to redact."
    )
