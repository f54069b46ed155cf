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
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QRect, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rvr_desktop.evidence import forms  # noqa: E402
from rvr_desktop.evidence.demo import build_demo_vault  # noqa: E402
from rvr_desktop.evidence.kdf import FAST_INSECURE_KDF  # noqa: E402
from rvr_desktop.evidence.safety_gate import last_safety_gate  # noqa: E402
from rvr_desktop.ui.case_workspace import (  # noqa: E402
    ATTACHMENTS_TAB,
    FORMS_TAB,
    NOTES_TAB,
    STATEMENT_TAB,
)
from rvr_desktop.ui.danger_dialog import DangerDialog  # noqa: E402
from rvr_desktop.ui.dialogs import Dialogs  # noqa: E402
from rvr_desktop.ui.export_dialog import ExportDialog  # noqa: E402
from rvr_desktop.ui.launch import application, build_main_window  # noqa: E402
from rvr_desktop.ui.main_window import MainWindow  # noqa: E402
from rvr_desktop.ui.new_case_dialog import NewCaseDialog  # noqa: E402
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

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        raise SystemExit(f"unexpected error shown: {message}")


def settle(app: QApplication, ms: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def save(widget: QWidget, folder: Path, name: str) -> Path:
    target = folder / f"{name}.png"
    if not widget.grab().save(str(target), "PNG"):
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


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
