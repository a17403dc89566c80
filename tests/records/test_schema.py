"""`csi schema`: draft-07 schemas for editors, checked against the metaschema and records."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from jsonschema import Draft7Validator

from csi_tool.yaml import strict
from tests.conftest import PROJECT

SCHEMAS = sorted((PROJECT / "schema").glob("*.schema.json"))


def _json_ready(value: Any) -> Any:
    """What an editor sees: YAML dates are strings to a JSON Schema validator."""
    return json.loads(json.dumps(value, default=str))


def _object_schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for value in node.values():
            yield from _object_schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _object_schemas(value)


def test_every_schema_is_published() -> None:
    assert [p.name for p in SCHEMAS] == [
        "governance.schema.json",
        "measures.schema.json",
        "record.schema.json",
        "register.schema.json",
        "review.schema.json",
        "scoring.schema.json",
        "sources.schema.json",
        "workflow.schema.json",
    ]


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_passes_the_draft_07_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    text = path.read_text()
    assert "$defs" not in text and "prefixItems" not in text
    for ref in (line.split('"$ref": ')[1] for line in text.splitlines() if '"$ref"' in line):
        name = json.loads(ref.rstrip(",")).removeprefix("#/definitions/")
        assert name in schema["definitions"]


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_field_has_a_description(path: Path) -> None:
    schema = json.loads(path.read_text())
    for obj in _object_schemas(schema):
        for name, prop in obj["properties"].items():
            assert prop.get("description"), f"{path.name}: {name} has no description"


def test_every_example_record_validates_against_the_schema() -> None:
    validator = Draft7Validator(json.loads((PROJECT / "schema" / "record.schema.json").read_text()))
    records = sorted((PROJECT / "register").glob("*.yaml"))
    assert len(records) >= 12
    for path in records:
        data = _json_ready(strict.load_fast(path.read_text(encoding="utf-8"), path.name))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], path.name


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"status": "done"}, "'done' is not one of"),
        ({"id": "IMP-1"}, "does not match"),
        ({"colour": "red"}, "Additional properties are not allowed"),
        ({"assessment": {"impact": 9, "urgency": 1, "effort": 1, "risk": 1}}, "9 is greater than"),
    ],
)
def test_the_schema_rejects_what_csi_rejects(change: dict[str, Any], fragment: str) -> None:
    validator = Draft7Validator(json.loads((PROJECT / "schema" / "record.schema.json").read_text()))
    data = _json_ready(strict.load_fast((PROJECT / "register" / "CSI-0001.yaml").read_text(), "x"))
    data.update(change)
    messages = [e.message for error in validator.iter_errors(data) for e in (error, *error.context)]
    assert any(fragment in message for message in messages), messages


def test_committed_schemas_are_current(run_csi: Callable[..., Result]) -> None:
    assert run_csi(PROJECT, "schema", "--check").exit_code == 0


def test_check_fails_when_a_policy_changes_and_schema_rewrites(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    workflow = example_root / "policies" / "workflow.yaml"
    workflow.write_text(
        workflow.read_text()
        .replace("  withdrawn:\n", "  on_hold:\n    description: Paused.\n  withdrawn:\n")
        .replace("  logged: [validated, withdrawn]", "  logged: [validated, withdrawn, on_hold]")
        .replace("  validated: [", "  on_hold: [logged]\n  validated: [")
    )
    assert run_csi(example_root, "validate").exit_code == 0

    stale = run_csi(example_root, "schema", "--check")
    assert stale.exit_code == 1
    assert "schema/record.schema.json: stale; run `csi schema`" in stale.stderr

    written = run_csi(example_root, "schema")
    assert written.stdout.strip() == "wrote schema/record.schema.json"
    assert "on_hold" in (example_root / "schema" / "record.schema.json").read_text()
    assert run_csi(example_root, "schema", "--check").exit_code == 0
    assert run_csi(example_root, "schema").stdout == ""


def test_check_jsonschema_accepts_the_schema_and_every_example() -> None:
    """check-jsonschema checks patterns as ECMAScript regexes, as editors do."""
    import subprocess
    import sys

    records = sorted(str(p) for p in (PROJECT / "register").glob("*.yaml"))
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--schemafile",
            str(PROJECT / "schema" / "record.schema.json"),
            *records,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
