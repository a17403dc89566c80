"""Output escaping: GitHub workflow-command encoding and inert text for logs and terminals."""

from __future__ import annotations

import pytest

from csi_tool.errors import Finding
from csi_tool.markdown import md_inline
from csi_tool.report import (
    escape_data,
    escape_property,
    github_annotation,
    neutralise_workflow_commands,
    text_line,
)


def test_data_and_property_escaping_follow_the_runner() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotation_is_one_line_whatever_the_message() -> None:
    finding = Finding("register/CSI-0001.yaml", 3, 5, "title", "bad\n::error::x")
    assert github_annotation(finding) == (
        "::error file=register/CSI-0001.yaml,line=3,col=5,title=title::bad%0A::error::x"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("::add-mask::x", ":\u200b:add-mask::x"),
        ("   ::error::x", "   :\u200b:error::x"),
        ("ok\r::error::x", "ok\\r::error::x"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("line\u2028::warning::x", "line\\u2028::warning::x"),
        ("plain: text :: inside", "plain: text :: inside"),
    ],
)
def test_neutralised_lines_never_start_a_command(text: str, expected: str) -> None:
    assert neutralise_workflow_commands(text) == expected


def test_text_line_keeps_a_finding_on_one_line() -> None:
    finding = Finding("p.yaml", 1, 2, "a\nb", "x\r\ny")
    assert text_line(finding) == "p.yaml:1:2: a\\nb: x\\r\\ny"


def test_markdown_text_is_inert() -> None:
    assert md_inline("<b>|[x](y)</b>\n# h") == ("&lt;b&gt;\\|\\[x\\]\\(y\\)&lt;/b&gt; \\# h")


@pytest.mark.parametrize(
    "text",
    [
        "Tidy ##[add-mask]gate",
        "  CSI-0019 added: logged  x ##[error file=policies/governance.yaml;line=1]forged",
        "Ops ##[stop-commands]tok1",
        "##[group]title",
    ],
)
def test_the_runners_older_command_syntax_is_broken_anywhere_in_a_line(text: str) -> None:
    """The runner falls back to `##[command]`, found anywhere in a line (not only at its start)."""
    safe = neutralise_workflow_commands(text)
    assert "##[" not in safe
    assert safe.replace("\u200b", "") == text  # still readable as it was
