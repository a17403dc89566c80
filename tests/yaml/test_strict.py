"""The strict loader: YAML 1.2 values, the refusals, and line-precise errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_tool.errors import YamlError
from csi_tool.yaml import fast, strict


def _load(text: str) -> dict[str, object]:
    return strict.load_fast(text, "f.yaml")


def _error(text: str) -> tuple[int, int, str]:
    with pytest.raises(YamlError) as info:
        _load(text)
    finding = info.value.finding
    return finding.line, finding.column, finding.message


def test_yaml_1_2_keeps_norway_and_friends_and_dates_as_text() -> None:
    """YAML 1.2's core schema: no yes/no booleans and no timestamps (date fields parse text)."""
    data = _load("a: on\nb: yes\nc: no\nd: off\ne: NO\nf: 2026-03-01\ng: 010\n")
    assert data == {
        "a": "on",
        "b": "yes",
        "c": "no",
        "d": "off",
        "e": "NO",
        "f": "2026-03-01",
        "g": 10,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", (3, 1, 'duplicate key "a"; each key may appear once')),
        ("a: &x [1]\nb: *x\n", (2, 4, "aliases (*name) are not allowed in csi files")),
        ("a: !!python/object:os.system 1\n", (1, 4, "the tag")),
        ("a: !!binary aGk=\n", (1, 4, "the tag 'tag:yaml.org,2002:binary' is not allowed")),
        ("a: !local 1\n", (1, 4, "the tag '!local' is not allowed in csi files")),
        ("base: 1\n<<: {a: 1}\n", (2, 1, "merge keys (<<) are not allowed in csi files")),
        ("a: 1\n---\nb: 2\n", (2, 1, "a file holds exactly one document; found a second one")),
        ("%YAML 1.1\n---\na: on\n", (1, 1, "YAML directives (%YAML, %TAG) are not allowed")),
        ("- a\n- b\n", (1, 1, "the top level must be a mapping of fields, not list")),
        ("just text\n", (1, 1, "the top level must be a mapping of fields, not str")),
        ("a: [1, 2\n", (1, 4, "a [list] or {mapping} in brackets must close on the line")),
        ("a: 'unterminated\n", (2, 1, "while scanning a quoted scalar")),
        ("a:\n\tb: 1\n", (2, 1, "a tab cannot indent YAML; use spaces")),
        (
            "a: 1\ntitle:Reduce calls\nb: 2\n",
            (2, 1, "a key must be followed by a colon and a space"),
        ),
        ("owner: @acme/x\n", (1, 8, "a value starting with @ must be quoted")),
        ("title: Goal: fewer calls\n", (1, 12, "put text containing ': ' in quotes")),
        ("2026: x\n", (1, 1, "a key must be text, not '2026'; put it in quotes")),
        ("a:\n  ~: x\n", (2, 3, "a key must be text, not '~'")),
        ("? [a, b]\n: x\n", (1, 3, "a key must be text, not a list or mapping")),
        ("a: \x07\n", (1, 4, "control character U+0007 is not allowed")),
        ("a: " + "[" * 1001 + "]" * 1001 + "\n", (1, 1, "nesting is deeper than 1000 levels")),
        ("a:\n" + "- " * 1001 + "x\n", (2, 1, "nesting is deeper than 1000 levels")),
    ],
)
def test_refusals_point_at_the_line(text: str, expected: tuple[int, int, str]) -> None:
    line, column, message = _error(text)
    assert (line, column) == expected[:2]
    assert expected[2] in message


def test_decode_refuses_bad_bytes_with_their_position() -> None:
    with pytest.raises(YamlError) as info:
        strict.decode(b"a: 1\nb: caf\xe9\n", "f.yaml", 1000)
    assert (info.value.finding.line, info.value.finding.column) == (2, 7)
    assert "not valid UTF-8 (byte 0xe9)" in info.value.finding.message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\n# only a comment? no: whitespace\n"[:4], "file is empty"),
        (b"a: " + b"x" * 2000, "file is larger than the limit of 1000 bytes"),
    ],
)
def test_decode_refuses_empty_and_oversized(data: bytes, message: str) -> None:
    with pytest.raises(YamlError) as info:
        strict.decode(data, "f.yaml", 1000)
    assert info.value.finding.message == message


def test_comment_only_file_is_not_a_mapping() -> None:
    assert _error("# nothing here\n") == (
        1,
        1,
        "the top level must be a mapping of fields, not empty",
    )


def test_byte_order_mark_is_accepted() -> None:
    assert _load(strict.decode("\ufeffa: 1\n".encode(), "f.yaml", 100)) == {"a": 1}


def test_a_percent_sign_after_the_first_content_line_is_no_directive() -> None:
    assert _load('summary: "about 40\n  %% of calls"\n'.replace("%%", "%")) == {
        "summary": "about 40 % of calls"
    }
    # at column 0 it continues the quoted text too shallow (the spec forbids that), and is
    # refused for that, not taken for a directive
    line, column, message = _error('summary: "about 40\n%% of calls"\n'.replace("%%", "%"))
    assert (line, column) == (1, 10)
    assert message.startswith("quoted text continued on a line that is not indented deeper")


def test_locate_walks_keys_and_items() -> None:
    text = "a: 1\nlist:\n  - x: 1\n  - x: 2\n    y: 3\n"
    tree = strict.compose_nodes(text, "f.yaml")
    assert strict.locate(tree, ("list", 1, "y")) == (5, 5)
    assert strict.locate(tree, ("list", 1)) == (4, 5)
    # a missing key points at its parent
    assert strict.locate(tree, ("list", 0, "missing")) == (3, 5)
    assert strict.locate(tree, ("nothing",)) == (1, 1)


# The definition `_has_special_token` implements by scanning: every token the strict parser
# must see, written as one regular expression (too slow to run on every file). A property
# (`&a`, `*a`, `!t`) ends only at YAML's blanks, so `&` then a no-break space is an anchor.
_SPECIAL_TOKEN = re.compile(
    r"(?:^|[\s\[\]{},:-])[&*!][^ \t\r\n\[\]{},]|<<|(?:^|[\s\[{,])\?(?:\s|$)", re.MULTILINE
)


@settings(max_examples=3000)
@given(
    st.text(alphabet=st.sampled_from("&*!?<ab:-,[]{} \t\r\n\x0b\x85\xa0\u2028#'\""), max_size=12)
)
def test_special_token_scan_matches_its_definition(text: str) -> None:
    assert fast.has_special_token(text) == bool(_SPECIAL_TOKEN.search(text))


def test_special_tokens_route_to_the_strict_parser() -> None:
    for text in ("a: &x 1\n", "a: *x\n", "a: !!str 1\n", "<<: {}\n", "? a\n: b\n", "!t a: 1\n"):
        assert fast.needs_strict_parser(text), text
    for text in ("a: Why? Because.\n", "a: b&c, 5*3!\n", "a: <b>\n", "a: x?y\n"):
        assert not fast.needs_strict_parser(text), text
