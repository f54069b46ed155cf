"""Where a line may break inside a word, and the paragraph every document uses to apply it.

Lines break between words. Only a word wider than its whole column is broken, and never
in a way a reader could take for two words:

- a file name, path or anything else with separators breaks only at them: after ``/``,
  ``-`` or ``_``, or before a ``.`` that starts an extension (``call-capture-`` then
  ``bruising.png``), adding nothing;
- a long run of hex digits (a hash) breaks between fixed groups of
  :data:`HASH_GROUP` digits, adding nothing;
- any other word breaks with a hyphen added at the break (``organ-`` then ``isation``).

reportlab's own fallback (``splitLongWords``) cuts a long word wherever the line ends,
without a hyphen, so every paragraph of the documents is a :class:`WrappedParagraph`,
which breaks such words by the rules above before reportlab lays the lines out.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from xml.sax.saxutils import escape, unescape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

HASH_GROUP = 8
"""Digits per group when a long hash has to break."""
_HASH_MIN = 16
"""A run of hex digits at least this long is a hash (shorter ones are ordinary words)."""
_HYPHEN = "-"
_VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿāăąēĕėęěīĭįıōŏőœūŭůűųаеёиоуыэюяαεηιουω")
_KEEP_TOGETHER = frozenset({"ch", "ck", "gh", "ph", "qu", "sh", "th", "wh"})
"""Letter pairs an English hyphenation never splits."""

# Break opportunities at a separator: after '/', '-' or '_' (when something follows), and
# before a '.' that starts an extension or a further name part (a letter or digit follows).
_SEPARATOR_BREAK = re.compile(r"(?<=[/_\-])(?=[^/_\-])|(?<=[^\s.])(?=\.\w)")
_HEX = re.compile(r"[0-9a-fA-F]+")
_AFFIXES = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_MARKUP_TOKENS = re.compile(r"(<[^>]*>|\s+)")


def _width(text: str, font: str, size: float) -> float:
    return float(stringWidth(text, font, size))


def break_word(word: str, width: float, font: str, size: float) -> list[str]:
    """``word`` as the pieces it is printed in, one a line, each no wider than ``width``.

    A word that fits is one piece. Pieces broken at a separator or between hash groups
    join back into the word as they are; a piece ending in an added hyphen is followed by
    the rest of the same word. A piece stays wider than ``width`` only when a single
    character (or group) is wider still.
    """
    if _width(word, font, size) <= width:
        return [word]
    pieces: list[str] = []
    line = ""
    for part in _SEPARATOR_BREAK.split(word):
        if _width(line + part, font, size) <= width:
            line += part
            continue
        if line:
            pieces.append(line)
        split = _break_part(part, width, font, size)
        pieces += split[:-1]
        line = split[-1]
    pieces.append(line)
    return pieces


def _break_part(part: str, width: float, font: str, size: float) -> list[str]:
    """A part with no separator in it, broken to fit: hash groups, else hyphenated."""
    if _width(part, font, size) <= width:
        return [part]
    match = _AFFIXES.match(part)
    prefix, core, suffix = match.groups() if match else ("", part, "")
    if len(core) >= _HASH_MIN and _HEX.fullmatch(core):
        groups = [core[i : i + HASH_GROUP] for i in range(0, len(core), HASH_GROUP)]
        groups[0] = prefix + groups[0]
        groups[-1] += suffix
        return _pack(groups, width, font, size)
    return _hyphenate(part, width, font, size)


def _pack(groups: list[str], width: float, font: str, size: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for group in groups:
        if line and _width(line + group, font, size) > width:
            lines.append(line)
            line = ""
        line += group
    lines.append(line)
    return lines


def _good_break(text: str, at: int) -> bool:
    """Whether a hyphen between ``text[:at]`` and ``text[at:]`` falls at a likely syllable."""
    before, after = text[at - 1], text[at]
    if not (before.isalpha() and after.isalpha()):
        return False
    if (before + after).lower() in _KEEP_TOGETHER:
        return False
    next_is_vowel = at + 1 < len(text) and text[at + 1].lower() in _VOWELS
    after_consonant = after.lower() not in _VOWELS
    # 'or-ga-ni-sa-tion': before a consonant that opens a syllable, or between consonants.
    return after_consonant and (next_is_vowel or before.lower() not in _VOWELS)


def _hyphenate(text: str, width: float, font: str, size: float) -> list[str]:
    pieces: list[str] = []
    rest = text
    while _width(rest, font, size) > width and len(rest) > 1:
        fits = [
            at for at in range(1, len(rest)) if _width(rest[:at] + _HYPHEN, font, size) <= width
        ]
        if not fits:
            fits = [1]
        roomy = [at for at in fits if at >= 2 and len(rest) - at >= 2]
        good = [at for at in roomy if _good_break(rest, at)]
        between_letters = [at for at in roomy if rest[at - 1].isalpha() and rest[at].isalpha()]
        at = max(good or between_letters or roomy or fits)
        pieces.append(rest[:at] + _HYPHEN)
        rest = rest[at:]
    pieces.append(rest)
    return pieces


@cache
def _widest_glyph(font: str) -> float | None:
    """The widest advance of any character in ``font`` at 1 point, when the font says.

    A word of n characters is never wider than n times this, so most words need not be
    measured one by one. None for a font whose widths we cannot list (then every word is
    measured). Fonts are registered once per process and never change, so the answer is
    kept; it holds no document's text.
    """
    face = getattr(getFont(font), "face", None)
    widths = getattr(face, "charWidths", None)
    default = getattr(face, "defaultWidth", None)
    if not widths or default is None:
        return None
    return float(max(max(widths.values()), default)) / 1000


def _fits_unmeasured(token: str, fit: int | None) -> bool:
    return fit is not None and len(token) <= fit


def break_long_words(markup: str, font: str, size: float, width: float) -> str:
    """Paragraph markup in which every word wider than ``width`` is already broken.

    Each piece of a broken word ends its line (a ``<br/>`` follows it), so reportlab,
    which breaks only at spaces, never needs to cut a word itself. The markup comes back
    unchanged (the same string) when no word needs breaking.
    """
    widest = _widest_glyph(font)
    # Words of at most this many characters fit whatever their letters: measuring each
    # word of every paragraph cost more than laying the paragraphs out.
    fit = int(width / (widest * size)) if widest else None
    if fit is not None and max(map(len, markup.split()), default=0) <= fit:
        return markup
    out: list[str] = []
    for token in _MARKUP_TOKENS.split(markup):
        if not token or token.startswith("<") or token.isspace():
            out.append(token)
            continue
        if _fits_unmeasured(token, fit):
            out.append(token)
            continue
        word = unescape(token)
        pieces = break_word(word, width, font, size)
        out.append("<br/>".join(escape(piece) for piece in pieces))
    return "".join(out)


class WrappedParagraph(Paragraph):
    """A reportlab Paragraph that breaks over-wide words by this module's rules.

    The markup is re-broken for each width it is laid out in; the parts a page break
    splits it into keep the lines already broken.
    """

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle | None = None,
        bulletText: Any = None,
        frags: Any = None,
        caseSensitive: int = 1,
        encoding: str = "utf8",
    ) -> None:
        self._source = text if frags is None else None
        self._broken_for: float | None = None
        self._parsed = self._source
        """The markup the frags were last parsed from."""
        # reportlab's split() passes text=None with the lines already broken in ``frags``.
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)  # type: ignore[arg-type]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._source is not None and self._broken_for != availWidth:
            self._broken_for = availWidth
            style = self.style
            line = availWidth - style.leftIndent - style.rightIndent
            line -= max(style.firstLineIndent, 0)
            broken = break_long_words(self._source, style.fontName, style.fontSize, line)
            if broken != self._parsed:
                # Parse the markup again, as Paragraph.__init__ does (not in reportlab's
                # stubs); most paragraphs break no word and keep the parse they have.
                self._setup(broken, style, self.bulletText, None, cleanBlockQuotedText)  # type: ignore[attr-defined]
                self._parsed = broken
        width, height = super().wrap(availWidth, availHeight)
        return float(width), float(height)
