"""A synthetic demo case, so a new user or a trainee sees the whole flow at once.

Everything here is invented: the people, the incident and the evidence. The demo vault
is clearly named, and its passphrase is written beside it for the trainee.
"""

from __future__ import annotations

import io
import secrets
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from . import attachments, cases, timeline
from .clock import ManualClock
from .fsutil import atomic_write_bytes, ensure_private_dir
from .kdf import DEFAULT_KDF, KdfParams
from .timeline import CallEvent
from .vault import Vault

DEMO_REFERENCE = "DEMO-2026-0001"
DEMO_OFFICER = "Jane Smith"
# 2026-11-20 19:02:00 UTC: an evening call.
DEMO_START_UTC_MS = 1_795_201_320_000

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

SAFETY_GATE_ANSWERS = {
    "can_talk_safely": "yes",
    "suspect_present_or_expected": "no",
    "children_present": "yes",
    "safe_word_agreed": "yes",
    "call_back_plan": "Call back on the mobile ending 123; if no answer, text 'dentist'.",
    "interpreter_needed": "no",
    "consents_to_video": "yes",
}

# (minutes after the call started, note text): an invented account, told over 40 minutes.
DEMO_NOTES: tuple[tuple[float, str], ...] = (
    (0.5, "Victim on video from her sister's kitchen. Door closed, alone in the room."),
    (1.2, "Safe word confirmed as 'dentist'. Victim says she can talk freely."),
    (2.0, "Victim appears tearful, speaking quietly but clearly."),
    (3.1, "Incident last night about 22:30 at home address after partner returned from pub."),
    (4.4, "Partner shouted about money, threw a mug which hit the wall by her head."),
    (5.6, "Victim went upstairs to check on children (two, aged 4 and 7)."),
    (
        6.9,
        "Partner followed, grabbed her left upper arm and pushed her against the landing wall.",
    ),
    (8.0, "Victim shows bruising on left upper arm to camera: four oval marks, purple."),
    (8.7, "Screen capture taken of the bruising as shown on the call."),
    (10.2, "Partner took her phone and said she would not call anyone."),
    (11.5, "Victim left at about 06:00 with children while partner slept, went to sister's."),
    (13.0, "Victim says this is not the first time: pushed in August, slapped in October."),
    (14.8, "She did not report earlier incidents; afraid of losing the house."),
    (
        16.1,
        "Partner has sent 23 messages since 07:00, some threatening. Victim will send screenshots.",
    ),
    (17.3, "Messages received by upload link: file of message screenshots."),
    (18.9, "One message reads that he will 'find her wherever she goes'."),
    (20.4, "Victim believes partner does not know the sister's address."),
    (21.0, "Victim says partner has access to her location through a shared phone account."),
    (22.5, "Advised victim to turn off location sharing; she has done so on the call."),
    (24.0, "Children are in the next room with the sister; both unharmed."),
    (25.8, "Victim agrees to a referral to the IDVA service and to children's services."),
    (27.2, "DASH risk questions completed with victim; see DASH form."),
    (28.9, "Victim asks about Clare's Law; explained right to ask."),
    (30.1, "Began taking statement in the victim's own words."),
    (34.6, "Statement read back to the victim in full over the video."),
    (35.4, "Victim confirms the statement is true and typed her name to confirm."),
    (36.2, "Victim personal statement offered; victim will think about it."),
    (37.0, "Victims' Code leaflet sent by email with the victim's agreement."),
    (38.1, "Safety plan agreed: stay at sister's, 999 if partner attends, safe word on calls."),
    (39.0, "Victim thanked; call-back arranged for tomorrow 10:00."),
)

AMENDED_NOTE_INDEX = 3
AMENDMENT_TEXT = "Incident last night about 23:30 at home address after partner returned from pub."
AMENDMENT_REASON = "Victim corrected the time when the statement was read back."


@dataclass(frozen=True)
class DemoVault:
    root: Path
    passphrase: str
    passphrase_file: Path
    case_reference: str
    case_id: int


def demo_passphrase() -> str:
    return "-".join(secrets.choice(_WORDS) for _ in range(4))


def build_demo_vault(folder: Path, *, kdf: KdfParams = DEFAULT_KDF) -> DemoVault:
    """Create ``folder/demo-vault`` holding one realistic, entirely invented case."""
    ensure_private_dir(folder)
    root = folder / "demo-vault"
    passphrase = demo_passphrase()
    passphrase_file = folder / "demo-passphrase.txt"
    atomic_write_bytes(passphrase_file, (passphrase + "\n").encode())
    clock = ManualClock(DEMO_START_UTC_MS - 15 * 60_000)
    vault = Vault.create(root, passphrase, kdf=kdf, clock=clock)
    try:
        with vault.transaction() as tx:
            vault.put_officer_name(tx, DEMO_OFFICER)
        case = cases.create_case(
            vault,
            DEMO_REFERENCE,
            "Alex Morgan (demo)",
            call_platform_ref="RVR-DEMO-7731",
            referral=cases.Referral(
                callback_number="07700 900123",
                handler_notes="Victim at sister's address; suspect not present. Safe to call.",
            ),
        )
        clock.advance(12 * 60)
        timeline.record_event(
            vault,
            case.id,
            CallEvent.SAFETY_GATE_PASSED,
            "Safety gate passed",
            dict(SAFETY_GATE_ANSWERS),
        )
        clock.advance(180)
        timeline.record_event(vault, case.id, CallEvent.CALL_STARTED, "Call started")
        _write_notes(vault, case.id, clock)
        timeline.record_event(vault, case.id, CallEvent.CALL_ENDED, "Call ended")
        return DemoVault(root, passphrase, passphrase_file, case.reference, case.id)
    finally:
        vault.lock()


def _write_notes(vault: Vault, case_id: int, clock: ManualClock) -> None:
    elapsed = 0.0
    notes: list[timeline.TimelineEntry] = []
    for minutes, text in DEMO_NOTES:
        clock.advance((minutes - elapsed) * 60)
        elapsed = minutes
        notes.append(timeline.append_note(vault, case_id, text))
        if text.startswith("Screen capture taken"):
            attachments.import_stream(
                vault,
                case_id,
                io.BytesIO(demo_image_png()),
                original_name="call-capture-bruising.png",
                source_kind=attachments.AttachmentSource.SCREEN_CAPTURE,
                description="Capture of the video call: bruising to left upper arm",
            )
        elif text.startswith("Messages received"):
            attachments.import_stream(
                vault,
                case_id,
                io.BytesIO(demo_messages_text().encode("utf-8")),
                original_name="messages-from-partner.txt",
                description="Text messages sent by the partner since 07:00, as sent by the victim",
            )
        elif text.startswith("Victim believes partner does not know"):
            clock.advance(20)
            timeline.record_event(
                vault,
                case_id,
                CallEvent.CALL_INTERRUPTED,
                "Line dropped: the video froze for about a minute",
            )
            clock.advance(60)
            elapsed += 80 / 60
            timeline.record_event(
                vault, case_id, CallEvent.CALL_RESUMED, "Victim back on the call, still safe"
            )
        elif text.startswith("Statement read back"):
            clock.advance(15)
            elapsed += 0.25
            timeline.amend_note(
                vault, notes[AMENDED_NOTE_INDEX].id, AMENDMENT_TEXT, AMENDMENT_REASON
            )
    clock.advance(60)


def demo_messages_text() -> str:
    lines = [
        "07:02 Where are you",
        "07:05 Answer the phone",
        "07:31 You can't just take the kids",
        "08:10 I will find you wherever you go",
        "08:45 Call me now or you'll regret it",
    ]
    return "Messages received from partner (invented demo data)\n\n" + "\n".join(lines) + "\n"


def demo_image_png(width: int = 320, height: int = 200) -> bytes:
    """A small synthetic picture (no real person), encoded as PNG with the standard library."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            in_mark = any(
                (x - cx) ** 2 / 180 + (y - cy) ** 2 / 90 < 1
                for cx, cy in ((120, 90), (150, 84), (180, 92), (205, 104))
            )
            row += bytes((120, 60, 130) if in_mark else (222, 184, 160))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
