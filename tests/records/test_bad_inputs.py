"""The corpus of bad inputs: each gets its exact `path:line:col: field: message`, exit 1, no change.

Each file in tests/records/bad_inputs/ holds its expected findings as `# expect:` lines, then the
files it writes into a fresh register, each after a `# === path` line (default:
register/CSI-0002.yaml). The expect lines stay in the written file, so line numbers in
expectations are those of the case file as a reader sees it in the single-file cases.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import tree_digest

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(CORPUS.glob("*/*.yaml"))


def _parse_case(text: str) -> tuple[list[str], dict[str, str]]:
    """Expected finding lines, and file path → content to write into the register."""
    expected = [
        line.removeprefix("# expect: ")
        for line in text.splitlines()
        if line.startswith("# expect: ")
    ]
    if "\n# === " not in f"\n{text}":
        return expected, {"register/CSI-0002.yaml": text}
    files: dict[str, str] = {}
    for part in f"\n{text}".split("\n# === ")[1:]:
        path, _, content = part.partition("\n")
        files[path.strip()] = content
    return expected, files


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bad_input_is_reported_precisely(
    case: Path, register_root: Path, run_csi: Callable[..., Result]
) -> None:
    expected, files = _parse_case(case.read_text(encoding="utf-8"))
    for relative, content in files.items():
        (register_root / relative).write_text(content, encoding="utf-8")
    before = tree_digest(register_root)

    result = run_csi(register_root, "validate", "--format", "text")

    assert result.stdout.splitlines() == expected, result.stdout
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(register_root) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "register/CSI-0002.yaml:1:1: file is empty"),
        (b"\n   \n", "register/CSI-0002.yaml:1:1: file is empty"),
        (
            b"schema_version: 1\ntitle: Caf\xe9 opening hours\n",
            "register/CSI-0002.yaml:2:11: file is not valid UTF-8 (byte 0xe9)",
        ),
        (
            b"schema_version: 1\ntitle: " + b"x" * 300_000 + b"\n",
            "register/CSI-0002.yaml:1:1: file is larger than the limit of 262144 bytes",
        ),
        (
            b"schema_version: 1\ntitle: bell\x07\n",
            "register/CSI-0002.yaml:2:12: control character U+0007 is not allowed",
        ),
    ],
    ids=["empty", "blank", "latin-1", "oversized", "control-character"],
)
def test_unreadable_bytes_are_reported_precisely(
    content: bytes, expected: str, register_root: Path, run_csi: Callable[..., Result]
) -> None:
    (register_root / "register" / "CSI-0002.yaml").write_bytes(content)
    before = tree_digest(register_root)

    result = run_csi(register_root, "validate")

    assert result.stdout.splitlines() == [expected]
    assert result.exit_code == 1
    assert tree_digest(register_root) == before
