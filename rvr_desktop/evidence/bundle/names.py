"""Which file names may appear in a bundle: portable, unambiguous and unable to escape it.

One rule set serves the writer (names we create) and the reader (names a hostile bundle
may carry). A name is a relative path with ``/`` between parts. Refused: absolute paths
and drive letters, ``.`` and ``..`` parts, empty parts, backslashes, control and
invisible formatting characters (bidirectional overrides can disguise ``gpj.exe`` as
``exe.jpg``), characters Windows cannot store, Windows device names, parts ending in a
space or a dot (Windows drops them, so two names would become one), text not in Unicode
NFC form, parts longer than 255 bytes, and words that mix letters of scripts that
imitate each other (``statеment`` with a Cyrillic "е"; see lookalikes.py, which also
refuses whole names that look like another).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rvr_desktop.evidence.bundle.lookalikes import mixed_script_problem, one_script_words

MAX_COMPONENT_BYTES = 255
MAX_PATH_BYTES = 1024

_WINDOWS_FORBIDDEN = frozenset('<>:"|?*\\')
_DEVICE_NAME = re.compile(r"^(con|prn|aux|nul|conin\$|conout\$|(com|lpt)[0-9¹²³])$", re.IGNORECASE)
# Control (Cc), format (Cf, e.g. U+202E), surrogates (Cs, from undecodable bytes) and
# line/paragraph separators (Zl, Zp) are never part of an honest file name.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# The ASCII characters either rule refuses: controls (Cc) and _WINDOWS_FORBIDDEN.
_ASCII_SUSPECT = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')
_DRIVE = re.compile(r"[A-Za-z]:")


def path_problem(path: str) -> str | None:
    """Why ``path`` is not a safe bundle path, or None when it is."""
    if not path:
        return "the name is empty"
    if path.startswith("/") or _DRIVE.match(path):
        return "it is an absolute path"
    if "\\" in path:
        return "it contains a backslash"
    plain = path.isascii()  # ASCII is always NFC, one byte a character
    if not plain and unicodedata.normalize("NFC", path) != path:
        return "it is not in Unicode normal form NFC"
    if (len(path) if plain else len(path.encode("utf-8", "surrogatepass"))) > MAX_PATH_BYTES:
        return f"it is longer than {MAX_PATH_BYTES} bytes"
    for part in path.split("/"):
        problem = _component_problem(part)
        if problem:
            return problem
    return None


# Folder names recur in every path below them (data, exhibits), in the listing and again
# in the manifest; the answer for a name never changes.
@functools.lru_cache(maxsize=4096)
def _component_problem(part: str) -> str | None:
    if part == "":
        return "it has an empty folder name (two slashes, or a slash at the end)"
    if part in (".", ".."):
        return f"it contains a {part!r} part that could point outside the bundle"
    # Most names are plain ASCII: one regular-expression pass finds the first control
    # or forbidden character, and a word of ASCII letters is all Latin, so it cannot mix
    # scripts. The per-character Unicode checks are for the rest.
    plain = part.isascii()
    for ch in _ascii_suspects(part) if plain else part:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            return f"it contains the invisible or control character U+{ord(ch):04X}"
        if ch in _WINDOWS_FORBIDDEN:
            return f"it contains {ch!r}, which Windows cannot store in a file name"
    if part != part.strip(" ") or part.endswith("."):
        return "a part of it starts or ends with a space, or ends with a dot"
    if _DEVICE_NAME.match(part.split(".", 1)[0].rstrip(" ")):
        return f"{part!r} is a reserved device name on Windows"
    if len(part.encode("utf-8", "surrogatepass")) > MAX_COMPONENT_BYTES:
        return f"a part of it is longer than {MAX_COMPONENT_BYTES} bytes"
    return None if plain else mixed_script_problem(part)


def _ascii_suspects(part: str) -> str:
    """The first control or Windows-forbidden character of an ASCII ``part``, or ''."""
    found = _ASCII_SUSPECT.search(part)
    return "" if found is None else found.group()


def collision_key(path: str) -> str:
    """Two paths with the same key would be one file on Windows or macOS."""
    return unicodedata.normalize("NFC", path).casefold()


def portable_component(text: str, fallback: str = "file") -> str:
    """A single safe name part made from ``text`` (an original file name, say).

    Forbidden characters, and letters that break the script of their word, become ``_``;
    full-width and other compatibility forms become plain ones (NFKC). The result is at
    most 120 UTF-8 bytes (room for a prefix such as an exhibit reference) and never a
    device name.
    """
    text = one_script_words(unicodedata.normalize("NFKC", text))
    cleaned = "".join(
        "_"
        if ch in _WINDOWS_FORBIDDEN
        or ch in "/%"
        or unicodedata.category(ch) in _FORBIDDEN_CATEGORIES
        else ch
        for ch in text
    )
    cleaned = cleaned.strip(" .").encode("utf-8")[:120].decode("utf-8", "ignore").rstrip(" .")
    if not cleaned or cleaned in (".", ".."):
        cleaned = fallback
    if _DEVICE_NAME.match(cleaned.split(".", 1)[0].rstrip(" ")):
        cleaned = "_" + cleaned
    return cleaned
