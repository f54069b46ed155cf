"""An officer sends a case's bundle to the force's evidence store, and the store keeps it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rvr_desktop.evidence.progress import Cancelled, CancelToken
from rvr_desktop.evidence.store import queue
from rvr_desktop.evidence.store.client import make_client
from rvr_desktop.evidence.store.errors import BucketHasNoObjectLock, StoreUnreachable
from rvr_desktop.evidence.store.outbox import outbox_dir
from rvr_desktop.evidence.store.receipt import Receipt
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.store.submission import submit_case
from rvr_desktop.evidence.vault import audit as audit_log
from rvr_desktop.paths import settings_file
from tests.store.conftest import SMALL_PART, CaseToSend
from tests.store.kept import assert_kept_locked_and_intact
from tests.store.proxies import ConnectionCutter
from tests.store.s3 import S3Server, start_moto, stop


def _submitted_records(case: CaseToSend) -> list[str]:
    with case.unlock() as vault, vault.reader() as tx:
        return [
            r.body.subject
            for r in audit_log.iter_records(tx)
            if r.body is not None and r.body.action == queue.SUBMITTED_ACTION
        ]


def test_officer_sends_a_case_and_the_store_keeps_it_locked_with_a_receipt(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    tmp_path: Path,
) -> None:
    seen: list[tuple[int, int]] = []
    with case_to_send.unlock() as vault:
        receipt = submit_case(
            vault,
            case_to_send.demo.case_id,
            store,
            make_client(store),
            progress=lambda done, total: seen.append((done, total)),
        )
        (done,) = queue.submissions(vault, case_to_send.demo.case_id)
        assert done.state is queue.SubmissionState.DONE and done.receipt == receipt
        assert not list(outbox_dir(vault).iterdir()), "the sent bundle left the outbox"
    assert receipt.bucket == store.bucket
    assert receipt.key == f"rvr/{receipt.bundle_name}"
    assert receipt.key.startswith("rvr/RVR-DEMO-2026-0001-") and "Smith" not in receipt.key
    assert receipt.retention_mode == "COMPLIANCE"
    assert receipt.retain_until >= datetime.now(UTC) + timedelta(days=29)
    assert seen[-1][0] == seen[-1][1] == receipt.size_bytes and len(seen) >= 3
    assert _submitted_records(case_to_send) == [f"store:{store.bucket}/{receipt.key}"]
    assert_kept_locked_and_intact(s3_server, receipt, tmp_path, case_to_send.demo.trust_root)


def test_a_bucket_without_object_lock_is_refused_before_anything_is_sent(
    s3_server: S3Server, store: StoreSettings, case_to_send: CaseToSend
) -> None:
    unlocked = StoreSettings(**{**store.__dict__, "bucket": s3_server.locked_bucket(lock=False)})
    with case_to_send.unlock() as vault:
        with pytest.raises(BucketHasNoObjectLock, match="Nothing was uploaded"):
            submit_case(vault, case_to_send.demo.case_id, unlocked, make_client(unlocked))
        (failed,) = queue.submissions(vault)
        assert failed.state is queue.SubmissionState.FAILED
        assert "Object Lock" in failed.error and failed.upload_id is None
        assert failed.bundle.is_file(), "the bundle is kept for a retry"
    client = s3_server.client()
    assert client.list_multipart_uploads(Bucket=unlocked.bucket).get("Uploads", []) == []
    assert client.list_object_versions(Bucket=unlocked.bucket).get("Versions", []) == []
    assert _submitted_records(case_to_send) == []


def test_the_store_going_down_mid_upload_resumes_from_the_parts_it_kept(
    store: StoreSettings, case_to_send: CaseToSend, tmp_path: Path
) -> None:
    """Sending the case again (`rvr-desktop submit --case` run again, as its message says)
    resumes the failed submission: never a second export, nor a second copy in the store."""
    own = start_moto()
    settings = StoreSettings(**{**store.__dict__, "endpoint_url": own.endpoint})
    settings = StoreSettings(**{**settings.__dict__, "bucket": own.locked_bucket()})
    stopped: list[bool] = []

    def stop_after_the_first_part(done: int, total: int) -> None:
        if done >= SMALL_PART and not stopped:
            stopped.append(True)
            stop(own)

    with case_to_send.unlock() as vault:
        case_id = case_to_send.demo.case_id
        with pytest.raises(StoreUnreachable, match="stays in the queue"):
            submit_case(
                vault, case_id, settings, make_client(settings), progress=stop_after_the_first_part
            )
        (interrupted,) = queue.submissions(vault)
        assert interrupted.state is queue.SubmissionState.FAILED
        assert interrupted.upload_id, "the upload ID was kept for resuming"
        again = start_moto(own.port)
        try:
            receipt = submit_case(vault, case_id, settings, make_client(settings))
            (done,) = queue.submissions(vault)
            assert done.id == interrupted.id and done.state is queue.SubmissionState.DONE
            assert receipt.bundle_name == interrupted.bundle_name
            assert not list(outbox_dir(vault).iterdir())
            client = again.client()
            stored = client.list_object_versions(Bucket=settings.bucket).get("Versions", [])
            assert [v["Key"] for v in stored] == [receipt.key]
            assert client.list_multipart_uploads(Bucket=settings.bucket).get("Uploads", []) == []
            assert_kept_locked_and_intact(again, receipt, tmp_path, case_to_send.demo.trust_root)
        finally:
            stop(again)
    assert len(_submitted_records(case_to_send)) == 1


def test_cancel_drops_the_upload_and_records_nothing(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
) -> None:
    token = CancelToken()

    def cancel_after_a_part(done: int, total: int) -> None:
        if done >= SMALL_PART:
            token.cancel()

    with case_to_send.unlock() as vault:
        with pytest.raises(Cancelled):
            submit_case(
                vault,
                case_to_send.demo.case_id,
                store,
                make_client(store),
                progress=cancel_after_a_part,
                cancel=token,
            )
        (cancelled,) = queue.submissions(vault)
        assert cancelled.state is queue.SubmissionState.CANCELLED
        assert not list(outbox_dir(vault).iterdir()), "nothing will send it: it left the outbox"
    client = s3_server.client()
    assert client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []
    assert client.list_object_versions(Bucket=store.bucket).get("Versions", []) == []
    assert _submitted_records(case_to_send) == []


def test_a_paused_upload_stays_queued_and_resumes_into_one_object(
    s3_server: S3Server, store: StoreSettings, case_to_send: CaseToSend, tmp_path: Path
) -> None:
    pause = CancelToken()

    def pause_after_a_part(done: int, total: int) -> None:
        if done >= SMALL_PART:
            pause.cancel()

    with case_to_send.unlock() as vault:
        with pytest.raises(queue.Paused, match="resumes from the parts already stored"):
            submit_case(
                vault,
                case_to_send.demo.case_id,
                store,
                make_client(store),
                progress=pause_after_a_part,
                cancel=CancelToken(),
                pause=pause,
            )
        (paused,) = queue.submissions(vault)
        assert paused.state is queue.SubmissionState.WAITING and paused.upload_id
        receipt = submit_case(vault, case_to_send.demo.case_id, store, make_client(store))
    assert len(_submitted_records(case_to_send)) == 1
    assert_kept_locked_and_intact(s3_server, receipt, tmp_path, case_to_send.demo.trust_root)


def test_the_receipt_is_in_the_audit_chain_and_the_next_export(
    s3_server: S3Server, store: StoreSettings, case_to_send: CaseToSend, tmp_path: Path
) -> None:
    from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
    from rvr_desktop.evidence.case.consistency import vault_problems

    with case_to_send.unlock() as vault:
        receipt = submit_case(vault, case_to_send.demo.case_id, store, make_client(store))
        assert vault_problems(vault) == []
        later = export_case(
            vault,
            ExportRequest(case_to_send.demo.case_id, tmp_path, "CPS Direct", "File to CPS"),
        )
    chain = (later.bundle / "data" / "audit" / "audit-chain.jsonl").read_text(encoding="utf-8")
    submitted = [
        json.loads(line)["body"] for line in chain.splitlines() if '"bundle.submitted"' in line
    ]
    assert [s["subject"] for s in submitted] == [f"store:{receipt.bucket}/{receipt.key}"]


def test_the_app_killed_mid_upload_resumes_with_one_object_and_one_receipt(
    s3_server: S3Server, store: StoreSettings, case_to_send: CaseToSend, tmp_path: Path
) -> None:
    """A closed laptop or a killed process: the next run resumes from the parts stored."""
    slow = ConnectionCutter(s3_server, pause=0.02)
    command = [
        sys.executable,
        "-m",
        "rvr_desktop.cli.main",
        "submit",
        "--vault",
        str(case_to_send.demo.root),
        "--passphrase-file",
        str(case_to_send.demo.passphrase_file),
        "--case",
        case_to_send.demo.case_reference,
        "--endpoint-url",
        slow.endpoint,
        "--bucket",
        store.bucket,
        "--retention-days",
        "30",
        "--json",
    ]
    settings_file().parent.mkdir(parents=True, exist_ok=True)
    settings_file().write_text("[evidence_store]\npart_size_mib = 5\n", encoding="utf-8")
    env = dict(os.environ)
    try:
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        client = s3_server.client()
        parts_stored = 0
        for _ in range(1200):
            uploads = client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])
            if uploads:
                upload = uploads[0]
                parts = client.list_parts(
                    Bucket=store.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                ).get("Parts", [])
                parts_stored = len(parts)
                if parts_stored:
                    break
            if child.poll() is not None:
                break
            time.sleep(0.1)
        child.kill()
        child.wait()
        assert parts_stored >= 1, "killed after the store held a part"
        slow.pause = 0.0
        again = subprocess.run(command, env=env, capture_output=True, check=False, timeout=300)
    finally:
        slow.close()
    assert again.returncode == 0, again.stderr.decode()
    assert b"Resuming" in again.stderr
    receipt = Receipt.from_json(json.loads(again.stdout))
    assert len(_submitted_records(case_to_send)) == 1
    assert_kept_locked_and_intact(s3_server, receipt, tmp_path, case_to_send.demo.trust_root)


def test_killed_after_the_store_completed_the_upload_it_is_recorded_once_not_resent(
    s3_server: S3Server, store: StoreSettings, case_to_send: CaseToSend, tmp_path: Path
) -> None:
    """The store holds the whole object but the receipt was never kept (the process died
    between the two): the next attempt finds the object, checks it, and records it once."""
    from rvr_desktop.evidence.store.outbox import export_for_store
    from rvr_desktop.evidence.store.upload import upload_bundle

    client = make_client(store)
    with case_to_send.unlock() as vault:
        bundle = export_for_store(vault, case_to_send.demo.case_id, store)
        submission = queue.enqueue(vault, case_to_send.demo.case_id, bundle, store)
        upload_bundle(
            client,
            store,
            submission.plan(),
            on_upload_id=lambda upload_id: queue._keep_upload_id(vault, submission.id, upload_id),
        )
        # ... and here the process died: the row still says 'waiting' with its upload ID.
        receipt = queue.submit(vault, queue.get_submission(vault, submission.id), client)
    assert len(_submitted_records(case_to_send)) == 1
    assert_kept_locked_and_intact(s3_server, receipt, tmp_path, case_to_send.demo.trust_root)
