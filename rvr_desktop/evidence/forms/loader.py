"""Read a template file strictly into frozen dataclasses.

Every key is checked: an unknown or misspelt key is an error, not a silently missing
field. Every error names the file, the place (section, field) and what is wrong, and
is a :class:`TemplateError`; no other exception escapes, whatever the file holds.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from rvr_desktop.evidence.disclosure.finder import DetailKind
from rvr_desktop.evidence.forms.answers import ensure_json_answers
from rvr_desktop.evidence.forms.errors import TemplateError
from rvr_desktop.evidence.forms.model import (
    DISCLOSABLE_DOCUMENTS,
    KNOWN_DOCUMENTS,
    OPEN_CLASS,
    RESTRICTED_CLASS,
    YES_NO_UNKNOWN_ANSWERS,
    Choice,
    Condition,
    DeadlineRule,
    Field,
    FieldType,
    Normalise,
    PdfHint,
    Section,
    Template,
    Validation,
)
from rvr_desktop.evidence.forms.rule_tables import read_gate_rules, read_risk_rules
from rvr_desktop.evidence.forms.strict_table import StrictTable, in_section, name_of

MAX_TEMPLATE_BYTES = 1 << 20
"""Far larger than any real form; keeps a stray file from being read into memory whole."""

_TEMPLATE_ID = re.compile(r"[a-z][a-z0-9_-]{0,63}")


# ---- fields -------------------------------------------------------------------------------


class _Reader:
    """Reads one template; remembers fields seen so far to check references as it goes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.document = "none"
        self.gate = False
        self.seen: dict[str, Field] = {}
        """Top-level fields already read, in order: conditions may only look back."""

    def field(
        self, table: StrictTable, section_id: str, group: Field | None, siblings: dict[str, Field]
    ) -> Field:
        field_id = table.identifier("id")
        if field_id in self.seen or field_id in siblings:
            raise table.fail(f"the field id '{field_id}' is used twice in this template")
        type_name = table.text("type")
        try:
            kind = FieldType(type_name)
        except ValueError:
            raise table.fail(
                f"'type' is '{type_name}', which is not a field type (use one of "
                + ", ".join(t.value for t in FieldType)
                + ")"
            ) from None
        label = table.label("label")
        help_text = table.text("help", "")
        required = table.boolean("required", False)
        choices = self._choices(table, kind)
        validation = self._validation(table, kind)
        normalise = self._normalise(table, kind)
        condition = self._condition(table, "visible_when", group, siblings)
        pdf = self._pdf(table, section_id, group)
        data_class = table.text("class", OPEN_CLASS)
        if data_class not in (OPEN_CLASS, RESTRICTED_CLASS):
            raise table.fail(f"'class' must be '{OPEN_CLASS}' or '{RESTRICTED_CLASS}'")
        detail, detail_name = self._detail(table, kind)
        if detail:
            data_class = RESTRICTED_CLASS
        if pdf.document == "restricted" or (
            group is not None and group.data_class == RESTRICTED_CLASS
        ):
            data_class = RESTRICTED_CLASS
        if data_class == RESTRICTED_CLASS and pdf.document in DISCLOSABLE_DOCUMENTS:
            raise table.fail(
                f"a restricted field (personal details) is placed in the '{pdf.document}' "
                "document, which is disclosed to the defence; put it in the 'restricted' "
                "document"
            )
        with_note = table.boolean("with_note", False)
        if with_note and kind is not FieldType.YES_NO_UNKNOWN:
            raise table.fail("'with_note' applies only to yes_no_unknown fields")
        integer = table.boolean("integer", False)
        if integer and kind is not FieldType.NUMBER:
            raise table.fail("'integer' applies only to number fields")
        required_answer = table.strings("required_answer")
        fail_reason = table.text("fail_reason", "")
        if required_answer or fail_reason:
            self._check_gate_field(table, kind, choices, required_answer, group)
        item_label = table.text("item_label", "")
        if item_label and kind is not FieldType.GROUP:
            raise table.fail("'item_label' applies only to group fields")
        field = Field(
            id=field_id,
            type=kind,
            label=label,
            help=help_text,
            required=required,
            choices=choices,
            validation=validation,
            visible_when=condition,
            pdf=pdf,
            data_class=data_class,
            detail=detail,
            detail_name=detail_name,
            required_answer=required_answer,
            fail_reason=fail_reason,
            with_note=with_note,
            integer=integer,
            normalise=normalise,
            item_label=item_label,
        )
        children = table.tables(
            "fields", lambda i, item: name_of("field", item, i) + f" in '{field_id}'"
        )
        if kind is FieldType.GROUP:
            if group is not None:
                raise table.fail("a repeating group cannot hold another repeating group")
            if not children:
                raise table.fail("a repeating group needs at least one field in 'fields'")
            row: dict[str, Field] = {}
            for child_table in children:
                child = self.field(child_table, section_id, field, row)
                row[child.id] = child
            field = replace(field, fields=tuple(row.values()))
        elif children:
            raise table.fail("only group fields have 'fields'")
        table.finish()
        return field

    def _detail(self, table: StrictTable, kind: FieldType) -> tuple[str, str]:
        """``detail`` (which of the victim's details the answer is) and ``detail_name``."""
        detail = table.text("detail", "")
        name = table.text("detail_name", "")
        if not detail:
            if name:
                raise table.fail("'detail_name' needs 'detail'")
            return "", ""
        kinds = [k.value for k in DetailKind]
        if detail not in kinds:
            raise table.fail(f"'detail' is '{detail}'; use one of " + ", ".join(kinds))
        if kind not in (FieldType.TEXT, FieldType.MULTILINE, FieldType.DATE):
            raise table.fail("'detail' applies only to text, multiline and date fields")
        return detail, name.strip()

    def _check_gate_field(
        self,
        table: StrictTable,
        kind: FieldType,
        choices: tuple[Choice, ...],
        required_answer: tuple[str, ...],
        group: Field | None,
    ) -> None:
        if not self.gate:
            raise table.fail("'required_answer' and 'fail_reason' need a [gate] table")
        if group is not None:
            raise table.fail("a field inside a repeating group cannot decide the gate")
        if not required_answer:
            raise table.fail("'fail_reason' needs 'required_answer'")
        if kind is FieldType.YES_NO_UNKNOWN:
            allowed: Iterable[str] = YES_NO_UNKNOWN_ANSWERS
        elif kind is FieldType.CHOICE:
            allowed = [c.value for c in choices]
        else:
            raise table.fail("'required_answer' applies only to yes_no_unknown or choice fields")
        wrong = [a for a in required_answer if a not in allowed]
        if wrong:
            raise table.fail(f"the required answer '{wrong[0]}' is not a possible answer")

    def _choices(self, table: StrictTable, kind: FieldType) -> tuple[Choice, ...]:
        tables = table.tables("choices", lambda i, item: f"{table.where}, choice {i + 1}")
        if kind not in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            if tables:
                raise table.fail("only choice and multi_choice fields have 'choices'")
            return ()
        if not tables:
            raise table.fail("a choice field needs at least one entry in 'choices'")
        choices = []
        for item in tables:
            value = item.text("value")
            if not value.strip():
                raise item.fail("a choice's 'value' must not be blank")
            choices.append(Choice(value, item.label("label")))
            item.finish()
        values = [c.value for c in choices]
        if len(set(values)) != len(values):
            raise table.fail("two choices have the same 'value'")
        return tuple(choices)

    def _normalise(self, table: StrictTable, kind: FieldType) -> Normalise:
        rules = table.table("normalise", f"{table.where}, normalise")
        if rules is None:
            return Normalise()
        remove = rules.text("remove", "")
        upper_case = rules.boolean("upper_case", False)
        rules.finish()
        if kind not in (FieldType.TEXT, FieldType.MULTILINE):
            raise rules.fail("'normalise' applies only to text and multiline fields")
        if "\n" in remove:
            raise rules.fail("'remove' cannot take out line breaks")
        return Normalise(remove, upper_case)

    def _validation(self, table: StrictTable, kind: FieldType) -> Validation:
        rules = table.table("validation", f"{table.where}, validation")
        if rules is None:
            return Validation()
        pattern = rules.any("pattern")
        pattern_message = rules.text("pattern_message", "")
        minimum, maximum = rules.number("min"), rules.number("max")
        min_length = rules.integer("min_length", minimum=0)
        max_length = rules.integer("max_length", minimum=0)
        rules.finish()
        texts = (FieldType.TEXT, FieldType.MULTILINE)
        if pattern is not None:
            if kind not in texts:
                raise rules.fail("'pattern' applies only to text and multiline fields")
            if not isinstance(pattern, str):
                raise rules.fail("'pattern' must be text")
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as exc:
                raise rules.fail(f"'pattern' is not a valid regular expression ({exc})") from None
        if pattern_message and pattern is None:
            raise rules.fail("'pattern_message' needs a 'pattern'")
        if (minimum is not None or maximum is not None) and kind is not FieldType.NUMBER:
            raise rules.fail("'min' and 'max' apply only to number fields")
        sized = (*texts, FieldType.MULTI_CHOICE, FieldType.GROUP)
        if (min_length is not None or max_length is not None) and kind not in sized:
            raise rules.fail(
                "'min_length' and 'max_length' apply only to text, multiline, multi_choice "
                "and group fields"
            )
        if minimum is not None and maximum is not None and minimum > maximum:
            raise rules.fail("'min' is larger than 'max'")
        if min_length is not None and max_length is not None and min_length > max_length:
            raise rules.fail("'min_length' is larger than 'max_length'")
        return Validation(
            pattern if isinstance(pattern, str) else None,
            pattern_message,
            minimum,
            maximum,
            min_length,
            max_length,
        )

    def _condition(
        self, table: StrictTable, key: str, group: Field | None, siblings: dict[str, Field]
    ) -> Condition | None:
        rules = table.table(key, f"{table.where}, {key}")
        if rules is None:
            return None
        target_id = rules.text("field")
        equals = rules.scalar("equals")
        any_of = rules.scalars("any_of")
        answered = rules.any("answered")
        rules.finish()
        if answered is not None and not isinstance(answered, bool):
            raise rules.fail("'answered' must be true or false")
        given = [equals is not None, bool(any_of), answered is not None]
        if sum(given) != 1:
            raise rules.fail("give exactly one of 'equals', 'any_of' (not empty) or 'answered'")
        target = siblings.get(target_id) or self.seen.get(target_id)
        if target is None:
            raise rules.fail(
                f"it refers to the field '{target_id}', which is not defined before this one "
                "(a condition may only look at an earlier field)"
            )
        if target.type is FieldType.GROUP:
            raise rules.fail("a condition cannot look at a whole repeating group")
        for wanted in (equals,) if equals is not None else any_of:
            self._check_possible(rules, target, wanted)
        return Condition(target_id, equals, any_of, answered)

    @staticmethod
    def _check_possible(rules: StrictTable, target: Field, wanted: Any) -> None:
        if target.type is FieldType.YES_NO_UNKNOWN:
            possible: list[Any] | None = list(YES_NO_UNKNOWN_ANSWERS)
        elif target.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            possible = [c.value for c in target.choices]
        else:
            possible = None
        if possible is not None and wanted not in possible:
            raise rules.fail(f"'{wanted}' is never an answer to '{target.id}'")

    def _pdf(self, table: StrictTable, section_id: str, group: Field | None) -> PdfHint:
        hint = table.table("pdf", f"{table.where}, pdf")
        inherited = group.pdf if group is not None else PdfHint(self.document, section_id)
        if hint is None:
            return inherited
        document = hint.text("document", inherited.document)
        block = hint.text("block", inherited.block)
        hint.finish()
        if document not in KNOWN_DOCUMENTS:
            raise hint.fail(
                f"'document' is '{document}', which is not a known document (use one of "
                + ", ".join(sorted(KNOWN_DOCUMENTS))
                + ")"
            )
        return PdfHint(document, block)

    # ---- the template's own tables (risk and gate: rule_tables.py) ------------------------

    def deadlines(self, tables: list[StrictTable]) -> tuple[DeadlineRule, ...]:
        rules = []
        ids: set[str] = set()
        for table in tables:
            rule_id = table.identifier("id")
            if rule_id in ids:
                raise table.fail(f"two deadlines have the id '{rule_id}'")
            ids.add(rule_id)
            label = table.label("label")
            from_field = table.text("from_field")
            days = table.required_integer("days", minimum=0)
            group, start = self._deadline_start(table, from_field)
            siblings = {f.id: f for f in group.fields} if group is not None else {}
            when = self._condition(table, "when", group, siblings)
            document = table.text("document", self.document)
            if document not in KNOWN_DOCUMENTS:
                raise table.fail(f"'document' is '{document}', which is not a known document")
            table.finish()
            if start.type not in (FieldType.DATE, FieldType.DATETIME):
                raise table.fail(f"'from_field' must name a date field, not '{from_field}'")
            rules.append(DeadlineRule(rule_id, label, from_field, days, when, document))
        return tuple(rules)

    def _deadline_start(self, table: StrictTable, path: str) -> tuple[Field | None, Field]:
        head, _, tail = path.partition(".")
        outer = self.seen.get(head)
        if outer is None:
            raise table.fail(f"'from_field' names '{path}', which is not a field")
        if not tail:
            return None, outer
        inner = {f.id: f for f in outer.fields}.get(tail)
        if outer.type is not FieldType.GROUP or inner is None:
            raise table.fail(f"'from_field' names '{path}', which is not a field in a group")
        return outer, inner


# ---- whole templates ------------------------------------------------------------------------


def parse_template(text: str, source: str) -> Template:
    """Parse a template's TOML text; ``source`` names it in every error message."""
    try:
        raw = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, and bad dates that slip past it
        raise TemplateError(source, "the file", f"it is not valid TOML ({exc})") from None
    except RecursionError:
        raise TemplateError(source, "the file", "it nests tables too deeply") from None
    return _build(raw, text, source)


def load_template_file(path: Path) -> Template:
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise TemplateError(source, "the file", f"it cannot be read ({exc.strerror})") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(source, "the file", "it is larger than 1 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(
            source, "the file", f"it is not UTF-8 text (byte {exc.start} is not valid)"
        ) from None
    return parse_template(text, source)


def _build(raw: dict[str, Any], text: str, source: str) -> Template:
    top = StrictTable(raw, "the template", source)
    reader = _Reader(source)
    template_id = top.identifier("id", _TEMPLATE_ID)
    version = top.required_integer("version", minimum=1)
    title = top.label("title")
    description = top.text("description", "")
    reader.document = top.text("document", "none")
    if reader.document not in KNOWN_DOCUMENTS:
        raise top.fail(f"'document' is '{reader.document}', which is not a known document")
    gate_table = top.table("gate", "the [gate] table")
    reader.gate = gate_table is not None
    sections = []
    section_ids: set[str] = set()
    for table in top.tables("sections", lambda i, item: name_of("section", item, i)):
        section_id = table.identifier("id")
        if section_id in section_ids:
            raise table.fail(f"the section id '{section_id}' is used twice")
        section_ids.add(section_id)
        section_title = table.label("title")
        section_help = table.text("help", "")
        fields = []
        for field_table in table.tables("fields", in_section(section_id)):
            field = reader.field(field_table, section_id, None, {})
            reader.seen[field.id] = field
            fields.append(field)
        if not fields:
            raise table.fail("a section needs at least one field")
        table.finish()
        sections.append(Section(section_id, section_title, section_help, tuple(fields)))
    if not sections:
        raise top.fail("a template needs at least one section")
    risk = read_risk_rules(top.table("risk", "the [risk] table"), tuple(sections), reader.seen)
    gate = read_gate_rules(gate_table, reader.seen)
    deadlines = reader.deadlines(
        top.tables("deadlines", lambda i, item: name_of("deadline", item, i))
    )
    example_raw = top.any("example")
    top.finish()
    template = Template(
        id=template_id,
        version=version,
        title=title,
        description=description,
        document=reader.document,
        sections=tuple(sections),
        risk=risk,
        gate=gate,
        deadlines=deadlines,
        example=None,
        source=source,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    if example_raw is None:
        return template
    return _with_example(template, example_raw)


def _with_example(template: Template, raw: Any) -> Template:
    # Imported here: validation needs the finished template, the loader is its producer.
    from rvr_desktop.evidence.errors import InvalidInput
    from rvr_desktop.evidence.forms.validate import validate_form

    where = "the [example] answers"
    if not isinstance(raw, dict):
        raise TemplateError(template.source, where, "'example' must be a table of answers")
    try:
        example = ensure_json_answers(raw)
    except InvalidInput:
        raise TemplateError(
            template.source, where, "they hold a value that is not plain JSON (such as a TOML date)"
        ) from None
    problems = validate_form(template, example)
    if problems:
        raise TemplateError(template.source, f"{where} ({problems[0].path})", problems[0].message)
    return replace(template, example=example)
