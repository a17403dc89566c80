"""Findings are placed from the C parser's events exactly where the reference composer places
them: every key and item of the examples, generated records, arbitrary documents and the
YAML test suite, with parts missing at every depth."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from benchmarks.generate_register import record_text
from csi_tool.errors import YamlError
from csi_tool.yaml import positions, strict
from tests.yaml.test_loader_differential import DOCUMENTS, EXAMPLES
from tests.yaml.test_yaml_test_suite import CASES, _text


def _paths(node: Node, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every path to a key or item, and paths with a missing part (skipped when placing)."""
    yield prefix
    yield (*prefix, "not_there", 0)
    yield (*prefix, 10_000)
    yield (*prefix, -1)
    yield (*prefix, True)  # bool is an int to both
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key.value, str):
                yield from _paths(value, (*prefix, key.value))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _paths(item, (*prefix, index))


def _same_places(text: str) -> int:
    """Compare every path's place; how many paths were compared (0: the reference refuses)."""
    try:
        reference = strict.compose_nodes(text, "x.yaml")
    except YamlError as refused:
        with pytest.raises(YamlError) as ours:
            positions.compose_positions(text, "x.yaml")
        assert ours.value.finding == refused.finding
        return 0
    tree = positions.compose_positions(text, "x.yaml")
    paths = list(_paths(reference))
    for path in paths:
        assert positions.locate(tree, path) == strict.locate(reference, path), (text, path)
    return len(paths)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_file_is_placed_as_the_reference_places_it(path: Any) -> None:
    assert _same_places(path.read_text(encoding="utf-8")) > 10


def test_generated_records_are_placed_as_the_reference_places_them() -> None:
    rng = random.Random(11)
    for number in range(1, 200):
        assert _same_places(record_text(number, rng))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_arbitrary_documents_are_placed_as_the_reference_places_them(
    document: dict[str, Any],
) -> None:
    for flow in (False, True):
        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = flow
        buffer = io.StringIO()
        yaml.dump(document, buffer)
        _same_places(buffer.getvalue())


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1, c: [2, 3]}\nd: *x\ne:\n  - *x\n  - f\n",  # aliases: the anchored node
        "? [a, b]\n: 1\nc: 2\n",  # a key that is no scalar
        "&k key: 1\nother: {*k : 2}\n",  # an alias as a key
        "a: 1\n---\nb: 2\n",  # two documents: refused, with the reference's finding
        "a: [1, 2\nb: 3\n",  # a parse error: the same
        "a: *nowhere\n",  # an unknown alias: the same
        "\ufeffa:\n  - b: 1\n    c: 'é'\n  - 2\n",  # a byte-order mark, text beyond ASCII
        "# only a comment\n",
    ],
)
def test_unusual_text_is_placed_or_refused_as_the_reference_does(text: str) -> None:
    _same_places(text)


@pytest.mark.skipif(not CASES, reason="the YAML test suite is not here")
def test_every_case_of_the_yaml_test_suite_is_placed_as_the_reference_places_it() -> None:
    compared = 0
    for _, case in CASES:
        text = _text(case)
        if text is not None:
            compared += _same_places(text)
    assert compared > 1000
