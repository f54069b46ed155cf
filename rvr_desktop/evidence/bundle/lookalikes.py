"""Names that look like other names: a second statement hidden in plain sight.

An RVR bundle has fixed names (``data/statement/MG11-statement.pdf``, ``bag-info.txt``).
A forger who adds ``data/statement/MG11-statеment.pdf``, spelled with a Cyrillic "е",
shows an evidence officer two files that read the same. For this verifier two names are
*confusable* when their skeletons are equal and their texts are not. The skeleton is
the name after Unicode compatibility folding (NFKC: full-width and mathematical letters
become plain ones), with every letter that is drawn like a Latin letter or digit in
common fonts replaced by that letter (Cyrillic "а", Greek "Ο", Armenian "օ", dotless
"ı", the digits 0 and 1 for "o" and "l", "rn" for "m", dash and dot variants), and
case ignored. The table follows the Latin look-alikes of Unicode's confusables data
(UTS #39) for the characters our names use; it is deliberately small and explicit.

Refused, in the reader and the writer alike:

* a name (file or folder) confusable with a name the RVR layout reserves, even when the
  reserved file is absent: there is no honest reason to spell ``case.json`` another way;
* two names in one bundle confusable with each other;
* (in :func:`mixed_script_problem`, part of the name rules) a word that mixes letters of
  scripts that imitate each other (Latin, Greek, Cyrillic, Armenian, Cherokee, Coptic).
  A word wholly in one script, such as a Russian file name, is fine.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable

from rvr_desktop.evidence.bundle import contents
from rvr_desktop.evidence.bundle.layout import (
    BAG_INFO_TXT,
    BAGIT_TXT,
    FETCH_TXT,
    MANIFEST_TXT,
    PAYLOAD_PREFIX,
    SIGNATURE_P7S,
    TAGMANIFEST_TXT,
)

_IMITATING_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC"})

# Letters drawn like a Latin letter, mapped to that letter (case is folded afterwards).
_LATIN_LOOKALIKES = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y",
    "Ԛ": "Q", "Ԝ": "W", "Ӏ": "l", "Ѵ": "V", "а": "a", "е": "e", "о": "o", "р": "p",
    "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "һ": "h", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ӏ": "l", "ѵ": "v", "ү": "y", "ё": "ë", "ї": "ï",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "υ": "u", "α": "a", "ϲ": "c", "γ": "y",
    "χ": "x", "ϳ": "j",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "զ": "q", "ց": "g", "Օ": "O", "Ս": "U",
    "Տ": "S", "Լ": "L",
    # Latin letters that are not ASCII but are drawn like ASCII ones
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʏ": "y", "ᴠ": "v", "ǀ": "l",
    # Digits and punctuation drawn alike
    "0": "o", "1": "l", "|": "l",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u2043": "-", "\u00b7": ".", "\u2027": ".", "\u02d7": "-",
}  # fmt: skip
_TO_LATIN = str.maketrans(_LATIN_LOOKALIKES)
_LOOKALIKE_PAIRS = (("rn", "m"), ("vv", "w"))
_ASCII_LOOKALIKES = {k: v for k, v in _LATIN_LOOKALIKES.items() if k.isascii()}
_ASCII_SKELETON = bytes.maketrans(
    ("".join(_ASCII_LOOKALIKES) + string.ascii_uppercase).encode("ascii"),
    ("".join(_ASCII_LOOKALIKES.values()) + string.ascii_lowercase).encode("ascii"),
)
"""For plain ASCII names, NFKC changes nothing and case folding is lowering: the
look-alike digits and the upper-case letters in one table."""


def _reserved_names() -> frozenset[str]:
    files = [BAGIT_TXT, BAG_INFO_TXT, MANIFEST_TXT, TAGMANIFEST_TXT, SIGNATURE_P7S, FETCH_TXT]
    payload = [
        contents.CASE_JSON,
        contents.STATEMENT_PDF,
        contents.RESTRICTED_PDF,
        contents.MG11_FORM_JSON,
        contents.NOTES_PDF,
        contents.TIMELINE_JSON,
        contents.EXHIBIT_LIST_PDF,
        contents.EXHIBIT_STATEMENT_PDF,
        contents.AUDIT_JSONL,
        contents.TIMELINE_WITHHELD_JSON,
        contents.DISCLOSURE_CHECK_JSON,
        "forms",  # its files are numbered, so only the folder's name is fixed
    ]
    files += [PAYLOAD_PREFIX + name for name in payload]
    return frozenset(name for path in files for name in _with_folders(path))


def _with_folders(path: str) -> list[str]:
    """'a/b/c' -> ['a', 'a/b', 'a/b/c']."""
    parts = path.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


RESERVED_NAMES = _reserved_names()
"""Every file and folder name the RVR bundle layout fixes."""


def skeleton(name: str) -> str:
    """The form two confusable names share (see the module's description)."""
    if name.isascii():
        # Most names: one byte-table pass gives what the general path below gives them.
        text = name.encode("ascii").translate(_ASCII_SKELETON).decode("ascii")
    else:
        text = _folded(name)
    for many, one in _LOOKALIKE_PAIRS:
        text = text.replace(many, one)
    return text


def _folded(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).translate(_TO_LATIN).casefold()
    return text.translate(_TO_LATIN)


_RESERVED_PARTS = {skeleton(part): part for name in RESERVED_NAMES for part in name.split("/")}


def _script(ch: str) -> str | None:
    """The script of a letter among those that imitate each other, else None."""
    if not ch.isalpha():
        return None
    script = unicodedata.name(ch, "").split(" ", 1)[0]
    return script if script in _IMITATING_SCRIPTS else None


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'an unnamed character')}"


def mixed_script_problem(part: str) -> str | None:
    """Why one part of a name mixes imitating scripts inside a word, or None."""
    text = unicodedata.normalize("NFKC", part)
    for start, end in _words(text):
        word = text[start:end]
        scripts = {s for s in map(_script, word) if s}
        if len(scripts) > 1:
            owner = _RESERVED_PARTS.get(skeleton(part))
            if owner is not None:
                return lookalike_problem(part, owner)
            main = _word_script(word)
            odd = next(c for c in word if _script(c) not in (None, main))
            return (
                f"the word {word!r} mixes {' and '.join(sorted(s.title() for s in scripts))} "
                f"letters ({_describe(odd)}), which lets a name look like another one"
            )
    return None


def _words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of letters and combining marks."""
    spans: list[tuple[int, int]] = []
    start = None
    for at, ch in enumerate([*text, " "]):
        in_word = ch.isalpha() or unicodedata.category(ch).startswith("M")
        if in_word and start is None:
            start = at
        elif not in_word and start is not None:
            spans.append((start, at))
            start = None
    return spans


def _word_script(word: str) -> str | None:
    return next((s for s in map(_script, word) if s), None)


def one_script_words(text: str) -> str:
    """``text`` (already NFKC) with each letter that breaks its word's script made '_'."""
    out = list(text)
    for start, end in _words(text):
        main = _word_script(text[start:end])
        for at in range(start, end):
            if _script(text[at]) not in (None, main):
                out[at] = "_"
    return "".join(out)


def lookalike_problem(new: str, taken: str) -> str:
    """The reason a name is refused for looking like ``taken``."""
    unusual = sorted({ch for ch in new if not ch.isascii()} - set(taken))
    if unusual:
        how = ", ".join(_describe(ch) for ch in unusual[:3])
    else:
        how = "only in case or in characters drawn alike, such as 1 and l"
    return f"it looks like {taken!r} but is spelled with other characters ({how})"


class LookalikeIndex:
    """Names seen so far in one bundle, each file and folder keyed by its skeleton."""

    def __init__(self, reserved: Iterable[str] = RESERVED_NAMES) -> None:
        self._owners: dict[str, str] = {skeleton(name): name for name in reserved}
        # A name recorded owns its skeleton (a refused one is not recorded), so a folder
        # named again by each of its files is not folded again.
        self._recorded: set[str] = set()

    def add(self, path: str) -> tuple[str, str] | None:
        """Record ``path`` and its folders; (name, reason) for the first that looks like another."""
        for name in _with_folders(path):
            if name in self._recorded:
                continue
            key = skeleton(name)
            owner = self._owners.setdefault(key, name)
            if owner != name:
                return name, lookalike_problem(name, owner)
            self._recorded.add(name)
        return None


def first_lookalike(paths: Iterable[str]) -> tuple[str, str] | None:
    """(name, reason) for the first of ``paths`` (or their folders) that looks like another."""
    index = LookalikeIndex()
    for path in sorted(paths):
        found = index.add(path)
        if found is not None:
            return found
    return None
