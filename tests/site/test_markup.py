"""The fast paths of page building give what the plain library calls give, for any text."""

from __future__ import annotations

import html
from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from csi_tool.site.diagrams import _HEAD_LABEL, _STEP_LABEL
from csi_tool.site.labels import columns, cut, has_wide, wrap
from csi_tool.site.markup import searchable, table, text, verbatim
from csi_tool.site.views.record_search import _start

# Record text as people (and attackers) write it: markup characters, every kind of
# whitespace textwrap and str.split know, and letters beyond ASCII.
_TEXT = st.text(
    alphabet=st.sampled_from(
        "ab-é <>&\"'\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\x91\xa0\u2028\u3000\ufdd0\U0001f600"
    ),
    max_size=30,
) | st.text(max_size=30)


# ASCII text with nothing but spaces between its words, as most record text is: `text`
# takes it as it is, unless a space leads, trails or doubles.
_PLAIN = st.text(alphabet=st.sampled_from("ab <>&\"'"), max_size=30)


@given(_TEXT | _PLAIN)
def test_text_is_html_escape_of_the_text_on_one_line(value: str) -> None:
    one_line = " ".join(value.split())
    escaped = html.escape(one_line, quote=True)
    # every character beyond ASCII as a reference, but the C1 controls: HTML reads a
    # reference to one of those as a Windows-1252 character (records refuse them; a ticket
    # export's text may hold them)
    assert text(value) == _in_ascii(escaped)
    assert _reads_back(text(value), one_line)
    assert searchable(value) == escaped  # the search index: every character as written


@given(_TEXT | _PLAIN)
def test_verbatim_text_is_html_escape_of_the_text_in_ascii(value: str) -> None:
    assert verbatim(value) == _in_ascii(html.escape(value, quote=True))
    assert _reads_back(verbatim(value), value)


def _in_ascii(escaped: str) -> str:
    return "".join(c if c < "\xa0" else f"&#{ord(c)};" for c in escaped)


def _reads_back(shown: str, written: str) -> bool:
    """What an HTML parser reads is what was written (html.unescape follows HTML's rules
    for references, but drops noncharacters, which browsers keep: those are not compared)."""
    noncharacter = any(0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE for c in written)
    return noncharacter or html.unescape(shown) == written


# Labels as written: words of a few letters between single spaces, now and then a hyphen,
# a long word or a letter beyond ASCII, and long enough to wrap over several lines.
_LABEL = st.lists(
    st.text(alphabet=st.sampled_from("abcdé-"), min_size=1, max_size=24), max_size=12
).map(" ".join)


@given((_TEXT | _LABEL).filter(lambda label: not has_wide(label)))
@example("aaaaaaaaa bbbbbbbbbb ccc")  # a first line exactly 20 wide, then one a letter too wide
@example("aaaaaaaaa bbbbbbbbbbb ccc")
@example("aaaaaaaaaa bbbbbbbbbbb ccc")  # and 22 wide
def test_a_diagram_label_wraps_as_textwrap_wraps_it(label: str) -> None:
    for wrapper in (_STEP_LABEL, _HEAD_LABEL):
        assert wrap(wrapper, label) == wrapper.wrap(label)


# Labels in Chinese, Japanese or Korean, with Latin words and spaces among them, and
# characters written as several: accents and kana marks as combining marks, emoji with a
# skin tone or joined, flags.
_PIECES = [
    *"承認申請財務ロール가나ab ERP-é\u3000\u00a0",
    "e\u0301",
    "テ\u3099",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇩🇪",
]
_WIDE_LABEL = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_STARTS_NOTHING = ("\u0301", "\u3099", "\u200d", "🏽")  # a mark, a joiner, a skin tone


@given(_WIDE_LABEL.filter(has_wide))
@example("ERP管理画面で財務ロールと権限を付与する")
@example("Änderung erfassen und 日本語で説明する")
@example("承認申請を開発者の👍🏽が必要")
@example("承認 " + "x" * 19 + "🇩🇪🇫🇷")
def test_a_wide_label_wraps_by_width_and_keeps_its_text(label: str) -> None:
    # a wide character counts two columns: it is drawn about twice as wide as a letter
    for wrapper in (_STEP_LABEL, _HEAD_LABEL):
        lines = wrap(wrapper, label)
        assert all(0 < columns(line) <= wrapper.width for line in lines), lines
        # only ASCII spaces part words, as in textwrap: a no-break space is kept
        assert "".join(lines).replace(" ", "") == label.replace(" ", "")
        for line, after in pairwise(lines):  # breaks fall between characters as read
            assert not after.startswith(_STARTS_NOTHING) and not line.endswith("\u200d")
            flags = len(line) - len(line.rstrip("🇦🇧🇨🇩🇪🇫🇬🇭🇮🇯🇰🇱🇲🇳🇴🇵🇶🇷🇸🇹🇺🇻🇼🇽🇾🇿"))
            assert flags % 2 == 0, (line, after)


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("x" * 19 + "e\u0301yy", "x" * 19 + "…"),  # an accent written as a combining mark
        ("x" * 18 + "e\u0301yy", "x" * 18 + "e\u0301…"),  # which takes no column of its own
        ("x" * 19 + "1\ufe0f\u20e3yy", "x" * 19 + "…"),  # a keycap: 1, emoji style, keycap
        ("x" * 18 + "👩\u200d💻yy", "x" * 18 + "…"),  # a technologist: woman, joiner, laptop
        ("x" * 17 + "👩\u200d💻yy", "x" * 17 + "👩\u200d💻…"),  # (two columns, as one emoji)
        ("x" * 18 + "\u1112\u1161\u11abyy", "x" * 18 + "…"),  # 한 written as three jamo
        ("x" * 18 + "क्षyy", "x" * 18 + "क्ष…"),  # a Devanagari conjunct, one column
        ("x" * 18 + "👍🏽 ok", "x" * 18 + "…"),  # a thumb with its skin tone
        ("x" * 17 + "a👍🏽 ok", "x" * 17 + "a…"),  # (a wide character: two columns)
        ("承認" * 6, "承認" * 4 + "承…"),  # wide characters: 19 columns hold 9, then the ellipsis
        ("x" * 18 + "🇩🇪yy", "x" * 18 + "…"),  # a flag: two regional indicators
        ("x" * 17 + "🇩🇪🇫🇷yy", "x" * 17 + "🇩🇪…"),  # the first flag whole, the second gone
        ("x" * 18 + "abc", "x" * 18 + "a…"),  # plain text: 19 characters and the ellipsis
        ("Prüfung  ohne\n Ende", "Prüfung ohne Ende"),  # short enough: one line, whole
    ],
)
def test_a_diagram_label_is_cut_between_characters_as_read(label: str, shown: str) -> None:
    assert cut(label, 20) == shown


def test_a_table_aligns_its_numeric_columns_right() -> None:
    shown = table(("Date", "Value <unit>"), [("2026-01-31", "14"), ("2026-02-28", "12.5")], (1,))
    right = ' style="text-align: right"'
    assert shown == (
        f"<table><thead><tr><th>Date</th><th{right}>Value &lt;unit&gt;</th></tr></thead>"
        f"<tbody><tr><td>2026-01-31</td><td{right}>14</td></tr>"
        f"<tr><td>2026-02-28</td><td{right}>12.5</td></tr></tbody></table>"
    )


def _plain_table(headers: tuple[str, ...], rows: list[tuple[str, ...]], numeric: set[int]) -> str:
    right = ' style="text-align: right"'
    head = "".join(
        f"<th{right if i in numeric else ''}>{html.escape(h, quote=True)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{right if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@given(st.data())
def test_a_table_is_its_cells_in_rows_under_its_escaped_headers(data: st.DataObject) -> None:
    headers = tuple(data.draw(st.lists(st.sampled_from(["Date", "Value <x>", "a&b"]))))
    cells = st.tuples(*[st.sampled_from(["", "1", "<b>x</b>", "a b"]) for _ in headers])
    rows = data.draw(st.lists(cells, max_size=4))
    numeric = data.draw(st.sets(st.integers(0, len(headers))))
    assert table(headers, rows, tuple(numeric)) == _plain_table(headers, rows, numeric)


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 1 cells in a table of 2 columns"):
        table(("Date", "Value"), [("2026-01-31",)])


@given(st.lists(_TEXT | _LABEL | _PLAIN, max_size=8), st.integers(0, 40))
@example(["abcd", "e"], 5)  # the limit falls on the space between two pieces
@example(["abcd", "e"], 4)
@example(["ab\n", " ", "cd"], 4)  # a piece with nothing on its line
def test_search_text_starts_as_the_whole_prose_on_one_line_starts(
    pieces: list[str], limit: int
) -> None:
    assert _start(pieces, limit) == " ".join(" ".join(pieces).split())[:limit]
