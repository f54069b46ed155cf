"""A question the officer already answered is not asked from scratch again.

Some questions appear in more than one form: whether children live in the household
(the DASH checklist and the safeguarding form), whether the Victims' Code was explained
(the safeguarding form and the MG11's victim details), the witness's name (the case and
the MG11). When a new form is started, each such answer is copied from the latest form of
the case that holds it, and the officer is told where it came from; nothing is copied over
an answer already given, and the officer can change it like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.forms.answers import is_unanswered
from rvr_desktop.evidence.forms.model import Template
from rvr_desktop.evidence.forms.store import FormVersion

SHARED_QUESTIONS: tuple[frozenset[tuple[str, str]], ...] = (
    frozenset({("dash-risk", "children_in_household"), ("safeguarding", "children_in_household")}),
    frozenset({("safeguarding", "victims_code_explained"), ("mg11", "victims_code_leaflet")}),
)
"""Each set holds (template id, field id) pairs that ask the same question with the same
answers (yes / no / not known)."""

CASE_QUESTIONS: dict[tuple[str, str], str] = {
    ("mg11", "witness_name"): "victim_name",
}
"""Fields answered from the case itself: (template id, field id) to the case's attribute."""


@dataclass(frozen=True)
class Prefill:
    """One answer copied into a new form."""

    field_id: str
    """The field in the new form."""
    value: Any
    """The answer copied."""
    source: str
    """Where it came from, as the officer reads it: 'the Safeguarding and referrals form
    (form 3)' or 'the case'."""

    @property
    def note(self) -> str:
        """The line shown under the field."""
        return f"Filled in from {self.source}; change it if it is no longer right."


def _title_of(version: FormVersion) -> str:
    try:
        title = version.parsed_template().title
    except RvrError:  # an unreadable old template still gets a name
        title = version.template.template_id
    return title


def prefills(
    template: Template, earlier: Sequence[FormVersion], case: Case | None = None
) -> list[Prefill]:
    """The answers a new form from ``template`` can start with.

    ``earlier`` are the case's forms (latest version each, oldest first): the latest form
    that answered a shared question wins. ``case`` answers the questions the case holds.
    """
    found: dict[str, Prefill] = {}
    field_ids = {field.id for field in template.fields()}
    for (template_id, field_id), attribute in CASE_QUESTIONS.items():
        if case is None or template_id != template.id or field_id not in field_ids:
            continue
        value = str(getattr(case, attribute, "") or "").strip()
        if value:
            found[field_id] = Prefill(field_id, value, "the case")
    for field_id, others in _shared_fields(template.id, field_ids):
        target = template.field(field_id)
        for version in reversed(earlier):
            source_field = others.get(version.template.template_id)
            if source_field is None:
                continue
            answer = version.answers.get(source_field)
            if is_unanswered(target, answer):
                continue
            found[field_id] = Prefill(
                field_id, answer, f"the {_title_of(version)} form (form {version.form_id})"
            )
            break
    return list(found.values())


def _shared_fields(template_id: str, field_ids: set[str]) -> Iterable[tuple[str, dict[str, str]]]:
    """Each field of the new form that another template also asks, with where it is asked:
    (field id, {other template id: its field id})."""
    for group in SHARED_QUESTIONS:
        for owner, field_id in group:
            if owner == template_id and field_id in field_ids:
                yield field_id, {t: f for t, f in group if t != template_id}


def apply(answers: dict[str, Any], filled: Iterable[Prefill]) -> dict[str, Any]:
    """``answers`` with each prefill added where the field is not answered yet."""
    merged = dict(answers)
    for item in filled:
        current = merged.get(item.field_id)
        if current is None or (isinstance(current, str) and not current.strip()):
            merged[item.field_id] = item.value
    return merged
