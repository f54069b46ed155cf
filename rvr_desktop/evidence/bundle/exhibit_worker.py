"""An exhibit-decrypting worker process (started by :mod:`.exhibit_processes`).

Reads requests on stdin, one JSON line each (``[blob path, age identity, target file,
size]``), decrypts the blob into the target file (a payload file the export set aside),
hashing it, and makes it durable. It answers each with JSON lines: ``["progress", bytes
so far]`` as it goes, then ``["done", sha256, size]``, or the failure that stopped it:
``["damaged", message]`` for a blob that fails its check, ``["os", errno, strerror]``
for the disk, ``["failed", message]`` for anything else. Ends at the end of its input.

The identity, the only key to the blob, comes through the pipe from the export that
read it from the vault, never on the command line (which other users can list).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

from rvr_desktop.evidence.bundle.sinks import reserved_file_target
from rvr_desktop.evidence.errors import RvrError, VaultDamaged
from rvr_desktop.evidence.progress import ProgressCallback
from rvr_desktop.evidence.vault.blobstore import BlobStore

Answer = list[object]


def decrypt_into_reserved(
    blob: Path, identity: str, target: Path, size: int, progress: ProgressCallback
) -> tuple[str, int]:
    """Decrypt ``blob`` into the reserved file ``target``: its plaintext's (SHA-256,
    size), durable on disk when this returns. Used in the worker, and by the export
    itself when no worker can do it."""
    written = 0

    def counted(done: int, total: int) -> None:
        nonlocal written
        written = done
        progress(done, total)

    with reserved_file_target(target) as file:
        digest = BlobStore(blob.parent).read_into(
            blob.name, identity, file, total_hint=size, progress=counted
        )
    # Never None (hash_bytes is left on); an empty digest would be refused as a mismatch.
    return digest or "", written


def failure_answer(exc: BaseException) -> Answer:
    """What the worker answers for a failure, so the export raises the error it would
    have raised decrypting the blob itself."""
    if isinstance(exc, VaultDamaged):
        return ["damaged", str(exc)]
    # The blob store reports a failed write as our own error, caused by the OSError.
    cause = exc.__cause__ if isinstance(exc, RvrError) else exc
    if isinstance(cause, OSError) and cause.errno is not None:
        return ["os", cause.errno, cause.strerror or str(cause)]
    return ["failed", str(exc) or type(exc).__name__]


def _answer(out: IO[bytes], answer: Answer) -> None:
    out.write(json.dumps(answer).encode() + b"\n")
    out.flush()


def main() -> None:
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        blob, identity, target, size = json.loads(line)
        try:
            digest, written = decrypt_into_reserved(
                Path(blob),
                identity,
                Path(target),
                size,
                lambda done, _total: _answer(out, ["progress", done]),
            )
        except Exception as exc:
            _answer(out, failure_answer(exc))
        else:
            _answer(out, ["done", digest, written])


if __name__ == "__main__":
    main()
