"""A form template as frozen data: what the loader builds and everything else reads.

A template never changes once loaded; each filled form keeps the exact text it was
filled against (see :class:`TemplateSnapshot`), so it can be parsed again years later.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    """One line of text."""
    MULTILINE = "multiline"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    YES_NO_UNKNOWN = "yes_no_unknown"
    CHOICE = "choice"
    """Exactly one of the field's choices."""
    MULTI_CHOICE = "multi_choice"
    """Any number of the field's choices."""
    NUMBER = "number"
    SIGNATURE = "signature"
    GROUP = "group"
    """A repeating group: a list of rows, each answering the group's own fields."""


YES_NO_UNKNOWN_ANSWERS = ("yes", "no", "not_known")

RESTRICTED_CLASS = "restricted"
OPEN_CLASS = "open"

DISCLOSABLE_DOCUMENTS = frozenset({"statement"})
"""Documents that go to the defence: restricted-class fields may never be printed in them."""

KNOWN_DOCUMENTS = frozenset(
    {
        "statement",
        "restricted",
        "safety_gate",
        "dash",
        "risk",
        "safeguarding",
        "interpreter",
        "victim_personal_statement",
        "none",
    }
)
"""The PDF documents a field can belong to; ``none`` means the field is never printed."""


@dataclass(frozen=True)
class Choice:
    value: str
    """What is stored in the answers."""
    label: str
    """What the officer sees and the PDF prints."""


@dataclass(frozen=True)
class Validation:
    pattern: str | None = None
    """A regular expression a text answer must match in full."""
    pattern_message: str = ""
    """Plain-English description of the pattern, used in the problem message."""
    minimum: float | None = None
    """Smallest allowed number (number fields)."""
    maximum: float | None = None
    min_length: int | None = None
    """Fewest characters (text) or items (multiple choice, repeating group)."""
    max_length: int | None = None


@dataclass(frozen=True)
class Normalise:
    """How a text answer is tidied before it is checked and stored (template data).

    For a reference number an officer may type with spaces or slashes ('42 AB 12345/26'),
    so the form keeps one spelling of it ('42AB1234526').
    """

    remove: str = ""
    """Characters taken out of the answer wherever they are, e.g. ' /' for spaces and slashes."""
    upper_case: bool = False
    """Letters written as capitals."""

    def apply(self, value: str) -> str:
        tidied = value.translate({ord(c): None for c in self.remove}) if self.remove else value
        return tidied.upper() if self.upper_case else tidied

    @property
    def changes_anything(self) -> bool:
        return bool(self.remove) or self.upper_case


@dataclass(frozen=True)
class Condition:
    """Shows a field only when another field's answer fits."""

    field: str
    """The id of a field defined earlier in the template (or earlier in the same group)."""
    equals: str | int | float | bool | None = None
    any_of: tuple[str | int | float | bool, ...] = ()
    answered: bool | None = None
    """True: shown when the other field has any answer; False: when it has none."""


@dataclass(frozen=True)
class PdfHint:
    document: str
    """Which PDF the field is printed in; one of :data:`KNOWN_DOCUMENTS`."""
    block: str
    """Which block of that document (defaults to the section's id)."""


@dataclass(frozen=True)
class Field:
    id: str
    type: FieldType
    label: str
    help: str = ""
    required: bool = False
    """Must be answered whenever the field is visible."""
    choices: tuple[Choice, ...] = ()
    validation: Validation = Validation()
    visible_when: Condition | None = None
    pdf: PdfHint = PdfHint("none", "")
    data_class: str = OPEN_CLASS
    """``restricted`` for personal details that must never reach a disclosable document."""
    detail: str = ""
    """What victim's detail the answer is (``phone``, ``address``, ``email``,
    ``date_of_birth``, ``safe_word``, ``other``): such a field is restricted, and its answer
    is looked for in notes and every other text that may be disclosed. Empty: none."""
    detail_name: str = ""
    """How the detail is named to the officer ('call-back number'); empty: by its kind."""
    required_answer: tuple[str, ...] = ()
    """Safety gate only: the answers that let the gate pass."""
    fail_reason: str = ""
    """Safety gate only: why the gate fails when the answer is not a required one."""
    with_note: bool = False
    """Yes / no / not known with a free-text note beside it."""
    integer: bool = False
    """Number fields: whole numbers only."""
    normalise: Normalise = Normalise()
    """Text fields: how the answer is tidied before it is checked and stored."""
    fields: tuple[Field, ...] = ()
    """Repeating groups: the fields of each row."""
    item_label: str = ""
    """Repeating groups: what one row is called, e.g. 'Child'."""

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    help: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class RiskLevel:
    id: str
    label: str
    min_count: int
    """The fewest counted answers that reach this level."""


@dataclass(frozen=True)
class RiskSupplement:
    """An optional extra checklist (for example stalking), counted on its own."""

    section: str
    label: str
    prompt_from: int
    """The count of counted answers at which ``prompt`` is shown."""
    prompt: str


@dataclass(frozen=True)
class RiskRules:
    tool: str
    """The name of the risk tool, e.g. 'DASH-shaped checklist'."""
    count_answer: str
    """The yes / no / not known answer that is counted (normally 'yes')."""
    counted_sections: tuple[str, ...]
    levels: tuple[RiskLevel, ...]
    """Lowest first; the first starts at 0."""
    judgement_field: str
    """A single-choice field whose choices are level ids: professional judgement."""
    reason_field: str
    """The text field that must explain a judgement that raises the level."""
    referral_from: str
    """The level id at and above which ``referral_prompt`` is shown (e.g. MARAC)."""
    referral_prompt: str
    supplements: tuple[RiskSupplement, ...] = ()

    def rank(self, level_id: str) -> int:
        return [level.id for level in self.levels].index(level_id)

    def level(self, level_id: str) -> RiskLevel:
        return self.levels[self.rank(level_id)]


@dataclass(frozen=True)
class GateRules:
    instead_field: str
    """The field, shown only when the gate fails, that records what was done instead."""


@dataclass(frozen=True)
class DeadlineRule:
    id: str
    label: str
    from_field: str
    """A date or date-time field: ``field`` or ``group.field`` (one due date per row)."""
    days: int
    when: Condition | None = None
    document: str = "none"


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    title: str
    description: str
    document: str
    """The PDF document fields go to unless they say otherwise."""
    sections: tuple[Section, ...]
    risk: RiskRules | None
    gate: GateRules | None
    deadlines: tuple[DeadlineRule, ...]
    example: dict[str, Any] | None
    """Example answers shipped with the template; they must validate."""
    source: str
    """Where the template came from, for messages (a file path or 'stored template ...')."""
    text: str
    """The template's exact TOML text."""
    sha256: str
    """SHA-256 of the text encoded as UTF-8 (the file's bytes)."""

    def fields(self) -> Iterator[Field]:
        """Every top-level field, in order."""
        for section in self.sections:
            yield from section.fields

    def field(self, field_id: str) -> Field:
        for candidate in self.fields():
            if candidate.id == field_id:
                return candidate
        raise KeyError(field_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    @property
    def snapshot(self) -> TemplateSnapshot:
        return TemplateSnapshot(self.id, self.version, self.sha256, self.text)


@dataclass(frozen=True)
class TemplateSnapshot:
    """Exactly what a filled form was filled against."""

    template_id: str
    version: int
    sha256: str
    text: str
    """The template file's full text: parsed again to render the form."""
