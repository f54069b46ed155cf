"""Child processes for the durability-order and I/O-fault proofs.

Run as ``python -m tests.security.io_children ACTION VAULT PASSPHRASE CASE_REF WORK COUNT
[--leave BYTES] [--fsize BYTES]``. The child unlocks the vault, optionally arranges a
fault (fills the disk to leave BYTES free, or sets a file-size limit), prints ``ready``,
then repeats ACTION up to COUNT times, each with a bigger payload. It prints one line per
action that returned (``done ACTION KEY``), and for the first error one line
``error CLASS SECONDS MESSAGE`` (SECONDS: from the start of the failed action to the error
reaching the caller, an upper bound on "fault to error"). After an error it tries one more
note (``followup done ID`` or ``followup error CLASS SECONDS MESSAGE``), so a connection left
unusable shows. Then it ends without closing anything, like a crash: what the parent finds
on reopening is what reached the disk.

Actions: ``note``, ``attach``, ``form``, ``export`` (into WORK), ``passwd`` (to
``PASSPHRASE + " changed"``).
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.vault import Vault

NEW_PASSPHRASE_SUFFIX = " changed"


def _say(line: str) -> None:
    sys.stdout.write(line.replace("\n", " ") + "\n")
    sys.stdout.flush()


def _fill_disk(folder: Path, leave: int) -> None:
    """Take all but ``leave`` bytes of the filesystem holding ``folder``."""
    free = shutil.disk_usage(folder).free
    if free > leave:
        fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.posix_fallocate(fd, 0, free - leave)
        finally:
            os.close(fd)


def _limit_file_size(limit: int) -> None:
    # Ignored, SIGXFSZ would kill the child; ignored, the write fails with EFBIG instead.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _actions(vault: Vault, case_id: int, passphrase: str, work: Path) -> Callable[[int], str]:
    """The ACTION as a function of its round (1, 2, ...), returning the key it prints."""
    action = sys.argv[1]
    if action == "note":
        return lambda n: str(
            timeline.append_note(vault, case_id, f"io note {n} " + "w" * (n * 4000)).id
        )
    if action == "attach":

        def attach(n: int) -> str:
            data = os.urandom(n * 256 * 1024)
            found = attachments.import_stream(
                vault, case_id, io.BytesIO(data), original_name=f"exhibit-{n}.bin"
            )
            return f"{found.exhibit_ref} {found.sha256}"

        return attach
    if action == "form":
        form = forms.forms_for_case(vault, case_id)[0]

        def save(n: int) -> str:
            answers = dict(form.answers)
            answers["io_fault_probe"] = f"draft {n} " + "a" * (n * 4000)
            return f"{form.form_id} {forms.save_draft(vault, form.form_id, answers).version}"

        return save
    if action == "export":

        def export(n: int) -> str:
            request = ExportRequest(case_id, work, "I/O fault test", "Proving I/O faults.")
            return export_case(vault, request).bundle.name

        return export
    if action == "passwd":

        def change(n: int) -> str:
            vault.change_passphrase(passphrase, passphrase + NEW_PASSPHRASE_SUFFIX)
            return "changed"

        return change
    raise SystemExit(f"unknown action {action}")


def _timed(step: Callable[[], str]) -> tuple[str | None, RvrError | None, float]:
    started = time.monotonic()
    try:
        return step(), None, 0.0
    except RvrError as exc:
        return None, exc, time.monotonic() - started


def main() -> None:
    action, root, passphrase, case_ref, work, count = sys.argv[1:7]
    options = dict(zip(sys.argv[7::2], sys.argv[8::2], strict=True))
    vault = Vault.unlock(Path(root), passphrase)
    case = cases.find_case(vault, case_ref)
    run = _actions(vault, case.id, passphrase, Path(work))
    if "--leave" in options:
        _fill_disk(Path(work), int(options["--leave"]))
    if "--fsize" in options:
        _limit_file_size(int(options["--fsize"]))
    _say("ready")
    for n in range(1, int(count) + 1):
        key, error, seconds = _timed(lambda n=n: run(n))  # type: ignore[misc]
        if error is None:
            _say(f"done {action} {key}")
            continue
        _say(f"error {type(error).__name__} {seconds:.4f} {error}")
        note, again, seconds = _timed(
            lambda: str(timeline.append_note(vault, case.id, "follow-up note").id)
        )
        if again is None:
            _say(f"followup done {note}")
        else:
            _say(f"followup error {type(again).__name__} {seconds:.4f} {again}")
        break
    os._exit(0)


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # a failure that is not ours: the parent reports it as strange
        traceback.print_exc()
        sys.stdout.flush()
        os._exit(3)
