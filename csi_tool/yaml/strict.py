"""The strict reader: one strict YAML 1.2 document as plain data, or a finding with its line.

The dialect is YAML 1.2's core schema: `on`/`yes` stay text, and so do dates (records' date
fields turn `2026-01-05` into a date when they are validated).

Two parsers sit behind `load_fast`, one interface:
- yaml-rs (Rust) reads ordinary files about 30 times faster than ruamel.yaml. It is used only
  for text without the constructs csi refuses (anchors, aliases, tags, merge keys, control
  characters), and only when it returns a mapping with text keys (`fast.py` decides);
- ruamel.yaml's C parser with a strict constructor is the reference: it reads everything else
  and gives every refusal its line and column. tests/yaml/test_loader_differential.py proves
  the two give identical data.
Lines of findings come from the C parser's events, read again only for files that have
findings (`positions.py`). Writing files is `roundtrip.py`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from csi_tool.errors import Finding, YamlError
from csi_tool.yaml import fast, subset

# The YAML 1.2 core schema plus timestamps (dates are first-class in records).
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# libyaml's composer recurses in C: nesting far deeper than any record crashes the process,
# so such input is refused before it reaches the parser.
MAX_NESTING = 1000
_TEXT_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")  # dates are text
# A line indented deeper than that: at the text's start, or after a line feed (a literal
# first character lets the regex engine skip ahead; `^` in multi-line mode tried everywhere).
_DEEP_FIRST = re.compile(rf"[ \t\-?:]{{{MAX_NESTING + 1}}}")
_DEEP_LATER = re.compile(rf"\n[ \t\-?:]{{{MAX_NESTING + 1}}}")


class _AliasFound(Exception):
    """A node was reached twice: the C parser hides alias events, so the text is searched again."""


class _StrictConstructor(SafeConstructor):  # type: ignore[misc]
    """SafeConstructor that refuses aliases, merge keys and tags outside the core schema."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasFound
        if node.tag not in _CORE_TAGS:
            raise ConstructorError(
                None, None, f"the tag {node.tag!r} is not allowed in csi files", node.start_mark
            )
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as e:  # e.g. 2026-02-30 looks like a date but is not
            problem = f"{node.value!r} is not a valid value: {e}"
            if isinstance(node.value, str) and subset.odd_number(node.value):  # `+_`, `._`
                problem = subset.ODD_NUMBER
            raise ConstructorError(None, None, problem, node.start_mark) from e

    def flatten_mapping(self, node: MappingNode) -> Any:
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                raise ConstructorError(
                    None, None, "merge keys (<<) are not allowed in csi files", key_node.start_mark
                )
            if key_node.tag not in _TEXT_TAGS or not isinstance(key_node.value, str):
                shown = (
                    repr(key_node.value) if isinstance(key_node.value, str) else "a list or mapping"
                )
                raise ConstructorError(
                    None,
                    None,
                    f"a key must be text, not {shown}; put it in quotes if it is meant as text",
                    key_node.start_mark,
                )
        return super().flatten_mapping(node)


# YAML 1.2's core schema has no timestamps: dates stay text, as yaml-rs reads them too.
_StrictConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str
)


class _Yaml12Resolver(VersionedResolver):  # type: ignore[misc]
    """ruamel's resolver pinned to YAML 1.2, the only version csi reads (directives are refused).

    With the C parser, ruamel looks the version up on every scalar through two attribute
    lookups that raise and catch AttributeError: most of a document's composing time.
    """

    @property
    def processing_version(self) -> tuple[int, int]:
        return (1, 2)


class _PositionsOnlyResolver(_Yaml12Resolver):
    """Gives every node its kind's default tag: placing a finding needs positions, not types."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG


def _strict_yaml(resolver: type[VersionedResolver] = _Yaml12Resolver) -> YAML:
    yaml = YAML(typ="safe")  # C parser when ruamel.yaml.clib is installed
    yaml.Resolver = resolver
    yaml.Constructor = _StrictConstructor
    yaml.allow_duplicate_keys = False
    return yaml


def decode(data: bytes, path: str, max_bytes: int) -> str:
    """Bytes of a csi file as text, refusing oversized, empty and non-UTF-8 input."""
    if len(data) > max_bytes:
        raise YamlError(
            Finding(path, 1, 1, "", f"file is larger than the limit of {max_bytes} bytes")
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, column = _line_col_of_offset(data, e.start)
        raise YamlError(
            Finding(path, line, column, "", f"file is not valid UTF-8 (byte 0x{data[e.start]:02x})")
        ) from e
    text = text.removeprefix("\ufeff")
    if "\ufeff" in text:  # only a file's first character may be a byte order mark
        at = text.index("\ufeff")
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        message = "a byte order mark (U+FEFF) inside the file; remove it"
        raise YamlError(Finding(path, line, column, "", message))
    if not text.strip():
        raise YamlError(Finding(path, 1, 1, "", "file is empty"))
    return text


def load_fast(text: str, path: str) -> dict[str, Any]:
    """Parse one strict YAML 1.2 document whose top level is a mapping, as plain Python data."""
    _refuse_what_the_parser_would_accept(text, path)
    data = fast.read_ordinary(text)
    return data if data is not None else _load_strict(text, path)


def _load_strict(text: str, path: str) -> dict[str, Any]:
    try:
        data = _strict_yaml().load(text)
    except _AliasFound as e:
        raise YamlError(_alias_finding(text, path)) from e
    except YAMLError as e:
        finding = subset.open_flow_refusal(text, path) or _finding_from_yaml_error(e, text, path)
        raise YamlError(finding) from e
    except RecursionError as e:
        raise YamlError(_finding_from_yaml_error(e, text, path)) from e
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise YamlError(
            Finding(path, 1, 1, "", f"the top level must be a mapping of fields, not {kind}")
        )
    subset.refuse_misread(text, path)  # what the reference accepts but reads unlike the spec
    return data


def compose_nodes(text: str, path: str) -> Node:
    """The node tree of text that `load_fast` accepted, with the line of every key and item
    (`positions.py` gives the same places faster; this is its reference).

    In the rare case where yaml-rs accepted text that the reference parser refuses, the
    reference wins: the file is refused with the reference parser's finding.
    """
    try:
        node: Node = _strict_yaml(_PositionsOnlyResolver).compose(text)
    except (YAMLError, RecursionError) as e:
        raise YamlError(_finding_from_yaml_error(e, text, path)) from e
    return node


def locate(tree: Node, loc: Sequence[str | int]) -> tuple[int, int]:
    """1-based (line, column) of the deepest key or item of `loc` present in a node tree.

    Path elements that are not in the tree (a missing field) are skipped, so a finding about a
    missing field points at its parent.
    """
    line, column = 1, 1
    node: Node | None = tree
    for part in loc:
        found: Node | None = None
        if isinstance(node, MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    found = value_node
        elif (
            isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
        ):
            found = node.value[part]
            line, column = found.start_mark.line + 1, found.start_mark.column + 1
        if found is not None:
            node = found
    return line, column


def _refuse_what_the_parser_would_accept(text: str, path: str) -> None:
    # directives come before any content: only the lines up to the first are looked at
    for number, line_text in enumerate(_leading_lines(text), start=1):
        if line_text.startswith("%"):
            message = "YAML directives (%YAML, %TAG) are not allowed in csi files"
            raise YamlError(Finding(path, number, 1, "", message))
        if line_text.strip() and not line_text.lstrip().startswith("#"):
            break
    deep_line = 1 if _DEEP_FIRST.match(text) else None
    if deep_line is None and (later := _DEEP_LATER.search(text)) is not None:
        deep_line = text.count("\n", 0, later.start()) + 2  # the line after that line feed
    if deep_line is not None:
        line = deep_line
        raise YamlError(Finding(path, line, 1, "", f"nesting is deeper than {MAX_NESTING} levels"))
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return  # too few brackets to nest that deep
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    if deepest > MAX_NESTING:
        raise YamlError(Finding(path, 1, 1, "", f"nesting is deeper than {MAX_NESTING} levels"))


def _leading_lines(text: str) -> Iterator[str]:
    """The text's lines, one by one (splitting all of a 5 KB file cost more than the rest)."""
    start = 0
    while start < len(text):
        end = _LINE_BREAK.search(text, start)
        if end is None:
            yield text[start:]
            return
        yield text[start : end.start()]
        start = end.end()


# what str.splitlines breaks at, so line numbers stay those of the other findings
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _alias_finding(text: str, path: str) -> Finding:
    message = "aliases (*name) are not allowed in csi files"
    for event in YAML(typ="safe", pure=True).parse(text):
        if isinstance(event, AliasEvent):
            mark = event.start_mark
            return Finding(path, mark.line + 1, mark.column + 1, "", message)
    return Finding(path, 1, 1, "", message)


def _finding_from_yaml_error(error: BaseException, text: str, path: str) -> Finding:
    if isinstance(error, RecursionError):
        return Finding(path, 1, 1, "", "nesting is too deep to read")
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            problem = f"{error.context}: {error.problem}"
        if "found duplicate key" in problem:
            key = problem.split("found duplicate key ", 1)[1].split(" with value", 1)[0]
            problem = f"duplicate key {key}; each key may appear once"
        elif "expected a single document" in problem:
            problem = "a file holds exactly one document; found a second one"
        if error.context == "while scanning a simple key" and error.context_mark is not None:
            mark = error.context_mark  # the key that lacks its ": ", not the line after it
            problem = "a key must be followed by a colon and a space (key: value)"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            problem = "a tab cannot indent YAML; use spaces"
        else:
            problem += _hint(text, mark.index if mark is not None else -1, problem)
        return Finding(path, line, column, "", _one_line(problem))
    if isinstance(error, ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        code_point = error.character if isinstance(error.character, int) else ord(error.character)
        return Finding(
            path, line, column, "", f"control character U+{code_point:04X} is not allowed"
        )
    return Finding(path, 1, 1, "", _one_line(str(error)) or "invalid YAML")


def _hint(text: str, index: int, problem: str) -> str:
    """Plain advice for the mistakes people make most when writing YAML by hand."""
    char = text[index : index + 1] if index >= 0 else ""
    if "cannot start any token" in problem and char in {"@", "`"}:
        return f'; a value starting with {char} must be quoted, e.g. "{char}acme/team"'
    if "mapping values are not allowed" in problem:
        return "; put text containing ': ' in quotes, or check this line's indentation"
    return ""


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _line_col_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column
