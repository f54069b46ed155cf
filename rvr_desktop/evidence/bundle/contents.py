"""What an RVR evidence bundle holds, and where: shared by export and verification.

Paths are relative to the bag's ``data/`` folder. The restricted details (the MG11's back
page, the MG11 form's answers, which include them, and the full copies of every form and
timeline entry whose restricted answers are withheld elsewhere) live only under
``restricted/`` so they can be withheld from disclosure as one folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BUNDLE_FORMAT = "rvr-evidence-bundle"
BUNDLE_FORMAT_VERSION = 2
"""2: restricted answers withheld outside restricted/ (their full copies under it), and
the disclosure check. Version 1 bundles are still read (:data:`READABLE_FORMAT_VERSIONS`)."""
READABLE_FORMAT_VERSIONS = (1, 2)

CASE_JSON = "case.json"
STATEMENT_PDF = "statement/MG11-statement.pdf"
RESTRICTED_PDF = "restricted/MG11-restricted-details.pdf"
MG11_FORM_JSON = "restricted/MG11-form.json"
NOTES_PDF = "notes/notes-log.pdf"
TIMELINE_JSON = "notes/timeline.json"
EXHIBIT_LIST_PDF = "exhibits/exhibit-list.pdf"
EXHIBIT_STATEMENT_PDF = "exhibits/officer-exhibits-statement.pdf"
AUDIT_JSONL = "audit/audit-chain.jsonl"
RESTRICTED_PREFIX = "restricted/"
TIMELINE_WITHHELD_JSON = "restricted/notes/timeline-withheld.json"
"""The full copies of the timeline entries whose restricted answers timeline.json withholds."""
DISCLOSURE_CHECK_JSON = "disclosure-check.json"
"""Where a restricted detail still appears outside restricted/ (format 2 on)."""

SIGNED_PDFS = (STATEMENT_PDF, EXHIBIT_STATEMENT_PDF)

# bag-info.txt labels of our own (the standard ones are BagIt's).
INFO_CASE = "RVR-Case-Reference"
INFO_OFFICER = "RVR-Officer"
INFO_EXPORTED = "RVR-Export-Time"
INFO_SOFTWARE = "RVR-Software-Version"
INFO_CHAIN_HEAD = "RVR-Audit-Chain-Head"
INFO_CHAIN_SEQ = "RVR-Audit-Chain-Length"
INFO_CHAIN_CODE = "RVR-Audit-Chain-Code"
INFO_RECIPIENT = "RVR-Recipient"
INFO_FORMAT = "RVR-Bundle-Format"


def exhibit_folder(exhibit_ref: str) -> str:
    """JS/1 -> 'exhibits/JS-1'."""
    return "exhibits/" + re.sub(r"[^A-Za-z0-9_-]", "-", exhibit_ref)


@dataclass(frozen=True)
class StatementPaths:
    """Where one signed MG11 statement and its restricted parts go."""

    pdf: str
    form_json: str
    restricted_pdf: str


def statement_paths(number: int) -> StatementPaths:
    """The first statement keeps the plain names; a further one adds its number
    (``statement/MG11-statement-2.pdf``)."""
    if number == 1:
        return StatementPaths(STATEMENT_PDF, MG11_FORM_JSON, RESTRICTED_PDF)
    return StatementPaths(
        f"statement/MG11-statement-{number}.pdf",
        f"restricted/MG11-form-{number}.json",
        f"restricted/MG11-restricted-details-{number}.pdf",
    )


_FURTHER = r"(?:-[2-9]|-[1-9][0-9]{1,3})?"
_STATEMENT_PDF = re.compile(rf"statement/MG11-statement{_FURTHER}\.pdf")
_MG11_FORM_JSON = re.compile(rf"restricted/MG11-form{_FURTHER}\.json")


def is_statement_pdf(path: str) -> bool:
    """A signed MG11 statement's path under data/: the first or a further one."""
    return _STATEMENT_PDF.fullmatch(path) is not None


def is_mg11_form_json(path: str) -> bool:
    """An MG11 form version's JSON under data/restricted/: the first or a further one."""
    return _MG11_FORM_JSON.fullmatch(path) is not None


def form_paths(template_id: str, form_id: int, version: int) -> tuple[str, str]:
    stem = f"forms/{template_id}-form{form_id}-v{version}"
    return stem + ".json", stem + ".pdf"
