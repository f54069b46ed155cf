"""The evidence officer's guide: every command in it runs, as written, against a demo bundle.

The demo case is exported as a .zip and laid out in a sandbox under the names the guide
uses; then each ``$`` command of the guide runs in order with ``bash -c`` and must exit 0,
and every output line the guide shows under a command must appear in what it printed
(``…`` in a shown line stands for text that differs from run to run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from rvr_desktop.cli import main as cli_main
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.docs.guides import DOCS, console_commands
from tests.signing.tools import REPO, require_tool

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py

GUIDE = DOCS / "evidence-officer-guide.md"
BUNDLE_ZIP = "RVR-DEMO-2026-0001-20260314T101500Z.zip"
ROOT_PEM = "force-root.pem"

# Each tool the guide's commands call, with the package that provides it.
TOOLS = {
    "rvr-verify": "this project (pip install -e .)",
    "bagit.py": "bagit-python",
    "pyhanko": "pyhanko-cli",
    "jq": "the Debian package jq",
    "unzip": "the Debian package unzip",
    "sha256sum": "coreutils",
    "openssl": "openssl",
    "pdfsig": "poppler-utils",
    "certutil": "libnss3-tools",
}


@dataclass(frozen=True)
class Step:
    command: str
    shown: tuple[str, ...]
    """The output lines the guide shows under the command."""


def guide_steps(guide: Path) -> list[Step]:
    """The guide's console commands, each with the output lines shown beneath it."""
    steps: list[Step] = []
    in_console = False
    fence: str | None = None
    continuing = False
    for line in guide.read_text(encoding="utf-8").splitlines():
        opened = re.match(r"^(`{3,}|~{3,})\s*(\S*)", line.strip())
        if fence is None:
            if opened:
                fence, in_console = opened.group(1), opened.group(2) == "console"
            continue
        if line.strip().startswith(fence):
            fence = None
            continue
        if not in_console:
            continue
        if continuing:
            continuing = line.rstrip().endswith("\\")
        elif line.startswith("$ "):
            steps.append(Step("", ()))
            continuing = line.rstrip().endswith("\\")
        elif steps:
            last = steps[-1]
            steps[-1] = Step(last.command, (*last.shown, line))
    commands = console_commands(guide)
    assert len(commands) == len(steps)
    return [Step(command, step.shown) for command, step in zip(commands, steps, strict=True)]


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _pattern(shown: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in _squeezed(shown).split("…")]
    return re.compile("^" + ".*".join(parts) + "$")


def _shows(output: str, shown: str) -> bool:
    pattern = _pattern(shown)
    return any(pattern.match(_squeezed(line)) for line in output.splitlines())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the demo bundle as the .zip the guide names, and the force's root."""
    folder = tmp_path_factory.mktemp("evidence-officer")
    demo = build_demo_vault(folder / "demo", kdf=FAST_INSECURE_KDF)
    exports = folder / "exports"
    exports.mkdir()
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        result = export_case(
            vault,
            ExportRequest(
                demo.case_id,
                exports,
                recipient="Evidence review unit (training)",
                justification="Demo export for the evidence officer's guide.",
                layout=BundleLayout.ZIP,
            ),
        )
    work = folder / "work"
    work.mkdir()
    shutil.copyfile(result.bundle, work / BUNDLE_ZIP)
    shutil.copyfile(demo.trust_root, work / ROOT_PEM)
    return work


def _environment(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("HOME",) and not key.startswith("XDG_")
    }
    env["PATH"] = f"{REPO / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    env["HOME"] = str(home)
    env["LC_ALL"] = "C.UTF-8"
    return env


def test_evidence_officer_repeats_every_check_in_the_guide_on_the_demo_bundle(
    sandbox: Path,
) -> None:
    for tool, package in TOOLS.items():
        require_tool(tool, package)
    bash = shutil.which("bash")
    assert bash is not None
    steps = guide_steps(GUIDE)
    home = sandbox.parent / "home"
    home.mkdir()
    env = _environment(home)

    outputs: dict[str, str] = {}
    for step in steps:
        done = subprocess.run(
            [bash, "-c", step.command],
            cwd=sandbox,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
        )
        output = done.stdout
        outputs[step.command] = output
        assert done.returncode == 0, f"{step.command}\nexited {done.returncode}:\n{output}"
        for shown in step.shown:
            assert _shows(output, shown), f"{step.command}\ndid not print {shown!r}:\n{output}"
        if step.command.startswith(("diff ", "comm ")):
            assert output == "", f"{step.command} found differences:\n{output}"

    # The chain recomputed by hand ends at the head the bundle declares.
    info = (sandbox / "bundle" / "bag-info.txt").read_text(encoding="utf-8")
    head = re.search(r"^RVR-Audit-Chain-Head: (\S+)$", info, re.MULTILINE)
    length = re.search(r"^RVR-Audit-Chain-Length: (\S+)$", info, re.MULTILINE)
    assert head and length
    chain_output = next(out for command, out in outputs.items() if "audit-chain.jsonl; " in command)
    assert chain_output.strip() == f"{length.group(1)} records, head {head.group(1)}"
    # The hand comparisons compared something: every entry, exhibit and form is listed.
    assert (
        len((sandbox / "notes.sha256").read_text().splitlines()) == 41
    )  # as the guide says: "41 timeline entries"
    assert len((sandbox / "exhibits.sha256").read_text().splitlines()) == 2
    assert len((sandbox / "forms.sha256").read_text().splitlines()) == 3
    report = sandbox / "DEMO-2026-0001-verification.pdf"
    assert report.read_bytes().startswith(b"%PDF-")


def test_the_guide_explains_every_check_the_verifier_reports(sandbox: Path, tmp_path: Path) -> None:
    trust = TrustStore.from_paths([sandbox / ROOT_PEM])
    names = {check.name for check in verify_bundle(sandbox / BUNDLE_ZIP, trust).checks}
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../outside.txt", b"escape")
    names |= {check.name for check in verify_bundle(hostile, trust).checks}

    table = GUIDE.read_text(encoding="utf-8")
    explained = set(re.findall(r"^\| `([^`]+)` \|", table, re.MULTILINE))
    assert names <= explained, f"not explained in the guide: {sorted(names - explained)}"


def test_the_verify_window_command_in_the_guide_opens_the_verify_window() -> None:
    assert "`rvr-desktop verify`" in GUIDE.read_text(encoding="utf-8")

    args = cli_main.build_parser().parse_args(["verify", BUNDLE_ZIP])

    assert args.command == "verify"
    assert args.bundle == BUNDLE_ZIP
