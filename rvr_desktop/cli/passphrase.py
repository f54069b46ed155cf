"""Passphrases for headless commands: from a prompt or a file, never an argument or env var."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.vault.passphrase_policy import check_new_passphrase


def read_passphrase(source: str | None, prompt: str = "Vault passphrase: ") -> str:
    """The first line of ``source`` (a file, or '-' for standard input), else a prompt."""
    if source is None:
        if not sys.stdin.isatty():
            raise InvalidInput(
                "No terminal to ask for the passphrase. Give --passphrase-file FILE "
                "(or '-' to read it from standard input)."
            )
        return getpass.getpass(prompt)
    if source == "-":
        line = sys.stdin.readline()
    else:
        try:
            with open(Path(source), encoding="utf-8") as handle:
                line = handle.readline()
        except OSError as exc:
            raise InvalidInput(
                f"Cannot read the passphrase file {source} ({exc.strerror})."
            ) from exc
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"The passphrase file {source} is not UTF-8 text.") from exc
    passphrase = line.rstrip("\r\n")
    if not passphrase:
        raise InvalidInput(f"The passphrase file {source} is empty.")
    return passphrase


def read_new_passphrase(source: str | None) -> str:
    if source is not None:
        return check_new_passphrase(read_passphrase(source))
    first = check_new_passphrase(read_passphrase(None, "New passphrase: "))
    if read_passphrase(None, "Repeat the new passphrase: ") != first:
        raise InvalidInput("The two passphrases differ. Nothing was changed; try again.")
    return first
