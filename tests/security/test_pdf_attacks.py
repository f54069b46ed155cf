"""PDF attacks: the published attacks on PDF signatures, each refused by rvr-verify.

Each attacked statement replaces the genuine one inside a copy of the demo bundle, which
is then resealed with the officer's own key (manifests and the tag-manifest signature
recomputed), so every hash and the bundle's signature match: only the statement's own
PDF signature check can catch the attack, and its reason must name what was done.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from rvr_desktop.cli.verify import main as rvr_verify
from rvr_desktop.evidence.bundle.report import write_report
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.clock import SystemClock
from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.signing.officer import load_officer_profile
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.bundle.reseal import reseal
from tests.figures import count_of, record_figure
from tests.security.pdf_attacks import ATTACKS, Kit, signature_wrapping

STATEMENT = Path("data/statement/MG11-statement.pdf")
STATEMENT_CHECK = "signed PDF data/statement/MG11-statement.pdf"
STATEMENT_CHECKS = (STATEMENT_CHECK, STATEMENT_CHECK + " unchanged since signing")
"""The statement's two checks: its signature, and the file being exactly as signed."""


@dataclass(frozen=True)
class Scene:
    bundle: Path
    """The demo bundle as exported: copy it before changing anything."""
    roots: tuple[Path, ...]
    """What the evidence officer trusts: the demo's root and a second force's root."""
    kit: Kit
    officer_key: SigningCredential


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    folder = tmp_path_factory.mktemp("pdf-attacks")
    demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
    bundle = export_demo_bundle(demo, folder / "bundles")
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        key = load_credential(vault)
        officer = load_officer_profile(vault)
    assert officer is not None
    now = datetime.now(UTC)
    stranger = TrainingCertificateAuthority.create(now=now).issue_officer(officer, now=now)
    # A root the evidence officer does trust, whose officer's certificate has expired.
    second_force = TrainingCertificateAuthority.create(now=now - timedelta(days=1000))
    expired = second_force.issue_officer(officer, now=now - timedelta(days=800), valid_days=730)
    second_root = folder / "second-force-root.pem"
    second_root.write_bytes(second_force.root_pem())
    kit = Kit(officer, key, stranger, expired, SystemClock())
    return Scene(bundle, (demo.trust_root, second_root), kit, key)


def _attacked_bundle(scene: Scene, pdf: bytes, where: Path) -> Path:
    copy = where / scene.bundle.name
    shutil.copytree(scene.bundle, copy)
    (copy / STATEMENT).write_bytes(pdf)
    reseal(copy, scene.officer_key)
    return copy


def _rvr_verify(scene: Scene, bundle: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    trust = [arg for root in scene.roots for arg in ("--trust", str(root))]
    code = rvr_verify([str(bundle), *trust, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _check(result: Any, name: str) -> dict[str, str]:
    return next(c for c in result["checks"] if c["name"] == name)


def test_a_resealed_genuine_statement_still_verifies(
    scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Control: resealing with the officer's key, both roots trusted, changes no verdict."""
    genuine = (scene.bundle / STATEMENT).read_bytes()
    code, result = _rvr_verify(scene, _attacked_bundle(scene, genuine, tmp_path), capsys)
    assert code == 0, [c for c in result["checks"] if c["outcome"] != "PASS"]


def test_every_published_attack_on_the_signed_statement_is_refused_with_its_reason(
    scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine = (scene.bundle / STATEMENT).read_bytes()
    refused: list[str] = []
    missed: list[str] = []
    for number, attack in enumerate(ATTACKS):
        attacked = attack.build(genuine, scene.kit)
        assert attacked != genuine, attack.name
        where = tmp_path / f"attack-{number}"
        where.mkdir()
        code, result = _rvr_verify(scene, _attacked_bundle(scene, attacked, where), capsys)
        statement = [_check(result, name) for name in STATEMENT_CHECKS]
        failed = any(check["outcome"] == "FAIL" for check in statement)
        reasons = " ".join(check["reason"] for check in statement)
        others = [c for c in result["checks"] if c["name"] not in STATEMENT_CHECKS]
        # the audit chain holds the SHA-256 of the statement the vault kept when it was
        # signed: a second, independent refusal of any changed statement
        audit_chain = next(c for c in others if c["name"].endswith("match the audit chain"))
        if code == 1 and failed and attack.reason in reasons:
            refused.append(attack.name)
        else:
            missed.append(f"{attack.name}: exit {code}, {statement}")
        assert audit_chain["outcome"] == "FAIL", attack.name
        assert "is not the statement the vault kept" in audit_chain["reason"], attack.name
        # resealed by the officer: nothing else can fail (revocation is simply not known)
        assert not [c for c in others if c is not audit_chain and c["outcome"] == "FAIL"], (
            attack.name
        )
        shutil.rmtree(where)
    record_figure(
        "PDF attacks",
        "published attacks on the signed statement in a resealed bundle (ISA x3, shadow "
        "hide/replace/hide-and-replace, USF x6, SWA, bytes after %%EOF, second revision, "
        "changed /ByteRange, untrusted and expired signer)",
        count_of(len(refused), len(ATTACKS)) + " refused by rvr-verify with the right reason",
    )
    assert not missed, missed


def test_signature_wrapping_fools_the_digest_but_not_the_gap_check(scene: Scene) -> None:
    """Why the /ByteRange gap is checked: after wrapping, the signed bytes still hash to
    the signed digest and the page shows the forged words, yet the file is refused."""
    genuine = (scene.bundle / STATEMENT).read_bytes()
    wrapped = signature_wrapping(genuine, scene.kit)
    assert "Unemployed" in PdfReader(io.BytesIO(wrapped)).pages[0].extract_text()
    trust = TrustStore.from_paths(list(scene.roots))
    result = validate_pdf(wrapped, trust)
    assert not result.sound and not result.bottom_line
    assert any("/ByteRange gap" in p for p in result.problems), result.problems


def test_a_statement_from_an_expired_certificate_is_refused_even_when_its_root_is_trusted(
    scene: Scene,
) -> None:
    from tests.security.pdf_attacks import signed_by_expired_certificate

    expired = signed_by_expired_certificate((scene.bundle / STATEMENT).read_bytes(), scene.kit)
    result = validate_pdf(expired, TrustStore.from_paths(list(scene.roots)))
    assert result.intact and result.valid and not result.certificate_in_date
    assert not result.sound
    assert any("expired on" in p for p in result.problems), result.problems


# -- what our own PDFs carry ---------------------------------------------------------

# Listed again here on purpose, and walked with pypdf rather than pyHanko: the proof must
# not share its list or its reader with the product's own active-content check.
ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/RichMedia",
    "/XFA",
}
ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/URI",
    "/Rendition",
    "/RichMediaExecute",
}


def _objects(reader: PdfReader) -> Iterator[tuple[str, Any]]:
    """Every indirect object the file's cross-reference tables list, and the trailer."""
    yield "trailer", reader.trailer
    numbers = {(n, g) for g, table in reader.xref.items() for n in table}
    numbers |= {(n, 0) for n in reader.xref_objStm}
    for number, generation in sorted(numbers):
        yield (
            f"{number} {generation} R",
            reader.get_object(IndirectObject(number, generation, reader)),
        )


def _walk(value: Any) -> Iterator[DictionaryObject]:
    """Every dictionary inside ``value`` (not following references: each is visited itself)."""
    if isinstance(value, DictionaryObject):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from _walk(item)


def _is_signature(annotation: DictionaryObject) -> bool:
    field = annotation
    while field is not None:
        if field.get("/FT") == "/Sig":
            return True
        parent = field.get("/Parent")
        field = parent.get_object() if parent is not None else None
    return False


def _findings(pdf: bytes) -> tuple[list[str], int]:
    """What a PDF of ours must not carry, found by walking every object; and the count."""
    reader = PdfReader(io.BytesIO(pdf), strict=False)
    found: list[str] = []
    walked = 0
    for where, obj in _objects(reader):
        walked += 1
        for dictionary in _walk(obj):
            for key in ACTIVE_KEYS & set(dictionary):
                found.append(f"{where}: {key}")
            if dictionary.get("/S") in ACTIVE_ACTIONS:
                found.append(f"{where}: action {dictionary['/S']}")
            if dictionary.get("/Type") == "/Annot" or (
                "/Subtype" in dictionary and dictionary.get("/Rect") is not None
            ):
                subtype = dictionary.get("/Subtype")
                if not (subtype == "/Widget" and _is_signature(dictionary)):
                    found.append(f"{where}: annotation {subtype}")
    form = reader.trailer["/Root"].get("/AcroForm")
    if form is not None:
        for field in form.get_object().get("/Fields", []):
            field = field.get_object()
            if not _is_signature(field):
                found.append(f"form field {field.get('/T')} ({field.get('/FT')})")
    return found, walked


def _our_pdfs(scene: Scene, tmp_path: Path) -> dict[str, bytes]:
    pdfs = {
        str(p.relative_to(scene.bundle)): p.read_bytes()
        for p in sorted((scene.bundle / "data").rglob("*.pdf"))
    }
    report = tmp_path / "verification-report.pdf"
    write_report(verify_bundle(scene.bundle, TrustStore.from_paths(list(scene.roots))), report)
    pdfs["verification report"] = report.read_bytes()
    return pdfs


def test_no_pdf_the_app_makes_carries_active_content_fields_or_annotations(
    scene: Scene, tmp_path: Path
) -> None:
    pdfs = _our_pdfs(scene, tmp_path)
    expected = {"statement", "restricted", "notes-log", "forms/", "exhibit-list", "exhibits-stat"}
    assert all(any(part in name for name in pdfs) for part in expected), sorted(pdfs)
    assert "verification report" in pdfs
    findings = {}
    walked = 0
    for name, pdf in pdfs.items():
        found, objects = _findings(pdf)
        walked += objects
        if found:
            findings[name] = found
    record_figure(
        "PDF attacks",
        "JavaScript, OpenAction/AA, Launch, embedded files, form fields beyond the signature, "
        f"annotations beyond its widget, in every PDF the app makes ({walked:,} objects walked)",
        f"{sum(len(f) for f in findings.values())} in {len(pdfs)} documents",
    )
    assert not findings, findings


def test_every_pdf_the_app_makes_is_cleared_by_the_byte_scan_without_a_full_walk(
    scene: Scene, tmp_path: Path
) -> None:
    """The verifier's quick path must hold for our own PDFs, or every bundle pays the walk."""
    from pyhanko.pdf_utils.reader import PdfFileReader as HankoReader

    from rvr_desktop.evidence.signing.pdf_active_content import ACTIVE_NAMES
    from rvr_desktop.evidence.signing.pdf_quick_scan import plainly_inert

    pdfs = _our_pdfs(scene, tmp_path)
    walked = [
        name
        for name, pdf in pdfs.items()
        if not plainly_inert(pdf, HankoReader(io.BytesIO(pdf), strict=False), ACTIVE_NAMES)
    ]
    assert walked == []


def test_the_walk_finds_active_content_when_it_is_there() -> None:
    """Positive control: the same walk flags a PDF with JavaScript, a link and a text field."""
    from pypdf import PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_annotation(0, Link(rect=(10, 10, 50, 50), url="https://example.org"))
    root = writer.root_object
    root[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    field = DictionaryObject(
        {NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("name")}
    )
    root[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject([field])})
    buffer = io.BytesIO()
    writer.write(buffer)
    found, _ = _findings(buffer.getvalue())
    text = " ".join(found)
    assert "/OpenAction" in text and "/JS" in text and "action /JavaScript" in text
    assert "action /URI" in text and "annotation /Link" in text and "form field name" in text


def test_a_pdf_with_javascript_planted_in_a_resealed_bundle_is_refused_by_name(
    scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The evidence officer opens the notes log: JavaScript on opening must never reach them."""
    from pyhanko.pdf_utils.generic import DictionaryObject as Dict
    from pyhanko.pdf_utils.generic import NameObject as Name
    from pyhanko.pdf_utils.generic import TextStringObject as Text
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    copy = tmp_path / scene.bundle.name
    shutil.copytree(scene.bundle, copy)
    notes_log = copy / "data" / "notes" / "notes-log.pdf"
    writer = IncrementalPdfFileWriter(io.BytesIO(notes_log.read_bytes()))
    writer.root[Name("/OpenAction")] = Dict(
        {Name("/S"): Name("/JavaScript"), Name("/JS"): Text("app.launchURL('https://example.org')")}
    )
    writer.update_root()
    planted = io.BytesIO()
    writer.write(planted)
    notes_log.write_bytes(planted.getvalue())
    reseal(copy, scene.officer_key)
    code, result = _rvr_verify(scene, copy, capsys)
    check = _check(result, "no active content in PDFs")
    assert code == 1 and check["outcome"] == "FAIL"
    assert "notes-log.pdf" in check["reason"] and "JavaScript" in check["reason"]
    record_figure(
        "PDF attacks",
        "JavaScript on opening planted in the notes log of a resealed bundle",
        "refused by rvr-verify, naming the file",
    )


def test_bytes_written_into_the_signature_padding_are_refused_by_name(scene: Scene) -> None:
    """The /Contents gap is the one part of a signed file its signature does not cover:
    the signer fills what the signature value leaves of it with zeros."""
    genuine = (scene.bundle / STATEMENT).read_bytes()
    trust = TrustStore.from_paths(list(scene.roots))
    assert validate_pdf(genuine, trust).problems == ()
    start = genuine.index(b"/Contents <") + len(b"/Contents <")
    end = genuine.index(b">", start)
    padding = genuine.rindex(b"0000", start, end)  # the reserved space ends in zeros
    changed = genuine[:padding] + b"4242" + genuine[padding + 4 :]
    result = validate_pdf(changed, trust)
    assert any("where only zero padding belongs" in p for p in result.problems), result.problems
