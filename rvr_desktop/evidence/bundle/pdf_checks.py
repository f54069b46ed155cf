"""The PDFs inside a bundle: each signed PDF validated against the bundle's signer, and no
PDF the app made carrying active content."""

from __future__ import annotations

from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX
from rvr_desktop.evidence.bundle.result import Aspect, CheckList
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.signing.pdf_active_content import active_content
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.trust import TrustStore

MAX_PDF_BYTES = 256 * 1024 * 1024


def signed_pdf_checks(
    source: BagSource,
    member: str,
    trust: TrustStore,
    signer_fingerprint: str | None,
    checks: CheckList,
) -> None:
    name = f"signed PDF {member}"
    result = validate_pdf(source.read_small(member, MAX_PDF_BYTES), trust)
    if not result.sound:
        checks.failed(
            name, Aspect.SIGNATURE, f"{member}: " + (" ".join(result.problems) or "invalid")
        )
        return
    fingerprint = None if result.signer is None else result.signer.sha256_fingerprint
    if signer_fingerprint is not None and fingerprint != signer_fingerprint:
        checks.failed(
            name,
            Aspect.SIGNATURE,
            f"signed by a different certificate ({fingerprint}) from the bundle's "
            f"signer ({signer_fingerprint})" + "".join(f" {p}" for p in result.problems),
        )
        return
    if result.trusted and not result.bottom_line:
        checks.failed(name, Aspect.SIGNATURE, " ".join(result.problems))
    else:
        checks.passed(
            name,
            Aspect.SIGNATURE,
            "PAdES signature by the bundle's signer, intact and valid, covering the "
            "whole unmodified file",
        )


def active_content_checks(
    source: BagSource, good: set[str], checks: CheckList, notes: list[str]
) -> None:
    """The app's PDFs carry no JavaScript, launch or embedded file: one that does was not
    made by us and could run code when opened. An exhibit is evidence as it came, so an
    active one is only a warning."""
    found: list[str] = []
    pdfs = sorted(m for m in good if m.lower().endswith(".pdf"))
    for member in pdfs:
        findings = active_content(source.read_small(member, MAX_PDF_BYTES))
        if not findings:
            continue
        if member.startswith(PAYLOAD_PREFIX + "exhibits/") and member.count("/") > 2:
            notes.append(
                f"Exhibit {member} carries active content ({'; '.join(findings[:3])}): open "
                "it only in a viewer with JavaScript and launching turned off."
            )
        else:
            found.append(f"{member} carries " + "; ".join(findings[:3]))
    if found:
        checks.failed(
            "no active content in PDFs",
            Aspect.INTEGRITY,
            " ".join(found) + ": RVR Desktop never writes these, so the file was replaced; "
            "do not open it",
        )
    else:
        checks.passed(
            "no active content in PDFs",
            Aspect.INTEGRITY,
            f"{len(pdfs)} PDFs carry no JavaScript, open or event actions, launches or "
            "embedded files",
        )
