"""docs/bundle-format.md checked against a real demo bundle.

The hashes here are computed by a short re-implementation written from the specification
alone (its canonical JSON included), not by RVR Desktop's code: if the specification and
the bundle disagree, an independent verifier written from the specification would too.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms  # type: ignore[import-untyped]
from pyhanko.pdf_utils.reader import PdfFileReader

from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.docs.guides import DOCS

SPEC = DOCS / "bundle-format.md"
ZEROS = "0" * 64


# ------------------------------------------------------------ written from the spec


def spec_canonical(value: Any) -> bytes:
    """Section 9.1: sorted keys, no white space, the listed escapes, UTF-8."""
    return _encode(value).encode("utf-8")


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_SHORT_ESCAPES |= {"\f": "\\f", "\r": "\\r"}


def _encode(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # "shortest round-trip form"
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in _SHORT_ESCAPES:
                out.append(_SHORT_ESCAPES[ch])
            elif ord(ch) < 0x20:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, list):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(_encode(k) + ":" + _encode(v) for k, v in items) + "}"
    raise TypeError(f"the format never hashes a {type(value).__name__}")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_hash(seq: int, prev_hash: str, body_sha256: str) -> str:
    """Section 9.3, step 2."""
    return sha(spec_canonical({"seq": seq, "prev_hash": prev_hash, "body_sha256": body_sha256}))


def chain_code(head: str) -> str:
    """Section 9.4."""
    digits = head[:12].upper()
    return "-".join(digits[i : i + 4] for i in range(0, 12, 4))


# ------------------------------------------------------------ reading the spec


def section(number: str) -> str:
    """The text of the section headed '## <number>.' or '### <number> '."""
    text = SPEC.read_text(encoding="utf-8")
    start = re.search(rf"^#{{2,3}} {re.escape(number)}[. ]", text, re.MULTILINE)
    assert start, f"no section {number} in {SPEC.name}"
    rest = text[start.end() :]
    end = re.search(r"^#{2,3} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def table_rows(text: str) -> list[list[str]]:
    """Rows of the Markdown tables in ``text`` whose first cell is code, cells stripped."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| `"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def first_code(cell: str) -> str:
    found = re.match(r"`([^`]+)`", cell)
    assert found, cell
    return found.group(1)


def fenced_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


# ------------------------------------------------------------ the demo bundle


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("format")
    demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
    path = export_demo_bundle(demo, folder / "bundles")
    (path.parent / "root.pem").write_bytes(demo.trust_root.read_bytes())
    return path


def files_of(bundle: Path) -> list[str]:
    return sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())


def records(bundle: Path) -> Iterator[dict[str, Any]]:
    with (bundle / "data/audit/audit-chain.jsonl").open("rb") as lines:
        for line in lines:
            assert line.endswith(b"\n")
            yield json.loads(line)


def bag_info(bundle: Path) -> list[tuple[str, str]]:
    lines = (bundle / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    return [(label, value) for label, value in (line.split(": ", 1) for line in lines)]


def json_of(bundle: Path, member: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((bundle / "data" / member).read_text(encoding="utf-8"))
    return value


# ------------------------------------------------------------ the tests


LONG_TERM_FOLDERS = ("validation/", "archive-timestamps/")
"""Present only with a time-stamping service: tests/signing/test_long_term_bundle.py
checks a bundle that has them against these rows of the spec."""


def spec_file_patterns() -> dict[str, re.Pattern[str]]:
    """Each path of the layout table (every path in its first cell) as a pattern."""
    patterns: dict[str, re.Pattern[str]] = {}
    for row in table_rows(section("4")):
        for path in re.findall(r"`([^`]+)`", row[0]):
            body = re.sub(r"<[^>]+>", "[^/]+", re.escape(path)).replace("…", ".+")
            patterns[path] = re.compile(body.replace(re.escape("…"), ".+") + "$")
    return patterns


def test_the_spec_lists_exactly_the_files_a_demo_bundle_holds(bundle: Path) -> None:
    rows = [(first_code(row[0]), row[1]) for row in table_rows(section("4"))]
    patterns = spec_file_patterns()
    present = files_of(bundle)

    for name in present:
        assert any(p.match(name) for p in patterns.values()), f"{name} is not in the spec"
    for path, required in rows:
        assert required in ("yes", "no"), path
        if path.startswith(LONG_TERM_FOLDERS) or "-<N>." in path:
            continue  # long-term files and further statements: tests/signing, tests/bundle
        if path.startswith("data/restricted/forms/"):
            continue  # the shipped templates restrict answers only in the MG11 and the gate
        # the demo case has exhibits, forms and an MG11, so every kind of file is there
        assert any(patterns[path].match(name) for name in present), f"no file for {path}"


def test_bagit_txt_and_the_bag_info_labels_are_as_specified(bundle: Path) -> None:
    assert (bundle / "bagit.txt").read_text(encoding="utf-8") == fenced_blocks(section("5.1"))[0]
    labels = [first_code(row[0]) for row in table_rows(section("5.2"))]

    assert [label for label, _ in bag_info(bundle)] == labels
    info = dict(bag_info(bundle))
    assert info["RVR-Bundle-Format"] == "rvr-evidence-bundle 2"
    payload = [name for name in files_of(bundle) if name.startswith("data/")]
    size = sum((bundle / name).stat().st_size for name in payload)
    assert info["Payload-Oxum"] == f"{size}.{len(payload)}"


def test_the_manifests_are_sorted_sha256sum_lines_covering_every_file(bundle: Path) -> None:
    payload = [name for name in files_of(bundle) if name.startswith("data/")]
    manifest = (bundle / "manifest-sha256.txt").read_text(encoding="utf-8")
    expected = "".join(f"{sha((bundle / n).read_bytes())}  {n}\n" for n in sorted(payload))
    assert manifest == expected
    tags = ["bag-info.txt", "bagit.txt", "manifest-sha256.txt"]
    tag_manifest = (bundle / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    assert tag_manifest == "".join(f"{sha((bundle / n).read_bytes())}  {n}\n" for n in tags)


def test_the_json_files_have_exactly_the_documented_fields(bundle: Path) -> None:
    case = json_of(bundle, "case.json")
    timeline = json_of(bundle, "notes/timeline.json")
    form = json_of(bundle, "restricted/MG11-form.json")
    chain = list(records(bundle))
    full = [r for r in chain if "body" in r]

    def documented(number: str) -> set[str]:
        return {first_code(row[0]) for row in table_rows(section(number))}

    def fields(value: dict[str, Any], names: set[str], prefix: str = "") -> set[str]:
        found = set()
        for key, inner in value.items():
            name = prefix + key
            found.add(name)
            if isinstance(inner, dict) and any(n.startswith(name + ".") for n in names):
                found |= fields(inner, names, name + ".")
            if isinstance(inner, list) and any(n.startswith(name + "[].") for n in names):
                for item in inner:
                    found |= fields(item, names, name + "[].")
        return found

    assert fields(case, documented("8.1")) == documented("8.1")
    assert fields(timeline, documented("8.2")) == documented("8.2")
    assert fields(form, documented("8.3")) == documented("8.3")
    record_and_body = documented("9.2")
    assert set(full[0]) | set(full[0]["body"]) == record_and_body
    assert case["format"] == "rvr-evidence-bundle" and case["format_version"] == 2
    check = json_of(bundle, "disclosure-check.json")
    assert check["places"] == []  # the demo's notes name no restricted detail
    assert fields(check, documented("8.5")) == {
        name for name in documented("8.5") if not name.startswith("places[].")
    }


def test_the_test_vector_in_the_spec_holds(bundle: Path) -> None:
    text = section("9.5")
    body_json, link_json = fenced_blocks(text)
    hashes = re.findall(r"`([0-9a-f]{64})`", text)
    code = re.findall(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", text)[-1]
    body = json.loads(body_json)

    assert spec_canonical(body) == body_json.strip().encode("utf-8") == canonical_json(body)
    assert sha(spec_canonical(body)) == hashes[0]
    assert spec_canonical(json.loads(link_json)) == link_json.strip().encode("utf-8")
    assert record_hash(1, ZEROS, hashes[0]) == hashes[1]
    assert chain_code(hashes[1]) == code


def test_the_canonical_json_of_the_spec_escapes_as_ours_does() -> None:
    awkward = {"z": 'tab\there "quoted" back\\slash \x01 \x7f é 漢 / \u2028', "a": [1, None]}

    assert spec_canonical(awkward) == canonical_json(awkward)


def test_the_audit_chain_recomputed_from_the_spec_ends_at_the_declared_head(
    bundle: Path,
) -> None:
    info = dict(bag_info(bundle))
    reference = info["RVR-Case-Reference"]
    prev, seq = ZEROS, 0
    full = redacted = 0
    for record in records(bundle):
        seq += 1
        assert record["seq"] == seq
        assert record["prev_hash"] == prev
        if "body" in record:
            full += 1
            assert set(record) == {"seq", "prev_hash", "body_sha256", "record_hash", "body"}
            assert record["body"]["case_ref"] == reference
            assert sha(spec_canonical(record["body"])) == record["body_sha256"]
        else:
            redacted += 1
            assert set(record) == {"seq", "prev_hash", "body_sha256", "record_hash"}
        prev = record_hash(seq, prev, record["body_sha256"])
        assert prev == record["record_hash"]

    assert (str(seq), prev) == (info["RVR-Audit-Chain-Length"], info["RVR-Audit-Chain-Head"])
    assert chain_code(prev) == info["RVR-Audit-Chain-Code"]
    head = json_of(bundle, "case.json")["export"]["audit_chain_head"]
    assert head == {"seq": seq, "record_hash": prev}
    assert full > 0 and redacted > 0  # the demo vault holds vault-wide records too


def test_notes_exhibits_and_forms_match_the_chain_as_section_10_says(bundle: Path) -> None:
    full = [r["body"] for r in records(bundle) if "body" in r]
    twelve = [
        "id", "kind", "event", "recorded_utc_ms", "monotonic_ns", "clock_session",
        "elapsed_ms", "author", "text", "amends_id", "reason", "payload",
    ]  # fmt: skip
    assert all(f"`{name}`" in section("10") for name in twelve)

    recorded = {
        b["subject"]: b["content_sha256"]
        for b in full
        if b["action"].startswith(("note.", "call.", "clock."))
    }
    entries = json_of(bundle, "notes/timeline.json")["entries"]
    # Section 8.4: a withheld entry is its full copy with the listed places replaced.
    full_copies = {
        e["id"]: e for e in json_of(bundle, "restricted/notes/timeline-withheld.json")["entries"]
    }
    assert full_copies, "the demo's safety gate withholds its safe word and call-back number"
    for index, entry in enumerate(entries):
        if "withheld" in entry:
            copy = json.loads(json.dumps(full_copies[entry["id"]]))
            for place in entry["withheld"]:
                *path, last = place.split(".")
                target = copy
                for key in path:
                    target = target[key]
                target[last] = "withheld: see the restricted part of the bundle"
            copy["withheld"] = entry["withheld"]
            assert copy == entry
            entries[index] = full_copies[entry["id"]]
    found = {
        ("event:" if e["event"] is not None else "note:") + str(e["id"]): sha(
            spec_canonical({name: e[name] for name in twelve})
        )
        for e in entries
    }
    assert found == recorded

    added = {b["subject"]: b["content_sha256"] for b in full if b["action"] == "attachment.added"}
    exhibits = json_of(bundle, "case.json")["exhibits"]
    described = {
        "attachment:" + x["exhibit_ref"]: sha(
            spec_canonical({k: v for k, v in x.items() if k != "path"})
        )
        for x in exhibits
    }
    assert described == added and len(added) == 2
    for exhibit in exhibits:
        assert sha((bundle / "data" / exhibit["path"]).read_bytes()) == exhibit["sha256"]

    saved = {
        (b["subject"], b["content_sha256"])
        for b in full
        if b["action"] in ("form.saved", "form.finalised")
    }
    forms = sorted((bundle / "data/forms").glob("*.json"))
    forms.append(bundle / "data/restricted/MG11-form.json")
    for path in forms:
        form = json.loads(path.read_text(encoding="utf-8"))
        assert sha(spec_canonical(form["answers"])) == form["answers_sha256"]
        assert sha(form["template"]["text"].encode("utf-8")) == form["template"]["sha256"]
        facts = {
            "answers_sha256": form["answers_sha256"],
            "form_id": form["form_id"],
            "saved_by": form["saved_by"],
            "saved_utc_ms": form["saved_utc_ms"],
            "state": form["state"],
            "template_sha256": form["template"]["sha256"],
            "version": form["version"],
        }
        assert (f"form:{form['form_id']}", sha(spec_canonical(facts))) in saved
    listed = json_of(bundle, "case.json")["forms"]
    assert sorted(listed) == sorted(p.relative_to(bundle / "data").as_posix() for p in forms)


def test_the_tag_manifest_signature_has_the_specified_cms_profile(bundle: Path) -> None:
    info = cms.ContentInfo.load((bundle / "tagmanifest-sha256.txt.p7s").read_bytes())
    signed = info["content"]
    signer = signed["signer_infos"][0]
    spec_oids = set(re.findall(r"\((1\.2\.840\.[0-9.]+)", section("6")))

    assert info["content_type"].native == "signed_data"
    assert len(signed["signer_infos"]) == 1
    assert signed["encap_content_info"]["content_type"].dotted == "1.2.840.113549.1.7.1"
    assert signed["encap_content_info"]["content"].native is None
    assert signer["digest_algorithm"]["algorithm"].native == "sha256"
    attributes = {attr["type"].dotted for attr in signer["signed_attrs"]}
    assert attributes == spec_oids - {"1.2.840.113549.1.7.1"}
    digest = signer["signed_attrs"][
        [a["type"].native for a in signer["signed_attrs"]].index("message_digest")
    ]["values"][0].native
    assert digest == hashlib.sha256((bundle / "tagmanifest-sha256.txt").read_bytes()).digest()
    assert len(signed["certificates"]) == 2  # the officer's and the TEST root


@pytest.mark.parametrize(
    "member", ["statement/MG11-statement.pdf", "exhibits/officer-exhibits-statement.pdf"]
)
def test_each_signed_pdf_has_one_whole_file_pades_signature(bundle: Path, member: str) -> None:
    with (bundle / "data" / member).open("rb") as handle:
        reader = PdfFileReader(handle)
        signatures = reader.embedded_regular_signatures
        assert len(signatures) == 1
        signature = signatures[0]
        assert signature.field_name == "OfficerSignature"
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert signature.signed_revision == reader.xrefs.total_revisions - 1
        assert signature.signer_info["digest_algorithm"]["algorithm"].native == "sha256"
        assert signature.signed_data["encap_content_info"]["content"].native is None
        cms_info = cms.ContentInfo.load((bundle / "tagmanifest-sha256.txt.p7s").read_bytes())
        bundle_signer = cms_info["content"]["signer_infos"][0]["sid"].native
        assert signature.signer_info["sid"].native == bundle_signer
        assert signature.sig_object["/ByteRange"][-2] + signature.sig_object["/ByteRange"][
            -1
        ] == len((bundle / "data" / member).read_bytes())


def test_the_checks_in_the_spec_are_the_checks_the_verifier_reports(
    bundle: Path, tmp_path: Path
) -> None:
    trust = TrustStore.from_paths([bundle.parent / "root.pem"])
    names = {check.name for check in verify_bundle(bundle, trust).checks}
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../outside.txt", b"escape")
    names |= {check.name for check in verify_bundle(hostile, trust).checks}
    # archive time-stamps (one of them damaged) and a stray file beside them
    damaged = tmp_path / "damaged"
    shutil.copytree(bundle, damaged)
    (damaged / "archive-timestamps").mkdir()
    (damaged / "archive-timestamps" / "0001.tst").write_bytes(b"not a token")
    names |= {check.name for check in verify_bundle(damaged, trust).checks}
    (damaged / "archive-timestamps" / "stray.txt").write_bytes(b"stray")
    names |= {check.name for check in verify_bundle(damaged, trust).checks}

    assert {first_code(row[0]) for row in table_rows(section("11"))} == names
