"""Render the main screens of the desktop app offscreen into docs/screenshots/*.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [OUTDIR]

Everything shown is the invented demo case from ``rvr_desktop.evidence.demo``; the vault
lives in a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rvr_desktop.evidence import forms  # noqa: E402
from rvr_desktop.evidence.case import cases, due  # noqa: E402
from rvr_desktop.evidence.case.safety_gate import last_safety_gate, record_safety_gate  # noqa: E402
from rvr_desktop.evidence.clock import ManualClock, SystemClock  # noqa: E402
from rvr_desktop.evidence.demo import DemoVault, build_demo_vault  # noqa: E402
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF  # noqa: E402
from rvr_desktop.ui.amend_dialog import AmendDialog  # noqa: E402
from rvr_desktop.ui.case_workspace import (  # noqa: E402
    ATTACHMENTS_TAB,
    FORMS_TAB,
    NOTES_TAB,
    STATEMENT_TAB,
)
from rvr_desktop.ui.danger_dialog import DangerDialog  # noqa: E402
from rvr_desktop.ui.dialogs import Dialogs  # noqa: E402
from rvr_desktop.ui.due_dialog import DueDialog  # noqa: E402
from rvr_desktop.ui.export_dialog import ExportDialog  # noqa: E402
from rvr_desktop.ui.launch import application, build_main_window  # noqa: E402
from rvr_desktop.ui.main_window import MainWindow  # noqa: E402
from rvr_desktop.ui.new_case_dialog import NewCaseDialog  # noqa: E402
from rvr_desktop.ui.read_back_view import ReadBackView  # noqa: E402
from rvr_desktop.ui.region_dialog import RegionDialog  # noqa: E402
from rvr_desktop.ui.services import Services  # noqa: E402
from rvr_desktop.ui.settings import AppSettings  # noqa: E402
from rvr_desktop.ui.settings_dialog import OFFICER_TAB, SettingsDialog  # noqa: E402
from rvr_desktop.ui.trust_roots import add_root_file  # noqa: E402
from rvr_desktop.ui.verify_window import FILES_TAB, VerifyWindow  # noqa: E402


class NoDialogs(Dialogs):
    """Never blocks: every dialog is dismissed at once."""

    def run(self, dialog: QDialog) -> bool:
        return False

    def confirm(self, parent: QWidget | None, title: str, message: str) -> bool:
        return True

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        raise SystemExit(f"unexpected error shown: {message}")


def settle(app: QApplication, ms: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def save(widget: QWidget, folder: Path, name: str) -> Path:
    """The widget as a small PNG: 256 colours are plenty for a flat interface."""
    target = folder / f"{name}.png"
    image = (
        widget.grab()
        .toImage()
        .convertToFormat(
            QImage.Format.Format_Indexed8,
            Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither,
        )
    )
    if not image.save(str(target), "PNG", 0):
        raise SystemExit(f"could not write {target}")
    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    return target


def wait_for(app: QApplication, condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        settle(app, 50)
    raise SystemExit("the app did not reach the expected state")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    with tempfile.TemporaryDirectory(prefix="rvr-screens-") as temp:
        folder = Path(temp)
        settings = AppSettings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        services = Services.build(dialogs=NoDialogs(), settings=settings, kdf=FAST_INSECURE_KDF)
        demo = build_demo_vault(folder / "demo", kdf=FAST_INSECURE_KDF)

        # A new vault, half-way through choosing a passphrase.
        fresh = MainWindow(services, vault_path=folder / "new-vault")
        fresh.resize(1100, 760)
        fresh.show()
        fresh.unlock_screen.name_field.setText("Jane Smith")
        fresh.unlock_screen.passphrase_field.setText("amber harbour lantern")
        settle(app)
        save(fresh, out, "create-vault")
        fresh.close()

        window = build_main_window(services, demo=demo)
        window.resize(1100, 760)
        window.show()
        settle(app)
        save(window, out, "unlock-demo")

        window.unlock_screen.passphrase_field.setText(demo.passphrase)
        window.unlock_screen.submit()
        wait_for(app, lambda: window.vault is not None)
        settle(app)
        save(window, out, "cases")

        vault = window.vault
        if vault is None:
            raise SystemExit("the demo vault did not open")
        dialog = NewCaseDialog(vault, window)
        dialog.reference_field.setText("INC-2026-0107")
        dialog.victim_field.setText("Sam (demo)")
        dialog.callback_field.setText("07700 900456")
        dialog.notes_field.setPlainText("Caller says she is at work; suspect at home.")
        dialog.show()
        settle(app)
        save(dialog, out, "new-case")
        dialog.close()

        window.open_case(demo.case_id)
        workspace = window.workspace
        if workspace is None:
            raise SystemExit("the demo case did not open")
        workspace.show_tab(NOTES_TAB)
        workspace.notes.table.selectRow(4)
        settle(app)
        save(window, out, "case-notes")

        workspace.show_tab(ATTACHMENTS_TAB)
        wait_for(
            app,
            lambda: all(
                workspace.attachments.has_thumbnail(a.id)
                for a in workspace.attachments.items
                if a.media_type.startswith("image/")
            ),
        )
        settle(app)
        save(window, out, "case-attachments")

        region = RegionDialog(services.screen.grab(), window)
        region.show()
        settle(app)
        region.canvas.set_selection(QRect(200, 120, 520, 300))
        settle(app)
        save(region, out, "capture-region")
        region.close()

        gate_entry = last_safety_gate(vault, workspace.case.id)
        danger = DangerDialog(
            workspace.case,
            vault.clock.utc_now_ms(),
            window,
            gate_answers=None if gate_entry is None else gate_entry.payload.get("answers"),
        )
        danger.show()
        settle(app)
        save(danger, out, "call-interrupted")
        danger.close()

        workspace.show_tab(STATEMENT_TAB)
        workspace.statement.method_buttons["recorded_on_call"].setChecked(True)
        settle(app)
        save(window, out, "statement-read-back")

        settings_dialog = SettingsDialog(services, vault, window)
        settings_dialog.tabs.setCurrentIndex(OFFICER_TAB)
        settings_dialog.show()
        settle(app)
        save(settings_dialog, out, "settings-officer")
        settings_dialog.close()

        # The export, checked with the demo's TEST root trusted on this computer.
        add_root_file(settings, demo.trust_root)
        exports = folder / "exports"
        exports.mkdir()
        settings.export_folder = exports
        export = ExportDialog(services, vault, workspace.case, window)
        export.recipient_field.setText("CPS Direct (training)")
        export.reason_field.setText("Charging decision requested")
        export.show()
        export.start_export()
        wait_for(app, lambda: export.outcome is not None)
        settle(app)
        save(export, out, "export-result")
        export.close()
        outcome = export.outcome
        if outcome is None:
            raise SystemExit("the demo export did not finish")

        verify = VerifyWindow(services)
        verify.resize(1100, 760)
        verify.show()
        verify.open_bundle(outcome.result.bundle)
        wait_for(app, lambda: verify.status is not None)
        settle(app)
        save(verify, out, "verify-verified")
        verify.tabs.setCurrentIndex(1)
        settle(app)
        save(verify, out, "verify-signer")

        tampered = folder / "tampered" / outcome.result.bundle.name
        shutil.copytree(outcome.result.bundle, tampered)
        timeline_json = tampered / "data" / "notes" / "timeline.json"
        data = bytearray(timeline_json.read_bytes())
        data[len(data) // 2] ^= 0x01
        timeline_json.write_bytes(bytes(data))
        verify.open_bundle(tampered)
        wait_for(app, lambda: verify.status is not None and not verify.status.bottom_line)
        verify.tabs.setCurrentIndex(FILES_TAB)
        settle(app)
        save(verify, out, "verify-not-verified")
        verify.close()

        forms_panel = workspace.forms
        if forms_panel is not None:
            workspace.show_tab(FORMS_TAB)
            mg11 = forms_panel.start_form("mg11")
            if mg11 is not None:
                example = dict(mg11.template.example or {})
                example["witness_name"] = "A"
                mg11.set_answers(example)
            settle(app)
            save(window, out, "case-forms")
        gate_factory = window.gate_dialog_for(
            vault, workspace.case, forms.registry_for_vault(vault)
        )
        if gate_factory is not None:
            gate = gate_factory(window)
            gate.show()
            settle(app)
            save(gate, out, "safety-gate")
            gate.close()

        workspace.show_tab(NOTES_TAB)
        window.set_compact(True)
        window.resize(460, 820)
        settle(app, 300)
        save(window, out, "compact-side-panel")
        window.set_compact(False)

        window.lock()
        window.close()
        services.tasks.wait_for_workers()
        a_call_from_start_to_lock(app, folder, demo, out)


def a_call_from_start_to_lock(app: QApplication, folder: Path, demo: DemoVault, out: Path) -> None:
    """The officer guide's screens: a running call, an amendment, the lock and the delay.

    The vault's clock is a manual one, so the call clock shows minutes rather than the
    seconds this script takes.
    """
    clock = ManualClock(SystemClock().utc_now_ms())
    settings = AppSettings(QSettings(str(folder / "call.ini"), QSettings.Format.IniFormat))
    services = Services.build(
        dialogs=NoDialogs(), settings=settings, kdf=FAST_INSECURE_KDF, clock_factory=lambda: clock
    )
    window = MainWindow(services, vault_path=demo.root)
    window.resize(1000, 680)
    window.show()
    window.unlock_screen.passphrase_field.setText(demo.passphrase)
    window.unlock_screen.submit()
    wait_for(app, lambda: window.vault is not None)
    vault = window.vault
    if vault is None:
        raise SystemExit("the demo vault did not open")
    case = cases.create_case(
        vault,
        "INC-2026-0107",
        "Sam (demo)",
        referral=cases.Referral("07700 900456", "Caller at work; suspect at home."),
    )
    gate = forms.registry_for_vault(vault).get("safety-gate")
    record_safety_gate(vault, case.id, gate, dict(gate.example or {}))
    window.open_case(case.id)
    workspace = window.workspace
    if workspace is None:
        raise SystemExit("the new case did not open")
    workspace.call_panel.start_call()
    for minutes, text in (
        (0.5, "Sam on video from the staff room at work, door closed, alone."),
        (1.2, "Safe word agreed: 'Is the printer fixed yet?'."),
        (4.0, "Partner came home drunk at 23:00 and kicked the bedroom door in."),
        (6.5, "Sam shows a cut to her right hand to the camera, about 3 cm."),
    ):
        clock.advance(minutes * 60)
        workspace.notes.add_note(text)
    clock.advance(6 * 60 + 34)
    workspace.call_panel.update_clock()
    workspace.notes.input.setPlainText("She says the door frame is split")
    settle(app)
    save(window, out, "call-running")

    # Ctrl+F mid-call: the case list, with the call bar keeping the call in sight.
    window.close_case()
    settle(app)
    save(window, out, "call-bar")
    window.return_to_call()
    workspace = window.workspace
    if workspace is None:
        raise SystemExit("the call's case did not open again")
    forms_panel = workspace.forms
    if forms_panel is not None:
        workspace.show_tab(FORMS_TAB)
        dash = forms_panel.start_form("dash-risk")
        if dash is not None:
            questions = [f.id for f in dash.template.section("questions").fields]
            dash.set_answers({q: "yes" for q in questions[:11]})
            dash.changed.emit()
            settle(app)
            save(window, out, "risk-level")
        today = due.uk_today(clock.utc_now_ms())
        safeguarding = forms.registry_for_vault(vault).get("safeguarding")
        forms.create_form(
            vault,
            case.id,
            safeguarding,
            {
                "dvds_route": "right_to_ask",
                "dvds_application_date": (today - timedelta(days=27)).isoformat(),
                "referrals": [
                    {"service": "idva", "owed_by": (today - timedelta(days=1)).isoformat()}
                ],
            },
        )
        due_dialog = DueDialog(due.due_items(vault), today, window)
        due_dialog.show()
        settle(app)
        save(due_dialog, out, "due")
        due_dialog.close()
    statement = forms.registry_for_vault(vault).get("mg11").example or {}
    reading = ReadBackView(str(statement.get("statement_text", "")), "Sam Example", window)
    reading.resize(760, 520)
    reading.show()
    settle(app)
    save(reading, out, "read-back-view")
    reading.close()
    workspace.show_tab(NOTES_TAB)

    model = workspace.notes.model
    wrong_time = model.entry_at(model.rowCount() - 2)
    if wrong_time is not None:
        workspace.notes.select_entry(wrong_time.id)
    selected = workspace.notes.selected_entry()
    if selected is None:
        raise SystemExit("no note to amend")
    amend = AmendDialog(vault, selected, window)
    amend.text_field.setPlainText(
        "Partner came home drunk at 22:00 and kicked the bedroom door in."
    )
    amend.reason_field.setText("Sam corrected the time: 22:00, not 23:00")
    amend.show()
    settle(app)
    save(amend, out, "amend-note")
    amend.close()

    window.lock("Locked after a period of no activity. Enter your passphrase.")
    settle(app)
    save(window, out, "locked")

    screen = window.unlock_screen
    for attempt in range(3):
        screen.passphrase_field.setText(f"not the passphrase {attempt}")
        screen.submit()
        # The first two wrong passphrases cost nothing; the third starts the delay.
        wait_for(app, lambda: screen.submit_button.isEnabled() or "wait" in screen.message.text())
    wait_for(app, lambda: window.unlock_screen.submit_button.text().startswith("Try again"))
    settle(app)
    save(window, out, "wrong-passphrase")
    window.close()
    services.tasks.wait_for_workers()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
