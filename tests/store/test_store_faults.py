"""What the network and the store can get wrong, and what the officer is told.

The test server does not check part checksums and ignores a multipart upload's lock, so
these tests make the store's own account of the object wrong on purpose (through a proxy
that rewrites HeadObject) and prove that our read-back catches each mistake: the server
would not.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

import pytest

from rvr_desktop.evidence.store import queue
from rvr_desktop.evidence.store.client import AccessKey, make_client, store_errors
from rvr_desktop.evidence.store.errors import StoreAccessDenied, StoredNotAsSent, StoreUnreachable
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.store.submission import submit_case
from rvr_desktop.evidence.vault import audit as audit_log
from tests.store.conftest import SMALL_PART, CaseToSend
from tests.store.kept import assert_kept_locked_and_intact
from tests.store.proxies import ConnectionCutter, Headers, rewriting_head
from tests.store.s3 import S3Server, start_moto_process, stop


def _nothing_recorded(case: CaseToSend) -> None:
    with case.unlock() as vault:
        (failed,) = queue.submissions(vault)
        assert failed.state is queue.SubmissionState.FAILED and failed.receipt is None
        with vault.reader() as tx:
            actions = {r.body.action for r in audit_log.iter_records(tx) if r.body is not None}
    assert queue.SUBMITTED_ACTION not in actions


def test_a_connection_cut_in_the_middle_of_a_part_still_ends_with_one_locked_bundle(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    tmp_path: Path,
) -> None:
    cutter = ConnectionCutter(s3_server, cut_after=SMALL_PART // 2)
    try:
        through = replace(store, endpoint_url=cutter.endpoint)
        with case_to_send.unlock() as vault:
            receipt = submit_case(vault, case_to_send.demo.case_id, through, make_client(through))
    finally:
        cutter.close()
    assert cutter.cuts == 1, "the connection was cut mid-part"
    assert_kept_locked_and_intact(s3_server, receipt, tmp_path, case_to_send.demo.trust_root)


def _wrong_checksum(headers: Headers) -> Headers:
    zeros = base64.b64encode(bytes(32)).decode()
    return {k: (zeros if k.lower() == "x-amz-checksum-sha256" else v) for k, v in headers.items()}


def _no_lock(headers: Headers) -> Headers:
    return {k: v for k, v in headers.items() if not k.lower().startswith("x-amz-object-lock")}


def _other_version(headers: Headers) -> Headers:
    return {
        k: ("a-version-nobody-sent" if k.lower() == "x-amz-version-id" else v)
        for k, v in headers.items()
    }


@pytest.mark.parametrize(
    ("rewrite", "named"),
    [
        (_wrong_checksum, "the SHA-256 checksum is"),
        (_no_lock, "the lock mode is None, not 'COMPLIANCE'"),
        (_other_version, "the version is 'a-version-nobody-sent'"),
    ],
    ids=["wrong checksum", "missing lock", "wrong version"],
)
def test_a_store_that_did_not_keep_what_was_sent_is_caught_by_the_read_back(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    rewrite: object,
    named: str,
) -> None:
    with rewriting_head(s3_server, rewrite) as endpoint:  # type: ignore[arg-type]
        lying = replace(store, endpoint_url=endpoint)
        with case_to_send.unlock() as vault, pytest.raises(StoredNotAsSent) as caught:
            submit_case(vault, case_to_send.demo.case_id, lying, make_client(lying))
    assert named in str(caught.value)
    assert "not recorded as done" in str(caught.value)
    _nothing_recorded(case_to_send)


def test_wrong_credentials_are_refused_in_plain_words_and_nothing_is_sent(
    store: StoreSettings, case_to_send: CaseToSend
) -> None:
    checking = start_moto_process({"INITIAL_NO_AUTH_ACTION_COUNT": "0"})
    try:
        settings = replace(store, endpoint_url=checking.endpoint)
        client = make_client(settings, AccessKey("AKIAEXAMPLEWRONGKEY1", "not the secret"))
        with case_to_send.unlock() as vault, pytest.raises(StoreAccessDenied) as refused:
            submit_case(vault, case_to_send.demo.case_id, settings, client)
    finally:
        stop(checking)
    message = str(refused.value)
    assert "refused" in message and "access key" in message and "stays in the queue" in message
    _nothing_recorded(case_to_send)


def test_a_raw_network_error_botocore_lets_through_is_the_store_unreachable(
    store: StoreSettings,
) -> None:
    """A reset between botocore's retries can reach us as a bare OSError; the officer still
    gets the plain 'cannot reach the store' message, and the bundle stays queued."""
    unreachable = pytest.raises(StoreUnreachable, match="stays in the queue")
    with unreachable as caught, store_errors(store, "upload the bundle"):
        raise ConnectionResetError(104, "Connection reset by peer")
    assert "Connection reset by peer" in str(caught.value)
