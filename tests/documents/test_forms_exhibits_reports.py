"""Filled forms, exhibits and the verification report, read back from the PDF."""

from __future__ import annotations

from dataclasses import replace

import pytest

from documents import samples
from documents.pdftext import page_texts
from rvr_desktop.evidence.case import document_inputs
from rvr_desktop.evidence.documents import (
    CheckOutcome,
    Exhibit,
    ExhibitList,
    ExhibitStatement,
    FormSection,
    FormTable,
    LabelValue,
    Witness,
    render_exhibit_list,
    render_exhibit_statement,
    render_form,
    render_verification_report,
)
from rvr_desktop.evidence.documents.statement import END_MARK
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms import load_registry, printable_form, score_risk


def _text(data: bytes) -> str:
    return " ".join("\n".join(page_texts(data)).split())


def test_dash_form_prints_template_sections_tables_and_the_risk_box() -> None:
    text = _text(render_form(samples.dash_form(), samples.ORIGIN).data)
    assert "DASH risk assessment" in text
    assert "Form dash, version 2009.3" in text
    assert "Risk level High" in text
    assert "'Yes' answers 15" in text
    assert (
        "Standard: 0 to 9 'yes' answers; Medium: 10 to 13 'yes' answers; High: 14 or more" in text
    )
    assert "Professional judgement Escalating threats to kill; recent separation" in text
    assert "1. Has the current incident resulted in injury? Yes: bruising to the left arm" in text
    assert "Children in the household Name Age School Sam 7 Northtown Primary Jo 4 —" in text
    # Rows before and after the repeating group keep their order around it.
    assert text.index("2. Are you very frightened?") < text.index("Children in the household")
    assert text.index("Children in the household") < text.index("3. What are you afraid of?")
    assert "Completed by PC Sam Jones 4521" in text
    assert "RESTRICTED" not in text


def test_form_without_risk_box_and_with_empty_answers_shows_a_dash_not_a_blank() -> None:
    form = replace(
        samples.dash_form(),
        title="Safeguarding and referrals",
        template_id="safeguarding",
        risk=None,
        sections=(
            FormSection(
                "Referrals",
                (
                    LabelValue("Referred to IDVA", ""),
                    FormTable("Agencies contacted", ("Agency", "When"), ()),
                ),
            ),
        ),
    )
    text = _text(render_form(form, samples.ORIGIN).data)
    assert "Risk level" not in text
    assert "Referred to IDVA —" in text
    assert "Agencies contacted None recorded." in text


def test_repeating_group_rows_must_match_its_columns() -> None:
    with pytest.raises(InvalidInput, match="2 columns but a row with 3 cells"):
        FormTable("Children", ("Name", "Age"), (("Sam", "7", "extra"),))


def test_long_form_runs_over_pages_with_headers_on_each() -> None:
    rows = tuple(LabelValue(f"Question {n}", f"Answer number {n}") for n in range(1, 150))
    form = replace(samples.dash_form(), sections=(FormSection("Many questions", rows),))
    rendered = render_form(form, samples.ORIGIN)
    pages = page_texts(rendered.data)
    assert rendered.page_count == len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert samples.CASE in page and f"Page {number} of {len(pages)}" in page
    joined = _text(rendered.data)
    assert all(f"Question {n} Answer number {n}" in joined for n in range(1, 150))


def test_an_answer_longer_than_a_page_runs_over_pages_whole() -> None:
    """A victim's personal statement may run to pages; a table row that could not split
    once stopped the whole export."""
    long = samples.long_statement_text(48)
    rows = (LabelValue("Short answer", "Yes"), LabelValue("The statement", long))
    grid = FormTable("Also said", ("Who", "What"), (("Victim", long),))
    form = replace(samples.dash_form(), sections=(FormSection("In their words", (*rows, grid)),))
    rendered = render_form(form, samples.ORIGIN)
    assert rendered.page_count > 4
    joined = _text(rendered.data)
    words = long.split()
    assert joined.count(" ".join(words[:8])) == 2 and joined.count(" ".join(words[-8:])) == 2


def test_exhibit_list_shows_each_exhibit_with_its_whole_sha256() -> None:
    text = _text(
        render_exhibit_list(ExhibitList(samples.CASE, samples.exhibits()), samples.ORIGIN).data
    )
    for exhibit in samples.exhibits():
        assert exhibit.reference in text
        assert exhibit.description in text
        assert f"SHA-256: {exhibit.sha256}" in text
        assert exhibit.produced_at.shown.split()[0] in text
    assert "Sent by the victim during the video call" in text


def test_officer_statement_produces_the_exhibits_and_is_signed_on_its_last_page() -> None:
    statement = ExhibitStatement(
        case_reference=samples.CASE,
        officer=Witness("PC Sam Jones", None, "Police officer"),
        introduction="I am a police constable with Northshire Police, based at Northtown.",
        exhibits=samples.exhibits(),
        taken_by=samples.taker(),
    )
    rendered = render_exhibit_statement(statement, samples.ORIGIN)
    text = _text(rendered.data)
    assert "WITNESS STATEMENT" in text and "Statement of: PC Sam Jones" in text
    assert "I produce the following exhibits:" in text
    for exhibit in samples.exhibits():
        assert f"{exhibit.reference}: {exhibit.description}." in text
        assert exhibit.sha256 in text
    assert text.index("I produce the following exhibits:") < text.index(END_MARK)
    assert rendered.signature_box is not None
    assert rendered.signature_box.page_index == rendered.page_count - 1


def test_exhibits_need_unique_references_and_real_hashes() -> None:
    first = samples.exhibits()[0]
    with pytest.raises(InvalidInput, match="share the reference SJ/1"):
        render_exhibit_list(ExhibitList(samples.CASE, (first, first)), samples.ORIGIN)
    with pytest.raises(InvalidInput, match="64 lower-case hex"):
        Exhibit("SJ/3", "x", "y", "z", samples.shown(0), "ABC")
    empty = ExhibitStatement(
        samples.CASE, Witness("PC A", None, "Police officer"), "Intro", (), samples.taker()
    )
    with pytest.raises(InvalidInput, match="no exhibits"):
        render_exhibit_statement(empty, samples.ORIGIN)


def test_verification_report_states_verdict_checks_files_and_facts() -> None:
    report = samples.verification_report()
    text = _text(render_verification_report(report, samples.ORIGIN).data)
    assert text.index("PASS The bundle is intact") < text.index("Checks")
    for check in report.checks:
        assert f"{check.name} {check.outcome.value} {check.reason}" in text
    for row in report.files:
        assert row.path in text and f"SHA-256: {row.sha256}" in text
        assert f"{row.size_bytes:,}" in text
    for fact in report.facts:
        assert f"{fact.label} {fact.value}" in text


def test_failed_verification_says_fail_at_the_top_of_every_page() -> None:
    failing = replace(
        samples.verification_report(),
        verdict="The statement PDF was changed after it was signed.",
        verdict_outcome=CheckOutcome.FAIL,
    )
    pages = page_texts(render_verification_report(failing, samples.ORIGIN).data)
    assert all("Verdict: FAIL" in page for page in pages)


def test_a_table_named_like_its_section_is_headed_once() -> None:
    referrals = FormTable("Referrals", ("Service", "Outcome"), (("IDVA", "Referral made"),))
    children = FormTable("Children in the household", ("Name",), (("Child A",),))
    form = replace(
        samples.dash_form(),
        risk=None,
        sections=(
            FormSection("Referrals", (referrals,)),
            FormSection("Children", (LabelValue("Children live there", "Yes"), children)),
        ),
    )
    lines = [
        line.strip() for line in page_texts(render_form(form, samples.ORIGIN).data)[0].splitlines()
    ]
    assert lines.count("Referrals") == 1
    assert lines.count("Children") == 1
    assert lines.count("Children in the household") == 1


def test_a_column_no_row_answers_is_left_out_rather_than_printed_as_dashes() -> None:
    table = FormTable(
        "Referrals",
        ("Service", "Which service", "Outcome", "Reason given for declining"),
        (("IDVA", "", "Referral made", ""), ("Synergy Essex", "", "Declined", "Not now")),
    )
    form = replace(samples.dash_form(), risk=None, sections=(FormSection("Referrals", (table,)),))
    text = _text(render_form(form, samples.ORIGIN).data)
    assert "Which service" not in text
    assert "Service Outcome Reason given for declining" in text
    assert "IDVA Referral made —" in text


def test_a_dash_high_on_its_answers_alone_prints_no_professional_judgement() -> None:
    """The MARAC referral the level asks for once printed as the officer's judgement."""
    dash = load_registry().get("dash-risk")
    answers = {k: v for k, v in (dash.example or {}).items() if not k.startswith("judgement_")}
    scored = score_risk(dash, answers)
    assert scored.level.id == "high" and not scored.raised_by_judgement
    form = document_inputs.document_form(
        printable_form(dash, answers), "NT/1/26", completed_by="PC", completed_at_ms=0
    )
    text = _text(render_form(form, samples.ORIGIN).data)
    assert "Professional judgement High risk" not in text
    assert "Next step High risk: refer the victim to MARAC" in text
