"""The officer exports a case: all or nothing, recorded, and refused until it is ready."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments, cases
from rvr_desktop.evidence.case.mg11 import StatementNotReady
from rvr_desktop.evidence.errors import DiskFull, InvalidInput
from rvr_desktop.evidence.progress import Cancelled, CancelToken
from rvr_desktop.evidence.signing.errors import NoOfficerProfile
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault, audit
from tests.bundle.conftest import DemoBundle
from tests.core.clocks import FakeClock


def _request(bundle: DemoBundle, out: Path, **kw: object) -> ExportRequest:
    return ExportRequest(
        bundle.demo.case_id,
        out,
        "CPS Direct",
        "Charging decision requested",
        **kw,  # type: ignore[arg-type]
    )


def _head(vault: Vault) -> object:
    with vault.reader() as tx:
        return audit.chain_head(tx)


def test_an_export_is_recorded_with_recipient_and_reason(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        result = export_case(vault, _request(demo_bundle, tmp_path, layout=BundleLayout.ZIP))
        with vault.reader() as tx:
            row = tx.one("SELECT * FROM exports ORDER BY id DESC LIMIT 1")
            last = list(audit.iter_records(tx))[-1]
        assert cases.get_case(vault, demo_bundle.demo.case_id).status == "exported"
    assert row is not None and row["recipient"] == "CPS Direct"
    assert row["tag_manifest_sha256"] == result.tag_manifest_sha256
    assert last.body is not None and last.body.action == "case.exported"
    assert result.bundle.suffix == ".zip" and result.chain_code.count("-") == 2
    status = verify_bundle(result.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line


def test_a_cancelled_export_leaves_no_bundle_and_the_vault_untouched(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    token = CancelToken()
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        before = _head(vault)
        with pytest.raises(Cancelled):
            export_case(
                vault,
                _request(demo_bundle, out),
                progress=lambda d, t: token.cancel(),
                cancel=token,
            )
        assert _head(vault) == before
    assert list(out.iterdir()) == []


def test_a_full_disk_during_export_leaves_nothing_and_says_so(
    demo_bundle: DemoBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        big = attachments.import_stream(
            vault,
            demo_bundle.demo.case_id,
            io.BytesIO(os.urandom(3 << 20)),
            original_name="video-still.bin",
        )
        real = attachments.read_into

        def fill_up(v: Vault, attachment_id: int, sink, **kw):  # type: ignore[no-untyped-def]
            if attachment_id == big.id:
                sink.write(b"x" * 1000)
                raise DiskFull("the export folder")
            return real(v, attachment_id, sink, **kw)

        monkeypatch.setattr(attachments, "read_into", fill_up)
        before = _head(vault)
        with pytest.raises(DiskFull, match="disk is full"):
            export_case(vault, _request(demo_bundle, out))
        assert _head(vault) == before
    assert list(out.iterdir()) == []


def test_export_is_refused_until_the_statement_is_read_back_and_confirmed(
    vault: Vault, tmp_path: Path
) -> None:
    from rvr_desktop.evidence.signing.officer import OfficerProfile, save_officer_profile
    from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault

    case = cases.create_case(vault, "INC-2026-0200", "Sam")
    out = tmp_path / "out"
    out.mkdir()
    request = ExportRequest(case.id, out, "CPS", "Charging decision")
    with pytest.raises(NoOfficerProfile):
        export_case(vault, request)
    profile = OfficerProfile("Jane Smith", "PC 1234")
    save_officer_profile(vault, profile)
    create_test_identity_in_vault(vault, profile, tmp_path / "pki")
    with pytest.raises(StatementNotReady, match="MG11"):
        export_case(vault, request)
    assert list(out.iterdir()) == []


def test_export_needs_a_recipient_and_a_reason(demo_bundle: DemoBundle, tmp_path: Path) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        with pytest.raises(InvalidInput, match="recipient"):
            export_case(vault, ExportRequest(demo_bundle.demo.case_id, tmp_path, " ", "reason"))
        with pytest.raises(InvalidInput, match="reason"):
            export_case(vault, ExportRequest(demo_bundle.demo.case_id, tmp_path, "CPS", ""))


def _readable_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return path.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize(
    "restricted_value", ["12 Invented Close", "alex.morgan@example.org", "14 March 1989"]
)
def test_restricted_details_appear_only_under_restricted(
    demo_bundle: DemoBundle, restricted_value: str
) -> None:
    holders = [
        str(p.relative_to(demo_bundle.bundle))
        for p in demo_bundle.bundle.rglob("*")
        if p.is_file() and restricted_value in " ".join(_readable_text(p).split())
    ]
    assert holders, "the restricted value must be in the restricted documents"
    assert all(h.startswith("data/restricted/") for h in holders), holders


def test_a_note_written_during_export_waits_for_the_next_bundle(
    demo_bundle: DemoBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rvr_desktop.evidence.bundle import export_documents
    from rvr_desktop.evidence.case import timeline

    out = tmp_path / "out"
    out.mkdir()
    real = export_documents.render_notes_log

    def render_while_the_officer_types(log, origin):  # type: ignore[no-untyped-def]
        timeline.append_note(vault, demo_bundle.demo.case_id, "Late note")
        return real(log, origin)

    monkeypatch.setattr(export_documents, "render_notes_log", render_while_the_officer_types)
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        result = export_case(vault, _request(demo_bundle, out))
        assert "Late note" in [e.text for e in timeline.entries(vault, demo_bundle.demo.case_id)]
    status = verify_bundle(result.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line, [c.reason for c in status.checks if c.outcome.value != "PASS"]
    assert "Late note" not in (result.bundle / "data" / "notes" / "timeline.json").read_text()
    lines = (result.bundle / "data" / "audit" / "audit-chain.jsonl").read_text().splitlines()
    last = json.loads(lines[-1])
    assert (last["seq"], last["record_hash"]) == (
        result.chain_head.seq,
        result.chain_head.record_hash,
    )
    info = (result.bundle / "bag-info.txt").read_text()
    assert f"RVR-Audit-Chain-Head: {result.chain_head.record_hash}" in info


def test_an_export_reads_the_case_once_and_renders_without_the_vault(
    demo_bundle: DemoBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rvr_desktop.evidence.bundle import export

    happened: list[str] = []
    real_render = export.render_documents

    def render(*args, **kw):  # type: ignore[no-untyped-def]
        happened.append("render")
        rendered = real_render(*args, **kw)
        happened.append("rendered")
        return rendered

    monkeypatch.setattr(export, "render_documents", render)
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        real_reader = vault.reader

        def reader():  # type: ignore[no-untyped-def]
            happened.append("read")
            return real_reader()

        monkeypatch.setattr(vault, "reader", reader)
        export_case(vault, _request(demo_bundle, tmp_path))
        monkeypatch.undo()
        exhibits = len(attachments.list_attachments(vault, demo_bundle.demo.case_id))
    # One snapshot; then each exhibit's bytes, the audit chain, and the header's anchor.
    assert happened == ["read", "render", "rendered", *["read"] * exhibits, "read", "read"]


def test_a_failed_anchor_update_does_not_undo_a_recorded_export(
    demo_bundle: DemoBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:

        def disk_full() -> None:
            raise DiskFull("the vault header")

        monkeypatch.setattr(vault, "acknowledge_head", disk_full)
        result = export_case(vault, _request(demo_bundle, tmp_path))
        assert result.bundle.exists()


def test_a_half_written_bundle_left_by_a_killed_export_is_swept(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    stale = tmp_path / ".RVR-DEMO-2026-0001-20260101T000000Z.abcdef.tmp"
    stale.mkdir()
    (stale / "notes.json").write_text("plaintext left behind")
    os.utime(stale, (0, 0))
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        export_case(vault, _request(demo_bundle, tmp_path))
    assert not stale.exists()


def test_two_exports_of_a_case_in_the_same_second_are_both_kept(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    """A second export a moment after the first (a changed recipient, say) is not refused
    because the first took its name."""
    clock = FakeClock(int(time.time() * 1000))  # stands still: both in one second
    demo = demo_bundle.demo
    with Vault.unlock(demo.root, demo.passphrase, clock=clock) as vault:
        first = export_case(vault, _request(demo_bundle, tmp_path))
        second = export_case(vault, _request(demo_bundle, tmp_path))
    assert second.bundle.name == first.bundle.name + "-2"
    trust = TrustStore.from_paths([demo_bundle.root_pem])
    assert verify_bundle(first.bundle, trust).bottom_line
    assert verify_bundle(second.bundle, trust).bottom_line
