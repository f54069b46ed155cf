"""The evidence officer's Verify window: verdicts, trust, tampering, hostile zips, cancel."""

from __future__ import annotations

import stat
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.cli.main import main
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.case.timeline import append_note
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.progress import Cancelled
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui.file_check_model import FAILED_BACKGROUND, STATUS
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.settings import AppSettings
from rvr_desktop.ui.trusted_roots_editor import TrustedRootsDialog
from rvr_desktop.ui.verify_window import FILES_TAB, VerifyWindow
from rvr_desktop.ui.viewer_copies import NOTES_MEMBER, STATEMENT_MEMBER
from tests.ui.bundles import DemoBundles, HeldWorker
from tests.ui.conftest import ScriptedDialogs


@pytest.fixture
def verify_window(qtbot: QtBot, services: Services) -> Iterator[VerifyWindow]:
    window = VerifyWindow(services)
    qtbot.addWidget(window)
    window.show()
    yield window


def verify(qtbot: QtBot, window: VerifyWindow, path: Path) -> None:
    with qtbot.waitSignal(window.verified, timeout=20_000):
        window.open_bundle(path)


def trust_root_through_the_dialog(
    qtbot: QtBot, window: VerifyWindow, dialogs: ScriptedDialogs, root: Path
) -> None:
    def add_root(dialog: QDialog) -> bool:
        assert isinstance(dialog, TrustedRootsDialog)
        dialogs.open_file = root
        dialog.editor.add_button.click()
        assert len(dialog.editor.fingerprints()) == 1
        assert "TEST ROOT" in dialog.editor.list.item(0).text()
        dialog.accept()
        return True

    dialogs.expect(add_root)
    with qtbot.waitSignal(window.verified, timeout=20_000):
        window.roots_button.click()


def test_a_good_bundle_is_not_verified_without_its_root_then_verified_once_trusted(
    qtbot: QtBot,
    verify_window: VerifyWindow,
    dialogs: ScriptedDialogs,
    settings: AppSettings,
    demo_bundles: DemoBundles,
) -> None:
    verify(qtbot, verify_window, demo_bundles.folder)
    banner = verify_window.banner
    assert banner.headline.text() == "NOT VERIFIED: SIGNER NOT TRUSTED"
    assert banner.headline.property("outcome") == "indeterminate"
    assert "no root you trust vouches for its signer" in banner.detail.text()
    assert "Trusted roots" in banner.detail.text()
    trust_rows = [row for row in verify_window.checks.rows() if row[1] == "signer trusted"]
    assert trust_rows and trust_rows[0][0] == "INDETERMINATE"
    assert verify_window.failing_rows() == []

    trust_root_through_the_dialog(qtbot, verify_window, dialogs, demo_bundles.trust_root)
    assert banner.headline.text() == "VERIFIED: TRAINING BUNDLE, NOT EVIDENCE"
    assert banner.detail.text().startswith("VERIFIED AS A TRAINING BUNDLE, NOT EVIDENCE")
    assert banner.headline.property("outcome") == "pass"
    assert banner.test_warning.isVisibleTo(verify_window)
    assert all(
        row[0] == "PASS" for row in verify_window.checks.rows() if row[1] != "signer not revoked"
    )
    assert "revoked) is not known" in banner.detail.text()
    details = verify_window.details.toPlainText()
    assert "DEMO-2026-0001" in details and "CPS Direct (training)" in details
    assert "TEST IDENTITY - NOT FOR EVIDENCE" in details
    assert "RVR Desktop Training Root" in details
    assert len(settings.trusted_roots) == 1  # kept for the next time, in the settings

    verify_window.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("VERIFIED")
    assert "Audit chain code" in copied


def test_a_tampered_timeline_is_named_and_its_row_highlighted(
    qtbot: QtBot, verify_window: VerifyWindow, demo_bundles: DemoBundles
) -> None:
    timeline = demo_bundles.folder / "data" / "notes" / "timeline.json"
    data = bytearray(timeline.read_bytes())
    data[len(data) // 2] ^= 0x01
    timeline.write_bytes(bytes(data))

    verify(qtbot, verify_window, demo_bundles.folder)
    assert verify_window.banner.headline.text() == "NOT VERIFIED: ALTERED OR INCOMPLETE"
    assert verify_window.banner.headline.property("outcome") == "fail"
    assert verify_window.failing_rows() == ["data/notes/timeline.json"]
    failed = [row for row in verify_window.checks.rows() if row[0] == "FAIL"]
    assert any("data/notes/timeline.json" in reason for _, _, reason in failed)

    verify_window.tabs.setCurrentIndex(FILES_TAB)
    proxy = verify_window.files_proxy
    first = proxy.index(0, STATUS)  # failures sort first
    assert first.data() == "CHANGED"
    assert first.data(Qt.ItemDataRole.BackgroundRole).color() == FAILED_BACKGROUND
    ok_row = proxy.index(1, STATUS)
    assert ok_row.data() == "OK" and ok_row.data(Qt.ItemDataRole.BackgroundRole) is None


def test_statement_and_notes_from_a_zip_open_as_private_copies_that_go_on_close(
    qtbot: QtBot,
    verify_window: VerifyWindow,
    dialogs: ScriptedDialogs,
    demo_bundles: DemoBundles,
) -> None:
    verify(qtbot, verify_window, demo_bundles.zip)
    verify_window.statement_button.click()
    verify_window.notes_button.click()
    assert dialogs.errors == []
    folder = verify_window.viewer_folder
    assert folder is not None and stat.S_IMODE(folder.stat().st_mode) == 0o700
    statement, notes = dialogs.viewed
    assert statement.is_relative_to(folder) and notes.is_relative_to(folder)
    assert statement.name == "MG11-statement.pdf"
    assert stat.S_IMODE(statement.stat().st_mode) == 0o600
    with open_bag_source(demo_bundles.zip) as source:
        assert statement.read_bytes() == source.read_small(STATEMENT_MEMBER, 1 << 28)
        assert notes.read_bytes() == source.read_small(NOTES_MEMBER, 1 << 28)
    verify_window.close()
    assert not folder.exists()


def test_saving_the_verification_report_writes_a_pdf(
    qtbot: QtBot,
    verify_window: VerifyWindow,
    dialogs: ScriptedDialogs,
    demo_bundles: DemoBundles,
    tmp_path: Path,
) -> None:
    verify(qtbot, verify_window, demo_bundles.folder)
    dialogs.save_file = tmp_path / "report"
    with qtbot.waitSignal(verify_window.report_saved, timeout=20_000) as saved:
        verify_window.report_button.click()
    assert saved.args == [tmp_path / "report.pdf"]
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_a_zip_with_a_member_climbing_out_is_refused_and_writes_nothing(
    qtbot: QtBot, verify_window: VerifyWindow, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    hostile = tmp_path / "inbox" / "bundle.zip"
    hostile.parent.mkdir()
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr(
            "bundle/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        )
        archive.writestr("bundle/../evil.txt", "gotcha")
        archive.writestr("../evil.txt", "gotcha")
    before = sorted(p.name for p in tmp_path.rglob("*"))

    verify(qtbot, verify_window, hostile)
    assert verify_window.banner.headline.text() == "NOT VERIFIED: CANNOT BE READ SAFELY"
    refused = verify_window.checks.rows()
    assert refused[0][0] == "FAIL" and refused[0][1] == "bundle can be read safely"
    assert "evil.txt" in refused[0][2] or ".." in refused[0][2]
    assert not verify_window.statement_button.isEnabled()
    verify_window.statement_button.click()  # disabled: nothing happens
    assert dialogs.viewed == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not (tmp_path.parent / "evil.txt").exists()


def test_cancel_stops_the_verification_and_says_so(
    qtbot: QtBot, services: Services, demo_bundles: DemoBundles
) -> None:
    held = HeldWorker(services)
    held.hold()
    window = VerifyWindow(held.services)
    qtbot.addWidget(window)
    window.show()
    window.open_bundle(demo_bundles.folder)
    assert window.progress.isVisibleTo(window) and not window.open_zip_button.isEnabled()
    with qtbot.waitSignal(window.stopped, timeout=20_000) as stopped:
        window.progress.cancel_button.click()
        held.release()
    assert isinstance(stopped.args[0], Cancelled)
    assert "cancelled" in window.banner.detail.text()
    assert window.status is None and window.open_zip_button.isEnabled()
    held.services.tasks.wait_for_workers()


def test_a_missing_bundle_is_explained(
    qtbot: QtBot, verify_window: VerifyWindow, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    with qtbot.waitSignal(verify_window.stopped, timeout=20_000):
        verify_window.open_bundle(tmp_path / "nowhere.zip")
    assert "There is no bundle at" in dialogs.errors[-1]


def test_a_file_that_is_not_a_certificate_is_refused_with_the_core_message(
    qtbot: QtBot, services: Services, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    dialog = TrustedRootsDialog(services.settings, dialogs)
    qtbot.addWidget(dialog)
    not_pem = tmp_path / "root.pem"
    not_pem.write_text("hello")
    dialogs.open_file = not_pem
    dialog.editor.add_button.click()
    assert "BEGIN CERTIFICATE" in dialogs.errors[-1]
    assert dialog.editor.message.isVisibleTo(dialog)
    assert services.settings.trusted_roots == []


def test_a_trusted_root_can_be_removed_again(
    qtbot: QtBot, services: Services, dialogs: ScriptedDialogs, demo_bundles: DemoBundles
) -> None:
    dialog = TrustedRootsDialog(services.settings, dialogs)
    qtbot.addWidget(dialog)
    dialogs.open_file = demo_bundles.trust_root
    dialog.editor.add_button.click()
    dialog.editor.add_button.click()  # the same root twice is kept once
    assert len(services.settings.trusted_roots) == 1
    assert "Now trusted: RVR Desktop Training Root" in dialogs.infos[0]
    fingerprint = dialog.editor.fingerprints()[0]
    assert len(fingerprint) == 64
    dialog.editor.list.setCurrentRow(0)
    with qtbot.waitSignal(dialog.editor.roots_changed):
        dialog.editor.remove_button.click()
    assert services.settings.trusted_roots == []
    assert dialog.editor.fingerprints() == []


def test_the_verify_window_opens_from_the_unlock_screen_without_a_vault(
    qtbot: QtBot, window: MainWindow, demo_bundles: DemoBundles
) -> None:
    window.unlock_screen.verify_button.click()
    opened = window.verify_window
    assert opened is not None and opened.isVisible()
    assert window.vault is None
    with qtbot.waitSignal(opened.verified, timeout=20_000):
        window.open_verify_window(demo_bundles.zip)
    assert opened.banner.headline.text() == "NOT VERIFIED: SIGNER NOT TRUSTED"
    window.app_actions.verify_bundle.trigger()
    assert window.verify_window is opened
    window.close()
    assert not opened.isVisible()


def test_rvr_desktop_verify_opens_the_window_on_the_bundle(
    qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch, demo_bundles: DemoBundles
) -> None:
    seen: dict[str, str] = {}

    def fake_exec() -> int:
        (shown,) = [
            w for w in qapp.topLevelWidgets() if isinstance(w, VerifyWindow) and w.isVisible()
        ]
        qtbot.waitUntil(lambda: shown.status is not None, timeout=20_000)
        seen["headline"] = shown.banner.headline.text()
        seen["path"] = shown.path_label.text()
        shown.close()
        shown.deleteLater()
        return 0

    monkeypatch.setattr(qapp, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # launch installs its own
    assert main(["verify", str(demo_bundles.folder)]) == 0
    assert seen == {
        "headline": "NOT VERIFIED: SIGNER NOT TRUSTED",
        "path": str(demo_bundles.folder),
    }


def test_the_evidence_officer_sees_how_many_places_the_disclosure_check_lists(
    qtbot: QtBot, verify_window: VerifyWindow, tmp_path: Path
) -> None:
    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        append_note(vault, demo.case_id, "Ring her back on 07700-900-123 or 077 009 00 123.")
        bundle = export_case(
            vault, ExportRequest(demo.case_id, tmp_path, "CPS Direct", "Charging decision")
        ).bundle
    verify(qtbot, verify_window, bundle)
    details = verify_window.details.toPlainText()
    # Two spellings, each in the notes log and in timeline.json.
    assert (
        "4 places where a restricted detail appears outside data/restricted/: redact them "
        "before disclosure" in details
    )
    assert (
        "The officer's disclosure check lists 4 places where a restricted detail appears "
        "outside data/restricted/" in details
    )
