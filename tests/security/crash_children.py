"""Programs the crash tests kill (run as ``python -m tests.security.crash_children``).

Each prints one line per action that has returned, and flushes, so the parent knows
exactly what was acknowledged before it killed the child:

- ``note ID TEXT``: ``append_note`` returned this note;
- ``exhibit ID SHA256``: an attachment import returned this exhibit;
- ``writing``: an export has begun writing its bundle (not an acknowledgement);
- ``exported NAME``: an export returned this bundle;
- ``changed``: a passphrase change returned.

``work ACTIVITY ...`` repeats one activity (notes, import or export) until it is killed at
a random moment. ``point ACTION ...`` does one action once; the parent arms a named crash
point in it (``RVR_CRASH_POINT``), and a child that prints ``survived`` was never killed.
"""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Callable
from pathlib import Path

from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.vault import Vault

ACTIVITIES = ("notes", "import", "export")
POINT_ACTIONS = ("import", "export", "passwd")


def _say(line: str) -> None:
    print(line, flush=True)


class _Officer:
    """What an officer does in one child: notes, imports and exports, each acknowledged."""

    def __init__(self, vault: Vault, case_ref: str, destination: Path, seed: int) -> None:
        self.vault = vault
        self.case = cases.find_case(vault, case_ref)
        self.destination = destination
        self.rng = random.Random(seed)
        self.count = 0
        self.exports = 0

    def note(self) -> None:
        self.count += 1
        text = f"note {self.rng.getrandbits(48):012x} " + "words " * (self.count % 40)
        entry = timeline.append_note(self.vault, self.case.id, text.strip())
        _say(f"note {entry.id} {entry.text}")

    def import_one(self) -> None:
        # Sizes around the blob store's 1 MiB chunk, so a kill can land mid-encryption.
        size = self.rng.randrange(1, (1 << 20) + (1 << 18))
        data = self.rng.randbytes(size)
        item = attachments.import_stream(
            self.vault, self.case.id, io.BytesIO(data), original_name="capture.bin"
        )
        _say(f"exhibit {item.id} {item.sha256}")

    def export_one(self) -> None:
        # Imported here: the signing and PDF libraries take seconds to load on a busy
        # machine, and only export children need them.
        from rvr_desktop.evidence.bundle.errors import BundleAlreadyExists
        from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
        from rvr_desktop.evidence.bundle.layout import BundleLayout

        # Both layouts, so a kill can land in the folder sink's rename and the zip's link.
        self.exports += 1
        layout = BundleLayout.ZIP if self.exports % 2 else BundleLayout.FOLDER
        request = ExportRequest(
            self.case.id,
            self.destination,
            recipient="CPS Direct (crash test)",
            justification="Crash test: proving a kill loses nothing.",
            layout=layout,
        )
        announced: list[bool] = []

        def writing(done: int, total: int) -> None:
            # The parent times its kill from here: the bag is being written.
            if not announced:
                announced.append(True)
                _say("writing")

        try:
            result = export_case(self.vault, request, progress=writing)
        except BundleAlreadyExists:
            # Bundle names carry the second; an export killed just after its rename in this
            # same second holds the name. Not what this test is about: try again.
            return
        _say(f"exported {result.bundle.name}")


def work(activity: str, root: Path, passphrase: str, case_ref: str, destination: Path) -> None:
    """Repeat ``activity`` (with a note before each import or export) until killed."""
    officer = _Officer(
        Vault.unlock(root, passphrase), case_ref, destination, random.randrange(2**32)
    )
    steps: dict[str, Callable[[], None]] = {
        "notes": lambda: None,
        "import": officer.import_one,
        "export": officer.export_one,
    }
    step = steps[activity]
    _say("ready")
    while True:
        officer.note()
        step()


def point(action: str, root: Path, passphrase: str, case_ref: str, destination: Path) -> None:
    """Do ``action`` once, after one acknowledged note; the armed crash point should kill us."""
    vault = Vault.unlock(root, passphrase)
    officer = _Officer(vault, case_ref, destination, 2026)
    _say("ready")
    officer.note()
    if action == "import":
        officer.import_one()
    elif action == "export":
        officer.export_one()
    else:
        vault.change_passphrase(passphrase, passphrase[::-1])
        _say("changed")
    _say("survived")
    vault.lock()


def change_passphrase_forever(root: Path, first: str, second: str) -> None:
    current, other = first, second
    vault = Vault.unlock(root, first)
    _say("ready")
    while True:
        vault.change_passphrase(current, other)
        _say(f"changed-to {other}")
        current, other = other, current


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "work" and rest[0] in ACTIVITIES:
        work(rest[0], Path(rest[1]), rest[2], rest[3], Path(rest[4]))
    elif command == "point" and rest[0] in POINT_ACTIONS:
        point(rest[0], Path(rest[1]), rest[2], rest[3], Path(rest[4]))
    elif command == "passwd":
        change_passphrase_forever(Path(rest[0]), rest[1], rest[2])
    else:
        raise SystemExit(f"unknown command {sys.argv[1:]}")
