"""A reader who follows a link or looks at a picture in the docs finds it there."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.docs.guides import DOCS

GUIDES = ("officer-guide.md", "admin-guide.md")
# [text](target) and ![alt](target), ignoring an optional "title" after the target.
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def prose(path: Path) -> str:
    """The Markdown outside fenced code blocks (links in code are not links)."""
    kept: list[str] = []
    fence: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            kept.append(re.sub(r"`[^`]*`", "", line))
    return "\n".join(kept)


def relative_targets(path: Path, pattern: re.Pattern[str]) -> list[str]:
    targets = []
    for target in pattern.findall(prose(path)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address, or a place in the same page
        targets.append(target)
    return targets


@pytest.mark.parametrize("name", GUIDES)
def test_every_picture_in_a_guide_exists_and_is_a_png(name: str) -> None:
    guide = DOCS / name
    images = relative_targets(guide, _IMAGE)
    assert images, f"{name} shows no pictures"
    for target in images:
        image = (guide.parent / unquote(target)).resolve()
        assert image.is_file(), f"{name}: the picture {target} is missing"
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{name}: {target} is not a PNG"


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_every_relative_link_in_the_docs_resolves(page: Path) -> None:
    for target in relative_targets(page, _LINK):
        place = unquote(target.split("#", 1)[0])
        assert place, f"{page.name}: empty link {target}"
        assert (page.parent / place).exists(), f"{page.name}: {target} does not exist"


def test_the_link_reader_sees_links_and_pictures_but_not_code(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        'See [the guide](guide.md#start) and ![a screen](shots/a.png "A").\n'
        "Not `[code](nowhere.md)`, nor [the web](https://example.org).\n"
        "```text\n[inside](fenced.md)\n```\n",
        encoding="utf-8",
    )
    assert relative_targets(page, _LINK) == ["guide.md#start", "shots/a.png"]
    assert relative_targets(page, _IMAGE) == ["shots/a.png"]
