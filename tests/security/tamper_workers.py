"""Tamper with a bundle in place and verify it, on several worker processes at once.

Each worker keeps its own copy of the bundle. A tamper is applied to that copy in place
(a flipped byte, a truncation, a missing, extra or renamed file, an edited manifest),
the copy is verified with ``verify_bundle``, and the change is undone before the next
one, so no tree is copied per tamper. The result says whether the verifier failed the
bundle (exit code 1) with a failing check that names the tampered file.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rvr_desktop.evidence.bundle.result import Outcome, Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.signing.trust import TrustStore

FLIP = "flip"
TRUNCATE = "truncate"
MISSING = "missing"
EXTRA = "extra"
RENAMED = "renamed"
REORDERED = "reordered"
DUPLICATE = "duplicate entry"
PHANTOM = "entry for a file that is not there"
ONE_SPACE = "one space instead of two"
TWO_SPACES = "a tab added after the two spaces"
CRLF = "CRLF line endings"

STRUCTURAL = (MISSING, RENAMED, EXTRA, REORDERED, DUPLICATE, PHANTOM, ONE_SPACE, TWO_SPACES, CRLF)
MANIFEST_EDITS = (REORDERED, DUPLICATE, PHANTOM, ONE_SPACE, TWO_SPACES, CRLF)


@dataclass(frozen=True)
class Tamper:
    kind: str
    path: str
    """The file changed (for EXTRA, the folder a file is planted in), '/'-separated."""
    offset: int = 0
    """FLIP: the byte flipped; TRUNCATE: the length the file is cut to."""
    mask: int = 0x01
    """FLIP: the bits changed."""

    def describe(self) -> str:
        where = f" at {self.offset}" if self.kind in (FLIP, TRUNCATE) else ""
        return f"{self.kind} {self.path}{where}"


@dataclass(frozen=True)
class Judgement:
    tamper: Tamper
    verdict: Verdict | None
    """verify_bundle's verdict; None when it raised."""
    names_file: bool
    """A failing check's reason names every file the tamper concerns."""
    crash: str | None
    """The traceback, if verify_bundle raised instead of reporting."""
    reasons: tuple[str, ...]
    """The failing checks' reasons (kept for the message when a tamper was missed)."""

    @property
    def detected(self) -> bool:
        return self.crash is None and self.verdict is Verdict.FAILED and self.names_file


PLANTED = "planted-by-test.txt"
RENAME_PREFIX = "renamed-"


def _named(tamper: Tamper) -> tuple[str, ...]:
    """The names a failing check must mention for this tamper to count as named."""
    leaf = tamper.path.rsplit("/", 1)[-1]
    if tamper.kind == EXTRA:
        return (PLANTED,)
    if tamper.kind == RENAMED and tamper.path.startswith("data/"):
        return (leaf, RENAME_PREFIX + leaf)
    # A renamed tag file stops the check at the missing original, which is what is named.
    return (leaf,)


def _manifest_lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _edit_manifest(kind: str, data: bytes) -> bytes:
    lines = _manifest_lines(data)
    if kind == REORDERED:
        if len(lines) < 2:
            raise ValueError("a manifest of one line cannot be reordered")
        return b"".join(reversed(lines))
    if kind == DUPLICATE:
        return b"".join(lines + lines[:1])
    if kind == PHANTOM:
        folder = b"data/" if lines[0].split(b"  ", 1)[1].startswith(b"data/") else b""
        return data + b"0" * 64 + b"  " + folder + b"not-there.txt\n"
    if kind == ONE_SPACE:
        return data.replace(b"  ", b" ")
    if kind == TWO_SPACES:
        return data.replace(b"  ", b"  \t")
    if kind == CRLF:
        return data.replace(b"\n", b"\r\n")
    raise ValueError(f"not a manifest edit: {kind}")


def apply(root: Path, tamper: Tamper) -> Callable[[], None]:
    """Change the bundle at ``root`` in place; returns what puts it back."""
    target = root.joinpath(*tamper.path.split("/"))
    if tamper.kind == EXTRA:
        planted = target / PLANTED
        planted.write_bytes(b"planted")
        return planted.unlink
    if tamper.kind == RENAMED:
        moved = target.with_name(RENAME_PREFIX + target.name)
        target.rename(moved)
        return lambda: moved.rename(target)
    original = target.read_bytes()
    if tamper.kind == MISSING:
        target.unlink()
    elif tamper.kind == FLIP:
        changed = bytearray(original)
        changed[tamper.offset] ^= tamper.mask
        _overwrite(target, bytes(changed))
    elif tamper.kind == TRUNCATE:
        with target.open("r+b") as handle:
            handle.truncate(tamper.offset)
    else:
        _overwrite(target, _edit_manifest(tamper.kind, original))
    return lambda: _overwrite(target, original)


def _overwrite(path: Path, data: bytes) -> None:
    # The same file (inode) rewritten in place: a tamper never needs a fresh copy of the tree.
    with path.open("wb") as handle:
        handle.write(data)


def judge(root: Path, trust: TrustStore, tamper: Tamper) -> Judgement:
    undo = apply(root, tamper)
    try:
        status = verify_bundle(root, trust)
    except Exception:  # a traceback is exactly what is being counted
        return Judgement(tamper, None, False, traceback.format_exc(), ())
    finally:
        undo()
    reasons = tuple(c.reason for c in status.checks if c.outcome is Outcome.FAIL)
    names = all(any(name in reason for reason in reasons) for name in _named(tamper))
    return Judgement(tamper, status.verdict, names, None, reasons)


_worker_root: Path | None = None
_worker_trust: TrustStore | None = None


def _start_worker(pristine: str, workspace: str, trust_pem: str) -> None:
    global _worker_root, _worker_trust
    root = Path(workspace) / f"worker-{os.getpid()}" / Path(pristine).name
    shutil.copytree(pristine, root)
    _worker_root = root
    _worker_trust = TrustStore.from_paths([Path(trust_pem)])


def _judge_in_worker(tamper: Tamper) -> Judgement:
    if _worker_root is None or _worker_trust is None:
        raise RuntimeError("the worker was not started with _start_worker")
    return judge(_worker_root, _worker_trust, tamper)


def judge_all(
    pristine: Path,
    trust_pem: Path,
    tampers: Sequence[Tamper],
    workspace: Path,
    *,
    processes: int = 2,
) -> list[Judgement]:
    """Judge every tamper on ``processes`` workers, each with its own copy of ``pristine``."""
    context = multiprocessing.get_context("spawn")  # no forked copy of pytest's threads
    with context.Pool(
        processes,
        initializer=_start_worker,
        initargs=(str(pristine), str(workspace), str(trust_pem)),
    ) as pool:
        chunk = max(1, min(64, len(tampers) // (processes * 8)))
        return list(pool.imap(_judge_in_worker, tampers, chunksize=chunk))


def bundle_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def bundle_folders(root: Path) -> list[str]:
    folders = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()]
    return sorted(["", *folders])


def spread(size: int, at_least: int) -> list[int]:
    """Offsets 0 .. size-1: the first and last bytes and about ``at_least`` evenly between."""
    if size <= at_least:
        return list(range(size))
    step = (size - 1) / (at_least - 1)
    return sorted({0, size - 1, *(round(i * step) for i in range(at_least))})


def flips(path: str, offsets: Iterable[int]) -> list[Tamper]:
    masks = (0x01, 0x80, 0xFF, 0x20)
    return [Tamper(FLIP, path, o, masks[i % len(masks)]) for i, o in enumerate(offsets)]


def truncations(path: str, lengths: Iterable[int]) -> list[Tamper]:
    return [Tamper(TRUNCATE, path, n) for n in lengths]
