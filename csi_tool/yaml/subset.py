"""The YAML csi reads: where a reader and the YAML spec part ways, csi refuses the construct.

The official YAML test suite (tests/yaml/test_yaml_test_suite.py) found constructs that the
reference parser (libyaml, through ruamel.yaml) accepts although the spec says they are
invalid, or reads differently from the spec, or that yaml-rs reads and libyaml refuses. None
of them is needed to write a record, so each is refused with what to write instead, and the
router (`fast.py`) sends every file that might hold one to the reference, where
`refuse_misread` looks at the parser's events:

- an anchor (`&name`): csi refuses aliases, so an anchor is never used, and libyaml reads
  `&an:chor value` as the anchor `an` and the text `:chor value`;
- a `[list]` or `{mapping}` spread over lines: libyaml refuses some that the spec allows and
  accepts some it forbids (a continuation line that is not indented);
- `?` glued to a key in a flow mapping (`{ ?foo: bar }`): the key is `?foo`, libyaml reads `foo`;
- quoted text continued on a line indented no deeper than its key: the spec forbids it;
- a comment glued to quoted text or to a block text's `|` or `>`: the spec forbids it;
- lines of only spaces at a block text's start, deeper than its text (the spec forbids it),
  or ending the file (libyaml drops the line break the spec keeps).
A block text with no text at all (`k: |` and then the next key) is no refusal, but yaml-rs
reads it as a line break where the spec says empty text: the router sends it to the reference.
docs/records.md lists them for people.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    CollectionStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from csi_tool.errors import Finding, YamlError


def refuse_misread(text: str, path: str) -> None:
    """Raise YamlError at the first construct csi refuses, in text the reference accepted."""
    open_collections: list[tuple[CollectionStartEvent, int]] = []  # (start, block indentation)
    indent = -1  # the innermost block collection's column
    for event in YAML(typ="safe").parse(text):
        if isinstance(event, NodeEvent) and event.anchor is not None:
            _refuse(path, event, "anchors (&name) are not allowed in csi files; remove it")
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            open_collections.append((event, indent))
            if not event.flow_style:
                indent = event.start_mark.column
        elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            start, indent = open_collections.pop()
            if start.flow_style and event.end_mark.line != start.start_mark.line:
                _refuse(path, start, _MULTI_LINE_FLOW)
            if start.flow_style and text[event.end_mark.index : event.end_mark.index + 1] == "#":
                _refuse_at(path, event.end_mark, "put a space between the bracket and the comment")
        elif isinstance(event, ScalarEvent):
            in_flow = any(start.flow_style for start, _ in open_collections)
            _check_scalar(text, path, event, indent, in_flow)


def open_flow_refusal(text: str, path: str) -> Finding | None:
    """For text the reference refuses: a [list] or {mapping} still open on a later line than
    it opened, where the parser gave up. libyaml's own words ("did not find expected ',' or
    '}'") do not say that the brackets must close on their line; these do."""
    starts: list[CollectionStartEvent] = []
    try:
        for event in YAML(typ="safe").parse(text):
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                starts.append(event)
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                starts.pop()
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        for start in starts:
            if start.flow_style and mark is not None and mark.line > start.start_mark.line:
                at = start.start_mark
                return Finding(path, at.line + 1, at.column + 1, "", _MULTI_LINE_FLOW)
    return None


_MULTI_LINE_FLOW = (
    "a [list] or {mapping} in brackets must close on the line it opens; write a longer one "
    "as a block list (one '- item' per line) or a block mapping (one 'key: value' per line)"
)


def _check_scalar(text: str, path: str, event: ScalarEvent, indent: int, in_flow: bool) -> None:
    start, end = event.start_mark, event.end_mark
    if not event.style and in_flow and text[start.index - 1 : start.index] == "?":  # plain
        _refuse(path, event, f'a key starting with ? must be quoted: write "?{event.value}"')
    elif not event.style and in_flow and event.value == "-":
        _refuse(path, event, 'a lone - in brackets is no value: quote it ("-") or remove it')
    elif not event.style and odd_number(event.value):
        _refuse(path, event, ODD_NUMBER)
    elif event.style in ('"', "'"):
        if text[end.index : end.index + 1] == "#":
            _refuse_at(path, end, "put a space between the closing quote and the comment (#)")
        for line in text[start.index : end.index].split("\n")[1:]:
            # tabs may follow the indentation, never make it (the spec's rule)
            if line.strip(" \t") and indentation(line) <= indent:
                _refuse(
                    path,
                    event,
                    "quoted text continued on a line that is not indented deeper than its key; "
                    "indent the continuation with spaces, or use a block text (>- or |)",
                )
    elif event.style in ("|", ">"):
        _check_block(text, path, event, indent)


def _check_block(text: str, path: str, event: ScalarEvent, indent: int) -> None:
    start, end = event.start_mark, event.end_mark
    header_end = text.find("\n", start.index)
    header = text[start.index : header_end if header_end >= 0 else len(text)]
    if re.match(r"[|>][-+0-9]*#", header):
        _refuse(path, event, f"put a space between {header[0]} and the comment (#)")
    body = text[header_end + 1 : end.index].split("\n") if header_end >= 0 else []
    first = next((line for line in body if line.strip(" ")), None)
    if first is None:  # no text: a deeper line starting with # is text, libyaml took a comment
        found = _LINE_WITH_TEXT.search(text, end.index)
        after = found.group() if found else ""
        first = after if indentation(after) > indent else None
    if first is not None:
        leading = itertools.takewhile(lambda line: not line.strip(" "), body)
        if any(len(line) > indentation(first) for line in leading):
            _refuse(path, event, _LEADING_SPACES)
    if end.index >= len(text) and not text.endswith("\n") and body and not body[-1].strip(" "):
        _refuse_at(path, end, "the file ends with a line of only spaces; remove them")


_LINE_WITH_TEXT = re.compile(r"^ *[^ \n][^\n]*", re.MULTILINE)


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_NUMBER_LIKE = re.compile(r"[-+]?[0-9._][-+0-9._a-fA-FxXoOeE]*")
ODD_NUMBER = (
    "write a number plainly (12, -3, 1.5, 2e3, 0x1f, 0o17: no underscores, lower-case 0x and "
    "0o, a digit before the point), or put the text in quotes"
)


def odd_number(value: str) -> bool:
    """A plain value the readers (or a reader and the spec) take differently: a number with
    underscores, an upper-case or signed 0x/0o prefix, `.5E1`, `_` or `._`."""
    if not _NUMBER_LIKE.fullmatch(value):
        return False
    unsigned = value.lstrip("+-")
    return (
        ("_" in value and (any(c.isdigit() for c in value) or value.strip("_") in ("+", "-", ".")))
        or unsigned[:2] in ("0X", "0O")
        or (unsigned != value and unsigned[:2] in ("0x", "0o"))
        or re.fullmatch(r"\.[0-9]+[eE][-+]?[0-9]+", unsigned) is not None
    )


_LEADING_SPACES = (
    "a block text starts with a line of only spaces deeper than its text; remove the spaces"
)


def _refuse(path: str, event: Any, message: str) -> None:
    _refuse_at(path, event.start_mark, message)


def _refuse_at(path: str, mark: Any, message: str) -> None:
    raise YamlError(Finding(path, mark.line + 1, mark.column + 1, "", message))
