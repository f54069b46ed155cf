"""The result of verifying a bundle: each check on its own facts, and a verdict.

Integrity, signatures and trust are kept apart (as pyHanko keeps intact, valid and
trusted apart), so "intact but signed by someone we cannot vouch for" is told from
"altered". The result is frozen; the command line and the window each map its
:class:`Verdict` to what they show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.bundle.bagit_reader import FileCheck
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.signing.certs import CertificateSummary
from rvr_desktop.evidence.signing.trust import TrustedRoot


class Outcome(StrEnum):
    PASS = "PASS"  # noqa: S105 - a check's result, not a password
    FAIL = "FAIL"
    INDETERMINATE = "INDETERMINATE"


class Verdict(StrEnum):
    """A bundle's verification, in one word."""

    VERIFIED = "verified"
    """Every check passed: complete, unaltered, validly signed by a trusted officer."""
    NOT_TRUSTED = "not-trusted"
    """No check failed, but the signer's trust could not be established."""
    FAILED = "failed"
    """At least one check failed."""


class Aspect(StrEnum):
    """What a check speaks to; the verdict keeps them apart."""

    INTEGRITY = "integrity"
    SIGNATURE = "signature"
    TRUST = "trust"
    RETENTION = "retention"
    """For a bundle checked in the force's store: kept unalterable, as its receipt says."""
    REVOCATION = "revocation"
    """The signer's certificate was not revoked when it signed. An unknown status (no
    revocation information at hand) is said in plain words but does not stop a verdict:
    read ``known_not_revoked``."""


TITLES = {
    "bundle can be read safely": "Safe to open",
    "BagIt structure": "Bundle structure",
    "bundle format": "Bundle format version",
    "tag files": "The bundle's own record files",
    "payload files": "Evidence files present and unchanged",
    "Payload-Oxum": "Number of files and total size",
    "tag manifest unchanged since signing": "File list exactly as signed",
    "tag manifest signature": "Officer's signature on the bundle",
    "signer trusted": "Signer vouched for by a root you trust",
    "audit chain": "Audit trail unbroken",
    "audit chain head": "Audit trail ends where the bundle says",
    "notes, forms and exhibits match the audit chain": (
        "Notes, forms, statements and exhibits match the audit trail"
    ),
    "no active content in PDFs": "No code or hidden files in the app's PDFs",
    "signer not revoked": "Officer's certificate not withdrawn when it signed",
    "archive time-stamps": "Later time-stamps keeping the signature provable",
    "validation data": "Certificates and revocation answers kept with the signature",
    "disclosure check": "The officer's list of restricted details to redact",
}
"""What each check looks at, in words an evidence officer reads without the BagIt or CMS
specifications open; the check's name keeps the exact technical term (for --json and the
evidence officer's guide)."""


@dataclass(frozen=True)
class Check:
    name: str
    """The exact technical name (BagIt, CMS and PAdES terms), stable for scripts."""
    aspect: Aspect
    outcome: Outcome
    reason: str
    """Why, precisely: which file or record, expected and found values."""
    title: str = ""
    """What was checked, in plain words (the name when none is given)."""

    @property
    def shown_title(self) -> str:
        return self.title or TITLES.get(self.name, self.name)

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.shown_title,
            "aspect": self.aspect.value,
            "outcome": self.outcome.value,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class BundleStatus:
    bundle: Path
    checks: tuple[Check, ...]
    files: tuple[FileCheck, ...]
    """Every payload and tag file with its size and hashes; failing rows are not OK."""
    bag_info: tuple[tuple[str, str], ...]
    signer: CertificateSummary | None
    signing_time: datetime | None
    trusted_root: TrustedRoot | None
    is_test_identity: bool
    verified_at: datetime
    software: str = SOFTWARE
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Things to know that do not change the verdict (a TEST identity, ignored entries)."""
    location: str = ""
    """Where the bundle was checked from when not a local path (``s3://bucket/key``)."""
    trusted_signing_time: datetime | None = None
    """The signature time-stamp's time, when good: a signing time that does not rest on
    the signer's computer. None means the signing time is only the signer's claim."""
    disclosure_places: int | None = None
    """How many places the officer's disclosure check lists where a restricted detail
    appears outside data/restricted/; None when the bundle carries no check (format 1)."""

    @property
    def shown_location(self) -> str:
        return self.location or str(self.bundle)

    def _holds(self, aspect: Aspect) -> bool:
        """Every check of ``aspect`` passed, and there was at least one (a bundle that
        could not even be opened has no valid signatures)."""
        made = [ch for ch in self.checks if ch.aspect is aspect]
        return bool(made) and all(ch.outcome is Outcome.PASS for ch in made)

    @property
    def intact(self) -> bool:
        """Every file present and unaltered, nothing extra, each signed file (the tag
        manifest, the signed PDFs) exactly as it was signed, and the audit chain whole and
        consistent. A bundle whose manifests were re-hashed after a change is not intact,
        however well its files match those manifests."""
        return self._holds(Aspect.INTEGRITY)

    @property
    def signatures_valid(self) -> bool:
        return self._holds(Aspect.SIGNATURE)

    @property
    def trusted(self) -> bool:
        """The signer chains to one of the evidence officer's trusted roots."""
        return self._holds(Aspect.TRUST)

    @property
    def known_not_revoked(self) -> bool:
        """Revocation information shows the signer's certificate good when it signed."""
        return self._holds(Aspect.REVOCATION)

    @property
    def revocation_unknown(self) -> bool:
        """A sound, trusted signature whose certificate's revocation nobody could learn."""
        return (
            self.signatures_valid
            and self.trusted
            and any(
                ch.aspect is Aspect.REVOCATION and ch.outcome is Outcome.INDETERMINATE
                for ch in self.checks
            )
        )

    @property
    def bottom_line(self) -> bool:
        """Verified: intact, validly signed and trusted, with every check passing, except
        that a revocation status nobody could learn is said, not held against it."""
        return bool(self.checks) and all(
            ch.outcome is Outcome.PASS
            or (ch.aspect is Aspect.REVOCATION and self.revocation_unknown)
            for ch in self.checks
        )

    @property
    def verdict(self) -> Verdict:
        """The one-word answer: the command line maps it to an exit code, the window to a
        colour."""
        if self.bottom_line:
            return Verdict.VERIFIED
        if any(ch.outcome is Outcome.FAIL for ch in self.checks):
            return Verdict.FAILED
        return Verdict.NOT_TRUSTED

    @property
    def verdict_text(self) -> str:
        """The verdict as a sentence an evidence officer reads: never more than is known."""
        unknown = (
            " Whether the officer's certificate had been withdrawn (revoked) is not known: "
            "there was no revocation information to check."
            if self.revocation_unknown
            else ""
        )
        if self.verdict is Verdict.VERIFIED and self.is_test_identity:
            return (
                "VERIFIED AS A TRAINING BUNDLE, NOT EVIDENCE: complete, unaltered and signed "
                "with a TEST identity from the RVR Desktop training PKI." + unknown
            )
        if self.verdict is Verdict.VERIFIED:
            return "VERIFIED: complete, unaltered and signed by a trusted officer." + unknown
        if self.verdict is Verdict.NOT_TRUSTED:
            return (
                "NOT VERIFIED: the files agree with the bundle's signature, but no root you "
                "trust vouches for its signer, and anyone can make such a signature in any "
                "name. Nothing yet shows that this is the bundle the officer exported. "
                "Check it again with the force's trusted root certificate."
            )
        failed = [ch.shown_title for ch in self.checks if ch.outcome is Outcome.FAIL]
        return "NOT VERIFIED: failed " + "; ".join(failed) + "."

    def info(self, label: str) -> str | None:
        for key, value in self.bag_info:
            if key.casefold() == label.casefold():
                return value
        return None

    def summary(self) -> dict[str, Any]:
        return {
            "bundle": self.shown_location,
            "verdict": self.verdict_text,
            "outcome": self.verdict.value,
            "bottom_line": self.bottom_line,
            "intact": self.intact,
            "signatures_valid": self.signatures_valid,
            "trusted": self.trusted,
            "known_not_revoked": self.known_not_revoked,
            "trusted_signing_time": None
            if self.trusted_signing_time is None
            else self.trusted_signing_time.isoformat(),
            "checks": [ch.to_json() for ch in self.checks],
            "signer": None if self.signer is None else self.signer.to_json(),
            "signing_time": None if self.signing_time is None else self.signing_time.isoformat(),
            "trusted_root": None if self.trusted_root is None else self.trusted_root.to_json(),
            "is_test_identity": self.is_test_identity,
            "bag_info": [list(pair) for pair in self.bag_info],
            "files": [
                {
                    "path": f.path,
                    "status": f.status.value,
                    "size": f.size,
                    "expected_sha256": f.expected_sha256,
                    "found_sha256": f.found_sha256,
                }
                for f in self.files
            ],
            "notes": list(self.notes),
            "disclosure_check": None
            if self.disclosure_places is None
            else {"file": "data/disclosure-check.json", "places": self.disclosure_places},
            "verified_at": self.verified_at.isoformat(),
            "software": self.software,
        }


class CheckList:
    """The checks of one verification, in the order they were made."""

    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(
        self, name: str, aspect: Aspect, outcome: Outcome, reason: str, *, title: str = ""
    ) -> None:
        self.items.append(Check(name, aspect, outcome, reason, title))

    def passed(self, name: str, aspect: Aspect, reason: str, *, title: str = "") -> None:
        self.add(name, aspect, Outcome.PASS, reason, title=title)

    def failed(self, name: str, aspect: Aspect, reason: str, *, title: str = "") -> None:
        self.add(name, aspect, Outcome.FAIL, reason, title=title)

    def not_evaluated(self, name: str, aspect: Aspect, reason: str, *, title: str = "") -> None:
        """A check that could not be made (a check it rests on failed, or nothing to make
        it with): INDETERMINATE, with the reason saying which."""
        self.add(name, aspect, Outcome.INDETERMINATE, reason, title=title)

    def guarded(self, name: str, aspect: Aspect, check: Callable[[], None]) -> None:
        """Run ``check``; hostile content it meets becomes a failed check, never a
        traceback."""
        try:
            check()
        except MALFORMED as exc:
            reason = str(exc) if isinstance(exc, InvalidInput) else type(exc).__name__
            self.failed(name, aspect, f"could not be checked: the content is malformed ({reason})")


# What hostile content inside a well-formed bag can raise while it is being read; each
# becomes a failed check, never a traceback.
MALFORMED = (
    InvalidInput,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RecursionError,
    MemoryError,
    UnicodeError,
)
