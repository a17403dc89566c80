"""Where each key and item of a YAML document is written: the line a finding is placed on.

Placing a finding needs positions, not a node tree with resolved tags. The reference
composer (`strict.compose_nodes`) calls back into Python to resolve every scalar, five times
the cost of reading the C parser's events directly: a backlog with a few hundred overdue
revisits composed each of their files again, a third of a second of a site build. This
reads the same parser's events, so every position is the one the reference composer gives
(tests/yaml/test_positions.py compares them over the examples and the YAML test suite);
text the composer would refuse (a parse error, a second document, an anchor defined twice,
an unknown alias) goes to the composer, which refuses it with its finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from ruamel.yaml.cyaml import CParser
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import Node

from csi_tool.yaml import strict


class Entries(list["tuple[str | None, int, int, Tree]"]):
    """A mapping's entries: (the key's text, None for a key that is no scalar; its line;
    its column; the value)."""


class Items(list["tuple[int, int, Tree]"]):
    """A sequence's items: (line, column, the item)."""


# A scalar is its text (nothing looks inside it); positions are 1-based.
Tree = Entries | Items | str | None


class _NotEvents(Exception):
    """The events do not make one document: the reference composer says why."""


def compose_positions(text: str, path: str) -> Tree | Node:
    """The positions of text that `strict.load_fast` accepted. Text the events cannot be
    read from is the composer's to refuse; should it ever compose such text instead, its
    node tree is returned (a safety net: `locate` takes either)."""
    parser = CParser(text)
    try:
        return _tree(parser)
    except (YAMLError, _NotEvents, KeyError):
        return strict.compose_nodes(text, path)
    finally:
        parser.dispose()


def locate(tree: Tree | Node, loc: Sequence[str | int]) -> tuple[int, int]:
    """1-based (line, column) of the deepest key or item of `loc` present, as
    `strict.locate` gives it: parts missing from the tree are skipped, so a finding about a
    missing field points at its parent."""
    if isinstance(tree, Node):
        return strict.locate(tree, loc)
    line, column = 1, 1
    node = tree
    for part in loc:
        found: Tree | _Missing = _MISSING
        if type(node) is Entries and isinstance(part, str):
            # the last equal key wins, as in the reference (the reader refuses duplicates)
            for key, key_line, key_column, value in node:
                if key == part:
                    line, column, found = key_line, key_column, value
        elif type(node) is Items and isinstance(part, int) and 0 <= part < len(node):
            line, column, found = node[part]
        if found is not _MISSING:
            node = found
    return line, column


class _Missing:
    pass


_MISSING = _Missing()


class _Open:
    """A collection whose events are being read, and a mapping's key waiting for its value."""

    __slots__ = ("collection", "key")

    def __init__(self, collection: Entries | Items) -> None:
        self.collection = collection
        self.key: tuple[str | None, int, int] | None = None


def _tree(parser: CParser) -> Tree:
    """The one document of the parser's events as positions; aliases are the anchored
    node, at the anchored node's place (as the composer gives the same node twice)."""
    open_: list[_Open] = []
    anchors: dict[str, tuple[Tree, int, int, str | None]] = {}
    root: Tree = None
    documents = 0
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            node: Tree = event.value
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
            key: str | None = event.value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            node = Entries() if kind is MappingStartEvent else Items()
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
            key = None
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            open_.pop()
            continue
        elif kind is AliasEvent:
            node, line, column, key = anchors[event.anchor]  # unknown: the composer says so
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _NotEvents
            continue
        elif kind is StreamEndEvent:
            return root
        else:  # the stream's start, a document's end
            continue
        if kind is not AliasEvent and event.anchor is not None:
            if event.anchor in anchors:  # the composer refuses an anchor used twice
                raise _NotEvents
            anchors[event.anchor] = (node, line, column, key)
        if not open_:
            root = node
        else:
            into = open_[-1]
            collection = into.collection
            if isinstance(collection, Items):
                collection.append((line, column, node))
            elif into.key is None:
                into.key = (key, line, column)
            else:
                collection.append((*into.key, node))
                into.key = None
        if kind is MappingStartEvent or kind is SequenceStartEvent:
            open_.append(_Open(node))  # type: ignore[arg-type]
