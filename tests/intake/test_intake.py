"""`csi intake`: an issue raised with the form becomes a valid `logged` record, or a comment
saying what is missing; the issue's text is data, never markup, YAML syntax or a command."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import Result

from csi_tool.yaml import strict
from tests.conftest import PROJECT, git
from tests.intake.events import ANSWERS, issue_event

FORM = PROJECT / "csi_tool" / "templates" / ".github" / "ISSUE_TEMPLATE" / "improvement.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """This repository's register, committed on main."""
    import shutil

    root = tmp_path / "repo"
    for name in ("policies", "register", "schema", "site"):
        shutil.copytree(PROJECT / name, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(
        root,
        "-c",
        "user.name=Maintainer",
        "-c",
        "user.email=m@example.com",
        "commit",
        "-qm",
        "Register",
    )
    return root


def _register_files(root: Path) -> set[str]:
    return {path.name for path in (root / "register").iterdir()}


def test_the_issue_form_is_valid_for_github() -> None:
    """Checked against GitHub's issue-form schema (as vendored by check-jsonschema)."""
    vendored = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    schema = json.loads((vendored / "github-issue-forms.json").read_text(encoding="utf-8"))
    form = strict.load_fast(FORM.read_text(encoding="utf-8"), str(FORM))
    jsonschema.validate(form, schema)
    assert (PROJECT / ".github" / "ISSUE_TEMPLATE" / FORM.name).read_text() == FORM.read_text()
    kinds = form["body"][-1]["attributes"]["options"]
    from csi_tool.fields import SourceKind

    assert ["_".join(k.lower().split()) for k in kinds] == [k.value for k in SourceKind]


def test_an_accepted_issue_becomes_a_logged_record_the_gate_accepts(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    before = _register_files(repo)
    out = tmp_path / "out"
    result = run_csi(
        repo, "intake", str(issue_event(tmp_path / "event.json")), "--out-dir", str(out)
    )
    assert result.exit_code == 0, result.output
    [added] = _register_files(repo) - before
    record = strict.load_fast((repo / "register" / added).read_text(), added)
    assert record["id"] == added.removesuffix(".yaml") == "CSI-0019"  # the next free id
    assert record["title"] == "Stop incidents being reopened"  # the form's prefix dropped
    assert record["status"] == "logged"
    assert record["service"] == "Service Desk"
    assert record["current_state"]["summary"] == ANSWERS["What is wrong today"]
    assert record["vision"] == {
        "statement": ANSWERS["What better looks like"],
        "business_value": ANSWERS["How often it happens or what it costs"],
    }
    source = record["source"]
    assert source["kind"] == "incident_trend"
    assert source["raised_by"] == "@alice"
    assert source["references"] == {
        "incidents": ["INC0012345"],
        "problems": ["PRB0004567"],
        "links": [
            "https://github.com/acme/register/issues/17",
            "https://reports.example.com/reopens",
        ],
    }
    assert "CHG0031337" in source["note"]  # what no reference list holds is kept in words
    assert (out / "branch.txt").read_text() == "csi-intake/issue-17\n"
    assert (out / "title.txt").read_text() == "CSI-0019: Stop incidents being reopened\n"
    assert "@alice" in (out / "body.md").read_text()
    assert run_csi(repo, "validate").exit_code == 0
    git(repo, "switch", "-qc", "csi-intake/issue-17")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=bot", "-c", "user.email=b@example.com", "commit", "-qm", "Add")
    gate = run_csi(repo, "gate", "--base", "main")
    assert gate.exit_code == 0, gate.output
    assert "CSI-0019 added: logged" in gate.output


def test_missing_answers_are_named_in_a_comment_and_nothing_is_written(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    answers = {**ANSWERS, "Service": None, "What better looks like": None}
    before = _register_files(repo)
    out = tmp_path / "out"
    event = issue_event(tmp_path / "event.json", answers)
    result = run_csi(repo, "intake", str(event), "--out-dir", str(out))
    assert result.exit_code == 1
    assert _register_files(repo) == before
    comment = (out / "comment.md").read_text()
    assert "“Service” has no answer" in comment
    assert "“What better looks like” has no answer" in comment
    assert not (out / "title.txt").exists()


HOSTILE = {
    "workflow command": "::error file=x::pwned\n::set-env name=PATH::/tmp\n::add-mask::x",
    "html": '<script>alert(1)</script><img src=x onerror="alert(2)"> & <b>bold</b>',
    "markdown": "[click](javascript:alert(1)) **bold** `code` > quote\n# heading",
    "yaml": 'key: value\n- item\n&anchor *alias !!python/object/apply:os.system ["id"]\n'
    "{[ # not a comment ]}\n---\n...\n@handle %TAG ! tag:x,2000: | > '\"\\",
    "shell": "$(touch /tmp/csi-pwned) `id` ; rm -rf / && echo \"$HOME\" '${IFS}'",
    "unicode": "Café — 20 % faster, naïve façade, 日本語, emoji 🎉",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_is_kept_as_text_and_never_echoed(
    kind: str, repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    text = HOSTILE[kind]
    answers = {
        **ANSWERS,
        "What is wrong today": text,
        "How often it happens or what it costs": text,
    }
    event = issue_event(tmp_path / "event.json", answers, title=f"[Improvement]: {kind} idea")
    result = run_csi(repo, "intake", str(event), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    record = strict.load_fast((repo / "register" / "CSI-0019.yaml").read_text(), "CSI-0019")
    assert record["current_state"]["summary"] == text  # the same characters, read back
    assert record["vision"]["business_value"] == text
    assert run_csi(repo, "validate").exit_code == 0
    # csi's output names the file and the issue, never the issue's text
    assert result.output == "wrote register/CSI-0019.yaml from issue #17\n"


def test_a_100_kb_answer_is_refused_with_the_limit(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    answers = {**ANSWERS, "What is wrong today": "Too long. " * 10_240}
    out = tmp_path / "out"
    result = run_csi(
        repo, "intake", str(issue_event(tmp_path / "e.json", answers)), "--out-dir", str(out)
    )
    assert result.exit_code == 1
    assert (
        "“What is wrong today” is too long: at most 20,000 characters."
        in (out / "comment.md").read_text()
    )
    assert "Too long." not in result.output  # the text itself is never echoed
    assert not (repo / "register" / "CSI-0019.yaml").exists()


@pytest.mark.parametrize(
    ("where", "answers", "title"),
    [
        ("“What is wrong today”", {**ANSWERS, "What is wrong today": "safe \u202e txt.exe"}, None),
        ("the title", ANSWERS, "Fix \u2067the\u2069 portal"),
        ("“Service”", {**ANSWERS, "Service": "Desk\x07"}, None),
    ],
)
def test_invisible_and_control_characters_are_refused_not_dropped(
    where: str,
    answers: dict[str, str | None],
    title: str | None,
    repo: Path,
    tmp_path: Path,
    run_csi: Callable[..., Result],
) -> None:
    event = issue_event(tmp_path / "e.json", answers, title or "[Improvement]: A fine idea")
    out = tmp_path / "out"
    result = run_csi(repo, "intake", str(event), "--out-dir", str(out))
    assert result.exit_code == 1
    assert (out / "comment.md").read_text().count(where) == 1
    assert not (repo / "register" / "CSI-0019.yaml").exists()


@pytest.mark.parametrize(
    ("title", "said"),
    [("[Improvement]: ", "the title is too short"), ("x" * 121, "at most 120 characters")],
)
def test_a_title_that_cannot_be_a_records_is_said(
    title: str, said: str, repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    out = tmp_path / "out"
    event = issue_event(tmp_path / "e.json", title=title)
    assert run_csi(repo, "intake", str(event), "--out-dir", str(out)).exit_code == 1
    assert said in (out / "comment.md").read_text()


def test_a_heading_inside_an_answer_stays_in_the_answer(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    inner = "It breaks.\n\n### Service\n\nNot a question of the form, part of the answer."
    answers = {**ANSWERS, "What is wrong today": inner}
    assert run_csi(repo, "intake", str(issue_event(tmp_path / "e.json", answers))).exit_code == 0
    record = strict.load_fast((repo / "register" / "CSI-0019.yaml").read_text(), "CSI-0019")
    assert record["service"] == "Service Desk"
    assert record["current_state"]["summary"] == inner


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"{not json", "is not JSON"),
        (b'{"action": "labeled"}', "holds no issue"),
        (b'{"issue": {"number": "17", "title": "x", "body": ""}}', "has no number"),
    ],
)
def test_an_event_that_is_no_issue_is_a_clear_error(
    content: bytes, said: str, repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    path = tmp_path / "event.json"
    path.write_bytes(content)
    result = run_csi(repo, "intake", str(path))
    assert result.exit_code == 2
    assert said in result.output


def test_a_bot_or_odd_login_is_not_credited_but_the_idea_lands(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    event = issue_event(tmp_path / "e.json", login="dependabot[bot]")
    assert run_csi(repo, "intake", str(event)).exit_code == 0
    record = strict.load_fast((repo / "register" / "CSI-0019.yaml").read_text(), "CSI-0019")
    assert "raised_by" not in record["source"]


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        (
            {**ANSWERS, "Where the idea comes from": "Audit\n\nEdit: also the portal."},
            "“Where the idea comes from” must be one of the form's choices",
        ),
        (
            {"What is wrong today": "x", "Service": "Desk", **ANSWERS},
            "the heading “### What is wrong today” is not where the form puts it",
        ),
        ({**ANSWERS, "Service": "Desk \ud800"}, "“Service” contains control characters"),
        ({**ANSWERS, "Service": "\u200b\u200b\u200b"}, "characters that show as nothing"),
    ],
)
def test_answers_the_form_would_not_give_are_said_not_guessed(
    answers: dict[str, str | None],
    said: str,
    repo: Path,
    tmp_path: Path,
    run_csi: Callable[..., Result],
) -> None:
    """Text added at the end lands in the last answer, a dropdown; headings moved around
    are not where the form puts them: neither is silently dropped or read as another."""
    out = tmp_path / "out"
    event = issue_event(tmp_path / "e.json", answers)
    assert run_csi(repo, "intake", str(event), "--out-dir", str(out)).exit_code == 1
    assert said in (out / "comment.md").read_text()
    assert not (repo / "register" / "CSI-0019.yaml").exists()


def test_references_at_the_end_of_a_sentence_and_in_capitals_are_found(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    references = "See INC0012345. And HTTPS://Reports.example.com/r, (PRB0000001)."
    event = issue_event(tmp_path / "e.json", {**ANSWERS, "References": references})
    assert run_csi(repo, "intake", str(event)).exit_code == 0
    record = strict.load_fast((repo / "register" / "CSI-0019.yaml").read_text(), "CSI-0019")
    found = record["source"]["references"]
    assert found["incidents"] == ["INC0012345"] and found["problems"] == ["PRB0000001"]
    assert found["links"][1] == "https://Reports.example.com/r"


def test_an_out_dir_that_cannot_be_made_stops_before_any_record(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    (tmp_path / "afile").write_text("")
    event = issue_event(tmp_path / "e.json")
    result = run_csi(repo, "intake", str(event), "--out-dir", str(tmp_path / "afile" / "sub"))
    assert result.exit_code == 2
    assert not (repo / "register" / "CSI-0019.yaml").exists()


def test_an_event_nested_too_deeply_is_refused_not_a_crash(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = run_csi(repo, "intake", str(path))
    assert result.exit_code == 2 and "nested too deeply" in result.output
