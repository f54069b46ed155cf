"""One original statement: signed when the witness confirmed it, kept in the vault, and
carried byte for byte by every export; a change is a further statement, never a re-signing."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.case.mg11 import StatementNotReady, record_read_back
from rvr_desktop.evidence.case.signed_statement import (
    NoSignedStatement,
    StatementAlreadySigned,
    read_signed_pdf,
    sign_statement,
    signed_statements,
    start_further_statement,
)
from rvr_desktop.evidence.errors import NotAllowed
from rvr_desktop.evidence.signing.identity_store import read_credential
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault, audit
from tests.bundle.conftest import DemoBundle
from tests.bundle.reseal import reseal

STATEMENT = "data/statement/MG11-statement.pdf"
FURTHER = "data/statement/MG11-statement-2.pdf"


def _export(vault: Vault, demo: DemoBundle, out: Path) -> Path:
    out.mkdir(exist_ok=True)
    request = ExportRequest(demo.demo.case_id, out, "CPS Direct", "Charging decision requested")
    return export_case(vault, request).bundle


def _kept_original(vault: Vault, case_id: int, number: int = 1) -> bytes:
    signed = signed_statements(vault, case_id)[number - 1]
    with vault.reader() as tx:
        return read_signed_pdf(tx, signed)


def _take_further_statement(vault: Vault, case_id: int, text: str) -> forms.FormVersion:
    """The officer starts a further statement, reads it back and the witness confirms it."""
    started = start_further_statement(vault, case_id)
    answers = {**started.answers, "statement_text": text}
    forms.save_draft(vault, started.form_id, answers)
    forms.finalise(vault, started.form_id)
    record_read_back(vault, case_id)
    answers["witness_signature"] = {
        "method": "typed_name",
        "name": str(answers["witness_name"]),
        "signed_at": "2026-03-15T10:00:00+00:00",
    }
    forms.save_draft(vault, started.form_id, answers)
    return forms.finalise(vault, started.form_id)


def test_two_exports_of_a_case_hold_the_statement_signed_when_the_witness_confirmed_it(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        kept = _kept_original(vault, demo_bundle.demo.case_id)
        signed = signed_statements(vault, demo_bundle.demo.case_id)[0]
        second = _export(vault, demo_bundle, tmp_path / "second")
        with vault.reader() as tx:
            record = next(r for r in audit.iter_records(tx) if r.seq == signed.audit_seq)
    first_bytes = (demo_bundle.bundle / STATEMENT).read_bytes()
    assert first_bytes == kept == (second / STATEMENT).read_bytes()
    assert record.body is not None and record.body.action == "statement.signed"
    assert record.body.content_sha256 == hashlib.sha256(kept).hexdigest()
    # Signed when the witness confirmed it, before the export that carries it.
    info = (second / "bag-info.txt").read_text()
    assert signed.signed_utc_ms < record.body.utc_ms + 1
    assert "RVR-Export-Time" in info


def test_a_signed_statement_never_changes_and_is_never_signed_again(
    demo_bundle: DemoBundle,
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        case_id = demo_bundle.demo.case_id
        signed = signed_statements(vault, case_id)[0]
        with pytest.raises(StatementAlreadySigned, match="further statement"):
            sign_statement(vault, case_id)
        latest = forms.latest_version(vault, signed.form_id)
        changed = {**latest.answers, "statement_text": "Something else entirely."}
        with pytest.raises(NotAllowed, match="a change is a further statement"):
            forms.save_draft(vault, signed.form_id, changed)
        for sql in (
            "UPDATE signed_statements SET pdf = x'00'",
            "DELETE FROM signed_statements",
        ):
            refused = pytest.raises(NotAllowed, match=r"(?i)signed statement")
            with refused, vault.transaction() as tx:
                tx.execute(sql)
        assert _kept_original(vault, case_id)  # still there, still matching its hash


def test_a_statement_cannot_be_signed_before_the_witness_confirms_it(
    demo_bundle: DemoBundle,
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        case_id = demo_bundle.demo.case_id
        started = start_further_statement(vault, case_id)
        assert started.answers["witness_name"]  # who the witness is carries over
        assert "statement_text" not in started.answers or not started.answers["statement_text"]
        with pytest.raises(StatementNotReady, match="Finalise the MG11"):
            sign_statement(vault, case_id)
        with pytest.raises(NoSignedStatement):
            start_further_statement(vault, case_id)


def test_a_further_statement_goes_beside_the_first_and_the_bundle_verifies(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        case_id = demo_bundle.demo.case_id
        _take_further_statement(vault, case_id, "I want to add that he also took my phone.")
        further = sign_statement(vault, case_id)
        assert further.number == 2
        # A third, started but not confirmed, stays out of the bundle and says so.
        start_further_statement(vault, case_id)
        bundle = _export(vault, demo_bundle, tmp_path / "out")
        kept_second = _kept_original(vault, case_id, 2)
    assert (bundle / STATEMENT).read_bytes() == (demo_bundle.bundle / STATEMENT).read_bytes()
    assert (bundle / FURTHER).read_bytes() == kept_second
    assert (bundle / "data/restricted/MG11-form-2.json").is_file()
    assert not (bundle / "data/statement/MG11-statement-3.pdf").exists()
    status = verify_bundle(bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line, [c for c in status.checks if c.outcome.value != "PASS"]
    titles = [c.shown_title for c in status.checks]
    assert "Signature on MG11 statement 2 (a further statement)" in titles


def test_the_verifier_refuses_a_statement_that_is_not_the_original_the_vault_kept(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    """An insider with the officer's key swaps in a statement signed later and re-seals."""
    bundle = tmp_path / "rewritten"
    shutil.copytree(demo_bundle.bundle, bundle)
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        case_id = demo_bundle.demo.case_id
        _take_further_statement(vault, case_id, "A statement signed another day.")
        sign_statement(vault, case_id)
        (bundle / STATEMENT).write_bytes(_kept_original(vault, case_id, 2))
        with vault.reader() as tx:
            credential = read_credential(tx, vault)
    reseal(bundle, credential)
    status = verify_bundle(bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert not status.bottom_line
    check = next(
        c for c in status.checks if c.name == "notes, forms and exhibits match the audit chain"
    )
    assert check.outcome.value == "FAIL"
    assert "MG11-statement.pdf is not the statement the vault kept" in check.reason


def test_a_statement_confirmed_before_signing_at_confirmation_is_signed_once_at_export(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    """A vault from before this change: the confirmed statement was never kept signed."""
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        case = cases.create_case(vault, "LEGACY/1", "Witness (legacy)")
        registry = forms.registry_for_vault(vault)
        mg11 = registry.get("mg11")
        answers = dict(mg11.example or {})
        form = forms.create_form(vault, case.id, mg11, answers)
        forms.finalise(vault, form.form_id)
        record_read_back(vault, case.id)
        timeline.append_note(vault, case.id, "Statement confirmed on the call.")
        assert signed_statements(vault, case.id) == []
        (tmp_path / "1").mkdir()
        (tmp_path / "2").mkdir()
        first = export_case(vault, ExportRequest(case.id, tmp_path / "1", "CPS", "Charging"))
        second = export_case(vault, ExportRequest(case.id, tmp_path / "2", "CPS", "Charging"))
        assert len(signed_statements(vault, case.id)) == 1
    assert (first.bundle / STATEMENT).read_bytes() == (second.bundle / STATEMENT).read_bytes()


def test_destroying_a_case_removes_its_signed_statements(demo_bundle: DemoBundle) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        case_id = demo_bundle.demo.case_id
        cases.set_status(vault, case_id, "closed")
        tombstone = cases.destroy_case(vault, case_id, "Retention period ended (test)")
        with vault.reader() as tx:
            left = tx.scalar("SELECT count(*) FROM signed_statements")
    assert left == 0
    assert tombstone.manifest["signed_statements_sha256"]


def test_a_safe_word_said_in_a_further_statement_stays_signed_and_is_listed_for_redaction(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        case_id = demo_bundle.demo.case_id
        _take_further_statement(
            vault, case_id, "If I ask is my parcel still coming? it means he is back. I am scared."
        )
        sign_statement(vault, case_id)
        bundle = _export(vault, demo_bundle, tmp_path / "out")
    check = json.loads((bundle / "data" / "disclosure-check.json").read_text())
    assert ("data/statement/MG11-statement-2.pdf", "safe word") in {
        (p["file"], p["detail"]) for p in check["places"]
    }
    assert "parcel still coming" not in json.dumps(check).lower()
    status = verify_bundle(bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line and status.disclosure_places == check["count"]
