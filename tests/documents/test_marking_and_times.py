"""What every page of every document carries: the protective marking, the URN, human times.

A CPS lawyer (or a defence expert) picks up any page of any PDF the app makes and must
see OFFICIAL-SENSITIVE at its top and its bottom, and DRAFT on one that is not finished.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from documents import samples
from documents.pdftext import machine_times, page_texts, strings_at
from documents.test_pdf_properties import DOCUMENTS
from rvr_desktop.evidence.documents import (
    Marking,
    RenderedPdf,
    render_form,
    render_restricted_details,
    render_statement,
)
from rvr_desktop.evidence.documents.build import PAGE_HEIGHT

URN = "42AB1234526"

FINISHED = DOCUMENTS
"""One of each document, finished: a signed statement, a finalised form and the rest."""

DRAFTS: dict[str, Callable[[], RenderedPdf]] = {
    "statement the witness has not confirmed": lambda: render_statement(
        samples.statement(confirmation=None), samples.ORIGIN
    ),
    "form not finalised": lambda: render_form(
        replace(samples.dash_form(), draft=True), samples.ORIGIN
    ),
}


def _markings_by_page(data: bytes, pages: int) -> list[list[tuple[str, float]]]:
    """For each page, the marking strings drawn on it and how high up they are."""
    return [
        [(text, y) for text, _, y in strings_at(data, page) if text.startswith("OFFICIAL")]
        for page in range(pages)
    ]


def _assert_marked(rendered: RenderedPdf, marking: Marking) -> None:
    assert rendered.page_count >= 1
    for number, marks in enumerate(_markings_by_page(rendered.data, rendered.page_count), 1):
        assert [text for text, _ in marks] == [marking.value] * 2, f"page {number}: {marks}"
        heights = sorted(y for _, y in marks)
        assert heights[0] < 40, f"page {number}: no marking at the foot ({heights})"
        assert heights[1] > PAGE_HEIGHT - 50, f"page {number}: no marking at the top ({heights})"


@pytest.mark.parametrize("document", FINISHED)
def test_a_finished_document_is_official_sensitive_at_the_top_and_foot_of_every_page(
    document: str,
) -> None:
    rendered = FINISHED[document]()
    _assert_marked(rendered, Marking.OFFICIAL_SENSITIVE)
    assert "DRAFT" not in "\n".join(page_texts(rendered.data))


@pytest.mark.parametrize("document", DRAFTS)
def test_a_document_not_yet_finished_says_draft_on_every_page(document: str) -> None:
    _assert_marked(DRAFTS[document](), Marking.DRAFT)
    assert Marking.DRAFT.value == "OFFICIAL-SENSITIVE - DRAFT"


def test_a_long_statement_is_marked_on_all_of_its_pages() -> None:
    rendered = render_statement(samples.statement(), samples.ORIGIN)
    assert rendered.page_count > 5
    _assert_marked(rendered, Marking.OFFICIAL_SENSITIVE)


@pytest.mark.parametrize("document", {**FINISHED, **DRAFTS})
def test_no_document_writes_a_time_for_a_machine(document: str) -> None:
    text = "\n".join(page_texts({**FINISHED, **DRAFTS}[document]().data))
    assert machine_times(text) == []


def test_the_check_for_machine_times_would_notice_one() -> None:
    assert machine_times("at 2026-12-03 19:37:34.123 UTC") == ["2026-12-03", "19:37:34.123"]
    assert machine_times("signed 2026-10-16T15:05:00+01:00") != []
    assert machine_times("3 December 2026, 19:37 GMT; note at 19:37:34 GMT") == []


def test_the_urn_stands_beside_the_case_reference_on_every_page_of_the_statement() -> None:
    rendered = render_statement(samples.statement(urn=URN), samples.ORIGIN)
    pages = page_texts(rendered.data)
    assert len(pages) > 5
    for text in pages:
        assert f"Case reference: {samples.CASE} · URN: {URN}" in text


def test_the_restricted_back_page_and_a_form_carry_the_urn_too() -> None:
    back_page = render_restricted_details(replace(samples.restricted(), urn=URN), samples.ORIGIN)
    form = render_form(replace(samples.dash_form(), urn=URN), samples.ORIGIN)
    for rendered in (back_page, form):
        for text in page_texts(rendered.data):
            assert f"Case reference: {samples.CASE} · URN: {URN}" in text


def test_without_a_urn_the_header_shows_the_case_reference_alone() -> None:
    pages = page_texts(render_statement(samples.statement("Text."), samples.ORIGIN).data)
    assert f"Case reference: {samples.CASE}\n" in pages[0]
    assert "URN" not in pages[0]
