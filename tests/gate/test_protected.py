"""Protected-path patterns: the part of gitignore's syntax that CODEOWNERS shares."""

from __future__ import annotations

import pytest

from csi_tool.gate.protected import codeowners_pattern, is_protected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("site/", "site/mkdocs.yml", True),
        ("site/", "site/overrides/main.html", True),
        ("site/", "site", True),  # a link or submodule where the folder belongs
        ("site/", "website/mkdocs.yml", False),
        ("site", "site/mkdocs.yml", True),  # without the slash: the file or the folder
        (".github/CODEOWNERS", ".github/CODEOWNERS", True),
        (".github/CODEOWNERS", ".github/CODEOWNERS.bak", False),
        ("*.toml", "pyproject.toml", True),
        ("*.toml", "sub/pyproject.toml", False),  # * stays within one folder
        ("**/*.toml", "sub/deep/pyproject.toml", True),
        ("**/*.toml", "pyproject.toml", True),
        (".github/workflows/*.yml", ".github/workflows/pr.yml", True),
        (".github/workflows/*.yml", ".github/workflows/pr.yaml", False),
        ("/pyproject.toml", "pyproject.toml", True),
        ("a?c", "abc", True),
        ("a.c", "abc", False),  # dots are literal
    ],
)
def test_patterns_match_like_codeowners(pattern: str, path: str, expected: bool) -> None:
    assert is_protected(path, [pattern]) is expected


def test_codeowners_lines_are_anchored_at_the_top() -> None:
    assert codeowners_pattern("site/") == "/site/"
    assert codeowners_pattern("/pyproject.toml") == "/pyproject.toml"
