"""Hypothesis: whatever bytes or YAML a pull request contains, csi answers with its own errors."""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from csi_tool.errors import CsiError
from csi_tool.records.models import Record
from csi_tool.records.register import load_work_tree
from tests.conftest import PROJECT

YAML_TOKENS = st.sampled_from(
    [
        "a",
        ":",
        " ",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'",
        '"',
        "&x",
        "*x",
        "!!str",
        "!tag",
        "<<",
        "---",
        "...",
        "%YAML 1.1",
        "#",
        "|",
        ">",
        "?",
        "2026-02-30",
        "2026-01-01",
        "1e9999",
        "0x1F",
        ".nan",
        "~",
        "null",
        "on",
        "\t",
        "\\",
        "\x00",
        "\ufeff",
        "é",
        "status",
        "id",
        "metrics",
        "title",
        "CSI-0001",
        "schema_version",
        "1",
    ]
)
RECORD_KEYS = st.sampled_from([*Record.model_fields, "extra", "key", "value", "date", "baseline"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(min_value=dt.date(1, 1, 1)),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(RECORD_KEYS, st.text(max_size=10)), children, max_size=6),
    ),
    max_leaves=40,
)


def _load_one(content: bytes) -> None:
    """Run the whole register load on one record file; only csi's own errors may escape."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(PROJECT / "policies", root / "policies")
        (root / "register").mkdir()
        (root / "register" / "CSI-0001.yaml").write_bytes(content)
        try:
            register = load_work_tree(root)
        except CsiError:
            return
        for finding in register.findings:
            assert finding.line >= 1
            assert finding.column >= 1
            assert finding.path == "register/CSI-0001.yaml"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_arbitrary_bytes(content: bytes) -> None:
    _load_one(content)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_TOKENS, max_size=60))
def test_yaml_shaped_text(tokens: list[str]) -> None:
    _load_one("".join(tokens).encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(RECORD_KEYS, DOCUMENTS, max_size=12))
def test_arbitrary_yaml_documents(document: dict[str, Any]) -> None:
    buffer = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, buffer)
    _load_one(buffer.getvalue().encode("utf-8", "surrogatepass"))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


EXAMPLE = YAML(typ="safe", pure=True).load((PROJECT / "register" / "CSI-0001.yaml").read_text())
EXAMPLE_PATHS = _paths(EXAMPLE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLE_PATHS), DOCUMENTS)
def test_one_field_of_a_real_record_replaced(path: tuple[Any, ...], value: Any) -> None:
    """Near-valid records reach the deepest checks (readiness, record checks, line lookup)."""
    document = copy.deepcopy(EXAMPLE)
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    buffer = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, buffer)
    _load_one(buffer.getvalue().encode("utf-8", "surrogatepass"))
