"""`rvr-desktop --self-test`: how IT checks an installed copy, headless, in a temp folder.

Each step uses the real code paths (Argon2id, SQLCipher, age blobs, documents, signing,
bundles, verification) on throwaway data, and prints one line; the verdict is last.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence import forms
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.case.consistency import vault_problems
from rvr_desktop.evidence.case.mg11 import MG11_TEMPLATE_ID, record_read_back
from rvr_desktop.evidence.case.signed_statement import read_signed_pdf, sign_statement
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.signing.officer import OfficerProfile, save_officer_profile
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.spelling import shipped_spelling
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import DEFAULT_KDF


@dataclass
class SelfTestContext:
    folder: Path
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    vault: Vault | None = None
    case_id: int = 0
    trust: TrustStore = field(default_factory=TrustStore.empty)
    bundle: Path | None = None

    def open_vault(self) -> Vault:
        if self.vault is None:
            raise RvrError("the vault step did not run")
        return self.vault


Step = Callable[[SelfTestContext], str]


def step_create_vault(ctx: SelfTestContext) -> str:
    ctx.vault = Vault.create(ctx.folder / "vault", ctx.passphrase, kdf=DEFAULT_KDF)
    ctx.vault.lock()
    ctx.vault = Vault.unlock(ctx.folder / "vault", ctx.passphrase)
    return "encrypted vault created and unlocked (Argon2id, SQLCipher)"


def step_note_round_trip(ctx: SelfTestContext) -> str:
    vault = ctx.open_vault()
    case = cases.create_case(vault, "SELFTEST-0001", "Self Test")
    ctx.case_id = case.id
    text = "Self-test note: the quick brown fox."
    written = timeline.append_note(vault, case.id, text)
    read = timeline.entries(vault, case.id)[-1]
    if read.id != written.id or read.text != text:
        raise RvrError("the note read back differs from the note written")
    return "note written and read back"


def step_attachment_round_trip(ctx: SelfTestContext) -> str:
    vault = ctx.open_vault()
    data = bytes(range(256)) * 4096
    item = attachments.import_stream(vault, ctx.case_id, io.BytesIO(data), original_name="t.bin")
    copy = io.BytesIO()
    attachments.read_into(vault, item.id, copy)
    if copy.getvalue() != data:
        raise RvrError("the attachment read back differs from the bytes imported")
    return f"attachment encrypted, read back byte-identical ({len(data) // 1024} KiB)"


def step_integrity(ctx: SelfTestContext) -> str:
    problems = vault_problems(ctx.open_vault())
    if problems:
        raise RvrError("; ".join(problems))
    return "integrity checks and audit chain pass"


def step_signed_statement(ctx: SelfTestContext) -> str:
    vault = ctx.open_vault()
    profile = OfficerProfile("Self Test Officer", "PC 0000", station="Self-test")
    save_officer_profile(vault, profile)
    identity = create_test_identity_in_vault(vault, profile, ctx.folder / "pki")
    ctx.trust = TrustStore.from_paths([identity.root_pem_path])
    mg11 = forms.registry_for_vault(vault).get(MG11_TEMPLATE_ID)
    form = forms.create_form(vault, ctx.case_id, mg11, dict(mg11.example or {}))
    record_read_back(vault, ctx.case_id)
    forms.finalise(vault, form.form_id)
    signed = sign_statement(vault, ctx.case_id)
    with vault.reader() as tx:
        pdf = read_signed_pdf(tx, signed)
    check = validate_pdf(pdf, ctx.trust)
    if not check.bottom_line:
        raise RvrError("the signed statement does not validate: " + " ".join(check.problems))
    return f"MG11 rendered, signed (PAdES), kept in the vault ({len(pdf):,} bytes) and validated"


def step_export_bundle(ctx: SelfTestContext) -> str:
    vault = ctx.open_vault()
    (ctx.folder / "out").mkdir()
    result = export_case(
        vault,
        ExportRequest(ctx.case_id, ctx.folder / "out", "Self-test", "Installation self-test"),
    )
    ctx.bundle = result.bundle
    return f"signed bundle exported ({result.payload_files} files)"


def step_verify_bundle(ctx: SelfTestContext) -> str:
    if ctx.bundle is None:
        raise RvrError("the export step did not run")
    status = verify_bundle(ctx.bundle, ctx.trust)
    if not status.bottom_line:
        failed = [f"{c.name}: {c.reason}" for c in status.checks if c.outcome.value != "PASS"]
        raise RvrError("; ".join(failed))
    return f"bundle verified ({len(status.checks)} checks pass)"


def step_spelling(ctx: SelfTestContext) -> str:
    """The British English dictionary shipped with the app reads, offline."""
    spelling = shipped_spelling()
    wrong = [m.word for m in spelling.misspellings("The neighbour recieved the colour photo.")]
    if wrong != ["recieved"]:
        raise RvrError(f"the spelling dictionary does not work as it should (found {wrong})")
    return "British English dictionary loads"


STEPS: list[tuple[str, Step]] = [
    ("vault", step_create_vault),
    ("note", step_note_round_trip),
    ("attachment", step_attachment_round_trip),
    ("statement", step_signed_statement),
    ("export", step_export_bundle),
    ("verify", step_verify_bundle),
    ("integrity", step_integrity),
    ("spelling", step_spelling),
]


def run_self_test(print_line: Callable[[str], None] = print) -> int:
    print_line(f"{SOFTWARE} self-test")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="rvr-self-test-") as tmp:
        ctx = SelfTestContext(Path(tmp))
        try:
            for name, step in STEPS:
                start = time.perf_counter()
                try:
                    detail = step(ctx)
                except Exception as exc:  # the self-test exists to report any breakage
                    failed += 1
                    reason = str(exc) if isinstance(exc, RvrError | OSError) else repr(exc)
                    print_line(f"FAIL {name}: {reason}")
                    break
                print_line(f"PASS {name}: {detail} ({time.perf_counter() - start:.2f} s)")
        finally:
            if ctx.vault is not None:
                ctx.vault.lock()
    print_line("SELF-TEST PASSED" if failed == 0 else "SELF-TEST FAILED")
    return 0 if failed == 0 else 1
