"""Whatever a template file holds, the loader answers with our own error naming the file."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.tomlwrite import dumps
from rvr_desktop.evidence.forms import TemplateError, parse_template
from rvr_desktop.evidence.forms.loader import load_template_file
from rvr_desktop.evidence.forms.registry import shipped_templates_dir
from tests.figures import examples

SOURCE = "force-templates/fuzzed.toml"
SHIPPED = {
    p.name: tomllib.loads(p.read_text("utf-8")) for p in shipped_templates_dir().glob("*.toml")
}

# Keys the loader knows, so random documents reach deep into it rather than stop at the top.
KEYS = [
    "id",
    "version",
    "title",
    "description",
    "document",
    "sections",
    "fields",
    "type",
    "label",
    "help",
    "required",
    "choices",
    "value",
    "validation",
    "pattern",
    "min",
    "max",
    "min_length",
    "max_length",
    "visible_when",
    "field",
    "equals",
    "any_of",
    "answered",
    "pdf",
    "block",
    "class",
    "with_note",
    "integer",
    "required_answer",
    "fail_reason",
    "item_label",
    "gate",
    "instead_field",
    "risk",
    "levels",
    "min_count",
    "example",
    "deadlines",
    "from_field",
    "days",
    "when",
    "counted_sections",
    "judgement_field",
]
VALUES = [
    "text",
    "multiline",
    "date",
    "yes_no_unknown",
    "choice",
    "multi_choice",
    "group",
    "number",
    "signature",
    "statement",
    "restricted",
    "yes",
    "no",
    "not_known",
    "name",
    "main",
    "q1",
    "(",
    "[a-z]+",
]

scalars = (
    st.sampled_from(VALUES)
    | st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
)
keys = st.sampled_from(KEYS) | st.text(
    st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)


def _refused_or_loaded(text: str) -> None:
    try:
        parse_template(text, SOURCE)
    except TemplateError as error:
        assert SOURCE in str(error)
        assert error.where and error.problem


@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_are_refused_with_our_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzzed.toml"
    path.write_bytes(data)
    try:
        load_template_file(path)
    except TemplateError as error:
        assert str(path) in str(error)


@settings(max_examples=examples(300))
@given(document=st.dictionaries(keys, documents, max_size=8))
def test_random_toml_documents_are_refused_with_our_error(document: dict[str, Any]) -> None:
    _refused_or_loaded(dumps(document))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def mutated_templates(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(SHIPPED)))
    document = copy.deepcopy(SHIPPED[name])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(document) if p]
        path = draw(st.sampled_from(paths))
        parent: Any = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["delete", "replace", "add_key", "duplicate"]))
        last = path[-1]
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(documents)
        elif action == "add_key" and isinstance(parent, dict):
            parent[draw(keys)] = draw(documents)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    return dumps(document)


@settings(max_examples=examples(400), deadline=None)
@given(text=mutated_templates())
def test_mutated_shipped_templates_are_refused_with_our_error(text: str) -> None:
    _refused_or_loaded(text)


def test_the_toml_writer_round_trips_every_shipped_template() -> None:
    for name, document in SHIPPED.items():
        assert parse_template(dumps(document), name).id == document["id"]
