"""The profile table: this vault's settings, a text value under a key each.

The officer's profile, signing identity and other preferences are kept here by the modules
that own them; the vault itself reads only ``officer.name``, the actor it writes into
every audit record.
"""

from __future__ import annotations

import getpass

from rvr_desktop.evidence.vault.connections import Tx

OFFICER_NAME = "officer.name"


def read(tx: Tx, key: str) -> str | None:
    value = tx.scalar("SELECT value FROM profile WHERE key = ?", (key,))
    return None if value is None else str(value)


def write(tx: Tx, key: str, value: str) -> None:
    tx.execute(
        "INSERT INTO profile(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def remove(tx: Tx, key: str) -> None:
    tx.execute("DELETE FROM profile WHERE key = ?", (key,))


def actor(tx: Tx) -> str:
    """Who is acting: the officer's name from the profile, else the computer login."""
    return read(tx, OFFICER_NAME) or login_name()


def login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown officer"
