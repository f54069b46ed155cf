"""A hashing worker process (started by :mod:`.hash_processes`).

Reads batches of listed files from stdin, one JSON line each (``[[path, size, device,
inode], ...]``), and answers each with one line: per file ``[sha256, bytes read]``, or the
problem that refused it. Ends at the end of its input. It imports only what reading and
hashing need, so it is ready in a few tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import sys

from rvr_desktop.evidence.bundle.listed_files import FileRefused, ListedFile, read_listed_file

HashedOrRefused = tuple[str, int] | str
"""A file's (SHA-256, bytes read), or the problem that refused it."""


def hash_listed_files(files: list[ListedFile]) -> list[HashedOrRefused]:
    """Each file read whole as listed, and hashed."""
    buffer = bytearray(max((f.size for f in files), default=0) + 1)
    results: list[HashedOrRefused] = []
    for listed in files:
        try:
            size = read_listed_file(listed, buffer)
        except FileRefused as exc:
            results.append(exc.problem)
            continue
        results.append((hashlib.sha256(memoryview(buffer)[:size]).hexdigest(), size))
    return results


def main() -> None:
    answers = sys.stdout.buffer
    for line in sys.stdin.buffer:
        files = [ListedFile(path, size, (dev, ino)) for path, size, dev, ino in json.loads(line)]
        answers.write(json.dumps(hash_listed_files(files)).encode() + b"\n")
        answers.flush()


if __name__ == "__main__":
    main()
