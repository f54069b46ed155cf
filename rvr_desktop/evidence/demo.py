"""A synthetic demo case, so a new user or a trainee sees the whole flow at once.

Everything here is invented: the people, the incident and the evidence. The demo vault
is clearly named, and its passphrase is written beside it for the trainee.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import attachments, cases, mg11, signed_statement, timeline
from rvr_desktop.evidence.case.safety_gate import record_safety_gate
from rvr_desktop.evidence.clock import ManualClock, SystemClock
from rvr_desktop.evidence.demo_story import (
    AMENDED_NOTE_INDEX,
    AMENDMENT_REASON,
    AMENDMENT_TEXT,
    DEMO_FORCE,
    DEMO_MESSAGES,
    DEMO_NOTES,
    DEMO_OFFICER,
    DEMO_REFERENCE,
    WITNESS_NAME,
    demo_dash_answers,
    demo_gate_answers,
    demo_image_png,
    demo_messages_text,
    demo_safeguarding_answers,
    demo_statement_answers,
)
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.fsutil import atomic_write_bytes, ensure_private_dir
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.evidence.signing.officer import OfficerProfile, save_officer_profile
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import DEFAULT_KDF, KdfParams

_WORDS = (
    "amber",
    "harbour",
    "lantern",
    "meadow",
    "orbit",
    "pepper",
    "quartz",
    "river",
    "saddle",
    "timber",
    "velvet",
    "willow",
    "copper",
    "falcon",
    "garnet",
    "island",
    "juniper",
    "kettle",
)


@dataclass(frozen=True)
class DemoVault:
    root: Path
    passphrase: str
    passphrase_file: Path
    case_reference: str
    case_id: int
    trust_root: Path
    """The demo's TEST root certificate (trust it to verify the demo's bundles)."""


def demo_passphrase() -> str:
    return "-".join(secrets.choice(_WORDS) for _ in range(4))


def demo_start_utc_ms(now_utc_ms: int) -> int:
    """Yesterday at 19:02 UTC: a recent evening call, always in the past."""
    today = datetime.fromtimestamp(now_utc_ms / 1000, tz=UTC).date()
    start = datetime(today.year, today.month, today.day, 19, 2, tzinfo=UTC) - timedelta(days=1)
    return int(start.timestamp() * 1000)


def build_demo_vault(
    folder: Path, *, kdf: KdfParams = DEFAULT_KDF, sign_statement: bool = True
) -> DemoVault:
    """Create ``folder/demo-vault`` holding one realistic, entirely invented case.

    Without ``sign_statement`` the witness has confirmed the statement but it is not yet
    signed, so a test can sign it with another identity or with trusted time.
    """
    ensure_private_dir(folder)
    root = folder / "demo-vault"
    passphrase = demo_passphrase()
    passphrase_file = folder / "demo-passphrase.txt"
    atomic_write_bytes(passphrase_file, (passphrase + "\n").encode())
    call_start = demo_start_utc_ms(SystemClock().utc_now_ms())
    clock = ManualClock(call_start - 15 * 60_000)
    vault = Vault.create(root, passphrase, kdf=kdf, clock=clock)
    try:
        profile = OfficerProfile(
            DEMO_OFFICER, "PC 4521", rank="Constable", station="Chelmsford", force=DEMO_FORCE
        )
        save_officer_profile(vault, profile)
        identity = create_test_identity_in_vault(vault, profile, folder / "test-pki")
        registry = forms.registry_for_vault(vault)
        case = cases.create_case(
            vault,
            DEMO_REFERENCE,
            f"{WITNESS_NAME} (demo)",
            call_platform_ref="RVR-DEMO-7731",
            referral=cases.Referral(
                callback_number="07700 900123",
                handler_notes="Victim at sister's address; suspect not present. Safe to call.",
            ),
        )
        clock.advance(12 * 60)
        gate = registry.get("safety-gate")
        record_safety_gate(vault, case.id, gate, demo_gate_answers(gate.example or {}))
        clock.advance(180)
        timeline.record_event(vault, case.id, CallEvent.CALL_STARTED, "Call started")
        _the_call(vault, case.id, clock, registry, call_start, sign_statement)
        timeline.record_event(vault, case.id, CallEvent.CALL_ENDED, "Call ended")
        return DemoVault(
            root, passphrase, passphrase_file, case.reference, case.id, identity.root_pem_path
        )
    finally:
        vault.lock()


def _the_call(
    vault: Vault,
    case_id: int,
    clock: ManualClock,
    registry: forms.TemplateRegistry,
    call_start: int,
    sign_statement: bool,
) -> None:
    elapsed = 0.0
    notes: list[timeline.TimelineEntry] = []
    mg11_form: forms.FormVersion | None = None
    for minutes, text, then in DEMO_NOTES:
        if minutes < elapsed:  # the demo's own data would put a note back in time
            raise RvrError(
                f"The demo's note at {minutes} minutes comes before the time already passed. "
                "This is a fault in RVR Desktop; report it to IT support."
            )
        clock.advance((minutes - elapsed) * 60)
        elapsed = minutes
        notes.append(timeline.append_note(vault, case_id, text))
        clock.advance(10)
        elapsed += 10 / 60
        if then == "capture":
            attachments.import_stream(
                vault,
                case_id,
                io.BytesIO(demo_image_png()),
                original_name="call-capture-bruising.png",
                source_kind=attachments.AttachmentSource.SCREEN_CAPTURE,
                description="Capture of the video call: bruising to left upper arm",
            )
        elif then == "messages":
            attachments.import_stream(
                vault,
                case_id,
                io.BytesIO(demo_messages_text().encode("utf-8")),
                original_name="messages-from-partner.txt",
                description=(
                    f"The {len(DEMO_MESSAGES)} text messages the partner sent since 07:00, as "
                    "copied and sent by the victim"
                ),
            )
        elif then == "interruption":
            timeline.record_event(
                vault,
                case_id,
                CallEvent.CALL_INTERRUPTED,
                "Line dropped: the video froze for about a minute",
            )
            clock.advance(60)
            elapsed += 1
            timeline.record_event(
                vault, case_id, CallEvent.CALL_RESUMED, "Victim back on the call, still safe"
            )
        elif then in ("safeguarding", "dash"):
            template = registry.get("safeguarding" if then == "safeguarding" else "dash-risk")
            answers = (
                demo_safeguarding_answers(call_start)
                if then == "safeguarding"
                else demo_dash_answers()
            )
            form = forms.create_form(vault, case_id, template, answers)
            forms.finalise(vault, form.form_id)
        elif then == "statement":
            mg11_form = forms.create_form(
                vault, case_id, registry.get("mg11"), demo_statement_answers(call_start)
            )
        elif then == "read_back" and mg11_form is not None:
            timeline.amend_note(
                vault, notes[AMENDED_NOTE_INDEX].id, AMENDMENT_TEXT, AMENDMENT_REASON
            )
            mg11.record_read_back(vault, case_id)
        elif then == "confirm" and mg11_form is not None:
            answers = dict(mg11_form.answers)
            signed_at = datetime.fromtimestamp(clock.utc_now_ms() / 1000, tz=UTC)
            answers["witness_signature"] = {
                "method": "typed_name",
                "name": WITNESS_NAME,
                "signed_at": signed_at.isoformat(timespec="seconds"),
            }
            forms.save_draft(vault, mg11_form.form_id, answers)
            forms.finalise(vault, mg11_form.form_id)
            clock.advance(20)
            if sign_statement:
                # Signed as the witness confirmed it: every export carries this very PDF.
                signed_statement.sign_statement(vault, case_id)
    clock.advance(60)


def export_demo_bundle(demo: DemoVault, destination: Path) -> Path:
    """Export the demo case's signed bundle (folder form) into ``destination``."""
    from rvr_desktop.evidence.bundle.export import ExportRequest, export_case

    ensure_private_dir(destination)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        result = export_case(
            vault,
            ExportRequest(
                demo.case_id,
                destination,
                recipient="CPS Direct (training)",
                justification="Demo export for training: invented data, not evidence.",
            ),
        )
    return result.bundle
