"""Statement and form templates as data, and the forms engine (Qt-free).

- :mod:`.model`: the frozen template dataclasses; :mod:`.loader` reads TOML strictly.
- :mod:`.registry`: shipped templates with the force's own folder on top, by id.
- :mod:`.answers`, :mod:`.visibility`, :mod:`.validate`: answers, what shows, problems.
- :mod:`.gate`, :mod:`.risk`, :mod:`.deadlines`: the safety gate, risk scoring, due dates.
- :mod:`.printable`: a filled form as a neutral structure for the PDF documents.
- :mod:`.store`: filled forms in the vault, versioned, finalised, audited.
"""

from __future__ import annotations

from rvr_desktop.evidence.forms.deadlines import DueDate, due_dates
from rvr_desktop.evidence.forms.errors import FormIncomplete, TemplateError
from rvr_desktop.evidence.forms.gate import GateResult, evaluate_gate
from rvr_desktop.evidence.forms.loader import load_template_file, parse_template
from rvr_desktop.evidence.forms.model import Field, FieldType, Section, Template, TemplateSnapshot
from rvr_desktop.evidence.forms.printable import PrintableForm, printable_form
from rvr_desktop.evidence.forms.registry import TemplateRegistry, load_registry, registry_for_vault
from rvr_desktop.evidence.forms.risk import RiskResult, score_risk
from rvr_desktop.evidence.forms.store import (
    FormState,
    FormVersion,
    create_form,
    finalise,
    forms_for_case,
    latest_version,
    read_form_history,
    read_forms_for_case,
    read_latest_final,
    save_draft,
)
from rvr_desktop.evidence.forms.validate import Problem, validate_form

__all__ = [
    "DueDate",
    "Field",
    "FieldType",
    "FormIncomplete",
    "FormState",
    "FormVersion",
    "GateResult",
    "PrintableForm",
    "Problem",
    "RiskResult",
    "Section",
    "Template",
    "TemplateError",
    "TemplateRegistry",
    "TemplateSnapshot",
    "create_form",
    "due_dates",
    "evaluate_gate",
    "finalise",
    "forms_for_case",
    "latest_version",
    "load_registry",
    "load_template_file",
    "parse_template",
    "printable_form",
    "read_form_history",
    "read_forms_for_case",
    "read_latest_final",
    "registry_for_vault",
    "save_draft",
    "score_risk",
    "validate_form",
]
