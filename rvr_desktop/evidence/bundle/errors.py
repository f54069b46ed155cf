"""What can go wrong when writing or reading a bundle, each with a message a person can act on."""

from __future__ import annotations

from rvr_desktop.evidence.errors import InvalidInput, RvrError

_FROM_ELSEWHERE = (
    "It may have been altered or made by another program: do not rely on it, and ask the "
    "sender for a fresh export."
)


class HostileBundle(InvalidInput):
    """A bundle whose container (folder or zip) is unsafe or malformed; nothing was extracted."""

    def __init__(self, entry: str, problem: str) -> None:
        self.entry = entry
        self.problem = problem
        super().__init__(
            f"The bundle was refused: {entry}: {problem}. Nothing from it was written to disk. "
            + _FROM_ELSEWHERE
        )


class BundleUnreadable(InvalidInput):
    """The bundle could not be read at all (permissions, a failing disk): not its fault."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(
            f"The bundle at {path} cannot be read ({reason}). Check that you may read it "
            "and that the disk or share is available, then try again."
        )


class MalformedBag(InvalidInput):
    """A tag file (bagit.txt, bag-info.txt, a manifest) that breaks the BagIt grammar or limits."""

    def __init__(self, file: str, problem: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(
            f"The bundle is not a valid BagIt bag: {where}: {problem}. " + _FROM_ELSEWHERE
        )


class UnsafeBundlePath(InvalidInput):
    """A name chosen for a file in a new bundle that cannot be stored safely and portably."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(
            f"Cannot put {path!r} in the bundle: {problem}. Choose another name for it "
            "(portable_component() in evidence/bundle/names.py makes a safe one)."
        )


class BundleAlreadyExists(InvalidInput):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path} already exists and was not touched. Choose another name or folder for "
            "the export."
        )


class PayloadSourceMismatch(RvrError):
    """A source gave other bytes than its record promised, so the export was stopped."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(
            f"The export was stopped and nothing was saved: {path}: {problem}. The stored copy "
            "may be damaged; check the case's attachments, or contact IT support."
        )


class BundleWriterClosed(RvrError):
    def __init__(self) -> None:
        super().__init__("This export has already finished or been abandoned; start a new export.")


class InvalidBagInfo(InvalidInput):
    def __init__(self, label: str, problem: str) -> None:
        self.label = label
        super().__init__(
            f"Cannot write {label!r} into bag-info.txt: {problem}. Nothing was exported."
        )
