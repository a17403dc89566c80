"""The fast paths of page building give what the plain library calls give, for any text."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from csi_tool.site.diagrams import _HEAD_LABEL, _STEP_LABEL, _wrap
from csi_tool.site.markup import table, text

# Record text as people (and attackers) write it: markup characters, every kind of
# whitespace textwrap and str.split know, and letters beyond ASCII.
_TEXT = st.text(
    alphabet=st.sampled_from("ab-é <>&\"'\t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000"), max_size=30
) | st.text(max_size=30)


@given(_TEXT)
def test_text_is_html_escape_of_the_text_on_one_line(value: str) -> None:
    assert text(value) == html.escape(" ".join(value.split()), quote=True)


@given(_TEXT)
def test_a_diagram_label_wraps_as_textwrap_wraps_it(label: str) -> None:
    for wrapper in (_STEP_LABEL, _HEAD_LABEL):
        assert _wrap(wrapper, label) == wrapper.wrap(label)


def test_a_table_aligns_its_numeric_columns_right() -> None:
    shown = table(("Date", "Value <unit>"), [("2026-01-31", "14"), ("2026-02-28", "12.5")], (1,))
    right = ' style="text-align: right"'
    assert shown == (
        f"<table><thead><tr><th>Date</th><th{right}>Value &lt;unit&gt;</th></tr></thead>"
        f"<tbody><tr><td>2026-01-31</td><td{right}>14</td></tr>"
        f"<tr><td>2026-02-28</td><td{right}>12.5</td></tr></tbody></table>"
    )
