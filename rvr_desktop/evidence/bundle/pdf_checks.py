"""The PDFs inside a bundle: each signed PDF validated against the bundle's signer, and no
PDF the app made carrying active content."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX
from rvr_desktop.evidence.bundle.result import Aspect, CheckList
from rvr_desktop.evidence.bundle.signature_checks import LongTermInputs
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.signing.pdf_active_content import active_content
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.trust import TrustStore

MAX_PDF_BYTES = 256 * 1024 * 1024


SIGNED_PDF_TITLES = {
    c.STATEMENT_PDF: "the MG11 statement",
    c.EXHIBIT_STATEMENT_PDF: "the officer's exhibits statement",
}


def signed_pdf_title(path: str) -> str:
    """What a signed PDF is, in words: 'the MG11 statement', 'MG11 statement 2'."""
    if path in SIGNED_PDF_TITLES:
        return SIGNED_PDF_TITLES[path]
    if c.is_statement_pdf(path):
        number = path.rsplit("-", 1)[1].removesuffix(".pdf")
        return f"MG11 statement {number} (a further statement)"
    return path


def signed_pdfs_in(good: set[str]) -> list[str]:
    """The bundle's signed PDFs: the statement, any further statements, the exhibits
    statement; each as a member name (the statement even when missing, so it is missed)."""
    further = sorted(
        (m for m in good if c.is_statement_pdf(m.removeprefix(PAYLOAD_PREFIX))),
        key=lambda m: (len(m), m),
    )
    named = [PAYLOAD_PREFIX + document for document in c.SIGNED_PDFS]
    return [named[0], *(m for m in further if m not in named), *named[1:]]


def signed_pdf_checks(
    source: BagSource,
    member: str,
    trust: TrustStore,
    signer_fingerprint: str | None,
    checks: CheckList,
    inputs: LongTermInputs,
    proven_at: datetime | None,
) -> None:
    """Two checks per signed PDF: the file is exactly as signed (integrity: one signature,
    its digest matching, covering every byte, no update after it), and the signature is
    sound and the bundle's own signer's (signature). ``proven_at`` is the time the
    bundle's archive time-stamps prove the file existed (the tag manifest lists its hash):
    the PDF's newest time-stamp is checked then rather than now."""
    document = signed_pdf_title(member.removeprefix(PAYLOAD_PREFIX))
    result = validate_pdf(
        source.read_small(member, MAX_PDF_BYTES),
        trust,
        at_time=inputs.at_time,
        crl_files=inputs.crl_files,
        online=inputs.online,
        proven_at=proven_at,
    )
    unchanged = (
        result.signature_count == 1
        and result.intact
        and result.valid
        and result.covers_whole_file
        and result.modification_free
    )
    if unchanged:
        checks.passed(
            f"signed PDF {member} unchanged since signing",
            Aspect.INTEGRITY,
            f"{member} is byte for byte what was signed: one signature over the whole file, "
            "no update after it",
            title=f"{_capital(document)} exactly as signed",
        )
    else:
        checks.failed(
            f"signed PDF {member} unchanged since signing",
            Aspect.INTEGRITY,
            f"{member}: " + (" ".join(result.problems) or "the signature does not verify"),
            title=f"{_capital(document)} exactly as signed",
        )
    name, title = f"signed PDF {member}", f"Signature on {document}"
    if not unchanged:
        checks.failed(
            name, Aspect.SIGNATURE, f"{member}: the signature does not verify (above)", title=title
        )
        return
    if not result.sound:
        checks.failed(
            name, Aspect.SIGNATURE, f"{member}: " + " ".join(result.problems), title=title
        )
        return
    fingerprint = None if result.signer is None else result.signer.sha256_fingerprint
    if signer_fingerprint is not None and fingerprint != signer_fingerprint:
        checks.failed(
            name,
            Aspect.SIGNATURE,
            f"signed by a different certificate ({fingerprint}) from the bundle's "
            f"signer ({signer_fingerprint})" + "".join(f" {p}" for p in result.problems),
            title=title,
        )
        return
    if result.trusted and not result.bottom_line:
        checks.failed(name, Aspect.SIGNATURE, " ".join(result.problems), title=title)
    else:
        checks.passed(
            name,
            Aspect.SIGNATURE,
            "PAdES signature by the bundle's signer, intact and valid, covering the "
            "whole unmodified file",
            title=title,
        )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


ActiveContent = dict[str, tuple[str, ...]]
"""What :func:`active_content` found in each PDF, by member name."""


def _pdfs(members: Iterable[str]) -> list[str]:
    return sorted(m for m in members if m.lower().endswith(".pdf"))


def active_content_of(source: BagSource, members: Iterable[str]) -> ActiveContent:
    """The active content of each PDF among ``members``, for :func:`active_content_checks`
    (the verifier looks at the small PDFs while the large files are still being hashed)."""
    return {m: active_content(source.read_small(m, MAX_PDF_BYTES)) for m in _pdfs(members)}


def active_content_checks(
    source: BagSource,
    good: set[str],
    checks: CheckList,
    notes: list[str],
    looked_at: ActiveContent | None = None,
) -> None:
    """The app's PDFs carry no JavaScript, launch or embedded file: one that does was not
    made by us and could run code when opened. An exhibit is evidence as it came, so an
    active one is only a warning. PDFs in ``looked_at`` are not read again."""
    found: list[str] = []
    pdfs = _pdfs(good)
    for member in pdfs:
        if looked_at is not None and member in looked_at:
            findings = looked_at[member]
        else:
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
