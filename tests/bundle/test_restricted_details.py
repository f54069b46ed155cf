"""The victim's safety details stay under data/restricted/; what an officer typed is listed.

The demo bundle is searched byte by byte (every file, the text inside every PDF, both
through pdftotext and by inflating its streams, and every zip entry's name); the withheld
copies are proven against the audit chain, and tampering with one is caught.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
import zlib
from pathlib import Path

import bagit
import pytest

from rvr_desktop.cli.verify import main as rvr_verify
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.result import Outcome
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault
from tests.bundle.conftest import DemoBundle
from tests.bundle.reseal import reseal

CALL_BACK_DIGITS = "7700900123"
SAFE_WORD = "parcel still coming"
# The number however it is spaced or punctuated; the safe word whatever its case.
CALL_BACK = re.compile(r"[ \-.()]{0,3}".join(CALL_BACK_DIGITS).encode())
SAFE = re.compile(rb"parcel\W{0,3}still\W{0,3}coming", re.IGNORECASE)


def _pdf_texts(data: bytes, path: Path) -> list[bytes]:
    """The PDF's extracted text, and each of its streams inflated."""
    text = subprocess.run(
        ["pdftotext", "-q", str(path), "-"], capture_output=True, check=True
    ).stdout
    streams = [text]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    return streams


def _holds_a_detail(blobs: list[bytes]) -> list[str]:
    found = []
    for blob in blobs:
        if CALL_BACK.search(blob):
            found.append("call-back number")
        if SAFE.search(blob):
            found.append("safe word")
    return found


def _search_folder(bundle: Path) -> dict[str, list[str]]:
    """Each file (by path from the bag's root) holding a detail, inside or outside."""
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        name = path.relative_to(bundle).as_posix()
        data = path.read_bytes()
        blobs = [data, name.encode()]
        if path.suffix == ".pdf":
            blobs += _pdf_texts(data, path)
        found = _holds_a_detail(blobs)
        if found:
            hits[name] = sorted(set(found))
    return hits


def test_the_demo_bundle_holds_the_call_back_number_and_safe_word_only_under_restricted(
    demo_bundle: DemoBundle,
) -> None:
    hits = _search_folder(demo_bundle.bundle)
    outside = {
        name: found for name, found in hits.items() if not name.startswith("data/restricted/")
    }
    assert outside == {}
    # Control: the search does find them where they belong (so it can fail).
    assert hits["data/restricted/notes/timeline-withheld.json"] == ["call-back number", "safe word"]
    assert "call-back number" in hits["data/restricted/MG11-restricted-details.pdf"]
    public = json.loads((demo_bundle.bundle / "data/notes/timeline.json").read_text())
    gate = next(e for e in public["entries"] if e["event"] == "safety_gate_passed")
    assert gate["withheld"] == ["payload.answers.callback_number", "payload.answers.safe_word"]
    assert gate["payload"]["answers"]["safe_word"] == (
        "withheld: see the restricted part of the bundle"
    )


def test_a_zip_bundle_holds_them_in_no_entry_or_entry_name_outside_restricted(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        result = export_case(
            vault,
            ExportRequest(
                demo_bundle.demo.case_id,
                tmp_path,
                "CPS Direct",
                "Charging decision",
                layout=BundleLayout.ZIP,
            ),
        )
    unpacked = tmp_path / "unpacked"
    outside = []
    with zipfile.ZipFile(result.bundle) as archive:
        for info in archive.infolist():
            if info.filename.endswith("/"):
                continue
            data = archive.read(info)
            target = unpacked / info.filename.replace("/", "_")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            blobs = [data, info.filename.encode()]
            if info.filename.endswith(".pdf"):
                blobs += _pdf_texts(data, target)
            if _holds_a_detail(blobs) and "/data/restricted/" not in "/" + info.filename:
                outside.append(info.filename)
    assert outside == []


def _export_with_note(bundle: DemoBundle, out: Path, note: str) -> Path:
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        timeline.append_note(vault, bundle.demo.case_id, note)
        return export_case(
            vault, ExportRequest(bundle.demo.case_id, out, "CPS Direct", "Charging decision")
        ).bundle


def test_a_phone_number_typed_with_spaces_in_a_note_is_listed_for_the_disclosure_officer(
    demo_bundle: DemoBundle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _export_with_note(
        demo_bundle, tmp_path, "Victim's safe number is +44 (0) 7700 900 123, ring after six."
    )
    check = json.loads((bundle / "data" / "disclosure-check.json").read_text())
    listed = {(p["file"], p["detail"]) for p in check["places"]}
    assert listed == {
        ("data/notes/notes-log.pdf", "call-back number"),
        ("data/notes/timeline.json", "call-back number"),
    }
    assert check["count"] == 2
    assert all("[call-back number]" in p["context"] for p in check["places"])
    assert not CALL_BACK.search(json.dumps(check).encode())  # the list never holds the value
    manifest = (bundle / "manifest-sha256.txt").read_text()
    assert "data/disclosure-check.json" in manifest  # listed, so signed
    # The verifier shows the count, in words and in --json.
    status = verify_bundle(bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line and status.disclosure_places == 2
    assert rvr_verify([str(bundle), "--trust", str(demo_bundle.root_pem)]) == 0
    text = capsys.readouterr().out
    assert (
        "NOTE          The officer's disclosure check lists 2 places where a restricted "
        "detail appears outside data/restricted/: redact them before disclosure"
    ) in text
    rvr_verify([str(bundle), "--trust", str(demo_bundle.root_pem), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert summary["disclosure_check"] == {"file": "data/disclosure-check.json", "places": 2}


def test_bagit_python_still_validates_the_bundle(demo_bundle: DemoBundle) -> None:
    bagit.Bag(str(demo_bundle.bundle)).validate()


def _officer_key(bundle: DemoBundle):  # type: ignore[no-untyped-def]
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        return load_credential(vault)


def _cross_check(bundle: DemoBundle) -> list[str]:
    status = verify_bundle(bundle.bundle, TrustStore.from_paths([bundle.root_pem]))
    return [
        c.reason
        for c in status.checks
        if c.outcome is Outcome.FAIL and c.name == "notes, forms and exhibits match the audit chain"
    ]


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_the_cross_check_proves_withheld_entries_and_catches_a_tampered_one(
    demo_bundle: DemoBundle,
) -> None:
    assert _cross_check(demo_bundle) == []
    withheld = demo_bundle.bundle / "data/restricted/notes/timeline-withheld.json"
    _rewrite(withheld, "07700 900123", "07700 900999")
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))  # re-signed: only the chain can tell
    reasons = _cross_check(demo_bundle)
    assert len(reasons) == 1 and "event:1 differs from the audit chain" in reasons[0]


def test_a_public_copy_saying_more_than_its_full_copy_is_caught(demo_bundle: DemoBundle) -> None:
    public = demo_bundle.bundle / "data/notes/timeline.json"
    _rewrite(public, '"can_talk_safely": "yes"', '"can_talk_safely": "no"')
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    reasons = _cross_check(demo_bundle)
    assert len(reasons) == 1
    assert "the public copy differs from its full copy in data/restricted/" in reasons[0]


def test_a_public_copy_that_stops_withholding_is_caught(demo_bundle: DemoBundle) -> None:
    public = demo_bundle.bundle / "data/notes/timeline.json"
    document = json.loads(public.read_text())
    for entry in document["entries"]:
        entry.pop("withheld", None)
    public.write_text(json.dumps(document))
    reseal(demo_bundle.bundle, _officer_key(demo_bundle))
    reasons = _cross_check(demo_bundle)
    assert len(reasons) == 1
    assert "does not withhold" in reasons[0] and "differs from the audit chain" in reasons[0]
