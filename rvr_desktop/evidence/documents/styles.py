"""Paragraph styles and the conversion of typed text into safe paragraph markup.

reportlab's Paragraph reads a small XML-like markup, so everything a person typed is
escaped before it is laid out: a '<' in a note must print as '<', not start a tag.
Lines break only at spaces; a word wider than its whole column is broken before layout
by the rules of :mod:`.wrapping` (at a file name's separators, a hash's groups, or with a
hyphen). reportlab's own hyphenation is off, and its ``splitLongWords`` stays on only so
that text never runs out of its column should a word still be too wide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from rvr_desktop.evidence.documents.fonts import fonts

BODY_SIZE = 10.5
SMALL_SIZE = 8.5
STRIKE_COLOUR = colors.HexColor("#B00020")
"""Strike-through lines: a dark red, distinct from all other ink in the documents."""
EVENT_FILL = colors.HexColor("#E8EEF7")
WARNING_FILL = colors.HexColor("#FFF1CC")
RULE_GREY = colors.HexColor("#808080")

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def markup(text: str) -> str:
    """One paragraph of typed text as markup: escaped, single line breaks kept."""
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    return "<br/>".join(escape(line) for line in cleaned.strip("\n").split("\n"))


def paragraphs(text: str) -> list[str]:
    """Typed text split at blank lines into paragraphs of markup (empty ones dropped)."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return [markup(chunk) for chunk in _PARAGRAPH_BREAK.split(normalised) if chunk.strip()]


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    centre: ParagraphStyle
    struck: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    mono_small: ParagraphStyle


def styles() -> Styles:
    font = fonts()
    body = ParagraphStyle(
        "rvr-body",
        fontName=font.regular,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.4,
        alignment=TA_LEFT,
        spaceAfter=BODY_SIZE * 0.7,
        splitLongWords=1,
        hyphenationLang="",
        embeddedHyphenation=0,
        uriWasteReduce=0,
        allowWidows=0,
        allowOrphans=0,
    )
    small = ParagraphStyle("rvr-small", parent=body, fontSize=SMALL_SIZE, leading=SMALL_SIZE * 1.3)
    return Styles(
        body=body,
        small=small,
        label=ParagraphStyle("rvr-label", parent=small, fontName=font.bold, spaceAfter=0),
        title=ParagraphStyle(
            "rvr-title", parent=body, fontName=font.bold, fontSize=15, leading=19, spaceAfter=2
        ),
        subtitle=ParagraphStyle("rvr-subtitle", parent=small, spaceAfter=10),
        heading=ParagraphStyle(
            "rvr-heading",
            parent=body,
            fontName=font.bold,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        centre=ParagraphStyle(
            "rvr-centre", parent=body, fontName=font.bold, alignment=TA_CENTER, spaceBefore=6
        ),
        struck=ParagraphStyle(
            "rvr-struck", parent=body, strikeColor=STRIKE_COLOUR, strikeWidth=0.9, spaceAfter=2
        ),
        cell=ParagraphStyle("rvr-cell", parent=small, spaceAfter=0),
        cell_bold=ParagraphStyle("rvr-cell-bold", parent=small, fontName=font.bold, spaceAfter=0),
        mono_small=ParagraphStyle(
            "rvr-hash", parent=small, fontSize=7.5, leading=9.5, spaceAfter=0
        ),
    )
