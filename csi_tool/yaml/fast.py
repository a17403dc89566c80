"""The fast path of `strict.load_fast`: yaml-rs for ordinary text, and the checks that send
anything else to ruamel.yaml's strict parser, the reference (see strict.py).

A false alarm only costs speed; a miss would let yaml-rs accept what the reference refuses,
which tests/yaml/test_loader_differential.py guards against.
"""

from __future__ import annotations

import re
from typing import Any

import yaml_rs

# Text that may hold what only the strict parser refuses: an anchor, alias or tag token, a
# merge key, or a character YAML forbids. A false alarm only costs speed. Also `?` as an
# explicit key, where the two parsers disagree (and `?` near flow collections, checked in
# `needs_strict_parser`). Tokens are found by `has_special_token`, which scans for the few
# characters involved: a regular expression over every file took a tenth of a cold check.
_SPACE = frozenset(filter(str.isspace, map(chr, range(0x3001))))  # all of regex's \s
_BEFORE_PROPERTY = _SPACE | frozenset("[]{},:-")  # what may precede & * ! in a token
# What cannot follow them: only YAML's own blanks end a token (`&` then a no-break space is
# an anchor named by that space, which yaml-rs would read).
_ENDS_PROPERTY = frozenset(" \t\r\n[]{},")
_BEFORE_KEY = _SPACE | frozenset("[{,")  # what may precede an explicit key's ?
# Characters YAML forbids, and the line breaks beyond LF and CR (NEL, LS, PS), which the two
# parsers fold differently.
_FORBIDDEN_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
_ONLY_TEXT = {str}


def read_ordinary(text: str) -> dict[str, Any] | None:
    """yaml-rs's reading of text free of every risky construct, or None: the reference reads it."""
    return None if needs_strict_parser(text) else load_with_yaml_rs(text)


def needs_strict_parser(text: str) -> bool:
    if has_special_token(text):
        return True
    if "\t" in text:  # the parsers accept tabs in different places
        return True
    if ("{" in text or "[" in text) and _risky_flow(text):
        return True
    if may_hold_misread(text):  # constructs the subset refuses: only the reference judges them
        return True
    return _forbidden_character(text)


def _forbidden_character(text: str) -> bool:
    if text.isascii():  # deleting the allowed bytes is a tenth of a regular expression's cost
        return bool(text.encode("ascii").translate(None, _ALLOWED_ASCII))
    return _FORBIDDEN_CHARACTER.search(text) is not None


_ALLOWED_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def has_special_token(text: str) -> bool:
    """An anchor, alias or tag (`&a`, `*a`, `!t` at a token's start), a merge key (`<<`),
    or an explicit key (`?` standing alone)."""
    if "<<" in text:
        return True
    for char in "&*!?":
        at = text.find(char)
        while at >= 0:
            before, after = text[at - 1 : at] if at else "", text[at + 1 : at + 2]
            if char == "?":
                if (not before or before in _BEFORE_KEY) and (not after or after in _SPACE):
                    return True
            elif (
                (not before or before in _BEFORE_PROPERTY) and after and after not in _ENDS_PROPERTY
            ):
                return True
            at = text.find(char, at + 1)
    return False


def _risky_flow(text: str) -> bool:
    """A flow collection (`[...]`, `{...}`) spanning lines, or holding `?` or `a:b` outside
    quotes, where libyaml refuses what yaml-rs accepts. Text outside flows (a URL in a note)
    is no risk, and neither is text inside a quoted scalar (`["https://…"]`, `{source: "a:
    b"}`): the two parsers read quoted scalars alike. String methods and regular expressions
    with a literal first character, not a loop over characters: this runs on every file of
    every read."""
    flows = "\n".join(_flow_lines(text))
    if '"' in flows or "'" in flows:
        flows = _QUOTED.sub(r"\1Q", flows)  # quoted scalars emptied
        if ('"' in flows or "'" in flows) and _QUOTE_OPENS.search(flows):
            return True  # a quote left open: it spans lines
    if "?" in flows or "|" in flows or ">" in flows or _GLUED_COLON.search(flows):
        return True  # only ASCII spaces separate in YAML; `|` and `>` cannot start a flow scalar
    if "#" in flows:  # brackets count up to a comment: `[a, # ]` leaves the list open
        flows = _COMMENT.sub("", flows)
    # every line's flow closes on that line: as many closing brackets as opening ones
    return any(
        part.count("[") + part.count("{") != part.count("]") + part.count("}")
        for part in flows.split("\n")
    )


def _flow_lines(text: str) -> list[str]:
    """Each line's flow: from its first `[` or `{` to the line's end. `str.find` skips to the
    brackets at C speed; a regular expression tested every character, at twice the cost."""
    pieces = []
    find = text.find
    square, curly = find("["), find("{")
    while square >= 0 or curly >= 0:
        start = square if curly < 0 or 0 <= square < curly else curly
        end = find("\n", start)
        if end < 0:
            pieces.append(text[start:])
            break
        pieces.append(text[start:end])
        if square < end:
            square = find("[", end)
        if curly < end:
            curly = find("{", end)
    return pieces


_COMMENT = re.compile(r"[ \t]#[^\n]*")
_GLUED_COLON = re.compile(r":[^ \t\r\n]")
# A quoted scalar, where one may start: at a token's start, after `[`, `{`, `,` or a blank
# (an apostrophe inside a plain word, as in `it's`, is text, left for the risk check). The
# character before is captured, not looked behind for: the search then skips ahead to it.
_QUOTED = re.compile(r"""([\[{, ])(?:"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|'[^'\n]*+(?:''[^'\n]*+)*+')""")
_QUOTE_OPENS = re.compile(r"""[\[{, ]["']""")


def load_with_yaml_rs(text: str) -> dict[str, Any] | None:
    """yaml-rs's reading of ordinary text, or None to let the strict parser decide."""
    try:
        data = yaml_rs.loads(
            text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error
        )
    except (ValueError, RecursionError):  # its refusals are reported by the strict parser
        return None
    return data if isinstance(data, dict) and _text_keys_only(data) else None


def _text_keys_only(value: Any) -> bool:
    """Whether every mapping key, at any depth, is text (the strict parser refuses others).

    yaml-rs gives plain dicts and lists, so exact type checks suffice; this runs on every
    file, hence the C-level `set(map(type, ...))` for the keys.
    """
    containers = [value]
    while containers:
        item = containers.pop()
        if type(item) is dict:
            if item and set(map(type, item)) != _ONLY_TEXT:
                return False
            children = item.values()
        else:
            children = item
        containers += [c for c in children if type(c) is dict or type(c) is list]
    return True


# What the subset (subset.py) refuses: the files that may hold it go to the reference.
# What the router looks for; a false alarm only sends a file to the reference. String
# methods and anchored matches only: this runs on every file of every read.
_VALUE_PREFIX = re.compile(r"[ \t]*(?:- +)*(?:\w[\w.-]*: +)?")  # where a quoted value starts
_CLOSED_ON_ITS_LINE = {  # possessive: `'it''s` must not pass for `'it'` and the rest
    '"': re.compile(r'"(?:[^"\\\n]|\\.)*+"'),
    "'": re.compile(r"'(?:[^'\n]|'')*+'"),
}
# a line of spaces only: after a line break (a literal first character, which the search skips
# to), or at the start of the text
_ONLY_SPACES = re.compile(r"\n +(?:\n|\Z)")
_ONLY_SPACES_FIRST = re.compile(r" +(?:\n|\Z)")


def may_hold_misread(text: str) -> bool:
    """Whether text may hold a construct `refuse_misread` judges (multi-line flows, `?` and
    anchors are the router's own checks)."""
    return (
        _quote_left_open(text)
        or _glued_comment(text)
        or _spaces_only_line(text)
        or _empty_block(text)
        or _ends_a_document(text)
        or _may_hold_odd_number(text)
        or ("\\" in text and _SURROGATE_ESCAPE.search(text) is not None)
    )


def _quote_left_open(text: str) -> bool:
    """A quoted value that does not close on the line it opens."""
    for quote, closed in _CLOSED_ON_ITS_LINE.items():
        at = text.find(quote)
        while at >= 0:
            if _VALUE_PREFIX.fullmatch(text, text.rfind("\n", 0, at) + 1, at):
                scalar = closed.match(text, at)
                if scalar is None:
                    return True
                at = text.find(quote, scalar.end())
            else:
                at = text.find(quote, at + 1)
    return False


def _glued_comment(text: str) -> bool:
    """`"text"#…`, `[a]#…` or `>#…`, `|-2#…`: a # with no blank before it."""
    at = text.find("#")
    while at >= 0:
        before = at - 1
        while before > 0 and text[before] in "-+0123456789":  # a block header's indicators
            before -= 1
        if at > 0 and (text[at - 1] in "\"']}" or text[before] in "|>"):
            return True
        at = text.find("#", at + 1)
    return False


# Each starts with a literal, so the regex engine skips ahead to it.
# (not preceded by a character outside the set: so also at the text's start)
_UNDERSCORE_IN_NUMBER = re.compile(r"_(?<![^ \t\n\[{,:0-9.+\-]_)")
# in hexadecimal and octal numbers (`0x_1`, `0xA_1`) letters come before the underscore too
_UNDERSCORE_IN_PREFIXED = re.compile(r"_(?<![^ \t\n\[{,:0-9a-fA-FxXoO.+\-]_)")
_ZERO_PREFIX = re.compile(r"0[xXoO]")
_SIGNED_PREFIX = re.compile(r"0[xo](?<=[-+]0[xo])")
_DOT_EXPONENT = re.compile(r"\.[0-9]+[eE]")


def _may_hold_odd_number(text: str) -> bool:
    """A plain value `odd_number` judges: `1_000`, `_1`, `0XC`, `+0x1`, `.5E1`..."""
    if _DOT_EXPONENT.search(text):
        return True
    prefixed = _ZERO_PREFIX.search(text) is not None  # one scan; rare, then looked at closely
    if prefixed and ("0X" in text or "0O" in text or _SIGNED_PREFIX.search(text)):
        return True
    underscores = (_UNDERSCORE_IN_PREFIXED if prefixed else _UNDERSCORE_IN_NUMBER).finditer(text)
    for found in underscores:  # `p3_sla` is a word, `3_000` is not
        start = found.start()
        while start > 0 and text[start - 1] in _NUMBER_CHARACTERS:
            start -= 1
        first = start
        while first < found.start() and text[first] in "+-":
            first += 1
        number_start = text[first] in "_." or text[first].isdigit()  # no copy: a hot path
        if (start == 0 or text[start - 1] in " \t\n[{,:") and number_start:
            return True
    return False


_NUMBER_CHARACTERS = frozenset("0123456789.+-xXoOabcdefABCDEF")


def _ends_a_document(text: str) -> bool:
    """`...` at a line's start: what follows is another document, which yaml-rs reads on."""
    return text.startswith("...") or "\n..." in text


# A surrogate written as an escape (`\ud83d`, as JSON writes emoji): the reference refuses it
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


_BLANK_LINES = re.compile(r"\n*")
_SPACES = re.compile(r" *")


def _indentation_at(text: str, line_start: int) -> int:
    return _SPACES.match(text, line_start).end() - line_start  # type: ignore[union-attr]


_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]*(?:#[^\n]*)?")


def _empty_block(text: str) -> bool:
    """A block text (`|`, `>-`...) with no line of text: yaml-rs reads `k: |` as a line break,
    the spec (and the reference) as nothing."""
    for indicator in "|>":
        at = text.find(indicator)
        while at > 0:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            if text[at - 1] == " " and _BLOCK_HEADER.fullmatch(text, at, line_end):
                # positions, not copies of the rest of the text: a file holds many blocks
                following = _BLANK_LINES.match(text, line_end + 1).end()  # type: ignore[union-attr]
                indent = _indentation_at(text, line_start)
                if following >= len(text) or _indentation_at(text, following) <= indent:
                    return True
            at = text.find(indicator, at + 1)
    return False


def _spaces_only_line(text: str) -> bool:
    if not (" \n" in text or text.endswith(" ")):
        return False
    return _ONLY_SPACES.search(text) is not None or _ONLY_SPACES_FIRST.match(text) is not None
