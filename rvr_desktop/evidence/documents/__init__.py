"""The evidential PDF documents: MG11 statement, restricted details, notes log, forms,
exhibits and the verification report. Rendered with reportlab; no Qt.

Each ``render_*`` function takes its input dataclass from :mod:`.model` and a
:class:`DocumentOrigin` (author, creation time, software) and returns a
:class:`RenderedPdf`. The same input always renders to the same bytes.
"""

from __future__ import annotations

from rvr_desktop.evidence.documents.exhibits import (
    exhibit_statement_text,
    render_exhibit_list,
    render_exhibit_statement,
)
from rvr_desktop.evidence.documents.form import render_form
from rvr_desktop.evidence.documents.model import (
    Amendment,
    CheckOutcome,
    CheckRow,
    DocumentOrigin,
    Exhibit,
    ExhibitList,
    ExhibitStatement,
    FileRow,
    FormSection,
    FormTable,
    InterpreterDeclaration,
    LabelValue,
    LoggedEvent,
    LoggedNote,
    Marking,
    Moment,
    NotesLog,
    PrintableForm,
    RenderedPdf,
    RestrictedDetails,
    RiskSummary,
    RiskThreshold,
    SignatureBox,
    SigningMethod,
    Statement,
    StatementTaker,
    VerificationReport,
    Witness,
    WitnessConfirmation,
    WitnessContactDetails,
)
from rvr_desktop.evidence.documents.notes_log import render_notes_log
from rvr_desktop.evidence.documents.restricted import render_restricted_details
from rvr_desktop.evidence.documents.statement import declaration_text, render_statement
from rvr_desktop.evidence.documents.verification import render_verification_report

__all__ = [
    "Amendment",
    "CheckOutcome",
    "CheckRow",
    "DocumentOrigin",
    "Exhibit",
    "ExhibitList",
    "ExhibitStatement",
    "FileRow",
    "FormSection",
    "FormTable",
    "InterpreterDeclaration",
    "LabelValue",
    "LoggedEvent",
    "LoggedNote",
    "Marking",
    "Moment",
    "NotesLog",
    "PrintableForm",
    "RenderedPdf",
    "RestrictedDetails",
    "RiskSummary",
    "RiskThreshold",
    "SignatureBox",
    "SigningMethod",
    "Statement",
    "StatementTaker",
    "VerificationReport",
    "Witness",
    "WitnessConfirmation",
    "WitnessContactDetails",
    "declaration_text",
    "exhibit_statement_text",
    "render_exhibit_list",
    "render_exhibit_statement",
    "render_form",
    "render_notes_log",
    "render_restricted_details",
    "render_statement",
    "render_verification_report",
]
