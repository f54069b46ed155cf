"""The app's own code writing a marker into every kind of case content, in this process or
as a child process the data-at-rest and session tests watch from outside.

Run as ``python -m tests.security.rest_children flow ROOT MARKER`` (the whole flow, the
log at DEBUG; prints a JSON summary) or ``... hold`` (set the process up as the app does,
print what it looks like from inside, and wait for a line on stdin).
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import io
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rvr_desktop.app import configure_process
from rvr_desktop.evidence import forms
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.case.cases import Referral
from rvr_desktop.evidence.case.mg11 import record_read_back
from rvr_desktop.evidence.case.safety_gate import record_safety_gate
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.forms.model import Field, FieldType, Template
from rvr_desktop.evidence.signing.officer import OfficerProfile, save_officer_profile
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.anchor import default_anchor_dir
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.paths import log_dir, settings_dir
from rvr_desktop.ui.errors import log_unexpected

PASSPHRASE = "quiet orchard copper lantern"
GATE_TEMPLATE_ID = "safety-gate"
_FINALISED = ("mg11", "interpreter")
"""Forms the export needs final (the example answers say an interpreter was used)."""
_TEXT_TYPES = (FieldType.TEXT, FieldType.MULTILINE)
_PR_GET_DUMPABLE = 3


def new_marker() -> str:
    """Random per run; upper-case letters and digits so a case reference may hold it."""
    return "RVRMK" + os.urandom(8).hex().upper()


def needles(marker: str) -> dict[str, list[bytes]]:
    """The marker as UTF-8, UTF-16 (both byte orders) and base64 at all three alignments.

    Base64 of text that starts at byte offset 0, 1 or 2 of a 3-byte group encodes the
    marker differently; the part from the first whole group on is the same wherever the
    text sits, so that part is what is searched for.
    """
    raw = marker.encode()
    cores = []
    for skip in range(3):
        whole = raw[skip:]
        cores.append(base64.b64encode(whole[: len(whole) // 3 * 3]))
    return {
        "UTF-8": [raw],
        "UTF-16-LE": [marker.encode("utf-16-le")],
        "UTF-16-BE": [marker.encode("utf-16-be")],
        "base64": cores,
    }


def secret_needles(secret: bytes) -> list[bytes]:
    """A key as the bytes themselves, hex (either case) and base64."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        *needles(secret.hex())["base64"],
    ]


def hits(data: bytes, marker_needles: dict[str, list[bytes]]) -> list[str]:
    """The encodings whose needle occurs in ``data``."""
    return [name for name, found in marker_needles.items() if any(n in data for n in found)]


def text_answers(
    template: Template, marker: str, *, only_free_text: bool = False
) -> dict[str, Any]:
    """The template's example answers with every text field holding the marker.

    With ``only_free_text``, fields with a pattern (a telephone number) keep the example,
    so that answers which must be valid to be saved at all (the safety gate) are.
    """
    answers: dict[str, Any] = dict(template.example or {})
    for section in template.sections:
        for item in section.fields:
            if only_free_text and item.validation.pattern:
                continue
            if item.type in _TEXT_TYPES:
                answers[item.id] = f"{item.id} {marker}"
            elif item.type is FieldType.GROUP:
                answers[item.id] = [_row(item, marker)]
    return answers


def _row(group: Field, marker: str) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for item in group.fields:
        if item.type in _TEXT_TYPES:
            row[item.id] = f"{item.id} {marker}"
        elif item.choices:
            row[item.id] = item.choices[0].value
    return row


@dataclass
class Written:
    """What the flow put the marker into."""

    kinds: list[str] = field(default_factory=list)
    case_id: int = 0
    attachment_bytes: bytes = b""


def fill_every_kind(vault: Vault, marker: str) -> Written:
    """Write the marker into each kind of content the vault keeps, through the core API."""
    written = Written()
    case = cases.create_case(
        vault,
        f"INC-{marker}",
        f"Victim {marker}",
        call_platform_ref=f"call {marker}",
        referral=Referral(f"handler number {marker}", f"handler notes {marker}"),
    )
    written.case_id = case.id
    written.kinds += ["case reference", "victim name", "call reference", "referral"]
    note = timeline.append_note(vault, case.id, f"Note {marker}")
    timeline.amend_note(vault, note.id, f"Amended note {marker}", f"Reason {marker}")
    written.kinds += ["note", "amendment", "amendment reason"]
    registry = forms.registry_for_vault(vault)
    for template_id in sorted(registry.templates):
        template = registry.get(template_id)
        if template_id == GATE_TEMPLATE_ID:
            gate_answers = text_answers(template, marker, only_free_text=True)
            record_safety_gate(vault, case.id, template, gate_answers)
            written.kinds.append("safety gate answers")
            continue
        form = forms.create_form(vault, case.id, template, text_answers(template, marker))
        valid = text_answers(template, marker, only_free_text=True)
        forms.save_draft(vault, form.form_id, valid)
        if template_id in _FINALISED:
            forms.finalise(vault, form.form_id)
        written.kinds.append(f"form {template_id}")
    written.attachment_bytes = f"exhibit bytes {marker}\n".encode() * 2000
    attachments.import_stream(
        vault, case.id, io.BytesIO(written.attachment_bytes), original_name=f"{marker}.txt"
    )
    written.kinds += ["attachment name", "attachment bytes"]
    save_officer_profile(
        vault, OfficerProfile(f"Officer {marker}", "PC 0001", station=f"Station {marker}")
    )
    written.kinds.append("officer profile")
    return written


def _flow(root: Path, marker: str) -> dict[str, Any]:
    """The officer's session: create, fill, a wrong passphrase, an error, an export."""
    configure_process(log_level=logging.DEBUG)
    vault_dir, export_dir = root / "vault", root / "export"
    vault = Vault.create(vault_dir, PASSPHRASE, kdf=FAST_INSECURE_KDF)
    written = fill_every_kind(vault, marker)
    create_test_identity_in_vault(vault, OfficerProfile("Test Officer", "PC 0001"), export_dir)
    key_hex = vault._key.hex()  # the test looks for it in the logs
    vault.lock()
    errors = []
    try:
        Vault.unlock(vault_dir, PASSPHRASE + " wrong")
    except RvrError as exc:
        errors.append(type(exc).__name__)
    vault = Vault.unlock(vault_dir, PASSPHRASE)
    try:
        cases.create_case(vault, f"not a reference {marker}", f"Victim {marker}")
    except RvrError as exc:
        errors.append(type(exc).__name__)
    try:
        raise ValueError(f"a bug holding case text {marker}")
    except ValueError as exc:
        log_unexpected(exc, "testing the log")  # the app's one place for unexpected errors
        errors.append(type(exc).__name__)
    record_read_back(vault, written.case_id)
    export_case(vault, ExportRequest(written.case_id, export_dir, "CPS", f"Export {marker}"))
    vault.lock()
    qt_settings = _window_session(vault_dir, written.case_id, marker)
    return {
        "kinds": written.kinds,
        "key_hex": key_hex,
        "errors": errors,
        "qt_settings": qt_settings,
        "folders": _app_folders(vault_dir, export_dir),
    }


def _app_folders(vault_dir: Path, export_dir: Path) -> dict[str, str]:
    """Where this app may write, as the app's own code computes it in this environment.

    (The temporary folder is left to the caller: asking Python for it writes a probe file.)
    """
    folders = {
        "vault": vault_dir,
        "export": export_dir,
        "log": log_dir(),
        # Qt's settings file is kept in our settings folder too (ui/settings.default_store).
        "settings": settings_dir(),
        "anchors": default_anchor_dir(),
    }
    return {name: str(path) for name, path in folders.items()}


def _window_session(vault_dir: Path, case_id: int, marker: str) -> str:
    """Unlock the real main window, open the case, type a note, lock, close.

    Returns the file Qt keeps the settings in.
    """
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    from rvr_desktop.ui.launch import application
    from rvr_desktop.ui.main_window import MainWindow
    from rvr_desktop.ui.services import Services

    app = application()
    services = Services.build(kdf=FAST_INSECURE_KDF)
    window = MainWindow(services, vault_path=vault_dir)
    window.show()
    loop = QEventLoop()
    window.vault_opened.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)  # a hang guard only
    window.unlock_screen.passphrase_field.setText(PASSPHRASE)
    QTest.keyClick(window.unlock_screen.passphrase_field, Qt.Key.Key_Return)
    loop.exec()
    window.open_case(case_id)
    assert window.workspace is not None, "the case did not open"
    QTest.keyClicks(window.workspace.notes.input, f"Typed note {marker}")
    QTest.keyClick(window.workspace.notes.input, Qt.Key.Key_Return)
    window.lock()
    window.close()
    app.processEvents()
    return services.settings.file_name


def _dumpable() -> int:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return int(libc.prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0))


def _hold() -> None:
    configure_process(log_to_file=False)
    print(json.dumps({"pid": os.getpid(), "dumpable": _dumpable()}), flush=True)
    sys.stdin.readline()


def main(argv: list[str]) -> int:
    if argv[:1] == ["hold"]:
        _hold()
        return 0
    if argv[:1] == ["flow"] and len(argv) == 3:
        print(json.dumps(_flow(Path(argv[1]), argv[2])), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
