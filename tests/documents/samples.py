"""Sample inputs for the document tests: a long statement, restricted details, notes, forms."""

from __future__ import annotations

import io
import random
import zlib
from dataclasses import replace

from rvr_desktop.evidence.clock import document_time
from rvr_desktop.evidence.documents import (
    Amendment,
    CheckOutcome,
    CheckRow,
    DocumentOrigin,
    Exhibit,
    FileRow,
    FormSection,
    FormTable,
    InterpreterDeclaration,
    LabelValue,
    LoggedEvent,
    LoggedNote,
    Moment,
    NotesLog,
    PrintableForm,
    RestrictedDetails,
    RiskSummary,
    RiskThreshold,
    SigningMethod,
    Statement,
    StatementTaker,
    VerificationReport,
    Witness,
    WitnessConfirmation,
    WitnessContactDetails,
)
from rvr_desktop.evidence.records.timeline_entry import CallEvent

CASE = "NT/24512/26"
START_MS = 1_790_000_000_000
ORIGIN = DocumentOrigin("PC Sam Jones 4521", START_MS + 3_600_000, "RVR Desktop 0.1.0")

# Vocabulary for the long statement: ordinary words and names in two other scripts.
_VOCABULARY = (
    "he came home late and shouted at me in the kitchen then took my phone away so I could "
    "not call anyone my sister Ελένη rang twice and our neighbour Дмитрий knocked on the door "
    "afterwards I waited upstairs with the children until morning"
)
_WORDS = tuple(_VOCABULARY.split(" "))


def shown(offset_s: float, *, seconds: bool = False) -> Moment:
    """``offset_s`` seconds after the sample call starts, as documents print times (UK time);
    with ``seconds`` as the notes log prints them."""
    ms = START_MS + round(offset_s * 1000)
    return Moment(ms, document_time(ms, seconds=seconds))


def long_statement_text(paragraph_count: int = 48, seed: int = 7) -> str:
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(paragraph_count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(60, 140))]
        words[0] = words[0].capitalize()
        paragraphs.append(" ".join(words) + ".")
    return "\n\n".join(paragraphs)


def taker() -> StatementTaker:
    return StatementTaker(
        "PC Sam Jones", "4521", "Northtown Police Station", shown(0), shown(4_200)
    )


def statement(text: str | None = None, **changes: object) -> Statement:
    base = Statement(
        case_reference=CASE,
        witness=Witness("Alex Morgan", None, "Care worker"),
        text=long_statement_text() if text is None else text,
        taken_by=taker(),
        confirmation=WitnessConfirmation(
            read_back_at=shown(3_900),
            confirmed_at=shown(4_100),
            method=SigningMethod.TYPED_NAME,
            typed_name="Alex Morgan",
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def interpreter() -> InterpreterDeclaration:
    return InterpreterDeclaration(
        "Olena Kovalenko", "Ukrainian", "Language Line ref 55120", shown(4_000)
    )


# Distinctive values, so a test can tell whether any of them leaked into the statement.
CONTACT = WitnessContactDetails(
    address="17 Quillwort Terrace, Northtown NT4 9ZQ",
    phone="07700 900461",
    email="alex.quillwort@example.org",
    date_of_birth="03/11/1987",
    preferred_contact="Text message to the mobile, after 6pm only",
    dates_to_avoid="12/01/2027 to 19/01/2027 (hospital appointment)",
    special_measures="Screens; evidence by live link from the Zephyrine suite",
    needs="Hearing loop",
    consent_to_medical_records="Yes, signed consent form on file",
    vps_offered="Offered, to be taken at a later date",
    victims_code_leaflet_given="Yes, emailed during the call",
)


def restricted() -> RestrictedDetails:
    return RestrictedDetails(CASE, "Alex Morgan", CONTACT.as_items())


def tiny_png(width: int = 120, height: int = 40) -> bytes:
    """A valid PNG with a black diagonal stroke, like a drawn signature."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            ink = abs(x * height // width - y) <= 1
            rows += bytes((0, 0, 0, 255)) if ink else bytes((255, 255, 255, 0))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 6, 0, 0, 0))
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", header))
    out.write(chunk(b"IDAT", zlib.compress(bytes(rows))))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()


ORIGINAL_NOTE = "Victim says the suspect left at about 2100 in a blue Ford Fiesta"
AMENDED_NOTE = "Victim says the suspect left at about 2130 in a blue Ford Focus"


def notes_log(amended: bool = True) -> NotesLog:
    amendment = Amendment(
        entry_id=7,
        at=shown(1_500.25, seconds=True),
        elapsed="0:24:45",
        author="PC Sam Jones",
        text=AMENDED_NOTE,
        reason="Victim corrected the time and the car model",
    )
    return NotesLog(
        case_reference=CASE,
        officer="PC Sam Jones 4521",
        time_zone="Europe/London",
        entries=(
            LoggedEvent(
                1,
                shown(-60, seconds=True),
                None,
                CallEvent.SAFETY_GATE_PASSED,
                "Victim alone, safe to talk",
            ),
            LoggedEvent(2, shown(0, seconds=True), "0:00:00", CallEvent.CALL_STARTED),
            LoggedNote(
                3,
                shown(35.5, seconds=True),
                "0:00:35",
                "PC Sam Jones",
                "Victim confirms she is alone.",
            ),
            LoggedNote(
                4,
                shown(240.125, seconds=True),
                "0:03:40",
                "PC Sam Jones",
                ORIGINAL_NOTE,
                (amendment,) if amended else (),
            ),
            LoggedEvent(
                5, shown(600, seconds=True), "0:09:00", CallEvent.CALL_INTERRUPTED, "Video froze"
            ),
            LoggedEvent(
                6,
                shown(720.5, seconds=True),
                "0:11:00",
                CallEvent.CLOCK_JUMP,
                "Wall clock moved 95 s ahead of real time",
            ),
            LoggedEvent(8, shown(2_400, seconds=True), "0:40:00", CallEvent.CALL_ENDED),
        ),
    )


def dash_form() -> PrintableForm:
    return PrintableForm(
        title="DASH risk assessment",
        template_id="dash",
        template_version="2009.3",
        case_reference=CASE,
        sections=(
            FormSection(
                "Current situation",
                (
                    LabelValue(
                        "1. Has the current incident resulted in injury?",
                        "Yes: bruising to the left arm",
                    ),
                    LabelValue("2. Are you very frightened?", "Yes"),
                    FormTable(
                        "Children in the household",
                        ("Name", "Age", "School"),
                        (("Sam", "7", "Northtown Primary"), ("Jo", "4", "")),
                    ),
                    LabelValue("3. What are you afraid of?", "That he will come back tonight"),
                ),
            ),
        ),
        risk=RiskSummary(
            level="High",
            yes_count=15,
            thresholds=(
                RiskThreshold("Standard", 0),
                RiskThreshold("Medium", 10),
                RiskThreshold("High", 14),
            ),
            judgement_reason="Escalating threats to kill; recent separation",
        ),
        completed_by="PC Sam Jones 4521",
        completed_at=shown(2_000),
    )


def exhibits() -> tuple[Exhibit, ...]:
    return (
        Exhibit(
            "SJ/1",
            "Screenshot of threatening text messages",
            "Sent by the victim during the video call",
            "PC Sam Jones",
            shown(900),
            "9f2b5c0e1d7a4b3c8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f",
        ),
        Exhibit(
            "SJ/2",
            "Photograph of bruising to the left arm",
            "Captured from the video call with consent",
            "PC Sam Jones",
            shown(1_200),
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ),
    )


def verification_report() -> VerificationReport:
    return VerificationReport(
        title="Verification of evidence bundle NT-24512-26.rvrbundle",
        verdict="The bundle is intact and was signed by a trusted officer certificate.",
        verdict_outcome=CheckOutcome.PASS,
        checks=(
            CheckRow("Manifest complete", CheckOutcome.PASS, "All 12 files listed and present"),
            CheckRow(
                "Statement signature", CheckOutcome.PASS, "Covers the whole file; not modified"
            ),
            CheckRow(
                "Timestamp", CheckOutcome.INDETERMINATE, "No timestamp authority was reachable"
            ),
        ),
        files=(
            FileRow("data/statement.pdf", 84_211, "aa" * 32, CheckOutcome.PASS),
            FileRow("data/exhibits/SJ-1.png", 1_204_777, "bb" * 32, CheckOutcome.PASS),
        ),
        facts=(
            LabelValue("Signer", "PC Sam Jones 4521, Northshire Police"),
            LabelValue("Checked at", "22 September 2026, 09:15 BST"),
            LabelValue("Verifier", "rvr-verify 0.1.0"),
        ),
    )
