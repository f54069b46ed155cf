"""Words the officer typed in a dialog that the vault's lock is about to close.

An idle lock or Ctrl+L closes every dialog before the vault locks. A dialog that holds
typed words not yet saved (what happened, in the danger key's dialog; an amendment) hands
them over first, and the lock adds them to its case's unsent note, so they come back in
the note box after the next unlock instead of being lost with the dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class HeldWords:
    case_id: int
    text: str


@runtime_checkable
class HoldsWords(Protocol):
    def held_words(self) -> HeldWords | None:
        """The words typed and not saved, if any, and the case they belong to."""
        ...


def with_held_words(draft: str, words: HeldWords) -> str:
    """The unsent note with the held words added as a paragraph of their own."""
    return f"{draft.rstrip()}\n{words.text}" if draft.strip() else words.text
