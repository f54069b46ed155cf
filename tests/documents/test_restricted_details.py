"""The MG11 back page: the witness's private details stay out of the disclosable statement."""

from __future__ import annotations

from dataclasses import replace

from documents import samples
from documents.pdftext import page_texts, reader
from rvr_desktop.evidence.documents import (
    LabelValue,
    render_restricted_details,
    render_statement,
)


def _flat(text: str) -> str:
    return " ".join(text.split())


RESTRICTED_VALUES = [item.value for item in samples.CONTACT.as_items()]


def test_restricted_values_never_appear_in_the_statement() -> None:
    statement = samples.statement(interpreter=samples.interpreter())
    rendered = render_statement(statement, samples.ORIGIN)
    printed = _flat("\n".join(page_texts(rendered.data)))
    metadata = " ".join(str(v) for v in (reader(rendered.data).metadata or {}).values())
    for value in RESTRICTED_VALUES:
        assert _flat(value) not in printed
        assert value not in metadata
    # The check would notice a leak: the same values are found once printed.
    leaked = render_statement(samples.statement(samples.CONTACT.address), samples.ORIGIN)
    assert samples.CONTACT.address in _flat("\n".join(page_texts(leaked.data)))


def test_restricted_document_lists_every_value_with_its_label() -> None:
    rendered = render_restricted_details(samples.restricted(), samples.ORIGIN)
    printed = _flat("\n".join(page_texts(rendered.data)))
    assert "Alex Morgan" in printed and samples.CASE in printed
    for item in samples.CONTACT.as_items():
        assert f"{item.label} {item.value}" in printed
    assert rendered.signature_box is None


def test_official_sensitive_marking_is_on_every_page_top_and_bottom() -> None:
    many = tuple(
        LabelValue(f"Previous address {n}", f"{n} Example Road, Northtown") for n in range(1, 90)
    )
    details = replace(samples.restricted(), items=samples.CONTACT.as_items() + many)
    rendered = render_restricted_details(details, samples.ORIGIN)
    pages = page_texts(rendered.data)
    assert rendered.page_count == len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert "DRAFT" not in text
        assert f"Page {number} of {len(pages)}" in text


def test_back_page_says_it_is_not_for_disclosure_and_the_statement_does_not() -> None:
    back_page = page_texts(render_restricted_details(samples.restricted(), samples.ORIGIN).data)
    assert "not for disclosure" in back_page[0]
    statement = render_statement(samples.statement("Text."), samples.ORIGIN)
    assert "not for disclosure" not in "\n".join(page_texts(statement.data))
