"""Misspelt words underlined in the notes and statement boxes; never corrected for the officer.

The British English dictionary (``evidence/spelling.py``) loads once, off the GUI thread;
until it has loaded nothing is underlined. Only the paragraph being typed is checked again
as the officer types (Qt re-highlights changed blocks only), each word's answer is
remembered, and the word the caret is still in is left alone until the officer moves on,
so a half-typed word never flashes red. A right click on an underlined word offers the
dictionary's suggestions; choosing one replaces just that word, as the officer asked.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback
from rvr_desktop.evidence.spelling import BritishSpelling, shipped_spelling
from rvr_desktop.ui.tasks import TaskRunner

_loading = threading.Lock()
_SPELLING_UNDERLINE = QTextCharFormat.UnderlineStyle.SpellCheckUnderline


def _load(_progress: ProgressCallback, _token: CancelToken) -> BritishSpelling:
    with _loading:  # two boxes opening together read the file once
        return shipped_spelling()


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines the words of ``edit`` that are not in the British English dictionary.

    Emits:
        ready(): the dictionary has loaded and the whole text was checked.
    """

    ready = Signal()

    def __init__(self, edit: QPlainTextEdit, tasks: TaskRunner) -> None:
        super().__init__(edit.document())
        self._edit = edit
        self.spelling: BritishSpelling | None = None
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(QColor("#d0021b"))
        self._held: tuple[int, int, int] | None = None
        """(block number, start, end) of a misspelt word left alone: the caret is in it."""
        edit.cursorPositionChanged.connect(self._caret_moved)
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._context_menu)
        task = tasks.start("Loading the British English dictionary", _load)
        task.succeeded.connect(self._loaded)
        task.failed.connect(self._not_loaded)

    def _loaded(self, spelling: object) -> None:
        if isinstance(spelling, BritishSpelling):
            self.spelling = spelling
            self.rehighlight()
            self.ready.emit()

    def _not_loaded(self, error: object) -> None:
        # Spelling is a help, not a duty: without the dictionary the boxes work as before.
        if isinstance(error, RvrError):
            self._edit.setToolTip(str(error))

    def _caret(self) -> tuple[int, int] | None:
        """(block number, position in the block) of the caret while the officer types here."""
        if self._edit.window().focusWidget() is not self._edit:
            return None
        cursor = self._edit.textCursor()
        return cursor.blockNumber(), cursor.positionInBlock()

    def highlightBlock(self, text: str) -> None:
        if self.spelling is None or not text:
            return
        block = self.currentBlock().blockNumber()
        caret = self._caret()
        held: tuple[int, int, int] | None = None
        for wrong in self.spelling.misspellings(text):
            end = wrong.start + wrong.length
            if caret is not None and caret[0] == block and wrong.start <= caret[1] <= end:
                held = (block, wrong.start, end)  # still being typed
                continue
            self.setFormat(wrong.start, wrong.length, self._format)
        if held is not None or (self._held is not None and self._held[0] == block):
            self._held = held

    def _caret_moved(self) -> None:
        if self._held is None:
            return
        caret = self._caret()
        block_number, start, end = self._held
        if caret is None or caret[0] != block_number or not start <= caret[1] <= end:
            self._held = None
            block = self._edit.document().findBlockByNumber(block_number)
            if block.isValid():
                self.rehighlightBlock(block)

    def misspelt_words(self) -> list[str]:
        """The words underlined now, in order (what the officer sees)."""
        found: list[str] = []
        block = self._edit.document().begin()
        while block.isValid():
            layout = block.layout()
            for span in layout.formats() if layout is not None else []:
                if (
                    span.format.underlineStyle()
                    == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
                ):
                    found.append(block.text()[span.start : span.start + span.length])
            block = block.next()
        return found

    def _context_menu(self, where: QPoint) -> None:
        menu = self._edit.createStandardContextMenu(where)
        cursor = self._edit.cursorForPosition(where)
        cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        word = cursor.selectedText()
        if self.spelling is not None and word and not self.spelling.is_known(word):
            first = menu.actions()[0] if menu.actions() else None
            suggestions = self.spelling.suggestions(word)
            for suggestion in suggestions:
                action = menu.addAction(suggestion)
                action.triggered.connect(lambda _checked=False, s=suggestion: cursor.insertText(s))
                if first is not None:
                    menu.removeAction(action)
                    menu.insertAction(first, action)
            if not suggestions:
                note = menu.addAction(f"No suggestions for '{word}'")
                note.setEnabled(False)
                if first is not None:
                    menu.removeAction(note)
                    menu.insertAction(first, note)
            if first is not None:
                menu.insertSeparator(first)
        menu.exec(self._edit.viewport().mapToGlobal(where))
        menu.deleteLater()


def attach_spell_check(edit: QPlainTextEdit, tasks: TaskRunner) -> SpellHighlighter:
    """Underline misspelt words in ``edit`` from now on (once the dictionary has loaded)."""
    return SpellHighlighter(edit, tasks)
