"""Round-trip YAML for edits: comments, order, quoting and the file's own indentation survive.

The one formatting configuration for writing files lives here (`_roundtrip_yaml`), so every
edit of every command writes the same style. Text reaches this module only after the strict
reader (`strict.load_fast`) accepted it.
"""

from __future__ import annotations

import io
import itertools
import re

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap


def _roundtrip_yaml(indent: tuple[int, int, int] = (2, 4, 2)) -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines a person wrote
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation a file already uses, so rewrites keep its look.

    Only the first nested mapping and the first nested list are looked at: files written by
    people are consistent enough, and csi's own files use the default (2, 4, 2).
    """
    mapping = offset = None
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    for parent, child in itertools.pairwise(lines):
        if not _OPENS_BLOCK.match(parent):
            continue
        depth = _indent_of(child) - _indent_of(parent)
        is_item = child.lstrip().startswith("- ")
        if depth < 0 or (depth == 0 and not is_item):  # a list may sit level with its key
            continue
        if is_item:
            offset = offset if offset is not None else depth
        else:
            mapping = mapping if mapping is not None else depth
        if mapping is not None and offset is not None:
            break
    offset = 2 if offset is None else offset
    return (mapping or 2, offset + 2, offset)


_OPENS_BLOCK = re.compile(r"^\s*(- )?[^\s#][^:#]*:\s*(#.*)?$")


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def load_roundtrip(text: str) -> CommentedMap:
    """Parse text that `load_fast` accepted into a tree that keeps comments, order and quotes."""
    tree = _roundtrip_yaml().load(text)
    if not isinstance(tree, CommentedMap):
        raise TypeError("load_roundtrip needs text that load_fast accepted")
    return tree


def dump_roundtrip(tree: CommentedMap, indent: tuple[int, int, int] = (2, 4, 2)) -> str:
    """Serialise a round-trip tree with the project's one formatting configuration."""
    buffer = io.StringIO()
    _roundtrip_yaml(indent).dump(tree, buffer)
    return buffer.getvalue()
