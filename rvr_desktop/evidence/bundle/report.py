"""The verification report PDF an evidence officer files: what was checked and found."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.bagit_reader import FileStatus
from rvr_desktop.evidence.bundle.result import BundleStatus, Outcome, Verdict
from rvr_desktop.evidence.clock import document_time
from rvr_desktop.evidence.documents import (
    CheckOutcome,
    CheckRow,
    DocumentOrigin,
    FileRow,
    LabelValue,
    RenderedPdf,
    VerificationReport,
    render_verification_report,
)

_VERDICTS = {
    Verdict.VERIFIED: CheckOutcome.PASS,
    Verdict.NOT_TRUSTED: CheckOutcome.INDETERMINATE,
    Verdict.FAILED: CheckOutcome.FAIL,
}
_OUTCOMES = {
    Outcome.PASS: CheckOutcome.PASS,
    Outcome.FAIL: CheckOutcome.FAIL,
    Outcome.INDETERMINATE: CheckOutcome.INDETERMINATE,
}


UNVERIFIED = " (as the bundle claims; not verified)"
"""Marks what the bundle says of itself when the verdict is not VERIFIED: until a trusted
signature vouches for it, anyone could have written it in the officer's name."""


def _when(moment: datetime) -> str:
    """A time as the report prints it: UK time, with seconds, as every document does."""
    return document_time(int(moment.timestamp() * 1000), seconds=True)


def verification_report(status: BundleStatus) -> VerificationReport:
    claimed = "" if status.verdict is Verdict.VERIFIED else UNVERIFIED
    facts = [
        LabelValue("Bundle", status.shown_location),
        LabelValue("Checked at", _when(status.verified_at)),
        LabelValue("Checked by software", status.software),
    ]
    for label, shown in (
        (c.INFO_CASE, "Case reference"),
        (c.INFO_OFFICER, "Exported by"),
        (c.INFO_EXPORTED, "Exported at"),
        (c.INFO_RECIPIENT, "Recipient"),
        (c.INFO_SOFTWARE, "Exported with"),
        (c.INFO_CHAIN_CODE, "Audit chain code"),
        (c.INFO_CHAIN_HEAD, "Audit chain head"),
    ):
        value = status.info(label)
        if value:
            facts.append(LabelValue(shown + claimed, value))
    if status.signer is not None:
        facts.append(LabelValue("Signer" + claimed, "; ".join(status.signer.display_lines())))
    if status.signing_time is not None:
        facts.append(LabelValue("Signed at" + claimed, _when(status.signing_time)))
    facts.append(
        LabelValue(
            "Trusted root",
            "none matched"
            if status.trusted_root is None
            else f"{status.trusted_root.summary.common_name} "
            f"(SHA-256 {status.trusted_root.sha256_fingerprint})",
        )
    )
    facts.extend(LabelValue("Note", note) for note in status.notes)
    return VerificationReport(
        title="Evidence bundle verification report",
        verdict=status.verdict_text,
        verdict_outcome=_VERDICTS[status.verdict],
        checks=tuple(
            CheckRow(check.shown_title, _OUTCOMES[check.outcome], check.reason)
            for check in status.checks
        ),
        files=tuple(
            FileRow(
                path=f.path,
                size_bytes=f.size or 0,
                sha256=f.found_sha256 or f.expected_sha256 or "",
                outcome=CheckOutcome.PASS if f.status is FileStatus.OK else CheckOutcome.FAIL,
            )
            for f in status.files
        ),
        facts=tuple(facts),
    )


def render_report(status: BundleStatus) -> RenderedPdf:
    origin = DocumentOrigin(
        author="rvr-verify",
        created_utc_ms=int(status.verified_at.timestamp() * 1000),
        software=SOFTWARE,
    )
    return render_verification_report(verification_report(status), origin)


def write_report(status: BundleStatus, path: Path) -> None:
    """Write the report PDF to ``path`` (atomically, private)."""
    render_report(status).save(path)
