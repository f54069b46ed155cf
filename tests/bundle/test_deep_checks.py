"""Changes re-signed by someone holding the key are still caught by the deeper checks."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from rvr_desktop.evidence.bundle.result import Outcome, Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault
from tests.bundle.conftest import DemoBundle
from tests.bundle.reseal import reseal


def _officer_key(bundle: DemoBundle):  # type: ignore[no-untyped-def]
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        return load_credential(vault)


def _failed(status, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.reason for c in status.checks if c.outcome is Outcome.FAIL and name in c.name]


def test_resealing_an_unchanged_bundle_still_verifies(demo_bundle: DemoBundle) -> None:
    """Control: the reseal helper itself does not break a good bundle."""
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line, [c for c in status.checks if c.outcome is not Outcome.PASS]


def test_an_incremental_update_to_the_signed_statement_fails(demo_bundle: DemoBundle) -> None:
    statement = demo_bundle.bundle / "data" / "statement" / "MG11-statement.pdf"
    signed = statement.read_bytes()
    writer = PdfWriter(statement, incremental=True)
    writer.add_metadata({"/Title": "Edited after signing"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert buffer.getvalue().startswith(signed), "must be an incremental update"
    statement.write_bytes(buffer.getvalue())
    assert len(PdfReader(statement).pages) >= 3
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.verdict is Verdict.FAILED
    assert _failed(status, "MG11-statement.pdf"), [c.reason for c in status.checks]


def test_a_note_rewritten_in_the_bundle_is_caught_by_the_audit_chain(
    demo_bundle: DemoBundle,
) -> None:
    timeline = demo_bundle.bundle / "data" / "notes" / "timeline.json"
    doc = json.loads(timeline.read_text())
    note = next(e for e in doc["entries"] if e["kind"] == "note")
    note["text"] = "Victim says nothing happened."
    timeline.write_text(json.dumps(doc))
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    reasons = _failed(status, "audit chain")
    assert status.verdict is Verdict.FAILED and reasons
    assert f"note:{note['id']} differs from the audit chain" in " ".join(reasons)


def test_a_removed_exhibit_is_caught_by_the_audit_chain(demo_bundle: DemoBundle) -> None:
    case_json = demo_bundle.bundle / "data" / "case.json"
    doc = json.loads(case_json.read_text())
    gone = doc["exhibits"].pop()
    (demo_bundle.bundle / "data" / gone["path"]).unlink()
    case_json.write_text(json.dumps(doc))
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert any(gone["exhibit_ref"] in r for r in _failed(status, "audit chain"))


@pytest.mark.parametrize("planted", ["exhibits/JS-2/planted.pdf", "exhibits/JS-9/letter.pdf"])
def test_a_file_planted_among_the_exhibits_is_caught_though_resealed(
    demo_bundle: DemoBundle, planted: str
) -> None:
    target = demo_bundle.bundle / "data" / planted
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"%PDF-1.7\n% not the victim's evidence\n")
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.verdict is Verdict.FAILED
    assert any(
        f"data/{planted} is in the exhibits folder but is no exhibit the case lists" in reason
        for reason in _failed(status, "audit chain")
    )


def test_a_rewritten_audit_record_breaks_the_chain_at_that_record(
    demo_bundle: DemoBundle,
) -> None:
    chain = demo_bundle.bundle / "data" / "audit" / "audit-chain.jsonl"
    lines = chain.read_text().splitlines()
    record = json.loads(lines[10])
    record["body"]["actor"] = "Someone Else"
    lines[10] = json.dumps(record)
    chain.write_text("\n".join(lines) + "\n")
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert any(f"record {record['seq']} is broken" in r for r in _failed(status, "audit chain"))


def test_a_bundle_signed_by_an_unknown_certificate_fails_trust_until_its_root_is_given(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    stranger_ca = TrainingCertificateAuthority.create(now=now)
    stranger = stranger_ca.issue_officer(OfficerProfile("Mallory Example", "PC 9999"), now=now)
    reseal(demo_bundle.bundle, stranger)
    trusted = TrustStore.from_paths([demo_bundle.root_pem])
    status = verify_bundle(demo_bundle.bundle, trusted)
    assert not status.trusted and status.verdict in (Verdict.FAILED, Verdict.NOT_TRUSTED)
    assert not status.bottom_line
    stranger_root = tmp_path / "stranger.pem"
    stranger_root.write_bytes(stranger_ca.root_pem())
    both = TrustStore.from_paths([stranger_root])
    again = verify_bundle(demo_bundle.bundle, both)
    assert again.trusted
    # The statement PDFs were signed by the officer, not by this signer: still a failure.
    assert _failed(again, "signed PDF")


@pytest.mark.parametrize("member", ["../evil.txt", "/etc/evil.txt", "data/../../evil.txt"])
def test_a_hostile_zip_is_refused_and_writes_nothing_outside(
    tmp_path: Path, member: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    from rvr_desktop.cli.verify import main as rvr_verify

    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        archive.writestr(member, "owned")
    before = set(tmp_path.parent.iterdir())
    assert rvr_verify([str(hostile)]) == 1
    out = capsys.readouterr().out
    assert "FAIL          Safe to open" in out
    assert set(tmp_path.parent.iterdir()) == before
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("recorded_utc_ms", 1_000), ("author", "Someone Else"), ("reason", "a different reason")],
)
def test_a_note_detail_rewritten_in_the_bundle_is_caught(
    demo_bundle: DemoBundle, field: str, value: object
) -> None:
    timeline = demo_bundle.bundle / "data" / "notes" / "timeline.json"
    doc = json.loads(timeline.read_text())
    entry = next(e for e in doc["entries"] if e["kind"] == "amendment")
    entry[field] = value
    timeline.write_text(json.dumps(doc))
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert any(f"note:{entry['id']} differs" in r for r in _failed(status, "audit chain"))


def test_an_exhibit_detail_rewritten_in_the_bundle_is_caught(demo_bundle: DemoBundle) -> None:
    case_json = demo_bundle.bundle / "data" / "case.json"
    doc = json.loads(case_json.read_text())
    doc["exhibits"][0]["source"] = "file"
    case_json.write_text(json.dumps(doc))
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    ref = doc["exhibits"][0]["exhibit_ref"]
    assert any(f"exhibit {ref}: its details" in r for r in _failed(status, "audit chain"))


@pytest.mark.parametrize(
    ("member", "content"),
    [
        ("data/notes/timeline.json", b"[1, 2, 3]"),
        ("data/notes/timeline.json", b'{"entries": ["not an object"]}'),
        ("data/case.json", b'{"exhibits": [1]}'),
        ("data/notes/timeline.json", b"[" * 100_000 + b"]" * 100_000),
        ("data/audit/audit-chain.jsonl", b"[" * 30_000 + b"]" * 30_000 + b"\n"),
        ("data/restricted/MG11-form.json", b'{"form_id": "x", "answers": {}}'),
    ],
)
def test_hostile_content_inside_a_well_formed_bag_fails_without_a_traceback(
    demo_bundle: DemoBundle, member: str, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    from rvr_desktop.cli.verify import main as rvr_verify

    (demo_bundle.bundle / member).write_bytes(content)
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    assert rvr_verify([str(demo_bundle.bundle), "--trust", str(demo_bundle.root_pem)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "FAIL" in captured.out


@pytest.mark.parametrize("declared", ["rvr-evidence-bundle 3", None])
def test_a_bundle_of_another_format_version_is_refused_not_guessed(
    demo_bundle: DemoBundle, declared: str | None
) -> None:
    """Resealed by the officer's key, so only the format check can object."""
    info = demo_bundle.bundle / "bag-info.txt"
    lines = [
        line for line in info.read_text().splitlines() if not line.startswith("RVR-Bundle-Format:")
    ]
    if declared is not None:
        lines.append(f"RVR-Bundle-Format: {declared}")
    info.write_text("\n".join(lines) + "\n")
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    failures = {c.name: c.reason for c in status.checks if c.outcome is Outcome.FAIL}
    assert list(failures) == ["bundle format"], failures
    assert (
        "this verifier reads rvr-evidence-bundle 1 or rvr-evidence-bundle 2 only"
        in failures["bundle format"]
    )
