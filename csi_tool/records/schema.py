"""`csi schema`: JSON Schemas of records and policies for editors and other tools.

Pydantic writes JSON Schema 2020-12; the VS Code YAML extension validates with draft-07 rules,
so definitions move from `$defs` to `definitions`. The record schema takes the workflow's states
and the id format from the policies, so the committed schema goes stale when a policy changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from csi_tool.policies.governance import GovernancePolicy
from csi_tool.policies.measures import MeasuresPolicy
from csi_tool.policies.policy_set import Policies
from csi_tool.policies.register import RegisterPolicy
from csi_tool.policies.review import ReviewPolicy
from csi_tool.policies.scoring import ScoringPolicy
from csi_tool.policies.sources import SourcesPolicy
from csi_tool.policies.workflow import WorkflowPolicy
from csi_tool.records.models import Record
from csi_tool.yaml.atomic import replace_file

SCHEMA_DIR = "schema"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def build_schemas(policies: Policies) -> dict[str, str]:
    """File name → JSON text of every schema csi publishes."""
    record = _draft07(Record, "An improvement record of the csi register.")
    record["properties"]["status"]["enum"] = list(policies.workflow.states)
    record["properties"]["id"] = {
        "type": "string",
        "pattern": policies.register.id.pattern(),
        "description": f"Record id such as {policies.register.id.format(42)}.",
    }
    schemas = {
        "record.schema.json": record,
        "workflow.schema.json": _draft07(WorkflowPolicy, "csi policies/workflow.yaml"),
        "register.schema.json": _draft07(RegisterPolicy, "csi policies/register.yaml"),
        "scoring.schema.json": _draft07(ScoringPolicy, "csi policies/scoring.yaml"),
        "governance.schema.json": _draft07(GovernancePolicy, "csi policies/governance.yaml"),
        "measures.schema.json": _draft07(MeasuresPolicy, "csi policies/measures.yaml"),
        "review.schema.json": _draft07(ReviewPolicy, "csi policies/review.yaml"),
        "sources.schema.json": _draft07(SourcesPolicy, "csi policies/sources.yaml"),
    }
    return {
        name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        for name, schema in schemas.items()
    }


def write_schema_files(root: Path, policies: Policies) -> list[Path]:
    """Write every schema whose text changed; return the files written."""
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in build_schemas(policies).items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            replace_file(path, text)
            written.append(path)
    return written


def stale_schema_files(root: Path, policies: Policies) -> list[Path]:
    """Schema files whose committed text differs from what `build_schemas` makes."""
    folder = root / SCHEMA_DIR
    stale = []
    for name, text in build_schemas(policies).items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale


def _draft07(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = _isolate_refs(model.model_json_schema(ref_template="#/definitions/{model}"))
    definitions = schema.pop("$defs", {})
    result: dict[str, Any] = {"$schema": DRAFT_07, **schema, "title": title}
    if definitions:
        result["definitions"] = definitions
    return result


def _isolate_refs(node: Any) -> Any:
    """Draft-07 ignores keywords beside `$ref`; wrap the ref so descriptions still count."""
    if isinstance(node, list):
        return [_isolate_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _isolate_refs(value) for key, value in node.items()}
    if "$ref" in node and len(node) > 1:
        ref = node.pop("$ref")
        node["allOf"] = [{"$ref": ref}]
    return node
