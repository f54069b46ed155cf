"""The MG11 back page: the witness's private details, as a document of its own.

Kept apart from the statement, which is disclosed to the defence; these details are
not, and the title says so on the first page. Like every document it is marked
OFFICIAL-SENSITIVE top and bottom of every page. The details print as a label/value
list, so the forms engine can feed them in.
"""

from __future__ import annotations

from rvr_desktop.evidence.documents.form import render_form
from rvr_desktop.evidence.documents.model import (
    DocumentOrigin,
    FormSection,
    LabelValue,
    PrintableForm,
    RenderedPdf,
    RestrictedDetails,
)

TEMPLATE_ID = "MG11-restricted"
TEMPLATE_VERSION = "1"


def restricted_form(details: RestrictedDetails) -> PrintableForm:
    return PrintableForm(
        title="Witness details (MG11 back page): not for disclosure",
        template_id=TEMPLATE_ID,
        template_version=TEMPLATE_VERSION,
        case_reference=details.case_reference,
        sections=(
            FormSection("Witness", (LabelValue("Name", details.witness_name),)),
            FormSection("Contact details, needs and consents", details.items),
        ),
        urn=details.urn,
    )


def render_restricted_details(details: RestrictedDetails, origin: DocumentOrigin) -> RenderedPdf:
    """Render the restricted details, marked OFFICIAL-SENSITIVE top and bottom of each page."""
    return render_form(restricted_form(details), origin)
