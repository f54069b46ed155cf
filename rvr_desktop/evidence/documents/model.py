"""What each evidential document shows, as plain values, and what rendering returns.

Callers (the vault, notes, forms and verification code) map their own records into
these small frozen dataclasses; the renderers never reach back into the vault. Times
arrive already formatted for display (:class:`Moment.shown`) alongside UTC milliseconds,
which are used only where order matters and for the PDF's own metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.fsutil import atomic_write_bytes
from rvr_desktop.evidence.records.timeline_entry import CallEvent

# ---------------------------------------------------------------------------------------
# Shared pieces


@dataclass(frozen=True)
class Moment:
    """A point in time as the document shows it."""

    utc_ms: int
    """Milliseconds since the Unix epoch, UTC: for ordering and checks, never shown."""
    shown: str
    """How the document prints it: UK time as people write it, e.g. '16 October 2026, 14:32
    BST' ('16 October 2026, 14:32:10 BST' in the notes log). Never milliseconds or ISO."""


@dataclass(frozen=True)
class DocumentOrigin:
    """Who produced a document and when: goes into the PDF's metadata."""

    author: str
    """The officer (or, for a verification report, the person who ran the check)."""
    created_utc_ms: int
    """The PDF's creation time. Passed in so the same input renders to the same bytes."""
    software: str
    """Producing software and version, e.g. 'RVR Desktop 0.1.0'."""


class Marking(StrEnum):
    """The protective marking printed at the top and bottom of every page of a document.

    Every document RVR Desktop makes holds personal details of a domestic-abuse case, so
    under the Government Security Classifications each is OFFICIAL-SENSITIVE; a document
    that is not finished (a statement not yet confirmed by the witness, a form not yet
    finalised) says so in its marking too.
    """

    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
    DRAFT = "OFFICIAL-SENSITIVE - DRAFT"

    @classmethod
    def of(cls, *, draft: bool) -> Marking:
        return cls.DRAFT if draft else cls.OFFICIAL_SENSITIVE


@dataclass(frozen=True)
class LabelValue:
    """One printed row: a label and what was recorded against it."""

    label: str
    value: str


# ---------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class SignatureBox:
    """Space left empty on a page for the officer's visible digital signature.

    Coordinates are PDF points with the origin at the page's bottom-left corner, the
    convention pyHanko's ``SigFieldSpec(box=(x1, y1, x2, y2))`` expects.
    """

    page_index: int
    """Zero-based page number; negative counts from the end (-1 is the last page)."""
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x1, self.y1, self.x2, self.y2)


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int
    signature_box: SignatureBox | None
    """Where the visible signature goes; None for documents that are not signed."""
    unsupported_characters: tuple[str, ...] = ()
    """Characters of the input that the embedded font has no glyph for (they print as
    empty boxes but stay in the text layer). Empty when everything rendered; the caller
    should warn the officer otherwise."""

    def save(self, path: Path) -> None:
        """Write the PDF privately and atomically."""
        atomic_write_bytes(path, self.data)


# ---------------------------------------------------------------------------------------
# MG11 witness statement


@dataclass(frozen=True)
class Witness:
    name: str
    age_if_under_18: int | None
    """The witness's age if under 18; None prints 'Over 18'."""
    occupation: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput(
                "The witness's name is empty. Enter the name as it should be printed."
            )
        if self.age_if_under_18 is not None and not 0 <= self.age_if_under_18 < 18:
            raise InvalidInput(
                f"Age {self.age_if_under_18} was given as 'under 18'. Enter an age from 0 to "
                "17, or leave it empty for a witness aged 18 or over."
            )


@dataclass(frozen=True)
class StatementTaker:
    """The officer who took the statement ('statement taken by' block)."""

    name: str
    number: str
    """Warrant or collar number."""
    station: str
    started: Moment
    finished: Moment

    def __post_init__(self) -> None:
        if self.finished.utc_ms < self.started.utc_ms:
            raise InvalidInput(
                f"The statement is shown as finished ({self.finished.shown}) before it started "
                f"({self.started.shown}). Check the start and finish times."
            )


class SigningMethod(StrEnum):
    TYPED_NAME = "typed_name"
    DRAWN_SIGNATURE = "drawn_signature"
    RECORDED_ON_CALL = "recorded_on_call"
    """The witness confirmed aloud on the recorded video call."""


SIGNING_METHOD_LABELS: dict[SigningMethod, str] = {
    SigningMethod.TYPED_NAME: "typed their name",
    SigningMethod.DRAWN_SIGNATURE: "drew their signature",
    SigningMethod.RECORDED_ON_CALL: "confirmed aloud on the recorded video call",
}


@dataclass(frozen=True)
class WitnessConfirmation:
    """How the witness confirmed the statement over video."""

    read_back_at: Moment
    """When the statement was read back to (or read by) the witness."""
    confirmed_at: Moment
    method: SigningMethod
    typed_name: str = ""
    """The name the witness typed, exactly as typed (may be empty for other methods)."""
    drawn_signature_png: bytes | None = None
    """The witness's drawn signature as PNG bytes, if they drew one."""

    def __post_init__(self) -> None:
        if self.method is SigningMethod.TYPED_NAME and not self.typed_name.strip():
            raise InvalidInput(
                "The witness confirmed by typing their name, but no typed name was recorded. "
                "Ask the witness to type their name, or choose another confirmation method."
            )
        if self.method is SigningMethod.DRAWN_SIGNATURE and not self.drawn_signature_png:
            raise InvalidInput(
                "The witness confirmed by drawing a signature, but no drawing was recorded. "
                "Ask the witness to sign again, or choose another confirmation method."
            )
        if self.drawn_signature_png is not None and not self.drawn_signature_png.startswith(
            b"\x89PNG\r\n\x1a\n"
        ):
            raise InvalidInput(
                "The drawn signature is not a PNG image. Ask the witness to sign again."
            )


@dataclass(frozen=True)
class InterpreterDeclaration:
    """Present when an interpreter was used for the statement."""

    name: str
    language: str
    organisation: str
    """Agency or employer, and their reference if any."""
    declared_at: Moment


@dataclass(frozen=True)
class Statement:
    """An MG11 statement. Holds nothing from the restricted back page."""

    case_reference: str
    witness: Witness
    text: str
    """The statement in the witness's words. Blank lines separate paragraphs."""
    taken_by: StatementTaker
    confirmation: WitnessConfirmation | None = None
    """None while the statement is a draft not yet confirmed by the witness."""
    interpreter: InterpreterDeclaration | None = None
    urn: str = ""
    """The CPS's Unique Reference Number for the case, printed beside the case reference
    on every page; empty while none has been given."""

    def __post_init__(self) -> None:
        if not self.case_reference.strip():
            raise InvalidInput("The case reference is empty. Open the statement from its case.")
        if not self.text.strip():
            raise InvalidInput("The statement has no text. Write the statement before printing it.")


# ---------------------------------------------------------------------------------------
# Exhibits


@dataclass(frozen=True)
class Exhibit:
    reference: str
    """The exhibit reference, e.g. 'JS/1' (producer's initials and a number)."""
    description: str
    source: str
    """Where it came from, e.g. 'Screenshot sent by the witness over the video call'."""
    produced_by: str
    produced_at: Moment
    sha256: str
    """Lower-case hex SHA-256 of the exhibit file as held in the evidence bundle."""

    def __post_init__(self) -> None:
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise InvalidInput(
                f"Exhibit {self.reference}: the SHA-256 must be 64 lower-case hex characters. "
                "Re-hash the exhibit file from the vault."
            )


@dataclass(frozen=True)
class ExhibitList:
    case_reference: str
    exhibits: tuple[Exhibit, ...]


@dataclass(frozen=True)
class ExhibitStatement:
    """The producing officer's own MG11 statement that exhibits the listed items."""

    case_reference: str
    officer: Witness
    """The officer as the maker of this statement (name, 'Over 18', occupation)."""
    introduction: str
    """The officer's own opening words (who they are, the call they took)."""
    exhibits: tuple[Exhibit, ...]
    taken_by: StatementTaker
    urn: str = ""
    """The CPS's Unique Reference Number, printed beside the case reference when given."""


# ---------------------------------------------------------------------------------------
# Printable forms (DASH, safeguarding, referrals, restricted details ...)


@dataclass(frozen=True)
class FormTable:
    """A repeating group printed as a small table: one tuple of cells per repetition."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise InvalidInput(
                    f"The table '{self.title}' has {len(self.columns)} columns but a row with "
                    f"{len(row)} cells. The form template and its answers disagree."
                )


@dataclass(frozen=True)
class FormSection:
    title: str
    items: tuple[LabelValue | FormTable, ...]
    """Rows and repeating-group tables, in the order the form shows them."""


@dataclass(frozen=True)
class RiskThreshold:
    level: str
    """e.g. 'Standard', 'Medium', 'High'."""
    minimum_yes: int
    """The lowest count of 'yes' answers that reaches this level."""


@dataclass(frozen=True)
class RiskSummary:
    """The DASH risk-level box."""

    level: str
    yes_count: int
    thresholds: tuple[RiskThreshold, ...]
    judgement_reason: str = ""
    """Why the officer's professional judgement set the level, if it did."""
    referral_prompt: str = ""
    """What the level asks of the officer next (a MARAC referral), if anything."""


@dataclass(frozen=True)
class PrintableForm:
    title: str
    template_id: str
    template_version: str
    case_reference: str
    sections: tuple[FormSection, ...]
    risk: RiskSummary | None = None
    completed_by: str = ""
    completed_at: Moment | None = None
    draft: bool = False
    """True for a form not yet finalised: its marking then says DRAFT (see :class:`Marking`)."""
    urn: str = ""
    """The CPS's Unique Reference Number, printed beside the case reference when given."""


@dataclass(frozen=True)
class RestrictedDetails:
    """The MG11 back page: the witness's private details, never in the statement."""

    case_reference: str
    witness_name: str
    items: tuple[LabelValue, ...]
    """Address, phone, email, date of birth, contact preferences, needs and so on."""
    urn: str = ""
    """The CPS's Unique Reference Number, as on the statement; empty if none was given."""


@dataclass(frozen=True)
class WitnessContactDetails:
    """The standard MG11 back-page fields, for callers that hold them one by one."""

    address: str = ""
    phone: str = ""
    email: str = ""
    date_of_birth: str = ""
    preferred_contact: str = ""
    dates_to_avoid: str = ""
    special_measures: str = ""
    needs: str = ""
    """Disability, language, or other needs at court."""
    consent_to_medical_records: str = ""
    vps_offered: str = ""
    """Whether a Victim Personal Statement was offered (and taken)."""
    victims_code_leaflet_given: str = ""

    def as_items(self) -> tuple[LabelValue, ...]:
        return (
            LabelValue("Home address", self.address),
            LabelValue("Telephone", self.phone),
            LabelValue("Email", self.email),
            LabelValue("Date of birth", self.date_of_birth),
            LabelValue("Preferred means of contact", self.preferred_contact),
            LabelValue("Dates to avoid (court)", self.dates_to_avoid),
            LabelValue("Special measures", self.special_measures),
            LabelValue("Needs at court", self.needs),
            LabelValue("Consent to disclose medical records", self.consent_to_medical_records),
            LabelValue("Victim Personal Statement offered", self.vps_offered),
            LabelValue("Victims' Code leaflet given", self.victims_code_leaflet_given),
        )


# ---------------------------------------------------------------------------------------
# Contemporaneous notes log


@dataclass(frozen=True)
class Amendment:
    entry_id: int
    at: Moment
    elapsed: str | None
    """Call time when it was made, e.g. '0:12:05'; None outside a call."""
    author: str
    text: str
    """The corrected text."""
    reason: str


@dataclass(frozen=True)
class LoggedNote:
    entry_id: int
    at: Moment
    elapsed: str | None
    author: str
    text: str
    amendments: tuple[Amendment, ...] = ()
    """In the order made; each supersedes the text before it, which stays struck through."""


@dataclass(frozen=True)
class LoggedEvent:
    entry_id: int
    at: Moment
    elapsed: str | None
    kind: CallEvent
    text: str = ""
    """Detail shown after the event's name (e.g. 'wall clock moved 95 s ahead')."""


@dataclass(frozen=True)
class NotesLog:
    case_reference: str
    officer: str
    time_zone: str
    """The zone the times are shown in, e.g. 'Europe/London'."""
    entries: tuple[LoggedNote | LoggedEvent, ...]
    """In the order they were recorded (not re-sorted by wall time, which can jump)."""


# ---------------------------------------------------------------------------------------
# Verification report


class CheckOutcome(StrEnum):
    PASS = "PASS"  # noqa: S105 (a check result, not a password)
    FAIL = "FAIL"
    INDETERMINATE = "INDETERMINATE"


@dataclass(frozen=True)
class CheckRow:
    name: str
    outcome: CheckOutcome
    reason: str


@dataclass(frozen=True)
class FileRow:
    path: str
    size_bytes: int
    sha256: str
    outcome: CheckOutcome


@dataclass(frozen=True)
class VerificationReport:
    title: str
    verdict: str
    """The bottom line in words, e.g. 'Intact and signed by a trusted signer'."""
    verdict_outcome: CheckOutcome
    checks: tuple[CheckRow, ...]
    files: tuple[FileRow, ...]
    facts: tuple[LabelValue, ...] = field(default_factory=tuple)
    """Signer, bundle name, when checked, verifier version and so on."""
