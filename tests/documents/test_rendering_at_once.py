"""Two statements rendered at the same moment each carry their own words.

Exports run off the GUI thread, and a force's machines may export two cases at once. The
renderer keeps some things for the whole process (the registered fonts, how wide their
widest glyph is, the stamp font) and some for one document (the page furniture drawn once
and shared by its pages, the font subset). Nothing of one document may reach another.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from documents import samples
from documents.pdftext import page_texts
from rvr_desktop.evidence.documents import RenderedPdf, Statement, Witness, render_statement

ROUNDS = 3


def _statement_of(witness: str, case: str, words: str) -> Statement:
    # A few pages each, so the two layouts overlap for most of their time.
    text = "\n\n".join(f"{words} paragraph {n} of the account." for n in range(60))
    base = samples.statement(text, witness=Witness(witness, None, "Nurse"), case_reference=case)
    assert base.confirmation is not None
    return replace(base, confirmation=replace(base.confirmation, typed_name=witness))


def test_two_statements_rendered_at_once_each_carry_their_own_witness_case_and_words() -> None:
    morgan = _statement_of("Alex Morgan", "NT/11111/26", "The azure van stopped outside.")
    okafor = _statement_of("Chidi Okafor", "NT/22222/26", "An emerald bicycle leaned there.")
    alone = {
        "morgan": render_statement(morgan, samples.ORIGIN).data,
        "okafor": render_statement(okafor, samples.ORIGIN).data,
    }
    start = threading.Barrier(2)

    def render(statement: Statement) -> RenderedPdf:
        start.wait()
        return render_statement(statement, samples.ORIGIN)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(ROUNDS):
            first = pool.submit(render, morgan)
            second = pool.submit(render, okafor)
            at_once = {"morgan": first.result().data, "okafor": second.result().data}

            # Byte for byte what each statement gives when rendered on its own.
            assert at_once == alone

    morgan_pages = page_texts(alone["morgan"])
    okafor_pages = page_texts(alone["okafor"])
    assert len(morgan_pages) > 1 and len(okafor_pages) > 1
    for page in morgan_pages:
        assert "Alex Morgan" in page and "NT/11111/26" in page
        assert "Okafor" not in page and "NT/22222" not in page and "emerald" not in page
    for page in okafor_pages:
        assert "Chidi Okafor" in page and "NT/22222/26" in page
        assert "Morgan" not in page and "NT/11111" not in page and "azure" not in page


def test_each_page_of_a_statement_numbers_itself_though_the_rest_of_its_furniture_is_shared() -> (
    None
):
    # The marking, headings and signature lines are drawn once and shown on every page;
    # the page number is each page's own.
    rendered = render_statement(samples.statement(), samples.ORIGIN)
    pages = page_texts(rendered.data)

    assert [f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1)] == [True] * len(
        pages
    )
    for number, page in enumerate(pages, 1):
        others = [n for n in range(1, len(pages) + 1) if n != number]
        assert all(f"Page {n} of" not in page for n in others)
        assert page.count("OFFICIAL-SENSITIVE") == 2
        assert "Statement of: Alex Morgan" in page
