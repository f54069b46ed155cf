"""Errors of the forms engine, each naming what is wrong and what to do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rvr_desktop.evidence.errors import InvalidInput

if TYPE_CHECKING:
    from rvr_desktop.evidence.forms.validate import Problem


class TemplateError(InvalidInput):
    """A template file that cannot be used: names the file, the place in it, and the fault."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        super().__init__(
            f"The form template {source} cannot be used: in {where}, {problem}. Correct the "
            "file (docs/templates.md describes the format) or remove it from the templates "
            "folder."
        )


class FormIncomplete(InvalidInput):
    """A form that cannot be finalised (or a gate evaluated) until its problems are fixed."""

    def __init__(self, title: str, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(p.message.rstrip(".") for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(
            f"The form '{title}' cannot be finalised yet: {listed}{more}. Correct these answers "
            "and finalise again; the draft is saved."
        )
