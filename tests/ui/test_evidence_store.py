"""Issue 18 in the app: the officer submits a case's bundle to the force's evidence store
and reads the queue; the receipt shows in the case; the access key lives in the vault; the
evidence officer opens a stored bundle in the Verify window. Against a real S3 server
(moto's, on 127.0.0.1)."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.case import attachments, timeline
from rvr_desktop.evidence.demo import DemoVault, build_demo_vault
from rvr_desktop.evidence.store import queue
from rvr_desktop.evidence.store.access_key import stored_access_key
from rvr_desktop.evidence.store.client import Bucket, make_client
from rvr_desktop.evidence.store.receipt import Receipt
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.store.stored_check import StoredBundle
from rvr_desktop.evidence.store.submission import send_without_vault
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault import audit as audit_log
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.paths import settings_file
from rvr_desktop.ui.export_dialog import ExportDialog
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.settings import StoredRoot
from rvr_desktop.ui.settings_dialog import STORE_TAB, SettingsDialog
from rvr_desktop.ui.store_open_dialog import StoreOpenDialog
from rvr_desktop.ui.store_queue_panel import StoreQueuePanel
from rvr_desktop.ui.verify_window import VerifyWindow
from tests.store.kept import assert_kept_locked_and_intact
from tests.store.proxies import ConnectionCutter
from tests.store.s3 import S3Server
from tests.ui.bundles import DemoBundles
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import type_note, unlock

UPLOAD_TIMEOUT_MS = 60_000
_CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def set_up_force_store(settings: StoreSettings) -> None:
    """What the force's IT writes into the settings file (docs/admin-guide.md)."""
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[evidence_store]\n"
        f"endpoint_url = {settings.endpoint_url}\n"
        f"region = {settings.region}\n"
        f"bucket = {settings.bucket}\n"
        f"prefix = {settings.prefix}\n"
        f"retention_mode = {settings.retention_mode.value}\n"
        f"retention_days = {settings.retention_days}\n"
        f"legal_hold = {str(settings.legal_hold).lower()}\n"
        f"part_size_mib = {settings.part_size_mib}\n",
        encoding="utf-8",
    )


@pytest.fixture
def demo(tmp_path: Path) -> DemoVault:
    """The demo case, ready to sign."""
    return build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)


def add_doorbell_video(demo: DemoVault, folder: Path) -> None:
    """A 12 MiB exhibit, so the case's bundle goes up (and comes down) in parts."""
    video = folder / "doorbell-video.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * (12 * 4096))
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        attachments.import_file(vault, demo.case_id, video, description="Doorbell video")


WindowFactory = Callable[[], MainWindow]


@pytest.fixture
def open_app(qtbot: QtBot, services: Services, demo: DemoVault) -> Iterator[WindowFactory]:
    """Starts the app on the demo vault, unlocks it and opens the case (again, for a
    restart); every window is closed (and its vault locked) after the test."""
    made: list[MainWindow] = []

    def start() -> MainWindow:
        window = MainWindow(services, vault_path=demo.root)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        unlock(qtbot, window, demo.passphrase)
        window.open_case(demo.case_id)
        return window

    yield start
    for window in made:
        window.close()


def panel_of(window: MainWindow) -> StoreQueuePanel:
    assert window.store_queue_panel is not None
    return window.store_queue_panel


def wait_for_state(qtbot: QtBot, window: MainWindow, state: str) -> None:
    panel = panel_of(window)
    qtbot.waitUntil(lambda: [r[1] for r in panel.rows()] == [state], timeout=UPLOAD_TIMEOUT_MS)


def export_zip_and_submit(qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs) -> str:
    """The officer exports the case as one .zip and presses Submit to the evidence store;
    returns what the dialog then says about the store."""
    said: list[str] = []
    exports = settings_file().parent.parent / "exports"
    exports.mkdir(parents=True, exist_ok=True)

    def export(dialog: QDialog) -> bool:
        assert isinstance(dialog, ExportDialog)
        dialog.folder_field.setText(str(exports))
        qtbot.keyClicks(dialog.recipient_field, "CPS Direct (training)")
        qtbot.keyClicks(dialog.reason_field, "Charging decision requested")
        dialog.zip_choice.setChecked(True)
        with qtbot.waitSignal(dialog.exported, timeout=60_000):
            dialog.export_button.click()
        assert dialog.store_button.isVisible() and dialog.store_button.isEnabled()
        qtbot.mouseClick(dialog.store_button, Qt.MouseButton.LeftButton)
        said.append(dialog.store_message.text())
        dialog.accept()
        return True

    dialogs.expect(export)
    window.app_actions.export_bundle.trigger()
    return said[0]


def submitted_records(vault: Vault) -> list[str]:
    with vault.reader() as tx:
        return [
            r.body.subject
            for r in audit_log.iter_records(tx)
            if r.body is not None and r.body.action == queue.SUBMITTED_ACTION
        ]


def test_officer_submits_from_the_export_dialog_and_sees_it_stored_with_its_receipt(
    qtbot: QtBot,
    open_app: WindowFactory,
    dialogs: ScriptedDialogs,
    store: StoreSettings,
    s3_server: S3Server,
    demo: DemoVault,
    tmp_path: Path,
) -> None:
    set_up_force_store(store)
    window = open_app()
    assert window.store_queue is not None
    seen: list[object] = []
    window.store_queue.progress.connect(seen.append)

    said = export_zip_and_submit(qtbot, window, dialogs)

    assert "Queued for the evidence store" in said
    panel = panel_of(window)
    assert window.store_dock is not None and window.store_dock.isVisible()
    # The queue is one shortcut away (View › Evidence store queue), keyboard and all.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_U, _CTRL_SHIFT)
    assert not window.store_dock.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_U, _CTRL_SHIFT)
    assert window.store_dock.isVisible() and window.focusWidget() is panel.list
    wait_for_state(qtbot, window, "Done")
    assert seen, "progress (and speed) was reported while the bundle went up"
    assert window.vault is not None
    (receipt,) = queue.receipts_for_case(window.vault, demo.case_id)
    detail = panel.detail_text()
    for fact in (
        f"Bucket: {store.bucket}",
        f"Key: {receipt.key}",
        f"Version: {receipt.version_id}",
        f"SHA-256: {receipt.sha256}",
        f"Retained (COMPLIANCE) until: {receipt.retain_until:%Y-%m-%d}",
        "Legal hold: no",
    ):
        assert fact in detail
    assert not panel.retry_button.isEnabled() and not panel.cancel_button.isEnabled()
    # The officer saves the receipt for the evidence officer (rvr-verify --receipt).
    dialogs.save_file = tmp_path / "receipt.json"
    panel.save_receipt_button.click()
    saved = Receipt.from_json(json.loads(dialogs.save_file.read_text(encoding="utf-8")))
    assert saved == receipt
    # The receipt is in the case too.
    assert window.workspace is not None and window.workspace.store_panel is not None
    (line,) = window.workspace.store_panel.lines()
    assert line.startswith(f"Stored: {store.bucket}/{receipt.key} · version {receipt.version_id}")
    assert receipt.sha256 in line and "COMPLIANCE until" in line
    assert submitted_records(window.vault) == [f"store:{store.bucket}/{receipt.key}"]
    assert_kept_locked_and_intact(s3_server, receipt, tmp_path, demo.trust_root)


def test_without_a_store_set_up_the_officer_is_told_plainly_and_nothing_is_queued(
    qtbot: QtBot, open_app: WindowFactory, dialogs: ScriptedDialogs
) -> None:
    window = open_app()
    said = export_zip_and_submit(qtbot, window, dialogs)
    assert "Your force has not set up an evidence store" in said
    assert "Nothing was queued" in said
    assert window.vault is not None and queue.submissions(window.vault) == []


def test_a_bucket_without_object_lock_fails_with_the_reason_and_retry_works_once_fixed(
    qtbot: QtBot,
    open_app: WindowFactory,
    store: StoreSettings,
    s3_server: S3Server,
    demo: DemoVault,
    tmp_path: Path,
) -> None:
    unlocked = StoreSettings(**{**store.__dict__, "bucket": s3_server.locked_bucket(lock=False)})
    set_up_force_store(unlocked)
    window = open_app()
    window.app_actions.submit_to_store.trigger()  # Evidence › Submit to the evidence store…
    wait_for_state(qtbot, window, "Failed")
    panel = panel_of(window)
    assert "was not created with Object Lock" in panel.detail_text()
    assert "Nothing was uploaded" in panel.detail_text()
    assert "Failed:" in window.workspace.store_panel.lines()[0]  # type: ignore[union-attr]

    # The force's IT turns Object Lock on for the (still empty) bucket; the officer retries.
    client = s3_server.client()
    client.put_bucket_versioning(
        Bucket=unlocked.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    client.put_object_lock_configuration(
        Bucket=unlocked.bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
    )
    panel.list.setFocus()
    assert panel.retry_button.isEnabled()
    qtbot.keyClick(panel, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # &Retry
    wait_for_state(qtbot, window, "Done")
    assert window.vault is not None
    (receipt,) = queue.receipts_for_case(window.vault, demo.case_id)
    assert_kept_locked_and_intact(s3_server, receipt, tmp_path, demo.trust_root)


def test_cancel_mid_upload_leaves_no_receipt_and_no_half_record_and_notes_go_on(
    qtbot: QtBot,
    open_app: WindowFactory,
    store: StoreSettings,
    s3_server: S3Server,
    demo: DemoVault,
    tmp_path: Path,
) -> None:
    add_doorbell_video(demo, tmp_path)
    slow = ConnectionCutter(s3_server, pause=0.01)  # a slow uplink
    try:
        set_up_force_store(StoreSettings(**{**store.__dict__, "endpoint_url": slow.endpoint}))
        window = open_app()
        assert window.vault is not None and window.store_queue is not None
        vault = window.vault
        window.app_actions.submit_to_store.trigger()
        qtbot.waitUntil(
            lambda: any(s.upload_id for s in queue.submissions(vault)), timeout=UPLOAD_TIMEOUT_MS
        )
        panel = panel_of(window)
        assert panel.rows()[0][1] == "Uploading" and panel.bar.isVisible()
        # The call goes on while the bundle goes up: a note is typed and kept at once.
        type_note(qtbot, window, "Victim says the suspect has left the address.")
        assert [e.text for e in timeline.entries(vault, window.workspace.case.id)][-1] == (  # type: ignore[union-attr]
            "Victim says the suspect has left the address."
        )
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.rows() == [], timeout=UPLOAD_TIMEOUT_MS)
        qtbot.waitUntil(lambda: window.store_queue.sending is None, timeout=UPLOAD_TIMEOUT_MS)  # type: ignore[union-attr]
        (cancelled,) = queue.submissions(vault)
        assert cancelled.state is queue.SubmissionState.CANCELLED and cancelled.receipt is None
        assert submitted_records(vault) == []
        assert window.workspace.store_panel.lines() == []  # type: ignore[union-attr]
        client = s3_server.client()
        assert client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []
        assert client.list_object_versions(Bucket=store.bucket).get("Versions", []) == []
    finally:
        slow.close()


def _fast_again(connection: ConnectionCutter, after_s: float) -> None:
    time.sleep(after_s)
    connection.pause = 0.0


def test_an_upload_interrupted_by_closing_the_app_resumes_when_it_is_reopened(
    qtbot: QtBot,
    open_app: WindowFactory,
    store: StoreSettings,
    s3_server: S3Server,
    demo: DemoVault,
    tmp_path: Path,
) -> None:
    add_doorbell_video(demo, tmp_path)
    slow = ConnectionCutter(s3_server, pause=0.01)
    try:
        set_up_force_store(StoreSettings(**{**store.__dict__, "endpoint_url": slow.endpoint}))
        first = open_app()
        assert first.vault is not None
        vault = first.vault
        first.app_actions.submit_to_store.trigger()
        qtbot.waitUntil(
            lambda: any(s.upload_id for s in queue.submissions(vault)), timeout=UPLOAD_TIMEOUT_MS
        )
        # The officer closes the app mid-upload: the upload pauses at once, and is kept.
        # A moment later the network is fast again, so the parts on their way arrive soon.
        # A sleeping thread rather than threading.Timer: a timed wait on a condition is
        # what libfaketime's fast clock (./dev clock) can leave waiting for ever.
        speed_up = threading.Thread(target=_fast_again, args=(slow, 0.3))
        speed_up.start()
        first.close()
        speed_up.join()

        with Vault.unlock(demo.root, demo.passphrase) as closed:
            (waiting,) = queue.submissions(closed)
            assert waiting.state is queue.SubmissionState.WAITING and waiting.upload_id
            assert submitted_records(closed) == []

        again = open_app()  # the next morning: the queue resumes on unlock, by itself
        wait_for_state(qtbot, again, "Done")
        assert again.vault is not None
        (receipt,) = queue.receipts_for_case(again.vault, demo.case_id)
        assert submitted_records(again.vault) == [f"store:{store.bucket}/{receipt.key}"]
        assert_kept_locked_and_intact(s3_server, receipt, tmp_path, demo.trust_root)
    finally:
        slow.close()


def test_wrong_access_key_is_refused_then_the_right_one_kept_in_settings_sends_it(
    qtbot: QtBot,
    open_app: WindowFactory,
    dialogs: ScriptedDialogs,
    store: StoreSettings,
    demo: DemoVault,
    tmp_path: Path,
) -> None:
    from tests.store.s3 import REGION, start_moto_process, stop

    checking = start_moto_process({"INITIAL_NO_AUTH_ACTION_COUNT": "4"})
    try:
        iam = _iam(checking)
        iam.create_user(UserName="pc-4521")
        iam.put_user_policy(
            UserName="pc-4521",
            PolicyName="rvr-officer",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                }
            ),
        )
        issued = iam.create_access_key(UserName="pc-4521")["AccessKey"]
        bucket = "rvr-evidence-checked"
        checking.client().create_bucket(
            Bucket=bucket,
            ObjectLockEnabledForBucket=True,
            CreateBucketConfiguration={"LocationConstraint": REGION},
        )
        set_up_force_store(
            StoreSettings(**{**store.__dict__, "endpoint_url": checking.endpoint, "bucket": bucket})
        )
        window = open_app()
        window.app_actions.submit_to_store.trigger()  # with this computer's (wrong) key
        wait_for_state(qtbot, window, "Failed")
        panel = panel_of(window)
        assert "refused" in panel.detail_text() and "access key" in panel.detail_text()

        def enter_key(dialog: QDialog) -> bool:
            assert isinstance(dialog, SettingsDialog)
            dialog.tabs.setCurrentIndex(STORE_TAB)
            key_panel = dialog.store
            assert f"bucket {bucket}" in key_panel.where.text()
            assert key_panel.key_state.text() == "No access key is kept in the vault."
            qtbot.keyClicks(key_panel.key_id_field, issued["AccessKeyId"])
            qtbot.keyClicks(key_panel.secret_field, issued["SecretAccessKey"])
            key_panel.save_button.click()
            assert issued["AccessKeyId"] in key_panel.key_state.text()
            assert key_panel.secret_field.text() == "" and key_panel.key_id_field.text() == ""
            shown = " ".join(w.text() for w in (key_panel.key_state, key_panel.message))
            assert issued["SecretAccessKey"] not in shown
            dialog.reject()
            return False

        dialogs.expect(enter_key)
        window.app_actions.settings.trigger()
        assert window.vault is not None
        kept = stored_access_key(window.vault)
        assert kept is not None and kept.key_id == issued["AccessKeyId"]
        assert issued["SecretAccessKey"] not in settings_file().read_text(encoding="utf-8")

        panel.retry_button.click()
        wait_for_state(qtbot, window, "Done")
        (receipt,) = queue.receipts_for_case(window.vault, demo.case_id)
        assert receipt.bucket == bucket

        def forget_key(dialog: QDialog) -> bool:
            assert isinstance(dialog, SettingsDialog)
            key_panel = dialog.store
            assert key_panel.forget_button.isEnabled()
            key_panel.forget_button.click()  # the scripted dialogs confirm
            assert key_panel.key_state.text() == "No access key is kept in the vault."
            assert not key_panel.forget_button.isEnabled()
            dialog.reject()
            return False

        dialogs.expect(forget_key)
        window.app_actions.settings.trigger()
        assert stored_access_key(window.vault) is None
    finally:
        stop(checking)


def _iam(server: S3Server) -> object:
    import boto3

    from tests.store.s3 import REGION

    return boto3.client(
        "iam",
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_evidence_officer_opens_a_stored_bundle_in_the_verify_window(
    qtbot: QtBot,
    services: Services,
    dialogs: ScriptedDialogs,
    store: StoreSettings,
    demo_bundles: DemoBundles,
    tmp_path: Path,
) -> None:
    receipt = send_without_vault(demo_bundles.zip, store, make_client(store))
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_text(json.dumps(receipt.to_json()), encoding="utf-8")
    services.settings.trusted_roots = [
        StoredRoot(demo_bundles.trust_root.read_text(encoding="ascii"), "demo root")
    ]
    window = VerifyWindow(services)
    qtbot.addWidget(window)
    window.show()

    def ask(dialog: QDialog) -> bool:
        assert isinstance(dialog, StoreOpenDialog)
        qtbot.keyClicks(dialog.bucket_field, receipt.bucket)
        qtbot.keyClicks(dialog.key_field, receipt.key)
        dialog.endpoint_field.setText(store.endpoint_url)
        dialogs.open_file = receipt_file
        dialog.browse_button.click()
        assert dialog.receipt_field.text() == str(receipt_file)
        dialog.accept()
        return True

    dialogs.expect(ask)
    with qtbot.waitSignal(window.verified, timeout=UPLOAD_TIMEOUT_MS):
        qtbot.mouseClick(window.open_store_button, Qt.MouseButton.LeftButton)
    assert window.banner.headline.text().startswith("VERIFIED")
    rows = {name: (outcome, reason) for outcome, name, reason in window.checks.rows()}
    assert rows["object lock mode"][0] == "PASS"
    assert rows["object lock retention"][0] == "PASS"
    assert rows["receipt's version"][0] == "PASS"
    assert receipt.version_id in rows["receipt's version"][1]
    assert f"s3://{receipt.bucket}/{receipt.key}" in window.path_label.text()
    assert not window.statement_button.isEnabled(), "no local copy is left to open"


def test_a_slow_download_from_the_store_shows_progress_and_cancel_stops_it(
    qtbot: QtBot,
    services: Services,
    store: StoreSettings,
    s3_server: S3Server,
    demo: DemoVault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
    from rvr_desktop.evidence.bundle.layout import BundleLayout
    from rvr_desktop.evidence.progress import Cancelled
    from rvr_desktop.ui.store_open_dialog import StoreRequest

    add_doorbell_video(demo, tmp_path)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        request = ExportRequest(
            demo.case_id,
            tmp_path,
            "The force's evidence store",
            "Kept for the CPS",
            BundleLayout.ZIP,
        )
        bundle = export_case(vault, request).bundle
    receipt = send_without_vault(bundle, store, make_client(store))
    downloads = tmp_path / "private-temp"
    downloads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(downloads))
    slow = ConnectionCutter(s3_server, download_pause=0.01)
    try:
        window = VerifyWindow(services)
        qtbot.addWidget(window)
        window.show()
        address = Bucket(receipt.bucket, slow.endpoint)
        stored = StoredBundle(receipt.bucket, receipt.key)
        seen: list[tuple[object, object]] = []
        with qtbot.waitSignal(window.stopped, timeout=UPLOAD_TIMEOUT_MS) as stopped:
            window.open_from_store(StoreRequest(stored, address))
            task = window.progress.task
            assert task is not None and window.progress.isVisibleTo(window)
            assert not window.open_store_button.isEnabled()
            task.progress.connect(lambda done, total: seen.append((done, total)))
            qtbot.waitUntil(lambda: bool(seen), timeout=UPLOAD_TIMEOUT_MS)
            qtbot.mouseClick(window.progress.cancel_button, Qt.MouseButton.LeftButton)
        assert isinstance(stopped.args[0], Cancelled)
        done, total = seen[0]
        assert 0 < int(str(done)) < int(str(total)) == receipt.size_bytes, "part-way through"
        assert "cancelled" in window.banner.detail.text()
        assert window.status is None and window.open_store_button.isEnabled()
        assert list(downloads.iterdir()) == [], "the partial download was removed"
    finally:
        slow.close()


def test_an_unexpected_problem_stops_one_bundle_calmly_and_retry_sends_it(
    qtbot: QtBot,
    open_app: WindowFactory,
    store: StoreSettings,
    demo: DemoVault,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import rvr_desktop.ui.store_queue as store_queue_module

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug, with case words it must not show")

    set_up_force_store(store)
    with monkeypatch.context() as patched:
        patched.setattr(store_queue_module, "make_client", broken)
        window = open_app()
        window.app_actions.submit_to_store.trigger()
        wait_for_state(qtbot, window, "Failed")
        panel = panel_of(window)
        assert "Something unexpected went wrong while sending this bundle" in panel.detail_text()
        assert "case words" not in panel.detail_text()
        assert window.store_queue is not None and window.store_queue.sending is None, "no loop"
    # The bug is fixed; the officer retries.
    panel.retry_button.click()
    wait_for_state(qtbot, window, "Done")
    assert window.vault is not None
    assert len(queue.receipts_for_case(window.vault, demo.case_id)) == 1
