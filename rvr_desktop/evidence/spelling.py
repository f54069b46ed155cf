"""British English spelling for the statement and the notes: which words look misspelt.

The words are the en_GB Hunspell dictionary (LibreOffice's, maintained by Marco A.G. Pinto
and others; see ``resources/dictionaries/README.md``), expanded once into a plain word list
that ships with the app, so checking works offline. ``pyspellchecker`` holds the list and
offers suggestions. Nothing is ever corrected automatically: a statement is in the
witness's own words, and only the officer decides what to change.

Words that are not checked: numbers and anything with a digit (MG11, 42AB1234526), words
in capitals (DASH, IDVA, MARAC), single letters, and web or e-mail addresses.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from spellchecker import SpellChecker

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.paths import resources_dir

DICTIONARY_FILE = "en_GB-words.txt.gz"
"""The shipped British English word list, one word a line (gzip)."""

MAX_SUGGESTIONS = 6

# A word: letters, with apostrophes or hyphens inside it ("didn't", "ex-partner").
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*")
_SKIP_AROUND = re.compile(r"\S*[@/\\]\S*|\S*\d\S*|www\.\S+")


class SpellingUnavailable(RvrError):
    """The shipped dictionary could not be read; spelling is not checked."""


@dataclass(frozen=True)
class Misspelling:
    """One word that is not in the dictionary."""

    start: int
    """Where it starts in the text (characters)."""
    length: int
    word: str


class BritishSpelling:
    """A loaded British English dictionary. Reading it takes about a second, so load it
    once (see :func:`shipped_spelling`) and off the GUI thread; checking a word then takes
    microseconds and each answer is remembered."""

    def __init__(self, words: list[str]) -> None:
        # One edit away keeps suggestions quick (two edits over 400,000 words takes seconds).
        self._checker = SpellChecker(language=None, case_sensitive=False, distance=1)
        self._checker.word_frequency.load_words(words)
        self._answers: dict[str, bool] = {}

    @classmethod
    def from_file(cls, path: Path) -> BritishSpelling:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                words = handle.read().split()
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            raise SpellingUnavailable(
                f"The British English dictionary ({path.name}) could not be read, so spelling "
                "is not checked. Reinstall RVR Desktop to restore it."
            ) from exc
        return cls(words)

    def is_known(self, word: str) -> bool:
        """Whether ``word`` is spelt right (or is not a word we check)."""
        plain = word.replace("’", "'")
        cached = self._answers.get(plain)
        if cached is not None:
            return cached
        known = not _is_checked(plain) or bool(self._checker.known([plain]))
        if not known and plain.endswith("'s"):
            known = bool(self._checker.known([plain[:-2]]))
        if not known and "-" in plain:
            known = all(self.is_known(part) for part in plain.split("-") if part)
        self._answers[plain] = known
        return known

    def misspellings(self, text: str) -> Iterator[Misspelling]:
        """Each word of ``text`` that is not in the dictionary, in order."""
        skipped = [(m.start(), m.end()) for m in _SKIP_AROUND.finditer(text)]
        for match in _WORD.finditer(text):
            if any(start <= match.start() < end for start, end in skipped):
                continue
            word = match.group()
            if not self.is_known(word):
                yield Misspelling(match.start(), len(word), word)

    def suggestions(self, word: str) -> list[str]:
        """Likely intended words, best first (empty if none is close)."""
        plain = word.replace("’", "'").lower()
        found = self._checker.candidates(plain) or set()
        ranked = sorted(
            found - {plain}, key=lambda w: (-SequenceMatcher(None, plain, w).ratio(), w)
        )
        if word[:1].isupper():
            ranked = [w[:1].upper() + w[1:] for w in ranked]
        return ranked[:MAX_SUGGESTIONS]


def _is_checked(word: str) -> bool:
    if len(word) < 2:
        return False
    letters = [c for c in word if c.isalpha()]
    return not (len(letters) > 1 and all(c.isupper() for c in letters))


def dictionary_path() -> Path:
    return resources_dir() / "dictionaries" / DICTIONARY_FILE


@cache
def shipped_spelling() -> BritishSpelling:
    """The shipped dictionary, read once per process (it never changes while running)."""
    return BritishSpelling.from_file(dictionary_path())
