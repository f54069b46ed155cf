"""IT follows the admin guide word for word: every command in it runs, in order, and says
what the guide says it says.

The commands run in a sandbox: a clean checkout of HEAD, a private home folder, and (in a
private mount namespace) private folders over /opt, /usr/local/bin and the desktop-entry
and icon folders, so the guide's install steps run as written without touching this
machine. Passphrases are typed at the prompts through a pseudo-terminal, as an officer
would type them.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from tests.docs.guides import DOCS, console_commands

ROOT = DOCS.parent
GUIDE = DOCS / "admin-guide.md"
COMMAND_TIMEOUT_S = 900

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\S*)")
_EXIT_STATUS = re.compile(r"#\s*exit status (\d+)\s*$")

OFFICER_PASSPHRASE = "amber harbour lantern cobalt"
NEW_PASSPHRASE = "quartz meadow violin thunder"
TRAINING_PASSPHRASE = "training vault passphrase"
P12_PASSWORD = "issued by the PKI team"
TSA_URL = "https://tsa.example.police.uk/rfc3161"
# Folders of this machine the install steps write to; each gets a private stand-in.
SYSTEM_FOLDERS = ("/opt", "/usr/local/bin", "/usr/share/applications", "/usr/share/icons/hicolor")


@dataclass(frozen=True)
class Step:
    """One command of a guide and what the guide shows after it."""

    command: str
    expected: tuple[str, ...]
    """Output lines shown in the guide; '...' in a line stands for any text."""
    exit_status: int


def console_steps(guide: Path) -> list[Step]:
    """The guide's commands (as :func:`console_commands` reads them) with their output."""
    steps: list[Step] = []
    fence: str | None = None
    running = False
    command: str | None = None
    continued = False
    expected: list[str] = []

    def finish() -> None:
        nonlocal command, expected
        if command is not None:
            found = _EXIT_STATUS.search(command)
            status = int(found.group(1)) if found else 0
            steps.append(Step(command, tuple(expected), status))
        command, expected = None, []

    for line in guide.read_text(encoding="utf-8").splitlines():
        opened = _FENCE.match(line.strip())
        if fence is None:
            if opened:
                fence, running = opened.group(1), opened.group(2) == "console"
            continue
        if line.strip().startswith(fence):
            finish()
            fence = None
            continue
        if not running:
            continue
        if continued and command is not None:
            command += " " + line.strip().removesuffix("\\").strip()
            continued = line.rstrip().endswith("\\")
        elif line.startswith("$ "):
            finish()
            command = line[2:].strip().removesuffix("\\").strip()
            continued = line.rstrip().endswith("\\")
        else:
            expected.append(line.strip())
    return steps


def shows(output: str, expected: str) -> bool:
    """Whether some output line holds the expected line's parts, in order."""
    parts = [p.strip() for p in expected.split("...")]
    for line in output.splitlines():
        at = 0
        for part in parts:
            found = line.find(part, at)
            if found < 0:
                break
            at = found + len(part)
        else:
            return True
    return False


def run_at_terminal(
    argv: list[str], env: dict[str, str], answer: Callable[[str], str | None]
) -> tuple[int, str]:
    """Run ``argv`` on a pseudo-terminal, typing ``answer(prompt)`` at each prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the command
        try:
            os.execvpe(argv[0], argv, env)  # noqa: S606 - a fixed program, arguments as a list
        finally:
            os._exit(127)
    output = b""
    answered_at = 0
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], COMMAND_TIMEOUT_S)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"no output for {COMMAND_TIMEOUT_S} s from {argv[-1]!r}")
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal closes when the command ends
                break
            if not chunk:
                break
            output += chunk
            current_line = output[answered_at:].rsplit(b"\n", 1)[-1].decode(errors="replace")
            reply = answer(current_line) if current_line.endswith(": ") else None
            if reply is not None:
                os.write(fd, reply.encode() + b"\n")
                answered_at = len(output)
        # Wait before closing our end: closing it hangs up the terminal, and a command that
        # has closed its output but not yet exited would die of that hang-up.
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace").replace("\r\n", "\n")


class Officer:
    """Types the passphrase the vault has at each point of the guide."""

    def __init__(self) -> None:
        self.officer_vault = OFFICER_PASSPHRASE

    def answers_for(self, command: str) -> Callable[[str], str | None]:
        vault = TRAINING_PASSPHRASE if "training-vault" in command else self.officer_vault
        new = TRAINING_PASSPHRASE if "training-vault" in command else OFFICER_PASSPHRASE
        if "vault passwd" in command:
            new = NEW_PASSPHRASE
        prompts = {
            "Vault passphrase: ": vault,
            "Current passphrase: ": vault,
            "New passphrase: ": new,
            "Repeat the new passphrase: ": new,
            "Password of the PKCS#12 file: ": P12_PASSWORD,
        }
        return lambda line: next((v for p, v in prompts.items() if line.endswith(p)), None)

    def after(self, command: str) -> None:
        if "vault passwd" in command:
            self.officer_vault = NEW_PASSPHRASE
        if "vault-backup.tar.gz" in command and " -x" in command:
            self.officer_vault = OFFICER_PASSPHRASE  # the backup has the passphrase it had


def write_force_credential(folder: Path) -> None:
    """jane-smith.p12 as a force PKI would issue it (not the TEST PKI)."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Constabulary"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Example Constabulary Issuing CA"),
        ]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    officer = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Constabulary"),
                    x509.NameAttribute(NameOID.SERIAL_NUMBER, "PC 1234"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "Jane Smith"),
                ]
            )
        )
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=730))
        .add_extension(usage, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION, ObjectIdentifier("1.3.6.1.5.5.7.3.36")]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "jane-smith.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"Jane Smith",
            key,
            officer,
            [ca],
            serialization.BestAvailableEncryption(P12_PASSWORD.encode()),
        )
    )


def clean_checkout(sandbox: Path) -> Path:
    """The committed tree (what a build machine checks out), with this project's .venv."""
    archive = sandbox / "head.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), "HEAD"],
        check=True,
    )
    tree = sandbox / "src"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")  # our own archive of HEAD, not hostile input
    (tree / ".venv").symlink_to(ROOT / ".venv")
    return tree


def sandbox_environment(home: Path) -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("LANG", "LC_ALL", "TERM") if k in os.environ}
    return {
        **keep,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "QT_QPA_PLATFORM": "offscreen",
        "PATH": f"/usr/local/bin:{ROOT / '.venv' / 'bin'}:/usr/bin:/bin",
    }


def in_private_namespace(stand_ins: list[Path], cwd: Path, command: str) -> list[str]:
    """``bash -c command`` with each system folder replaced by its private stand-in."""
    binds = "; ".join(
        f'mount --bind "${i + 1}" {folder}' for i, folder in enumerate(SYSTEM_FOLDERS)
    )
    script = f'set -e; {binds}; cd "${len(SYSTEM_FOLDERS) + 1}"; exec bash -c "$0"'
    return [
        "unshare",
        "--map-root-user",
        "--mount",
        "bash",
        "-c",
        script,
        command,
        *map(str, stand_ins),
        str(cwd),
    ]


def test_the_admin_guide_reads_its_commands_as_the_shared_convention_does() -> None:
    assert [s.command for s in console_steps(GUIDE)] == console_commands(GUIDE)
    assert console_commands(GUIDE), "the admin guide has no commands to check"


def test_windows_steps_are_marked_powershell_and_never_in_console_blocks() -> None:
    commands = console_commands(GUIDE)
    assert not [c for c in commands if "powershell" in c.lower() or ".exe" in c]
    text = GUIDE.read_text(encoding="utf-8")
    assert "```powershell" in text and "/VERYSILENT" in text


@pytest.mark.slow
@pytest.mark.timeout(1200)  # a hang guard for a loaded machine (it builds the installer)
def test_it_follows_the_admin_guide_word_for_word(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) for a private mount namespace")
    probe = subprocess.run(
        ["unshare", "--map-root-user", "--mount", "true"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip("this machine does not allow private mount namespaces")
    pytest.importorskip("PyInstaller")
    tree = clean_checkout(tmp_path)
    write_force_credential(tree)
    home = tmp_path / "home"
    home.mkdir()
    stand_ins = []
    for folder in SYSTEM_FOLDERS:
        stand_in = tmp_path / "system" / folder.strip("/").replace("/", "-")
        stand_in.mkdir(parents=True)
        stand_ins.append(stand_in)
    env = sandbox_environment(home)
    officer = Officer()

    for step in console_steps(GUIDE):
        argv = in_private_namespace(stand_ins, tree, step.command)
        status, output = run_at_terminal(argv, env, officer.answers_for(step.command))
        assert status == step.exit_status, f"$ {step.command}\n{output[-4000:]}"
        for line in step.expected:
            if line and line != "...":
                assert shows(output, line), f"$ {step.command}\nnot shown: {line}\n{output[-4000:]}"
        officer.after(step.command)

    # What the guide installed is where it says, and the settings it deployed are read.
    assert (stand_ins[0] / "rvr-desktop" / "rvr-desktop").is_file()
    assert (stand_ins[2] / "rvr-desktop.desktop").is_file()
    assert (stand_ins[3] / "256x256" / "apps" / "rvr-desktop.png").is_file()
    read_back = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "-c",
            "from PySide6.QtCore import QCoreApplication\n"
            "from rvr_desktop.paths import APP_AUTHOR, APP_NAME\n"
            "from rvr_desktop.ui.settings import AppSettings\n"
            "QCoreApplication.setOrganizationName(APP_AUTHOR)\n"
            "QCoreApplication.setApplicationName(APP_NAME)\n"
            "print(AppSettings().timestamp_url)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert read_back.stdout.strip() == TSA_URL
