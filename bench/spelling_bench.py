"""What the spell-check costs per key press while the officer types a long statement.

A 2,000-word statement (paragraphs of about 100 words) is in the box; one key press is a
character typed at the end. With the spell-check only the paragraph being typed is checked
again, and each word's answer is remembered, so a key press should cost about what it
costs without it. The baseline is the same box without the spell-check.
"""

from __future__ import annotations

import os
from functools import partial

from bench.report import Figure, median, timed

PARAGRAPH = (
    "The victim said her partner came home at about half past ten and shouted about money. "
    "He threw a mug which hit the wall by her head, then grabbed her left upper arm and "
    "pushed her against the landing wall. She showed bruising to the camera: four round "
    "marks, purple, and a small cut to her right hand from the mug. Her neighbour heard "
    "the shouting and knocked on the door. The children were asleep upstairs. "
)
KEYS = 200


def _per_key_ms(spell_check: bool) -> float:
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from rvr_desktop.evidence.spelling import shipped_spelling
    from rvr_desktop.ui.spell_highlighter import SpellHighlighter
    from rvr_desktop.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    edit = QPlainTextEdit()
    edit.setPlainText("\n\n".join([PARAGRAPH] * 20))
    edit.show()
    runner = TaskRunner()
    if spell_check:
        highlighter = SpellHighlighter(edit, runner)
        highlighter.spelling = shipped_spelling()  # loaded, as after the first second
        highlighter.rehighlight()
    edit.setFocus()
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    samples = []
    for n in range(KEYS):
        samples.append(timed(partial(edit.insertPlainText, "recieved "[n % 9])) * 1000)
        app.processEvents()
    runner.wait_for_workers()
    edit.close()
    return median(samples)


def run() -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from rvr_desktop.evidence.spelling import shipped_spelling

    shipped_spelling()  # read the dictionary once, outside the timings
    plain = _per_key_ms(spell_check=False)
    checked = _per_key_ms(spell_check=True)
    return [
        Figure(
            "key press in a 2,000-word statement, spell-checked",
            checked,
            "ms",
            "the same without the spell-check",
            plain,
            "ratio under 3, and well under 16 ms (one frame)",
        )
    ]
