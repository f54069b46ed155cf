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


@dataclass(frozen=True)
class Check:
    name: str
    aspect: Aspect
    outcome: Outcome
    reason: str
    """Why, precisely: which file or record, expected and found values."""

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
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

    def _holds(self, aspect: Aspect) -> bool:
        return all(ch.outcome is Outcome.PASS for ch in self.checks if ch.aspect is aspect)

    @property
    def intact(self) -> bool:
        """Every file present, unaltered, nothing extra; audit chain whole and consistent."""
        return self._holds(Aspect.INTEGRITY)

    @property
    def signatures_valid(self) -> bool:
        return self._holds(Aspect.SIGNATURE)

    @property
    def trusted(self) -> bool:
        """The signer chains to one of the evidence officer's trusted roots."""
        return self._holds(Aspect.TRUST)

    @property
    def bottom_line(self) -> bool:
        """Verified: intact, validly signed and trusted, with every check passing."""
        return bool(self.checks) and all(ch.outcome is Outcome.PASS for ch in self.checks)

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
        """The verdict as a sentence an evidence officer reads."""
        if self.verdict is Verdict.VERIFIED:
            return "VERIFIED: complete, unaltered and signed by a trusted officer."
        if self.verdict is Verdict.NOT_TRUSTED:
            return (
                "NOT VERIFIED: the bundle is complete and unaltered, but its signer could not "
                "be trusted. Add the force's trusted root certificate and check again."
            )
        failed = [ch.name for ch in self.checks if ch.outcome is Outcome.FAIL]
        return "NOT VERIFIED: failed " + ", ".join(failed) + "."

    def info(self, label: str) -> str | None:
        for key, value in self.bag_info:
            if key.casefold() == label.casefold():
                return value
        return None

    def summary(self) -> dict[str, Any]:
        return {
            "bundle": str(self.bundle),
            "verdict": self.verdict_text,
            "outcome": self.verdict.value,
            "bottom_line": self.bottom_line,
            "intact": self.intact,
            "signatures_valid": self.signatures_valid,
            "trusted": self.trusted,
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
            "verified_at": self.verified_at.isoformat(),
            "software": self.software,
        }


class CheckList:
    """The checks of one verification, in the order they were made."""

    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(self, name: str, aspect: Aspect, outcome: Outcome, reason: str) -> None:
        self.items.append(Check(name, aspect, outcome, reason))

    def passed(self, name: str, aspect: Aspect, reason: str) -> None:
        self.add(name, aspect, Outcome.PASS, reason)

    def failed(self, name: str, aspect: Aspect, reason: str) -> None:
        self.add(name, aspect, Outcome.FAIL, reason)

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
