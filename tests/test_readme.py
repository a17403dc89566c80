"""The README and docs/ stay true: the quick start is what CI runs, the README stays short,
every link resolves, and every command of `csi --help` is documented."""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import click
import pytest
from click.testing import CliRunner

from tests.conftest import PROJECT

README_PATH = PROJECT / "README.md"
DOCS = PROJECT / "docs"
README = README_PATH.read_text(encoding="utf-8")
QUICK_START = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
COMMANDS = re.findall(r"```sh\n(.+?)\n```", QUICK_START, flags=re.DOTALL)
MAX_README_BYTES = 10 * 1024
REFERENCE_PAGES = (
    "README.md",
    "architecture.md",
    "benefit-verdicts.md",
    "ci-workflows.md",
    "commands.md",
    "gate.md",
    "measuring-and-reviewing.md",
    "performance.md",
    "policies.md",
    "priorities.md",
    "records.md",
    "signals.md",
    "site.md",
)

_INLINE_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BARE_URL = re.compile(r"https?://[^\s)>]+", flags=re.IGNORECASE)


def markdown_pages() -> list[Path]:
    """The README and every page in docs/."""
    return [README_PATH, *sorted(DOCS.glob("*.md"))]


def _page_id(page: Path) -> str:
    """A page's name in test ids: its path in the repository."""
    return page.relative_to(PROJECT).as_posix()


def _lines_outside_fences(text: str) -> Iterator[str]:
    """Lines outside fenced code blocks."""
    fence = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        yield line


def _prose_lines(text: str) -> Iterator[str]:
    """Lines outside fenced code blocks, with inline code spans removed."""
    return (_CODE_SPAN.sub("", line) for line in _lines_outside_fences(text))


def link_targets(text: str) -> list[str]:
    """Every link target of a Markdown text: inline links, images and reference definitions."""
    targets: list[str] = []
    for line in _prose_lines(text):
        targets.extend(_INLINE_LINK.findall(line))
        targets.extend(_REFERENCE_LINK.findall(line))
    return targets


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text, not its target
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def heading_anchors(text: str) -> set[str]:
    """Every heading's anchor; repeated headings get -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    anchors: set[str] = set()
    for line in _lines_outside_fences(text):
        match = _HEADING.match(line)
        if match is None:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        anchors.add(slug if count == 0 else f"{slug}-{count}")
        seen[slug] = count + 1
    return anchors


def broken_links(page: Path, root: Path) -> list[str]:
    """Relative links of `page` whose file (inside `root`) or heading anchor does not exist.

    Links with a scheme (https:, mailto:) are not followed: `network_links` forbids them.
    """
    broken: list[str] = []
    for target in link_targets(page.read_text(encoding="utf-8")):
        if _SCHEME.match(target):
            continue
        path_part, _, anchor = target.partition("#")
        if not path_part:
            destination = page
        elif path_part.startswith("/"):
            destination = root / unquote(path_part).lstrip("/")
        else:
            destination = page.parent / unquote(path_part)
        destination = destination.resolve()
        if not destination.is_relative_to(root.resolve()) or not destination.exists():
            broken.append(f"{target}: no such file in the repository")
        elif (
            anchor
            and destination.suffix == ".md"
            and anchor not in heading_anchors(destination.read_text(encoding="utf-8"))
        ):
            broken.append(f"{target}: no heading #{anchor} in {destination.name}")
    return broken


def network_links(text: str) -> list[str]:
    """Links and bare addresses outside code that would need the network to check or follow."""
    found = [target for target in link_targets(text) if _SCHEME.match(target)]
    for line in _prose_lines(text):
        found.extend(_BARE_URL.findall(_INLINE_LINK.sub("", line)))
    return found


def csi_group() -> click.Group:
    """The click group behind the `csi` console script, wherever its module lives."""
    entry_point = importlib.metadata.entry_points(group="console_scripts")["csi"]
    module = importlib.import_module(entry_point.module)
    groups = [value for value in vars(module).values() if isinstance(value, click.Group)]
    roots = [
        group
        for group in groups
        if not any(group in other.commands.values() for other in groups if other is not group)
    ]
    assert len(roots) == 1, f"expected one top-level click group in {entry_point.module}"
    return roots[0]


def listed_commands(group: click.Group, *prefix: str) -> list[str]:
    """Every command `--help` lists, subcommands of subgroups included: ['gate', 'site build']."""
    result = CliRunner().invoke(group, [*prefix, "--help"], prog_name="csi")
    assert result.exit_code == 0, result.output
    section = result.output.split("\nCommands:\n", 1)
    if len(section) == 1:
        return [" ".join(prefix)]
    names = re.findall(r"^  (\S+)", section[1], flags=re.MULTILINE)
    return [command for name in names for command in listed_commands(group, *prefix, name)]


def undocumented(commands: list[str], text: str) -> list[str]:
    """The commands that do not appear in `text` as `csi NAME` in backticks."""
    return [command for command in commands if f"`csi {command}`" not in text]


def test_quick_start_has_exactly_two_commands() -> None:
    assert len(COMMANDS) == 2
    assert all("\n" not in command for command in COMMANDS)
    steps = [step.strip() for step in COMMANDS[0].split("&&")]
    assert steps[-4:] == [
        ".venv/bin/csi validate",
        ".venv/bin/csi prioritize",
        ".venv/bin/csi review",
        ".venv/bin/csi site build",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = COMMANDS[1].removeprefix("python3 -m venv .venv && ")
    assert test_command in ci
    for tool in ("ruff check", "ruff format --check", "mypy", "pytest"):
        assert tool in test_command


def test_readme_is_at_most_ten_kilobytes() -> None:
    size = len(README_PATH.read_bytes())
    assert size <= MAX_README_BYTES, f"README.md is {size} bytes; move detail to docs/"


def test_docs_hold_the_reference_and_both_indexes_link_every_page() -> None:
    assert sorted(page.name for page in DOCS.glob("*.md")) == sorted(REFERENCE_PAGES)
    docs_index = (DOCS / "README.md").read_text(encoding="utf-8")
    for name in REFERENCE_PAGES[1:]:
        assert f"docs/{name}" in link_targets(README), f"README.md does not link docs/{name}"
        assert name in link_targets(docs_index), f"docs/README.md does not link {name}"


@pytest.mark.parametrize("page", markdown_pages(), ids=_page_id)
def test_every_link_resolves(page: Path) -> None:
    assert broken_links(page, PROJECT) == []


@pytest.mark.parametrize("page", markdown_pages(), ids=_page_id)
def test_pages_need_no_network(page: Path) -> None:
    assert network_links(page.read_text(encoding="utf-8")) == []


def test_broken_links_are_found(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other page\n\n## Exit codes\n## Exit codes\n")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "# The page\n"
        "[fine](other.md#exit-codes) [repeated](other.md#exit-codes-1) [self](#the-page)\n"
        "[folder](../docs/) [root](/docs/other.md)\n"
        "[reference]: other.md#other-page\n"
        "[missing](gone.md) [bad anchor](other.md#exit-code) [bad self](#nowhere)\n"
        "[outside](../../etc/passwd) ![image](pic.png)\n"
        "`[in code](gone.md)` [web](https://example.invalid/) and http://bare.invalid/x\n"
        "```\n[in a fence](gone.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page, tmp_path) == [
        "gone.md: no such file in the repository",
        "other.md#exit-code: no heading #exit-code in other.md",
        "#nowhere: no heading #nowhere in page.md",
        "../../etc/passwd: no such file in the repository",
        "pic.png: no such file in the repository",
    ]
    assert network_links(page.read_text(encoding="utf-8")) == [
        "https://example.invalid/",
        "http://bare.invalid/x",
    ]


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Exit codes", "exit-codes"),
        ("`csi site build`", "csi-site-build"),
        ("Two readers, one answer", "two-readers-one-answer"),
        ("What's new: measures/ & signals/", "whats-new-measures--signals"),
        ("[Linked](elsewhere.md) heading_with_underscore", "linked-heading_with_underscore"),
    ],
)
def test_github_slug(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_every_command_of_csi_help_is_documented() -> None:
    commands = listed_commands(csi_group())
    assert {"validate", "site build", "site serve"} <= set(commands)
    assert undocumented(commands, README) == []
    assert undocumented(commands, (DOCS / "commands.md").read_text(encoding="utf-8")) == []
    command_sections = heading_anchors((DOCS / "commands.md").read_text(encoding="utf-8"))
    assert [c for c in commands if github_slug(f"csi {c}") not in command_sections] == []


def test_listed_commands_descend_into_groups_and_undocumented_ones_are_found() -> None:
    @click.group()
    def tool() -> None:
        """A tool."""

    @tool.command()
    def check() -> None:
        """Check."""

    @tool.group()
    def site() -> None:
        """Site."""

    @site.command()
    def build() -> None:
        """Build."""

    commands = listed_commands(tool)
    assert commands == ["check", "site build"]
    assert undocumented(commands, "Run `csi check`, then csi site build.") == ["site build"]
