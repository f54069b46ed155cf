"""Issue 6: the officer's profile and signing identity, the statement's read-back and
confirmation, and the export with its own verification, progress and cancel."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.case.signed_statement import SignedStatement, read_signed_pdf
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.forms import FormState
from rvr_desktop.evidence.progress import Cancelled, CancelToken, ProgressCallback
from rvr_desktop.evidence.signing.errors import TimestampServiceFailed
from rvr_desktop.evidence.signing.identity_store import stored_identity
from rvr_desktop.evidence.signing.officer import OfficerProfile, load_officer_profile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui.case_workspace import FORMS_TAB, STATEMENT_TAB
from rvr_desktop.ui.export_dialog import ExportDialog, ExportOutcome
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.settings import AppSettings
from rvr_desktop.ui.settings_dialog import OFFICER_TAB, SettingsDialog
from rvr_desktop.ui.tasks import Task, TaskRunner, Work
from tests.ui.bundles import HeldWorker
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case, type_note, unlock


def set_profile_and_test_identity(
    window: MainWindow, dialogs: ScriptedDialogs, pki_folder: Path
) -> None:
    def edit(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        dialog.tabs.setCurrentIndex(OFFICER_TAB)
        fields = dialog.profile_form.fields
        assert fields["name"].text() == "Jane Smith"  # from creating the vault
        fields["collar_number"].setText("PC 4521")
        fields["rank"].setText("Constable")
        fields["station"].setText("Chelmsford")
        fields["force"].setText("Essex Police (training)")
        dialogs.folder = pki_folder
        dialog.identity.test_button.click()
        assert dialog.identity.test_banner.isVisibleTo(dialog)
        assert dialog.identity.test_banner.text() == "TEST IDENTITY - NOT FOR EVIDENCE"
        assert "(TEST)" in dialog.identity.summary.text()
        assert "Name: Jane Smith" in dialog.identity.summary.text()
        assert len(dialog.roots.fingerprints()) == 1  # the TEST root, trusted on request
        dialog.accept()
        return True

    dialogs.expect(edit)
    window.app_actions.settings.trigger()


def write_statement(qtbot: QtBot, window: MainWindow) -> None:
    assert window.workspace is not None and window.workspace.forms is not None
    window.workspace.show_tab(FORMS_TAB)
    editor = window.workspace.forms.start_form("mg11")
    assert editor is not None
    answers = dict(editor.template.example or {})
    answers.pop("witness_signature")
    answers["witness_name"] = "Priya Example"
    editor.set_answers(answers)
    window.workspace.forms._on_changed(window.workspace.forms.current_form_id or 0)
    window.workspace.forms.flush()


def test_officer_reads_back_takes_a_drawn_confirmation_exports_and_sees_it_verify(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: ScriptedDialogs,
    settings: AppSettings,
    tmp_path: Path,
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.vault is not None
    assert not window.workspace.test_banner.isVisibleTo(window)
    set_profile_and_test_identity(window, dialogs, tmp_path / "test-pki")
    profile = load_officer_profile(window.vault)
    assert profile == OfficerProfile(
        "Jane Smith", "PC 4521", "Constable", "Chelmsford", "Essex Police (training)"
    )
    assert window.workspace.test_banner.isVisibleTo(window)
    assert "TEST IDENTITY - NOT FOR EVIDENCE" in window.workspace.test_banner.text()
    assert len(settings.trusted_roots) == 1

    statement = window.workspace.statement
    window.workspace.show_tab(STATEMENT_TAB)
    assert not statement.export_button.isEnabled()
    assert "Start the MG11" in statement.problems.text()

    # The officer types the referral's call-back number into a note, spaced her own way.
    type_note(qtbot, window, "Victim asked us to ring 077 009 00 123 if the line drops.")
    write_statement(qtbot, window)
    window.workspace.show_tab(STATEMENT_TAB)
    assert "Finalise the MG11" in statement.problems.text()
    statement.read_back_button.click()
    assert "Read back at" in statement.read_back_label.text()

    statement.method_buttons["drawn_signature"].click()
    assert statement.pad.isVisibleTo(statement)
    statement.pad.add_stroke([QPointF(20, 90), QPointF(80, 40), QPointF(140, 95)])
    assert statement.name_field.text() == "Priya Example"
    with qtbot.waitSignal(statement.statement_signed, timeout=30_000) as signing:
        statement.confirm_button.click()
        assert "Signing the statement" in statement.signed_label.text()
    assert dialogs.errors == []
    signed = cast(SignedStatement, signing.args[0])
    assert signed.number == 1
    assert "Statement 1 signed at" in statement.signed_label.text()
    assert not statement.sign_button.isEnabled() and statement.further_button.isEnabled()
    # The signed statement's form is shown, but can no longer be changed.
    forms_panel = window.workspace.forms
    assert forms_panel is not None
    assert not forms_panel.editors[signed.form_id].isEnabled()
    readiness = statement.readiness
    assert readiness is not None and readiness.ready, readiness
    assert readiness.form is not None and readiness.form.state is FormState.FINAL
    signature = readiness.form.answers["witness_signature"]
    assert signature["method"] == "drawn_signature" and signature["name"] == "Priya Example"
    assert signature["image_png_base64"].startswith("iVBORw0KGgo")  # a PNG
    assert "Signed" in statement.ready_label.text() and statement.export_button.isEnabled()
    assert "Drawn signature" in statement.confirmation_label.text()

    exports = tmp_path / "exports"
    exports.mkdir()
    settings.export_folder = exports
    seen: dict[str, object] = {}

    def export(dialog: QDialog) -> bool:
        assert isinstance(dialog, ExportDialog)
        assert dialog.test_banner.isVisibleTo(dialog)
        assert dialog.folder_field.text() == str(exports)
        assert dialog.focusWidget() is dialog.recipient_field  # the folder is already there
        dialog.export_button.click()
        assert "recipient" in dialog.message.text()  # both are required
        assert dialog.focusWidget() is dialog.recipient_field  # taken to the problem
        qtbot.keyClicks(dialog.recipient_field, "CPS Direct (training)")
        assert dialog.message.text() == ""  # the error goes once the field is corrected
        qtbot.keyClicks(dialog.reason_field, "Charging decision requested")
        with qtbot.waitSignal(dialog.exported, timeout=30_000) as done:
            dialog.export_button.click()
            seen["progress shown"] = dialog.progress.isVisibleTo(dialog)
        outcome = cast(ExportOutcome, done.args[0])
        seen["outcome"] = outcome
        seen["verdict"] = dialog.verdict_label.text()
        seen["detail"] = dialog.verdict_detail.text()
        # Shown as the officer sees it: every wrapped line of the verdict has its room.
        dialog.show()
        qtbot.waitExposed(dialog)
        detail = dialog.verdict_detail
        seen["detail fits"] = detail.height() >= detail.heightForWidth(detail.width())
        seen["code"] = dialog.chain_code.text()
        seen["bundle text"] = dialog.bundle_label.text()
        seen["disclosure"] = dialog.disclosure_label.text()
        seen["places"] = [
            dialog.disclosure_list.item(i).text() for i in range(dialog.disclosure_list.count())
        ]
        seen["list shown"] = dialog.disclosure_list.isVisibleTo(dialog)
        qtbot.mouseClick(dialog.copy_code_button, Qt.MouseButton.LeftButton)
        seen["clipboard"] = QGuiApplication.clipboard().text()
        seen["copied"] = (dialog.copy_code_button.text(), dialog.message.text())
        dialog.reject()
        return True

    dialogs.expect(export)
    statement.export_button.click()
    outcome = cast(ExportOutcome, seen["outcome"])
    assert seen["progress shown"] is True
    assert seen["verdict"] == "VERIFIED: TRAINING BUNDLE, NOT EVIDENCE"
    assert "TEST identity" in str(seen["detail"])
    assert seen["detail fits"] is True
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", str(seen["code"]))
    assert seen["code"] == outcome.result.chain_code == seen["clipboard"]
    copied_button, copied_message = cast(tuple[str, str], seen["copied"])
    assert copied_button.startswith("Copied") and "copied" in copied_message
    assert str(outcome.result.bundle) in str(seen["bundle text"])
    assert outcome.result.bundle.parent == exports and outcome.result.bundle.is_dir()
    assert outcome.status.bottom_line and outcome.status.is_test_identity
    assert outcome.status.info(c.INFO_RECIPIENT) == "CPS Direct (training)"
    assert outcome.status.info(c.INFO_CHAIN_CODE) == seen["code"]
    # The export lists where the number still appears, and so does the bundle.
    assert seen["list shown"] is True
    assert "appears in 2 places outside data/restricted/" in str(seen["disclosure"])
    assert seen["places"] == [
        "data/notes/notes-log.pdf, note 1: the victim's call-back number "
        "(Victim asked us to ring [call-back number] if the line drops.)",
        "data/notes/timeline.json, note 1 (text): the victim's call-back number "
        "(Victim asked us to ring [call-back number] if the line drops.)",
    ]
    assert outcome.status.disclosure_places == 2
    check = json.loads((outcome.result.bundle / "data" / "disclosure-check.json").read_text())
    assert check["count"] == 2 and "07700" not in json.dumps(check)
    # The bundle carries the statement signed at confirmation, byte for byte.
    with window.vault.reader() as tx:
        kept = read_signed_pdf(tx, signed)
    assert (outcome.result.bundle / "data" / c.STATEMENT_PDF).read_bytes() == kept

    # Something the witness adds after signing is a further statement.
    statement.further_button.click()
    assert "further statement is under way" in statement.ready_label.text()
    assert statement.export_button.isEnabled()  # the signed one can still go
    assert not statement.sign_button.isEnabled()
    editor = forms_panel.current_editor()
    assert editor is not None and editor.isEnabled()
    assert forms_panel.current_form_id != signed.form_id
    assert editor.answers()["witness_name"] == "Priya Example"


def test_export_is_refused_with_what_is_missing(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    window.app_actions.export_bundle.trigger()
    assert "Start the MG11 statement form" in dialogs.errors[-1]
    assert window.workspace is not None
    assert window.workspace.tabs.currentIndex() == STATEMENT_TAB


def test_a_credential_file_with_the_wrong_password_is_refused_then_imported(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    create_vault(qtbot, window)
    assert window.vault is not None
    now = datetime.now(UTC)
    authority = TrainingCertificateAuthority.create(now=now)
    credential = authority.issue_officer(OfficerProfile("Jane Smith", "PC 4521"), now=now)
    p12 = tmp_path / "jane.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"jane",
            credential.private_key,  # type: ignore[arg-type]
            credential.certificate,
            [authority.certificate],
            BestAvailableEncryption(b"right horse"),
        )
    )

    def import_twice(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        dialogs.open_file = p12
        dialogs.passwords = ["wrong horse", "right horse"]
        dialog.identity.import_button.click()
        assert "Wrong password" in dialogs.errors[-1]
        assert "No signing identity yet" in dialog.identity.summary.text()
        dialog.identity.import_button.click()
        assert "Name: Jane Smith" in dialog.identity.summary.text()
        dialog.reject()
        return False

    dialogs.expect(import_twice)
    window.app_actions.settings.trigger()
    summary = stored_identity(window.vault)
    assert summary is not None and summary.sha256_fingerprint == credential.fingerprint


def test_an_incomplete_profile_and_a_bad_time_stamping_address_are_explained(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs, settings: AppSettings
) -> None:
    create_vault(qtbot, window)

    def edit(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        dialog.timestamp_field.setText("tsa.example.org")
        dialog.accept()
        assert "http://" in dialog.message.text()
        dialog.timestamp_field.setText("https://tsa.example.org/rfc3161")
        dialog.profile_form.fields["rank"].setText("Sergeant")
        dialog.accept()
        assert "collar or warrant number" in dialog.message.text()
        assert dialog.tabs.currentIndex() == OFFICER_TAB
        dialog.profile_form.fields["collar_number"].setText("PS 77")
        dialog.accept()
        return True

    dialogs.expect(edit)
    window.app_actions.settings.trigger()
    assert settings.timestamp_url == "https://tsa.example.org/rfc3161"
    assert window.vault is not None
    profile = load_officer_profile(window.vault)
    assert profile is not None and profile.rank_and_number == "Sergeant PS 77"


# ---- cancelling an export --------------------------------------------------------------


class CancelOnceWriting(TaskRunner):
    """Presses Cancel for the officer the moment the bundle's bytes start to be written."""

    def start(self, name: str, work: Work) -> Task:
        def cancelling(progress: ProgressCallback, cancel: CancelToken) -> object:
            def report(done: int, total: int) -> None:
                if done > 0:
                    cancel.cancel()
                progress(done, total)

            return work(report, cancel)

        return super().start(name, cancelling)


def _export_and_cancel(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: ScriptedDialogs,
    passphrase: str,
    case_id: int,
    destination: Path,
    held: HeldWorker | None,
) -> BaseException:
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window, passphrase)
    window.open_case(case_id)
    seen: list[BaseException] = []

    def export(dialog: QDialog) -> bool:
        assert isinstance(dialog, ExportDialog)
        dialog.folder_field.setText(str(destination))
        qtbot.keyClicks(dialog.recipient_field, "CPS Direct (training)")
        qtbot.keyClicks(dialog.reason_field, "Testing that cancel leaves nothing")
        if held is not None:
            held.hold()
        with qtbot.waitSignal(dialog.export_stopped, timeout=30_000) as stopped:
            dialog.export_button.click()
            if held is not None:
                dialog.reject()  # Escape while exporting cancels, and keeps the dialog open
                assert dialog.isVisible()
                held.release()
        seen.append(stopped.args[0])
        assert "Nothing was written" in dialog.message.text()
        assert dialog.outcome is None and dialog.close_button.isEnabled()
        dialog.reject()
        return False

    dialogs.expect(export)
    window.app_actions.export_bundle.trigger()
    window.services.tasks.wait_for_workers()
    return seen[0]


def test_cancel_pressed_at_once_leaves_no_bundle(
    qtbot: QtBot, services: Services, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    held = HeldWorker(services)
    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    destination = tmp_path / "exports"
    destination.mkdir()
    window = MainWindow(held.services, vault_path=demo.root)
    error = _export_and_cancel(
        qtbot, window, dialogs, demo.passphrase, demo.case_id, destination, held
    )
    assert isinstance(error, Cancelled)
    assert list(destination.iterdir()) == []
    window.close()


def test_cancel_while_the_bundle_is_being_written_leaves_nothing_behind(
    qtbot: QtBot, services: Services, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    cancelling = replace(services, tasks=CancelOnceWriting())
    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    destination = tmp_path / "exports"
    destination.mkdir()
    window = MainWindow(cancelling, vault_path=demo.root)
    error = _export_and_cancel(
        qtbot, window, dialogs, demo.passphrase, demo.case_id, destination, None
    )
    assert isinstance(error, Cancelled)
    assert list(destination.iterdir()) == []  # no bundle, no hidden temporary folder
    assert window.vault is not None
    assert forms.forms_for_case(window.vault, demo.case_id)  # the vault is untouched
    window.close()


@pytest.mark.parametrize("export_anyway", [True, False])
def test_a_dead_time_stamping_service_lets_the_officer_export_without_trusted_time_or_wait(
    qtbot: QtBot,
    services: Services,
    dialogs: ScriptedDialogs,
    settings: AppSettings,
    tmp_path: Path,
    export_anyway: bool,
) -> None:
    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    destination = tmp_path / "exports"
    destination.mkdir()
    # Nothing listens on port 9 of this machine: the service cannot be reached.
    settings.timestamp_url = "http://127.0.0.1:9/tsa"
    dialogs.confirm_answer = export_anyway
    window = MainWindow(services, vault_path=demo.root)
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window, demo.passphrase)
    window.open_case(demo.case_id)
    seen: dict[str, object] = {}

    def export(dialog: QDialog) -> bool:
        assert isinstance(dialog, ExportDialog)
        dialog.folder_field.setText(str(destination))
        qtbot.keyClicks(dialog.recipient_field, "CPS Direct (training)")
        qtbot.keyClicks(dialog.reason_field, "The service is down today")
        with qtbot.waitSignal(dialog.export_stopped, timeout=30_000) as stopped:
            dialog.export_button.click()
        seen["first"] = stopped.args[0]
        if export_anyway:
            qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
            seen["outcome"] = dialog.outcome
        else:
            seen["message"] = dialog.message.text()
            seen["can retry"] = dialog.export_button.isEnabled()
        dialog.reject()
        return False

    dialogs.expect(export)
    window.app_actions.export_bundle.trigger()
    window.services.tasks.wait_for_workers()
    assert isinstance(seen["first"], TimestampServiceFailed)
    if export_anyway:
        outcome = cast(ExportOutcome, seen["outcome"])
        assert outcome.status.intact and outcome.status.trusted_signing_time is None
        assert len(list(destination.iterdir())) == 1
    else:
        assert "did not answer" in str(seen["message"]) and seen["can retry"] is True
        assert list(destination.iterdir()) == []
    window.close()
