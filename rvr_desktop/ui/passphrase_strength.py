"""A rough, offline estimate of how guessable a new passphrase is, for the meter.

The vault's real protection is Argon2id plus the core's minimum length
(``check_new_passphrase``); this only nudges the officer towards several random words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rvr_desktop.evidence.vault.passphrase_policy import MIN_NEW_PASSPHRASE_CHARS

# Fragments that make a passphrase far weaker than its length suggests.
_COMMON = (
    "password",
    "passw0rd",
    "qwerty",
    "letmein",
    "welcome",
    "123456",
    "abc123",
    "iloveyou",
    "police",
    "monkey",
    "dragon",
    "football",
    "admin",
    "secret",
)

LABELS = ("Too short", "Weak", "Fair", "Good", "Strong")


@dataclass(frozen=True)
class Strength:
    score: int
    """0 (unusable) to 4 (strong)."""
    label: str
    hint: str
    """What would make it stronger, or empty when it is strong."""


def _pool_size(text: str) -> int:
    pool = 0
    if re.search(r"[a-z]", text):
        pool += 26
    if re.search(r"[A-Z]", text):
        pool += 26
    if re.search(r"[0-9]", text):
        pool += 10
    if re.search(r"[^A-Za-z0-9]", text):
        pool += 33
    return max(pool, 1)


def estimate_bits(passphrase: str) -> float:
    """Guessing entropy in bits, estimated from length, variety, words and common fragments."""
    lowered = passphrase.lower()
    distinct = len(set(passphrase))
    # Repeats and runs count once: 'aaaaaaaaaaaa' is not 12 characters of entropy.
    effective_length = min(len(passphrase), distinct * 3)
    bits = effective_length * math.log2(_pool_size(passphrase))
    words = [w for w in re.split(r"[\s\-_.,;:+/]+", lowered) if w]
    if len(words) >= 3 and all(w.isalpha() for w in words):
        # Treat a phrase of words as drawn from a diceware-sized list (about 12.9 bits each).
        bits = min(bits, len(words) * 12.9 + 4)
    for fragment in _COMMON:
        if fragment in lowered:
            bits -= len(fragment) * math.log2(_pool_size(fragment)) * 0.8
    return max(bits, 0.0)


def estimate(passphrase: str) -> Strength:
    if len(passphrase) < MIN_NEW_PASSPHRASE_CHARS:
        return Strength(
            0,
            LABELS[0],
            f"Use at least {MIN_NEW_PASSPHRASE_CHARS} characters: three or four random words.",
        )
    bits = estimate_bits(passphrase)
    if bits < 36:
        return Strength(1, LABELS[1], "Add another unusual word; avoid names and common words.")
    if bits < 48:
        return Strength(2, LABELS[2], "Good start: one more random word makes it much stronger.")
    if bits < 64:
        return Strength(3, LABELS[3], "")
    return Strength(4, LABELS[4], "")
