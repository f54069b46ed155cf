"""The verifier's words and flags never overstate: what a defence expert would seize on.

Each tamper here is checked in the words printed, the JSON a script reads and, where it
matters, the report PDF: not only the exit code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from rvr_desktop.cli.verify import main as rvr_verify
from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.bundle.conftest import DemoBundle
from tests.bundle.reseal import rehash
from tests.documents.pdftext import page_texts

CHAIN_BLAME = "does not chain"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.split()) for page in page_texts(data))


"""What the verifier used to say of a broken signature's signer: false, the chain is fine."""


def _verify(
    bundle: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, dict[str, Any]]:
    code = rvr_verify([str(bundle), *extra])
    text = capsys.readouterr().out
    assert rvr_verify([str(bundle), *extra, "--json"]) == code
    return code, text, json.loads(capsys.readouterr().out)


def _check(result: dict[str, Any], name: str) -> dict[str, str]:
    (found,) = [c for c in result["checks"] if c["name"] == name]
    return found


def _assert_broken_signature_is_not_called_a_trust_problem(
    code: int, text: str, result: dict[str, Any]
) -> None:
    assert code == 1 and result["outcome"] == "failed" and result["exit_code"] == 1
    assert result["intact"] is False, "a script reading 'intact' must not be told it is"
    assert result["trusted"] is False and result["bottom_line"] is False
    assert _check(result, "tag manifest unchanged since signing")["outcome"] == "FAIL"
    trust = _check(result, "signer trusted")
    assert trust["outcome"] == "INDETERMINATE"
    assert "not checked: the signature does not verify" in trust["reason"]
    assert CHAIN_BLAME not in text and CHAIN_BLAME not in json.dumps(result)
    assert "File list exactly as signed" in text.splitlines()[-1]


def test_a_payload_file_changed_and_the_manifests_rehashed_is_not_intact(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = demo_bundle.bundle / "data" / "notes" / "timeline.json"
    notes.write_text(notes.read_text(encoding="utf-8").replace("kitchen", "garden"), "utf-8")
    rehash(demo_bundle.bundle)
    code, text, result = _verify(demo_bundle.bundle, capsys, "--trust", str(demo_bundle.root_pem))
    assert _check(result, "payload files")["outcome"] == "PASS", "the files match the new lists"
    _assert_broken_signature_is_not_called_a_trust_problem(code, text, result)


def test_a_record_deleted_from_the_audit_chain_and_rehashed_is_not_intact(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    chain = demo_bundle.bundle / "data" / "audit" / "audit-chain.jsonl"
    lines = chain.read_bytes().splitlines(keepends=True)
    chain.write_bytes(b"".join(lines[:10] + lines[11:]))
    rehash(demo_bundle.bundle)
    code, text, result = _verify(demo_bundle.bundle, capsys, "--trust", str(demo_bundle.root_pem))
    assert _check(result, "audit chain")["outcome"] == "FAIL"
    _assert_broken_signature_is_not_called_a_trust_problem(code, text, result)


def test_the_two_signed_pdfs_swapped_and_rehashed_are_not_intact(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    data = demo_bundle.bundle / "data"
    statement = data / "statement" / "MG11-statement.pdf"
    exhibits = data / "exhibits" / "officer-exhibits-statement.pdf"
    swap = statement.read_bytes()
    statement.write_bytes(exhibits.read_bytes())
    exhibits.write_bytes(swap)
    rehash(demo_bundle.bundle)
    code, text, result = _verify(demo_bundle.bundle, capsys, "--trust", str(demo_bundle.root_pem))
    _assert_broken_signature_is_not_called_a_trust_problem(code, text, result)


def test_without_a_trusted_root_nothing_is_called_unaltered(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.pdf"
    code, text, result = _verify(demo_bundle.bundle, capsys, "--report", str(report))
    assert code == 2 and result["outcome"] == "not-trusted"
    verdict = text.splitlines()[-2]
    assert verdict == result["verdict"]
    assert "unaltered" not in verdict and "anyone can make such a signature" in verdict
    assert "Nothing yet shows that this is the bundle the officer exported" in verdict
    assert "not verified" in text, "the bundle's claims about itself are marked in the text"
    shown = pdf_text(report.read_bytes())
    assert "Exported by (as the bundle claims; not verified)" in shown
    assert "Signer (as the bundle claims; not verified)" in shown
    assert "Audit chain code (as the bundle claims; not verified)" in shown


def test_a_forger_copying_the_officers_details_gets_no_credit(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Anyone with the app can write a whole bundle in the officer's name and number, signed
    with a certificate of their own making: every file agrees with its signature."""
    forger = build_demo_vault(tmp_path / "forger", kdf=FAST_INSECURE_KDF)
    forged = export_demo_bundle(forger, tmp_path / "forged-bundles")
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        genuine = load_credential(vault)
    with Vault.unlock(forger.root, forger.passphrase) as vault:
        assert load_credential(vault).certificate.subject == genuine.certificate.subject

    report = tmp_path / "forged.pdf"
    code, text, result = _verify(forged, capsys, "--report", str(report))
    assert code == 2 and "unaltered" not in result["verdict"]
    assert "RVR-Officer: Jane Smith" in text and "not verified" in text
    assert "Signer (as the bundle claims; not verified)" in pdf_text(report.read_bytes())

    code, _, result = _verify(forged, capsys, "--trust", str(demo_bundle.root_pem))
    assert code == 2 and result["trusted"] is False
    assert CHAIN_BLAME in _check(result, "signer trusted")["reason"], "here it is the truth"


def test_a_training_bundle_says_so_in_the_verdict_itself(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.pdf"
    code, text, result = _verify(
        demo_bundle.bundle, capsys, "--trust", str(demo_bundle.root_pem), "--report", str(report)
    )
    assert code == 0 and result["is_test_identity"] is True
    for verdict in (text.splitlines()[-1], result["verdict"]):
        assert verdict.startswith("VERIFIED AS A TRAINING BUNDLE, NOT EVIDENCE")
    assert "VERIFIED AS A TRAINING BUNDLE, NOT EVIDENCE" in pdf_text(report.read_bytes())


def test_a_zip_with_a_script_in_front_is_refused_by_rvr_verify(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / "bundle"), "zip", demo_bundle.bundle))
    archive.write_bytes(b"#!/bin/sh\nexec ./payload\n" + archive.read_bytes())
    code, text, result = _verify(archive, capsys, "--trust", str(demo_bundle.root_pem))
    assert code == 1 and result["intact"] is False
    reason = _check(result, "bundle can be read safely")["reason"]
    assert "25 bytes come before its first entry" in reason
    assert "Safe to open" in text


def test_each_check_line_reads_without_the_bagit_spec_and_json_keeps_the_terms(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text, result = _verify(demo_bundle.bundle, capsys, "--trust", str(demo_bundle.root_pem))
    lines = [line for line in text.splitlines() if line.startswith("PASS")]
    assert lines and not [line for line in lines if "Payload-Oxum:" in line.split(":", 1)[0]]
    assert any(line.startswith("PASS          Number of files and total size:") for line in lines)
    assert "Payload-Oxum" in {c["name"] for c in result["checks"]}
    oxum = _check(result, "Payload-Oxum")
    assert oxum["title"] == "Number of files and total size"
