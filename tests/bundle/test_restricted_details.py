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
from rvr_desktop.evidence import forms
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.result import Outcome
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.forms.registry import set_force_templates_dir
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


CONTACT_PLAN = """
id = "contact-plan"
version = 1
title = "Contact plan"
document = "safeguarding"

[[sections]]
id = "contact"
title = "Contact"

[[sections.fields]]
id = "mobile"
type = "text"
label = "Victim's mobile"
detail = "phone"
detail_name = "mobile number"

[[sections.fields]]
id = "plan"
type = "multiline"
label = "Plan"

[[sections.fields]]
id = "children"
type = "group"
label = "Children"
item_label = "Child"

[[sections.fields.fields]]
id = "name"
type = "text"
label = "Name"

[[sections.fields.fields]]
id = "date_of_birth"
type = "date"
label = "Date of birth"
class = "restricted"
"""


def _export_with_a_force_form(bundle: DemoBundle, out: Path) -> Path:
    """A force's own form marks the victim's mobile and the children's dates of birth."""
    folder = out / "force-templates"
    folder.mkdir()
    (folder / "contact-plan.toml").write_text(CONTACT_PLAN)
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        registry = set_force_templates_dir(vault, folder)
        answers = {
            "mobile": "07700 900456",
            "plan": "Text first; ring on 07700 900 456 only after six.",
            "children": [{"name": "Child A", "date_of_birth": "2022-05-01"}],
        }
        form = forms.create_form(vault, bundle.demo.case_id, registry.get("contact-plan"), answers)
        forms.finalise(vault, form.form_id)
        return export_case(
            vault, ExportRequest(bundle.demo.case_id, out, "CPS Direct", "Charging decision")
        ).bundle


def test_a_form_s_restricted_answers_are_withheld_outside_restricted_and_proven(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    bundle = _export_with_a_force_form(demo_bundle, tmp_path)
    [public_json] = (bundle / "data/forms").glob("contact-plan-*.json")
    name = public_json.name
    public = json.loads(public_json.read_text())
    assert public["withheld"] == ["answers.children[0].date_of_birth", "answers.mobile"]
    assert public["answers"]["mobile"] == "withheld: see the restricted part of the bundle"
    full = json.loads((bundle / "data/restricted/forms" / name).read_text())
    assert full["answers"]["mobile"] == "07700 900456"
    public_pdf = public_json.with_suffix(".pdf")
    text = subprocess.run(
        ["pdftotext", "-q", str(public_pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "withheld: see the restricted part" in text
    assert "07700 900456" not in text  # the answer; the typed plan spells it its own way
    assert "2022" not in text and "1 May" not in text
    check = json.loads((bundle / "data/disclosure-check.json").read_text())
    # The open 'plan' answer names the number: listed in the form's JSON and its PDF.
    assert {(p["file"], p["detail"]) for p in check["places"]} == {
        (f"data/forms/{name}", "mobile number"),
        (f"data/forms/{public_pdf.name}", "mobile number"),
    }
    status = verify_bundle(bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line, [c for c in status.checks if c.outcome is not Outcome.PASS]

    # An insider changes the whole copy's number and signs again: the chain tells.
    copy = bundle / "data/restricted/forms" / name
    copy.write_text(copy.read_text().replace("07700 900456", "07700 900999"))
    demo_bundle_here = DemoBundle(demo_bundle.demo, bundle, demo_bundle.root_pem)
    reseal(bundle, _officer_key(demo_bundle))
    reasons = _cross_check(demo_bundle_here)
    assert len(reasons) == 1 and "the answers do not match their recorded SHA-256" in reasons[0]

    # Without its whole copy, a withheld form cannot be proven.
    copy.unlink()
    reseal(bundle, _officer_key(demo_bundle))
    reasons = _cross_check(demo_bundle_here)
    assert (
        len(reasons) == 1
        and f"its full copy data/restricted/forms/{name} is missing" in (reasons[0])
    )
