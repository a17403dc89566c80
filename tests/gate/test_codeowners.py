"""`csi codeowners`: CODEOWNERS generated from the governance policy, and its staleness check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import MINIMAL_RECORD, PROJECT, write_record


def test_codeowners_maps_records_by_service_and_policies_to_governance(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(
        register_root,
        "CSI-0002",
        MINIMAL_RECORD.format(id="CSI-0002", title="Net") + "service: Network\n",
    )
    result = run_csi(register_root, "codeowners")
    assert result.stdout.strip() == "wrote .github/CODEOWNERS"
    lines = (register_root / ".github" / "CODEOWNERS").read_text().splitlines()
    assert lines[3:] == [
        "/register/ @acme/csi-managers",
        "/register/CSI-0001.yaml @acme/csi-managers",
        "/register/CSI-0002.yaml @acme/network-leads",
        "/policies/ @acme/csi-board",
        "/schema/ @acme/csi-board",
        "/.github/workflows/ @acme/csi-board",
        "/.github/actions/ @acme/csi-board",
        "/.github/csi-requirements.txt @acme/csi-board",
        "/.github/dependabot.yml @acme/csi-board",
        "/.pre-commit-config.yaml @acme/csi-board",
        "/site/ @acme/csi-board",
        "/csi_tool/ @acme/csi-board",  # this repository's own policy also guards csi itself
        "/pyproject.toml @acme/csi-board",
        "/.ci/ @acme/csi-board",
        "/.pre-commit-hooks.yaml @acme/csi-board",
        "/.github/CODEOWNERS @acme/csi-board",  # last: nothing after it re-routes the file
    ]
    assert run_csi(register_root, "codeowners").stdout == ""  # nothing changed, nothing written


def test_check_fails_when_a_record_is_added_or_the_policy_changes(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    run_csi(register_root, "codeowners")
    assert run_csi(register_root, "codeowners", "--check").exit_code == 0

    write_record(register_root, "CSI-0002", MINIMAL_RECORD.format(id="CSI-0002", title="New one"))
    stale = run_csi(register_root, "codeowners", "--check")
    assert stale.exit_code == 1
    assert "stale; run `csi codeowners` and commit the result" in stale.stderr

    run_csi(register_root, "codeowners")
    governance = register_root / "policies" / "governance.yaml"
    governance.write_text(governance.read_text().replace("@acme/csi-board", "@acme/board"))
    assert run_csi(register_root, "codeowners", "--check").exit_code == 1


def test_the_committed_codeowners_is_current(run_csi: Callable[..., Result]) -> None:
    assert run_csi(PROJECT, "codeowners", "--check").exit_code == 0
