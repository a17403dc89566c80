"""Render findings for people (text), machines (json) and GitHub Actions (workflow commands).

Record text comes from pull requests, so nothing printed here may start a workflow command:
text output is kept to one line per finding and any line that would begin with `::` is broken.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from csi_tool.errors import Finding

FORMATS = ("text", "json", "github", "auto")
# Choices of the other commands, kept here (a light module) so the CLI can offer them cheaply.
BACKLOG_FORMATS = ("table", "json", "markdown")
REVIEW_FORMATS = ("text", "json", "markdown")
FAIL_ON_CHOICES = ("overdue", "breach", "regressed")
_ZERO_WIDTH_SPACE = "\u200b"


def resolve_format(requested: str, environ: Mapping[str, str]) -> str:
    """`auto` becomes `github` inside GitHub Actions and `text` elsewhere."""
    if requested != "auto":
        return requested
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def render_findings(findings: Sequence[Finding], fmt: str, checked: int) -> str:
    """All findings in one of the concrete formats (text, json, github)."""
    if fmt == "json":
        payload = {
            "findings": [finding_payload(f) for f in findings],
            "summary": {
                "files_with_findings": _file_count(findings),
                "findings": len(findings),
                "records_checked": checked,
            },
        }
        return neutralise_workflow_commands(
            json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
        )
    if fmt == "github":
        return "\n".join(github_annotation(f) for f in findings)
    return neutralise_workflow_commands("\n".join(text_line(f) for f in findings))


def finding_payload(finding: Finding) -> dict[str, str | int]:
    """A finding as plain data for JSON output."""
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "field": finding.field,
        "code": finding.code,
        "message": finding.message,
    }


def summary_line(findings: Sequence[Finding], checked: int) -> str:
    """One closing line for people: how much was checked and what was found."""
    if not findings:
        return f"ok: {checked} record(s) checked, no findings"
    files = _file_count(findings)
    return f"{len(findings)} finding(s) in {files} file(s); {checked} record(s) checked"


def text_line(finding: Finding) -> str:
    """`path:line:col: field: message` on a single line."""
    field = f" {_single_line(finding.field)}:" if finding.field else ""
    return f"{_single_line(finding.location())}:{field} {_single_line(finding.message)}"


def github_annotation(finding: Finding, level: str = "error") -> str:
    """A `::error file=…,line=…,col=…,title=…::message` workflow command, escaped as documented."""
    properties = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", finding.path),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("title", finding.field or "csi"),
        )
    )
    return f"::{level} {properties}::{escape_data(finding.message)}"


def escape_data(value: str) -> str:
    """Escape a workflow command's message: `%`, CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property: as data, plus `:` and `,`."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`1 day`, `2 days`: a number with its noun in the right form."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def neutralise_workflow_commands(text: str) -> str:
    """Make output safe for CI logs and terminals.

    Control characters other than newline and tab are shown as escapes: a carriage return ends
    a line for GitHub's runner, and escape sequences drive terminals. Then every line that the
    runner would read as a workflow command (it skips leading whitespace, then looks for `::`)
    gets a zero-width space between the colons, which keeps it readable and inert. The
    runner's older syntax, `##[command]`, is found anywhere in a line: every `##[` is broken
    the same way.
    """
    text = _CONTROL.sub(_escape_control, text).replace("##[", f"##{_ZERO_WIDTH_SPACE}[")
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("::"):
            indent = line[: len(line) - len(stripped)]
            lines[i] = f"{indent}:{_ZERO_WIDTH_SPACE}{stripped[1:]}"
    return "\n".join(lines)


def _single_line(value: str) -> str:
    return value.replace("\r", "\\r").replace("\n", "\\n")


# C0 and C1 controls except tab and newline, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\r":
        return "\\r"
    return f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}"


def _file_count(findings: Sequence[Finding]) -> int:
    return len({f.path for f in findings})
