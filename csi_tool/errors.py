"""Findings and errors: every problem a user sees carries a place (path, line, column, field)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one file, pointing at the line and field that caused it."""

    path: str
    line: int
    column: int
    field: str
    message: str
    code: str = "invalid"

    def __post_init__(self) -> None:
        # a file name that is not UTF-8 is shown, never carried as lone surrogates that no
        # summary, log or JSON could write
        if not self.path.isascii():
            object.__setattr__(self, "path", shown_path(self.path))

    def location(self) -> str:
        """`path:line:col`, the form editors and CI annotations understand."""
        return f"{self.path}:{self.line}:{self.column}"


def shown_path(path: str) -> str:
    """A path as findings and reports show it: a file name that is not UTF-8 (os.walk and
    git give its bytes as lone surrogates, which no text file can hold) with U+FFFD where
    the bytes were."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class CsiError(Exception):
    """Base class of every error csi raises on purpose."""

    exit_code = 1


class FindingsError(CsiError):
    """Input was read but is wrong; carries every finding so all of them can be reported."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings


class YamlError(FindingsError):
    """A file could not be read as the strict YAML csi accepts."""

    def __init__(self, finding: Finding) -> None:
        super().__init__([finding])
        self.finding = finding


class ConfigError(CsiError):
    """The tool cannot run as asked: missing folders, bad options, a git ref that does not exist."""

    exit_code = 2


def display_path(path: Path, root: Path) -> str:
    """A path relative to the register root when possible, always with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
