"""What a new vault passphrase must be: the one rule, kept by the vault itself.

``Vault.create`` and ``Vault.change_passphrase`` enforce it, so no way in (the app, the
command line, a script) can make a vault with a weak passphrase; the window and the
command line only check early, to say so before any work is done.
"""

from __future__ import annotations

from rvr_desktop.evidence.errors import InvalidInput

MIN_NEW_PASSPHRASE_CHARS = 12


class PassphraseTooShort(InvalidInput):
    def __init__(self, length: int) -> None:
        self.length = length
        super().__init__(
            f"That passphrase is too short ({length} characters). Use at least "
            f"{MIN_NEW_PASSPHRASE_CHARS}: three or four random words are strong and easy to type."
        )


def check_new_passphrase(passphrase: str) -> str:
    """``passphrase`` when it may protect a vault; :class:`PassphraseTooShort` otherwise."""
    if len(passphrase) < MIN_NEW_PASSPHRASE_CHARS:
        raise PassphraseTooShort(len(passphrase))
    return passphrase
