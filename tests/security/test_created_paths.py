"""Data at rest: under strace, every path the app creates is inside a folder it owns.

A child process runs the app's own flow (see rest_children: every kind of content, a
wrong passphrase, errors, an export, the real main window unlocked and locked) under
``strace -f``. Every file opened with O_CREAT, every folder made, and every rename, link
or symlink target is listed; anything outside the allowed folders fails, by name. The
allowed folders are the vault, the export folder, the log folder, the settings folder
(Qt's settings file included), the anchor folder and the app's private temporary folders (``rvr-*``
under the system's temp); a folder made only to hold one of those is allowed too.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.figures import record_figure
from tests.security.rest_children import new_marker
from tests.security.test_data_at_rest import run_flow

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py

TRACED = "open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat"
_CALL = re.compile(r"^\d+\s+(?P<name>\w+)\((?P<args>.*)\)\s+=\s+(?P<result>-?\d+)(?P<rest>.*)$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_FD_PATH = re.compile(r"^(?:AT_FDCWD|\d+)<(.*)>$")
_RESULT_PATH = re.compile(r"^<(.*)>")


def _unquote(text: str) -> str:
    return str(ast.literal_eval('b"' + text + '"').decode("utf-8", "surrogateescape"))


def _resolve(dirfd: str | None, path: str, cwd: Path) -> Path:
    if path.startswith("/"):
        return Path(path)
    match = _FD_PATH.match(dirfd.strip()) if dirfd else None
    return (Path(match.group(1)) if match else cwd) / path


def created_paths(trace: str, cwd: Path) -> list[tuple[str, Path]]:
    """(system call, path) for each successful create, folder, rename, link or symlink."""
    made: list[tuple[str, Path]] = []
    for line in trace.splitlines():
        call = _CALL.match(line)
        if call is None or call["result"].startswith("-"):
            continue
        name, args = call["name"], call["args"]
        strings = [_unquote(s) for s in _STRING.findall(args)]
        first_arg = args.split(",", 1)[0]
        if name in ("open", "openat", "creat"):
            if name != "creat" and "O_CREAT" not in args:
                continue
            resolved = _RESULT_PATH.match(call["rest"].strip())
            if resolved:
                made.append((name, Path(_unquote(resolved.group(1)))))
            else:
                made.append(
                    (name, _resolve(first_arg if name == "openat" else None, strings[0], cwd))
                )
        elif name == "mkdir":
            made.append((name, _resolve(None, strings[0], cwd)))
        elif name == "mkdirat":
            made.append((name, _resolve(first_arg, strings[0], cwd)))
        elif name in ("rename", "link", "symlink"):
            made.append((name, _resolve(None, strings[-1], cwd)))
        elif name in ("renameat", "renameat2", "linkat", "symlinkat"):
            target_fd = args.split(",")[-2 if name != "renameat2" and name != "linkat" else -3]
            if name == "symlinkat":
                target_fd = args.split(",")[1]
            made.append((name, _resolve(target_fd, strings[-1], cwd)))
    return made


def outside(made: list[tuple[str, Path]], folders: dict[str, Path]) -> list[str]:
    """What was made outside the allowed folders, as 'syscall path'."""
    temp = folders.pop("temp")
    allowed = list(folders.values())
    wrong = []
    for call, path in made:
        if any(path == a or a in path.parents for a in allowed):
            continue
        if call.startswith("mkdir") and any(path in a.parents for a in allowed):
            continue  # a parent made to hold an allowed folder
        if temp in path.parents and path.relative_to(temp).parts[0].startswith("rvr-"):
            continue
        wrong.append(f"{call} {path}")
    return wrong


def test_the_parser_sees_each_kind_of_creation() -> None:
    """Control: a file, a folder, a rename and a symlink are each found, and a failure is not."""
    trace = "\n".join(
        [
            '7 openat(AT_FDCWD</w>, "a.txt", O_WRONLY|O_CREAT|O_EXCL, 0600) = 3</w/a.txt>',
            '7 openat(AT_FDCWD</w>, "/etc/x", O_RDONLY) = 3</etc/x>',
            '7 openat(AT_FDCWD</w>, "/nope", O_WRONLY|O_CREAT, 0600) = -1 EACCES (Denied)',
            '7 mkdir("d", 0700) = 0',
            '7 renameat2(AT_FDCWD</w>, ".t.tmp", 4</w/d>, "final", RENAME_NOREPLACE) = 0',
            '7 rename("/w/a b.tmp", "/w/a b") = 0',
            '7 symlink("/etc/passwd", "/w/link") = 0',
        ]
    )
    made = created_paths(trace, Path("/w"))
    assert [str(p) for _, p in made] == ["/w/a.txt", "/w/d", "/w/d/final", "/w/a b", "/w/link"]
    assert outside(made, {"temp": Path("/tmp"), "vault": Path("/w/d")}) == [
        "openat /w/a.txt",
        "rename /w/a b",
        "symlink /w/link",
    ]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_the_app_creates_nothing_outside_its_own_folders(tmp_path: Path) -> None:
    trace_file = tmp_path / "trace.txt"
    strace = [
        "strace",
        "-f",
        "-qq",
        "-y",
        "-s",
        "4096",
        "-o",
        str(trace_file),
        "-e",
        f"trace={TRACED}",
    ]
    summary = run_flow(tmp_path, new_marker(), prefix=tuple(strace))
    raw_folders = summary["folders"]
    assert isinstance(raw_folders, dict)
    folders = {name: Path(path) for name, path in raw_folders.items()}
    folders["temp"] = tmp_path / "tmp"  # the child's TMPDIR
    made = created_paths(trace_file.read_text(errors="replace"), tmp_path / "tmp")
    assert any(p.name == "vault.db" for _, p in made), "the trace saw the vault being made"
    assert any(p == folders["log"] for _, p in made), "the trace saw the log folder made"
    if "libfaketime" in os.environ.get("LD_PRELOAD", ""):
        # A run under faketime (the clock-proof run): its preload keeps its own shared
        # memory file, which is the clock tool's, not the app's.
        made = [(c, p) for c, p in made if not p.name.startswith("faketime_shm_")]
    wrong = outside(made, dict(folders))
    assert wrong == []
    distinct = {p for _, p in made}
    record_figure(
        "Data at rest",
        "created paths under strace (files, folders, renames, links)",
        f"0 of {len(distinct):,} outside the allowed folders",
    )
