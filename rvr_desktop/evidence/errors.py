"""One tree of exceptions, each carrying a message a person can act on.

Every message says what went wrong and what to do next. The CLI turns these into
exit codes and the desktop app into dialogs, each at exactly one boundary.
"""

from __future__ import annotations


class RvrError(Exception):
    """Base of every error RVR Desktop raises on purpose.

    ``str(error)`` is a complete, plain-English message for the user.
    """


class VaultError(RvrError):
    """Something about the vault as a whole."""


class VaultNotFound(VaultError):
    def __init__(self, root: object) -> None:
        super().__init__(
            f"There is no vault at {root}. Check the path, or create one with "
            "'rvr-desktop vault init'."
        )


class VaultAlreadyExists(VaultError):
    def __init__(self, root: object) -> None:
        super().__init__(
            f"A vault already exists at {root}; it has not been touched. Unlock it instead, "
            "or choose another folder for a new vault."
        )


class WrongPassphrase(VaultError):
    def __init__(self, failures: int, retry_after_s: float) -> None:
        self.failures = failures
        self.retry_after_s = retry_after_s
        wait = (
            f" After {failures} wrong attempts, wait {retry_after_s:.0f} seconds before "
            "trying again."
            if retry_after_s > 0
            else ""
        )
        super().__init__(
            "Wrong passphrase: the vault was not opened and nothing was changed. "
            "Check Caps Lock and the keyboard layout, then try again." + wait
        )


class UnlockThrottled(VaultError):
    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(
            f"Too many wrong passphrases. Wait {retry_after_s:.0f} more seconds, then try again. "
            "Nothing has been deleted: the vault is safe."
        )


class VaultDamaged(VaultError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"The vault is damaged: {what}. Nothing has been changed or overwritten. "
            "Do not create a new vault in this folder; restore the vault folder from the "
            "latest backup or contact IT support with this message."
        )


class VaultTooNew(VaultError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"This vault was written by a newer version of RVR Desktop (schema {found}; this "
            f"version understands up to {supported}). It has not been changed. Install the "
            "latest RVR Desktop to open it."
        )


class VaultRolledBack(VaultError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The vault is older than the last state this computer acknowledged ({detail}). "
            "An older copy of the vault may have been put back in place. It has not been opened "
            "for writing; report this to your evidence manager. If the copy was restored on "
            "purpose, they can accept it with 'rvr-desktop vault accept-restore'."
        )


class InsecureDatabaseBuild(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "The database library on this computer does not encrypt (SQLCipher did not answer). "
            "RVR Desktop refuses to run rather than store evidence readable on disk. Reinstall "
            "RVR Desktop or contact IT support."
        )


class VaultLocked(VaultError):
    def __init__(self) -> None:
        super().__init__("The vault is locked. Unlock it with your passphrase to continue.")


class DiskFull(RvrError):
    def __init__(self, where: object) -> None:
        super().__init__(
            f"The disk is full (while writing {where}). Nothing that was already saved has been "
            "lost; the last action was not saved. Free some space and try that action again."
        )


class StorageError(RvrError):
    """An I/O failure other than a full disk."""


class NotFound(RvrError):
    """A case, note, attachment or form that does not exist."""


class InvalidInput(RvrError):
    """Something the user typed or chose that cannot be accepted as it is."""


class NotAllowed(RvrError):
    """An action the evidence rules forbid (for example erasing a note)."""


class FileSizeLimit(DiskFull):
    """A write went past the largest file this computer allows (RLIMIT_FSIZE, a quota)."""

    def __init__(self, where: object) -> None:
        RvrError.__init__(
            self,
            f"A file grew past the largest size this computer allows (while writing {where}). "
            "Nothing that was already saved has been lost; the last action was not saved. "
            "Ask IT support to raise the file-size limit, or use a smaller file, then try again.",
        )


class DiskWriteFailed(StorageError):
    """The disk reported an error (EIO, a failed fsync) while saving.

    ``uncertain`` is True when the failure came while confirming a save (the commit's
    fsync): the data may have reached the disk all the same, so the message cannot promise
    that nothing was saved. The action is never retried and reported as saved: after a
    failed fsync the operating system may already have dropped the data it could not write.
    """

    def __init__(self, where: object, *, uncertain: bool = False) -> None:
        self.uncertain = uncertain
        if uncertain:
            what = (
                f"The disk reported an error while confirming the save of {where}, so the last "
                "action has not been confirmed as saved: it may be missing when the vault is "
                "next opened, or it may be there after all. Everything saved before it is safe. "
                "Copy what you were saving somewhere else (for example on paper), then close "
                "RVR Desktop, open it again and check whether it is there."
            )
        else:
            what = (
                f"The disk reported an error while writing {where}, so the last action was not "
                "saved. Everything saved before it is safe. Copy anything you have not saved "
                "somewhere else (for example on paper), then close RVR Desktop and open it again."
            )
        super().__init__(
            what + " If this happens again, check the disk has free space and ask IT support "
            "to check the disk."
        )


class PassphraseChangeUnconfirmed(DiskWriteFailed):
    """The new passphrase is in place, but part of the change was not confirmed on disk."""

    def __init__(self, what_failed: str) -> None:
        self.uncertain = True
        StorageError.__init__(
            self,
            f"The vault now opens with your NEW passphrase, but the disk reported an error "
            f"while {what_failed}, so the change has not been confirmed as saved. Close RVR "
            "Desktop and open it again with the new passphrase; if it is refused, use the old "
            "one. If this happens again, ask IT support to check the disk.",
        )
