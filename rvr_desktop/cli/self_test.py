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

from .. import __version__
from ..evidence import attachments, cases, timeline
from ..evidence.errors import RvrError
from ..evidence.kdf import DEFAULT_KDF
from ..evidence.vault import Vault


@dataclass
class SelfTestContext:
    folder: Path
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    vault: Vault | None = None
    case_id: int = 0

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
    problems = ctx.open_vault().integrity_problems()
    if problems:
        raise RvrError("; ".join(problems))
    return "integrity checks and audit chain pass"


STEPS: list[tuple[str, Step]] = [
    ("vault", step_create_vault),
    ("note", step_note_round_trip),
    ("attachment", step_attachment_round_trip),
    ("integrity", step_integrity),
]


def run_self_test(print_line: Callable[[str], None] = print) -> int:
    print_line(f"RVR Desktop {__version__} self-test")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="rvr-self-test-") as tmp:
        ctx = SelfTestContext(Path(tmp))
        try:
            for name, step in STEPS:
                start = time.perf_counter()
                try:
                    detail = step(ctx)
                except (RvrError, OSError) as exc:
                    failed += 1
                    print_line(f"FAIL {name}: {exc}")
                    break
                print_line(f"PASS {name}: {detail} ({time.perf_counter() - start:.2f} s)")
        finally:
            if ctx.vault is not None:
                ctx.vault.lock()
    print_line("SELF-TEST PASSED" if failed == 0 else "SELF-TEST FAILED")
    return 0 if failed == 0 else 1
